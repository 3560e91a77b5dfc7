package dev.vyre.uring;

import dev.vyre.protocol.QueueFullException;
import dev.vyre.protocol.SyscallException;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;
import org.lwjgl.system.MemoryUtil;
import org.lwjgl.system.linux.IOVec;
import org.lwjgl.system.linux.KernelTimespec;
import org.lwjgl.system.linux.liburing.IOURing;
import org.lwjgl.system.linux.liburing.IOURingCQE;
import org.lwjgl.system.linux.liburing.IOURingSQE;
import org.lwjgl.system.linux.liburing.LibIOURing;
import org.lwjgl.system.linux.liburing.LibURing;

/**
 * Reads file ranges into one native buffer (a session's data buffer) with io_uring through
 * LWJGL's liburing. The buffer is registered with {@code io_uring_register_buffers} and read
 * with {@code READ_FIXED}; when the kernel refuses the registration (memlock limit, ...) the
 * reader falls back to plain {@code READ}, says so once in the log and reports it in
 * {@link #fixedBuffers()} / {@link #registrationErrno()}.
 *
 * <p>Before registering, the reader backs the buffer's whole 2 MiB pages with transparent huge
 * pages ({@code madvise MADV_HUGEPAGE + MADV_COLLAPSE}, best effort, see {@link #hugePageBytes()}):
 * O_DIRECT reads into 4 KiB pages from a fragmented free list need one DMA segment per page, and a
 * disk with few descriptors (virtio-blk without indirect descriptors) then holds only one or two
 * 1 MiB reads at a time whatever the queue depth. {@code -Dvyre.uring.hugePages=false} (or the
 * four-argument constructor) leaves the buffer's pages as they are.
 *
 * <p>Up to {@code queueDepth} requests are in flight. Completions are matched to requests by
 * {@code user_data} (slot index and generation), never by order; a short read is resubmitted
 * for the rest until the request's expected byte count arrived or the file ends; every failure
 * is reported for its request with the errno. Every SQE is zeroed before it is filled.
 * {@link #close()} cancels and drains in-flight reads before the ring and registration go away.
 *
 * <p>Not thread-safe: one thread submits and reaps. Allocation-free after construction.
 */
public final class UringFileReader implements AutoCloseable {

    /** Receives finished requests. */
    @FunctionalInterface
    public interface Completion {
        /**
         * @param token the caller's token from {@link #submitRead}
         * @param bytes bytes that landed at the request's buffer offset (fewer than expected at end of file)
         * @param errno 0 on success, else the positive errno of the failed read
         */
        void complete(long token, long bytes, int errno);
    }

    /** One registered buffer covers at most this many bytes (the kernel's limit is 1 GiB). */
    static final long REGISTERED_PIECE = 1L << 30;
    private static final long CANCEL_MARK = 1L << 63;
    private static final long DRAIN_NANOS = 10_000_000_000L;
    private static final System.Logger LOG = System.getLogger(UringFileReader.class.getName());
    private static final AtomicBoolean FALLBACK_LOGGED = new AtomicBoolean();
    private static final AtomicBoolean HUGE_PAGES_LOGGED = new AtomicBoolean();

    private final int depth;
    private final long ring;
    private final long base;
    private final long size;
    private final boolean fixed;
    private final int registrationErrno;
    private final long hugePageBytes;
    private final int hugePageErrno;
    private final long[] pieceStarts;
    private final long cqePointers;
    private final int cqeCapacity;
    private final long timespec;
    // request table, indexed by request id
    private final int[] fds;
    private final long[] fileOffsets;
    private final long[] bufferOffsets;
    private final long[] lengths;
    private final long[] expected;
    private final long[] queued;
    private final long[] done;
    private final long[] tokens;
    private final int[] generations;
    private final int[] free;
    private final boolean[] busy;
    private int freeTop;
    private int inFlight;
    private long shortReads;
    private long submissions;
    private boolean reaping;
    private boolean closed;

    /**
     * Sets up a ring of {@code queueDepth} entries, backs {@code buffer} with huge pages where it
     * can (unless {@code -Dvyre.uring.hugePages=false}) and registers it.
     *
     * @param buffer     native memory reads land in (the session's data buffer)
     * @param queueDepth in-flight reads, 1..4096
     * @param register   false to skip registration and use plain READ
     * @throws SyscallException when io_uring cannot be set up (seccomp, old kernel)
     */
    public UringFileReader(MemorySegment buffer, int queueDepth, boolean register) {
        this(buffer, queueDepth, register, !"false".equalsIgnoreCase(System.getProperty("vyre.uring.hugePages")));
    }

    /**
     * Sets up a ring of {@code queueDepth} entries and registers {@code buffer}.
     *
     * @param buffer     native memory reads land in (the session's data buffer)
     * @param queueDepth in-flight reads, 1..4096
     * @param register   false to skip registration and use plain READ
     * @param hugePages  true to back the buffer's whole 2 MiB pages with transparent huge pages first
     *                   (contents and addresses unchanged), false to leave its pages as they are
     * @throws SyscallException when io_uring cannot be set up (seccomp, old kernel)
     */
    public UringFileReader(MemorySegment buffer, int queueDepth, boolean register, boolean hugePages) {
        if (queueDepth < 1 || queueDepth > 4096) {
            throw QueueFullException.submission("io_uring queue depth " + queueDepth
                    + " is outside 1..4096; pass a depth in that range");
        }
        if (buffer.byteSize() > 0 && !buffer.isNative()) {
            throw QueueFullException.submission("io_uring reads need native memory, not a heap segment;"
                    + " pass a session's data buffer or an Arena allocation");
        }
        this.depth = queueDepth;
        this.base = buffer.address();
        this.size = buffer.byteSize();
        this.ring = MemoryUtil.nmemCalloc(1, IOURing.SIZEOF);
        int ret = LibURing.nio_uring_queue_init(queueDepth, ring, 0);
        if (ret < 0) {
            MemoryUtil.nmemFree(ring);
            throw new SyscallException("io_uring_queue_init(" + queueDepth + ")", -ret,
                    "io_uring needs Linux 5.6+ and must not be blocked by seccomp (containers:"
                            + " --security-opt seccomp=unconfined, sysctl kernel.io_uring_disabled=0)");
        }
        long huge = hugePages && size > 0 ? HugePages.alignedBytes(base, size) : 0;
        this.hugePageErrno = huge > 0 ? HugePages.back(base, size) : 0;
        this.hugePageBytes = hugePageErrno == 0 ? huge : 0;
        this.pieceStarts = pieceStarts(base, size, hugePageBytes);
        if (hugePageErrno != 0 && HUGE_PAGES_LOGGED.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.INFO, "could not back the " + size + "-byte data buffer with transparent huge"
                    + " pages (madvise: " + Errno.name(hugePageErrno) + "); O_DIRECT reads then need one DMA segment per"
                    + " 4 KiB page. Fix: use Linux 6.1+ with /sys/kernel/mm/transparent_hugepage/enabled not 'never',"
                    + " or allocate the data buffer from 2 MiB pages");
        }
        int regErrno = register && size > 0 ? registerBuffer() : (size > 0 ? Errno.EPERM : 0);
        this.fixed = register && size > 0 && regErrno == 0;
        this.registrationErrno = fixed ? 0 : regErrno;
        if (register && size > 0 && !fixed && FALLBACK_LOGGED.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.WARNING, "io_uring_register_buffers refused the " + size + "-byte data buffer ("
                    + Errno.name(regErrno) + "); reading with plain READ instead of READ_FIXED. Fix: raise the memlock"
                    + " limit (ulimit -l) or run with CAP_IPC_LOCK");
        }
        this.cqeCapacity = queueDepth * 2;
        this.cqePointers = MemoryUtil.nmemCalloc(cqeCapacity, Long.BYTES);
        this.timespec = MemoryUtil.nmemCalloc(1, KernelTimespec.SIZEOF);
        fds = new int[depth];
        fileOffsets = new long[depth];
        bufferOffsets = new long[depth];
        lengths = new long[depth];
        expected = new long[depth];
        queued = new long[depth];
        done = new long[depth];
        tokens = new long[depth];
        generations = new int[depth];
        free = new int[depth];
        busy = new boolean[depth];
        for (int i = 0; i < depth; i++) {
            free[i] = depth - 1 - i;
        }
        freeTop = depth;
    }

    /**
     * Where registered pieces start, as buffer offsets, plus {@code size} last: pieces of at most
     * {@link #REGISTERED_PIECE} bytes, and the huge-page interior (if any) in pieces of its own so
     * that the kernel can keep each of its 2 MiB folios as one segment (it does so only for a
     * registration made of folios of one size).
     */
    static long[] pieceStarts(long base, long size, long hugeBytes) {
        long head = hugeBytes > 0 ? HugePages.alignedStart(base) - base : 0;
        long[] bounds = hugeBytes > 0 ? new long[] {0, head, head + hugeBytes, size} : new long[] {0, size};
        int count = 0;
        long[] starts = new long[(int) (size / REGISTERED_PIECE) + 6];
        for (int b = 0; b + 1 < bounds.length; b++) {
            for (long at = bounds[b]; at < bounds[b + 1]; at += Math.min(REGISTERED_PIECE, bounds[b + 1] - at)) {
                starts[count++] = at;
            }
        }
        starts[count++] = size;
        return java.util.Arrays.copyOf(starts, count);
    }

    private int registerBuffer() {
        int pieces = pieceStarts.length - 1;
        long iovecs = MemoryUtil.nmemCalloc(pieces, IOVec.SIZEOF);
        try {
            for (int i = 0; i < pieces; i++) {
                long at = iovecs + (long) i * IOVec.SIZEOF;
                MemoryUtil.memPutAddress(at + IOVec.IOV_BASE, base + pieceStarts[i]);
                MemoryUtil.memPutAddress(at + IOVec.IOV_LEN, pieceStarts[i + 1] - pieceStarts[i]);
            }
            int ret = LibURing.nio_uring_register_buffers(ring, iovecs, pieces);
            return ret < 0 ? -ret : 0;
        } finally {
            MemoryUtil.nmemFree(iovecs);
        }
    }

    /** @return true when reads use READ_FIXED into the registered buffer */
    public boolean fixedBuffers() {
        return fixed;
    }

    /** @return the errno of the refused registration, 0 when registered */
    public int registrationErrno() {
        return registrationErrno;
    }

    /**
     * @return bytes of the buffer backed by 2 MiB transparent huge pages by this reader (its whole
     *         2 MiB-aligned pages); 0 when not asked, when the buffer holds no whole huge page, or
     *         when the kernel refused ({@link #hugePageErrno()})
     */
    public long hugePageBytes() {
        return hugePageBytes;
    }

    /** @return the errno of a refused huge-page backing ({@code madvise}), 0 when done or not asked */
    public int hugePageErrno() {
        return hugePageErrno;
    }

    /** @return requests submitted and not yet completed */
    public int inFlight() {
        return inFlight;
    }

    /** @return true when another request can be submitted now */
    public boolean hasCapacity() {
        return freeTop > 0;
    }

    /** @return short reads that were resubmitted for the rest, since construction */
    public long shortReads() {
        return shortReads;
    }

    /** @return SQEs queued (first submissions and resubmissions) */
    public long submissions() {
        return submissions;
    }

    /**
     * Queues a read of {@code length} bytes at {@code fileOffset} of {@code fd} into buffer bytes
     * {@code [bufferOffset, bufferOffset + length)}. The request completes once
     * {@code expectedBytes} arrived (O_DIRECT callers ask for a block-rounded length) or at end of
     * file. Nothing reaches the kernel before {@link #submit()} or {@link #reap}.
     *
     * @return false when {@code queueDepth} requests are already in flight
     * @throws QueueFullException when the range leaves the buffer
     */
    public boolean submitRead(int fd, long fileOffset, long bufferOffset, long length, long expectedBytes, long token) {
        if (closed) {
            throw QueueFullException.submission("the io_uring reader is closed; open a new one");
        }
        if (bufferOffset < 0 || length < 0 || length > size - bufferOffset || expectedBytes > length || fileOffset < 0) {
            throw QueueFullException.submission("read of " + length + " bytes at buffer offset " + bufferOffset
                    + " leaves the " + size + "-byte data buffer; keep reads inside the data buffer");
        }
        if (freeTop == 0) {
            return false;
        }
        int id = free[--freeTop];
        busy[id] = true;
        fds[id] = fd;
        fileOffsets[id] = fileOffset;
        bufferOffsets[id] = bufferOffset;
        lengths[id] = length;
        expected[id] = expectedBytes;
        done[id] = 0;
        tokens[id] = token;
        generations[id]++;
        inFlight++;
        if (length == 0) {
            queueNop(id);
        } else {
            queue(id);
        }
        return true;
    }

    private long sqe() {
        long sqe = LibURing.nio_uring_get_sqe(ring);
        if (sqe == 0) {
            submit();
            sqe = LibURing.nio_uring_get_sqe(ring);
            if (sqe == 0) {
                throw new QueueFullException("io_uring", "the submission queue stayed full after io_uring_enter;"
                        + " reap completions before submitting more");
            }
        }
        MemoryUtil.memSet(sqe, 0, IOURingSQE.SIZEOF);
        return sqe;
    }

    private void queueNop(int id) {
        long sqe = sqe();
        LibURing.nio_uring_prep_nop(sqe);
        LibURing.nio_uring_sqe_set_data64(sqe, userData(id));
        submissions++;
    }

    private void queue(int id) {
        long sqe = sqe();
        long off = bufferOffsets[id] + done[id];
        long len = Math.min(lengths[id] - done[id], Integer.MAX_VALUE & ~4095L);
        long fileOffset = fileOffsets[id] + done[id];
        if (fixed) {
            int piece = 0;
            while (pieceStarts[piece + 1] <= off) {
                piece++;
            }
            len = Math.min(len, pieceStarts[piece + 1] - off); // a read never crosses a registered piece
            LibURing.nio_uring_prep_read_fixed(sqe, fds[id], base + off, (int) len, fileOffset, piece);
        } else {
            LibURing.nio_uring_prep_read(sqe, fds[id], base + off, (int) len, fileOffset);
        }
        queued[id] = len;
        LibURing.nio_uring_sqe_set_data64(sqe, userData(id));
        submissions++;
    }

    private long userData(int id) {
        return ((long) generations[id] << 32) | id;
    }

    /**
     * Hands queued SQEs to the kernel.
     *
     * @return SQEs submitted
     * @throws SyscallException when io_uring_enter fails
     */
    public int submit() {
        int ret = LibURing.nio_uring_submit(ring);
        if (ret < 0 && ret != -Errno.EINTR && ret != -Errno.EAGAIN) {
            throw new SyscallException("io_uring_enter(submit)", -ret,
                    "the ring is unusable; close the reader and open a new one");
        }
        return Math.max(ret, 0);
    }

    /**
     * Submits queued reads, then handles every available completion, waiting up to
     * {@code timeoutNanos} for the first when none is ready (0: do not wait). Finished requests
     * go to {@code sink}; short reads are resubmitted.
     *
     * @return requests finished by this call
     */
    public int reap(Completion sink, long timeoutNanos) {
        if (reaping) {
            throw new IllegalStateException("reap called from a completion callback. Fix: queue work from the"
                    + " callback with submitRead and let the outer reap continue");
        }
        reaping = true;
        try {
            submit();
            int n = LibURing.nio_uring_peek_batch_cqe(ring, cqePointers, cqeCapacity);
            if (n == 0 && timeoutNanos > 0 && inFlight > 0) {
                KernelTimespec.ntv_sec(timespec, timeoutNanos / 1_000_000_000L);
                KernelTimespec.ntv_nsec(timespec, timeoutNanos % 1_000_000_000L);
                int ret = LibURing.nio_uring_wait_cqe_timeout(ring, cqePointers, timespec);
                if (ret < 0 && ret != -Errno.ETIME && ret != -Errno.EINTR && ret != -Errno.EAGAIN) {
                    throw new SyscallException("io_uring_wait_cqe_timeout", -ret,
                            "the ring is unusable; close the reader and open a new one");
                }
                n = LibURing.nio_uring_peek_batch_cqe(ring, cqePointers, cqeCapacity);
            }
            int finished = 0;
            for (int i = 0; i < n; i++) {
                long cqe = MemoryUtil.memGetAddress(cqePointers + (long) i * Long.BYTES);
                long ud = MemoryUtil.memGetLong(cqe + IOURingCQE.USER_DATA);
                int res = MemoryUtil.memGetInt(cqe + IOURingCQE.RES);
                if (handle(ud, res, sink)) {
                    finished++;
                }
            }
            if (n > 0) {
                LibURing.nio_uring_cq_advance(ring, n);
            }
            return finished;
        } finally {
            reaping = false;
        }
    }

    private boolean handle(long ud, int res, Completion sink) {
        if ((ud & CANCEL_MARK) != 0) {
            return false;
        }
        int id = (int) ud;
        if (id < 0 || id >= depth || generations[id] != (int) (ud >>> 32) || !busy[id]) {
            throw new SyscallException("io_uring_cqe(user_data=0x" + Long.toHexString(ud) + ")", Errno.EINVAL,
                    "a completion arrived for no request in flight", "this is a reader bug, report it");
        }
        if (res == -Errno.EAGAIN || res == -Errno.EINTR) {
            queue(id);
            return false;
        }
        if (res < 0) {
            finish(id, -res, sink);
            return true;
        }
        done[id] += res;
        if (res > 0 && done[id] < expected[id] && done[id] < lengths[id]) {
            if (res < queued[id]) {
                shortReads++; // the kernel returned less than asked (not a read split at a piece boundary)
            }
            queue(id);
            return false;
        }
        finish(id, 0, sink);
        return true;
    }

    private void finish(int id, int errno, Completion sink) {
        long token = tokens[id];
        long bytes = Math.min(done[id], lengths[id]);
        busy[id] = false;
        free[freeTop++] = id;
        inFlight--;
        sink.complete(token, bytes, errno);
    }

    /**
     * Cancels every in-flight read and waits (bounded) until the kernel has answered each, so
     * nothing writes into the buffer afterwards; cancelled requests go to {@code sink} with
     * ECANCELED (or their real result if they finished first).
     *
     * @return true when nothing is in flight any more
     */
    public boolean cancelAll(Completion sink) {
        if (inFlight == 0) {
            return true;
        }
        long sqe = sqe();
        LibURing.nio_uring_prep_cancel64(sqe, 0, LibIOURing.IORING_ASYNC_CANCEL_ANY);
        LibURing.nio_uring_sqe_set_data64(sqe, CANCEL_MARK);
        long deadline = System.nanoTime() + DRAIN_NANOS;
        while (inFlight > 0 && System.nanoTime() - deadline < 0) {
            reap(sink, 10_000_000L);
        }
        return inFlight == 0;
    }

    /**
     * Cancels and drains in-flight reads (their completions are dropped), unregisters the
     * buffer and tears the ring down. Idempotent.
     *
     * @throws SyscallException when reads were still in flight after the drain bound (the
     *         ring is then kept so the kernel never writes into memory it no longer owns)
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (!cancelAll((token, bytes, errno) -> { })) {
            throw new SyscallException("io_uring close", Errno.ETIME, inFlight + " reads still in flight 10 s after"
                    + " their cancellation", "keep the data buffer alive and retry close");
        }
        closed = true;
        if (fixed) {
            LibURing.nio_uring_unregister_buffers(ring);
        }
        LibURing.nio_uring_queue_exit(ring);
        MemoryUtil.nmemFree(ring);
        MemoryUtil.nmemFree(cqePointers);
        MemoryUtil.nmemFree(timespec);
    }
}
