package dev.vyre.uring;

import dev.vyre.api.Session;
import dev.vyre.protocol.BackendException;
import dev.vyre.protocol.PipelineException;
import dev.vyre.protocol.SyscallException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Streams files into a session's data buffer with io_uring and publishes one slot per chunk.
 *
 * <p>For each chunk: take a staging region (its slot must be EMPTY or DONE — checked on the
 * slot's status word), read the chunk into it ({@code READ_FIXED} into the registered data
 * buffer, O_DIRECT when aligned), publish the slot ({@code CRC32C(offset, length, observable,
 * sequence)} by default), and when the slot is DONE compare its observable word with the host's
 * CRC-32C of the staged bytes and report the chunk. When every region is in use the pump waits
 * for a slot to reach DONE (back-pressure), at most the stall timeout.
 *
 * <p>Not thread-safe: call {@link #ingest} from one thread. {@link #close()} cancels and drains
 * in-flight reads before it returns, so the data buffer can be released afterwards.
 */
public final class FileIngestPump implements AutoCloseable, UringFileReader.Completion {

    private static final long REAP_WAIT_NANOS = 1_000_000L;

    private final IngestOptions options;
    private final StagingRegions regions;
    private final UringFileReader reader;
    private final Backoff backoff = new Backoff();
    private final boolean alignedForDirect;
    private final long[] regionFileOffset;
    private final long[] regionSequence;
    private final int[] regionExpected;
    private long readErrors;
    // per-file state, valid during ingest()
    private String path;
    private PipelineException fileError;
    private long fileBytes;
    private long fileChunks;
    private long fileVerified;
    private long truncatedAt;

    /**
     * @param session  a running session with a data buffer of at least one chunk
     * @param options  chunking, opcode, tenant, slot and observable ranges
     * @param listener receives every settled chunk
     * @throws SyscallException when io_uring cannot be set up here
     */
    public FileIngestPump(Session session, IngestOptions options, IngestListener listener) {
        this.options = options;
        IngestListener counting = chunk -> {
            if (chunk.verified()) {
                fileVerified++;
            }
            fileChunks++;
            fileBytes += chunk.length();
            listener.onChunk(chunk);
        };
        this.regions = new StagingRegions(session, options, counting);
        this.reader = new UringFileReader(regions.data(), Math.min(options.queueDepth(), regions.count()),
                options.fixedBuffers());
        this.alignedForDirect = regions.data().address() % NativeFiles.DIRECT_ALIGNMENT == 0
                && options.chunkBytes() % NativeFiles.DIRECT_ALIGNMENT == 0;
        this.regionFileOffset = new long[regions.count()];
        this.regionSequence = new long[regions.count()];
        this.regionExpected = new int[regions.count()];
    }

    /** @return staging regions (= slots in flight at most) */
    public int regionCount() {
        return regions.count();
    }

    /** @return true when reads use READ_FIXED into the registered data buffer */
    public boolean fixedBuffers() {
        return reader.fixedBuffers();
    }

    /** @return counters since the pump opened */
    public IngestTelemetry telemetry() {
        return regions.telemetry(reader.fixedBuffers(), reader.registrationErrno(), reader.shortReads(), readErrors);
    }

    /** Streams each file in turn. @return one report per file, in order */
    public List<FileReport> ingest(List<Path> files) {
        List<FileReport> reports = new ArrayList<>(files.size());
        for (Path file : files) {
            reports.add(ingest(file));
        }
        return reports;
    }

    /**
     * Streams one file: every chunk is read, published, DONE and (for CRC32C) verified before this
     * returns. A failed read, a file that shrinks while it is read, or a file that cannot be opened
     * ends the file with {@link FileReport#error()}; chunks read before the failure are still
     * published and settled, nothing is dropped silently.
     *
     * @throws dev.vyre.protocol.QueueFullException when no slot reaches DONE within the stall timeout
     */
    public FileReport ingest(Path file) {
        path = file.toString();
        fileError = null;
        fileBytes = 0;
        fileChunks = 0;
        fileVerified = 0;
        truncatedAt = Long.MAX_VALUE;
        boolean direct = options.directIo() && alignedForDirect;
        int fd;
        try {
            fd = NativeFiles.openRead(file, direct);
        } catch (SyscallException e) {
            if (!direct || e.errno() != Errno.EINVAL) {
                readErrors++;
                return new FileReport(path, 0, 0, 0, 0, false, e);
            }
            direct = false; // the file system refuses O_DIRECT (tmpfs, ...): read through the page cache
            try {
                fd = NativeFiles.openRead(file, false);
            } catch (SyscallException again) {
                readErrors++;
                return new FileReport(path, 0, 0, 0, 0, false, again);
            }
        }
        long size = 0;
        try {
            size = Files.size(file);
            pump(fd, size, direct);
            regions.awaitSettled(backoff);
            if (truncatedAt != Long.MAX_VALUE && fileError == null) {
                fileError = new BackendException(path + " ended at byte " + truncatedAt + " while " + size
                        + " bytes were expected: the file was truncated during ingest",
                        "do not truncate files while they are being ingested; ingest it again");
            }
        } catch (IOException e) {
            readErrors++;
            fileError = new BackendException("cannot stat " + path + ": " + e.getMessage(),
                    "check the path and its permissions", e);
        } finally {
            if (reader.inFlight() > 0) {
                reader.cancelAll(this);
            }
            NativeFiles.close(fd);
        }
        return new FileReport(path, size, fileBytes, fileChunks, fileVerified, direct, fileError);
    }

    private void pump(int fd, long size, boolean direct) {
        long next = 0;
        long seq = 0;
        while (true) {
            while (fileError == null && truncatedAt == Long.MAX_VALUE && next < size && reader.hasCapacity()) {
                int r = regions.tryAcquire();
                if (r < 0) {
                    break;
                }
                int len = (int) Math.min(options.chunkBytes(), size - next);
                long request = direct ? roundUp(len) : len;
                regionFileOffset[r] = next;
                regionSequence[r] = seq++;
                regionExpected[r] = len;
                reader.submitRead(fd, next, regions.offset(r), request, len, r);
                next += len;
            }
            if (reader.inFlight() > 0) {
                reader.reap(this, REAP_WAIT_NANOS);
                continue;
            }
            if (fileError != null || truncatedAt != Long.MAX_VALUE || next >= size) {
                return;
            }
            awaitRegion();
        }
    }

    private void awaitRegion() {
        long start = System.nanoTime();
        long deadline = start + options.stallTimeout().toNanos();
        regions.backpressureWaits++;
        backoff.reset();
        try {
            while (regions.settleAll() == regions.count()) {
                if (System.nanoTime() - deadline >= 0) {
                    throw regions.stalled();
                }
                backoff.idle();
            }
            if (regions.allDead()) {
                throw new BackendException("every staging slot FAULTed; the opcode 0x"
                        + Integer.toHexString(options.opcode()) + " does not complete",
                        "use the CRC32C opcode or a custom opcode that ends in DONE");
            }
        } finally {
            regions.backpressureNanos += System.nanoTime() - start;
        }
    }

    private static long roundUp(long len) {
        return (len + NativeFiles.DIRECT_ALIGNMENT - 1) & -NativeFiles.DIRECT_ALIGNMENT;
    }

    @Override
    public void complete(long token, long bytes, int errno) {
        int r = (int) token;
        long at = regionFileOffset[r];
        if (errno != 0) {
            readErrors++;
            regions.release(r);
            if (fileError == null) {
                fileError = new SyscallException((reader.fixedBuffers() ? "io_uring READ_FIXED" : "io_uring READ")
                        + " of " + path + " at offset " + at + " (" + regionExpected[r] + " bytes) "
                        + Errno.name(errno), errno, Errno.readFix(errno));
            }
            return;
        }
        int got = (int) Math.min(bytes, regionExpected[r]);
        if (got > 0) {
            regions.publish(r, got, path, regionSequence[r], at);
        } else {
            regions.release(r);
        }
        if (got < regionExpected[r]) {
            readErrors++;
            truncatedAt = Math.min(truncatedAt, at + got); // completions arrive in any order: keep the lowest end
        }
    }

    /** Cancels and drains in-flight reads, then tears the ring down; idempotent. */
    @Override
    public void close() {
        reader.close();
    }
}
