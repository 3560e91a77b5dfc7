package dev.vyre.uring;

import dev.vyre.api.Session;
import dev.vyre.protocol.IoQueueLayout;
import dev.vyre.protocol.IoRequest;
import dev.vyre.protocol.PipelineException;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.List;

/**
 * Serves GPU-initiated IO (LOAD_MISS) with io_uring: a service thread claims PUBLISHED IO
 * requests ({@link Session#claimIoRequests()}, a CAS per slot), reads each READ's
 * resource ({@link IoResourceRegistry}) into its data-buffer region with READ_FIXED, and
 * completes it OK, or ERROR for an unknown resource, a failed read, WRITE or an unknown op.
 * FENCE completes OK once every read claimed before it completed. A read that ends early at end
 * of file is OK; the rest of its region is zeroed.
 *
 * <p>Waits are bounded on this side too: the thread idles with a spin-then-park backoff (at most
 * 200 µs), waits for completions at most 200 µs at a time, and never blocks on the interpreter.
 * A request the interpreter took back after its IO wait timed out cannot be completed; that is
 * counted in {@link #abandoned()}. {@link #close()} stops the thread, cancels in-flight reads and
 * completes every request it still holds with ERROR, so no IO slot stays CLAIMED.
 */
public final class IoQueueService implements AutoCloseable, UringFileReader.Completion {

    private static final long REAP_NANOS = 200_000L;
    private static final System.Logger LOG = System.getLogger(IoQueueService.class.getName());

    private final Session session;
    private final IoResourceRegistry registry;
    private final MemorySegment data;
    private final UringFileReader reader;
    private final Thread thread;
    private final Backoff backoff = new Backoff();
    private final long[] regionOffset = new long[IoQueueLayout.IO_SLOT_COUNT];
    private final int[] regionLength = new int[IoQueueLayout.IO_SLOT_COUNT];
    private final int[] fences = new int[IoQueueLayout.IO_SLOT_COUNT];
    private int fenceCount;
    private volatile boolean stop;
    private volatile Throwable failure;
    private volatile long served;
    private volatile long errors;
    private volatile long unknownResources;
    private volatile long abandoned;

    private IoQueueService(Session session, IoResourceRegistry registry) {
        this.session = session;
        this.registry = registry;
        this.data = session.dataBuffer();
        this.reader = new UringFileReader(data, IoQueueLayout.IO_SLOT_COUNT, true);
        this.thread = Thread.ofPlatform().name("vyre-io-queue").daemon().unstarted(this::run);
    }

    /**
     * Starts the service thread for {@code session}'s IO queue.
     *
     * @throws dev.vyre.protocol.SyscallException when io_uring cannot be set up here
     */
    public static IoQueueService start(Session session, IoResourceRegistry registry) {
        IoQueueService service = new IoQueueService(session, registry);
        service.thread.start();
        return service;
    }

    /**
     * @return requests completed OK: every completion a thread has seen (an IO slot's outcome, the ring slot that
     *         waited for it) is counted; one being refused at that moment is counted until it moves to
     *         {@link #abandoned()}
     */
    public long served() {
        return served;
    }

    /** @return requests completed ERROR (failed reads, WRITE, unknown ops and resources), counted as {@link #served()} */
    public long errors() {
        return errors;
    }

    /** @return READ requests naming no registered resource */
    public long unknownResources() {
        return unknownResources;
    }

    /** @return completions refused because the interpreter had already taken the request back (its IO wait timed out) */
    public long abandoned() {
        return abandoned;
    }

    /** @return true when reads use READ_FIXED into the registered data buffer */
    public boolean fixedBuffers() {
        return reader.fixedBuffers();
    }

    private void run() {
        try {
            while (!stop) {
                List<IoRequest> claimed = session.claimIoRequests();
                for (int i = 0; i < claimed.size(); i++) {
                    serve(claimed.get(i));
                }
                if (reader.inFlight() > 0) {
                    reader.reap(this, REAP_NANOS);
                    backoff.reset();
                } else if (claimed.isEmpty()) {
                    backoff.idle();
                } else {
                    backoff.reset();
                }
                completeFencesIfDrained();
            }
        } catch (RuntimeException | Error e) {
            failure = e;
            LOG.log(System.Logger.Level.ERROR, "IO queue service stopped: " + e.getMessage(), e);
        } finally {
            reader.cancelAll((token, bytes, errno) -> finish((int) token, false));
            for (int i = 0; i < fenceCount; i++) {
                finish(fences[i], false);
            }
            fenceCount = 0;
            reader.close();
        }
    }

    private void serve(IoRequest request) {
        int slot = request.slotIdx();
        switch (request.opType()) {
            case IoQueueLayout.OP_READ -> read(request);
            case IoQueueLayout.OP_FENCE -> {
                fences[fenceCount++] = slot;
                completeFencesIfDrained();
            }
            default -> finish(slot, false);
        }
    }

    private void read(IoRequest request) {
        int slot = request.slotIdx();
        IoResourceRegistry.Resource resource = registry.get(request.srcHandle());
        if (resource == null) {
            unknownResources++;
            LOG.log(System.Logger.Level.WARNING, "IO slot " + slot + " asked for unregistered resource "
                    + Integer.toUnsignedString(request.srcHandle()) + "; completing ERROR (the slot FAULTs). Fix:"
                    + " register it with IoResourceRegistry.register before the GPU asks for it");
            finish(slot, false);
            return;
        }
        int length = request.byteCount() == 0 ? resource.length()
                : (int) Math.min(Integer.toUnsignedLong(request.byteCount()), resource.length());
        if (resource.dataOffset() + length > data.byteSize() || request.offset() < 0) {
            finish(slot, false);
            return;
        }
        regionOffset[slot] = resource.dataOffset();
        regionLength[slot] = length;
        reader.submitRead(resource.fd(), resource.fileOffset() + request.offset(), resource.dataOffset(), length,
                length, slot);
    }

    private void completeFencesIfDrained() {
        if (fenceCount > 0 && reader.inFlight() == 0) {
            for (int i = 0; i < fenceCount; i++) {
                finish(fences[i], true);
            }
            fenceCount = 0;
        }
    }

    @Override
    public void complete(long token, long bytes, int errno) {
        int slot = (int) token;
        if (errno == 0 && bytes < regionLength[slot]) {
            data.asSlice(regionOffset[slot] + bytes, regionLength[slot] - bytes).fill((byte) 0);
        }
        if (errno != 0) {
            LOG.log(System.Logger.Level.WARNING, "IO slot " + slot + " read failed with " + Errno.name(errno)
                    + "; completing ERROR. Fix: " + Errno.readFix(errno));
        }
        finish(slot, errno == 0);
    }

    /**
     * Completes the request, counted first: a thread that sees the completion (the slot's outcome) also sees it in
     * {@link #served()} or {@link #errors()}, since the count is written before the completion's release.
     */
    private void finish(int slot, boolean ok) {
        if (ok) {
            served++;
        } else {
            errors++;
        }
        try {
            session.completeIoRequest(slot, ok);
        } catch (PipelineException e) {
            uncount(ok);
            abandoned++; // the interpreter's IO wait timed out and it took the request back
        } catch (RuntimeException | Error e) {
            uncount(ok);
            throw e;
        }
    }

    private void uncount(boolean ok) {
        if (ok) {
            served--;
        } else {
            errors--;
        }
    }

    /**
     * Stops the thread (bounded), cancels and drains in-flight reads, and completes every request
     * it still holds with ERROR. Idempotent.
     *
     * @throws IllegalStateException when the thread does not stop within 10 s
     */
    @Override
    public void close() {
        stop = true;
        try {
            thread.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            throw new IllegalStateException("the IO queue service thread did not stop within 10 s. Fix: check that"
                    + " the session is still open and io_uring reads are completing");
        }
    }

    /** @return what stopped the thread early, or null */
    public Throwable failure() {
        return failure;
    }
}
