package dev.vyre.backend.reference;

import dev.vyre.protocol.ControlCodec;
import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.DebugLogLayout;
import dev.vyre.protocol.IoQueueLayout;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.Words;
import dev.vyre.spi.Liveness;
import dev.vyre.spi.Placement;
import dev.vyre.spi.SessionDriver;
import dev.vyre.spi.SessionMemory;
import dev.vyre.spi.SessionSpec;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * A persistent reference interpreter: {@code N} daemon threads ({@code vyre-ref-worker-i}) drain
 * the ring, which lives in ordinary off-heap memory, while host threads publish. Worker {@code i}
 * owns slots {@code i, i+N, ...} and scans them in passes from the slot after the last one it
 * executed. Each slot has one claimer, its owner: a run of PUBLISHED slots the pass finds in a row is
 * claimed ahead by plain stores of CLAIMED, which leave together (a lone slot by a CAS), and each
 * authorised PUBLISHED slot runs exactly once; a slot claimed ahead that does not run (SHUTDOWN, or its
 * tenant no longer authorised when its turn comes, or the pass ended first) is given back PUBLISHED. Consecutive
 * slots that run complete together as a run (one DONE_COUNT add per run, see {@link SlotExecutor}),
 * and an idle pass looks at the next in-order slot again every {@value #SEGMENT} slots. The workers
 * poll the status words themselves ({@link SessionMemory#ringPolled()} is true).
 *
 * <p>Idle policy (see {@code docs/PERFORMANCE.md}): a worker that finds no work spins
 * ({@link Thread#onSpinWait()}) for {@code vyre.reference.spinNanos} ns (default 10,000), then
 * yields until {@code vyre.reference.yieldNanos} ns (default 100,000), then parks with a growing
 * timeout (up to {@value #MAX_PARK_NANOS} ns). The doorbell ({@link #announce}) unparks the
 * sleeping owners of the announced slots; a full fence on both sides (Dekker) makes a missed
 * wake-up impossible, and the park timeout bounds it anyway. Control words are polled by every
 * worker between slots: a SHUTDOWN write wakes them all, a tenant-mask write is seen at the next
 * pass at the latest.
 */
final class ReferenceDriver implements SessionDriver {

    /** Idle spin budget in ns (system property {@code vyre.reference.spinNanos}). */
    private static final long SPIN_NANOS = Long.getLong("vyre.reference.spinNanos", 10_000L);
    /** Idle time in ns after which a worker parks (system property {@code vyre.reference.yieldNanos}). */
    private static final long YIELD_NANOS = Math.max(SPIN_NANOS, Long.getLong("vyre.reference.yieldNanos", 100_000L));
    private static final long MIN_PARK_NANOS = 20_000L;
    private static final long MAX_PARK_NANOS = 2_000_000L;
    /** A transparent huge page (x86-64, aarch64 with 4 KiB base pages). */
    private static final long HUGE_PAGE = 2L << 20;
    /**
     * Whether a pass claims a run's slots ahead by stores ({@code vyre.reference.claimAhead}, default true; false: one
     * compare-and-set per slot, the peer in docs/PERFORMANCE.md, session 19).
     */
    private static final boolean CLAIM_AHEAD =
            Boolean.parseBoolean(System.getProperty("vyre.reference.claimAhead", "true"));
    /** Slots a scan looks at between two looks at the cursor slot (see {@code Worker.scan}). */
    private static final int SEGMENT = 16;
    /** How long {@link #shutDown()} waits for the workers. */
    private static final Duration SHUTDOWN_JOIN = Duration.ofSeconds(30);

    private final Arena arena;
    private final MemorySegment control;
    private final SessionMemory memory;
    private final int slotCount;
    private final Worker[] workers;
    /** The isolation block, or {@code NULL} in the default mode. */
    private final MemorySegment isolation;
    private final int workerCount;
    private final Consumer<ReferenceDriver> onClose;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean stopping;
    /** Set when {@link #stop} saw every worker end: only then may {@link #close()} free the memory. */
    private volatile boolean stopped;

    private ReferenceDriver(SessionSpec spec, Arena arena, MemorySegment control, MemorySegment ring,
                            MemorySegment debug, MemorySegment io, MemorySegment data, OpcodeTable table,
                            int workerCount, Consumer<ReferenceDriver> onClose) {
        this.arena = arena;
        this.control = control;
        this.isolation = spec.isolated() ? isolationBlock(arena, spec.isolationBlock()) : MemorySegment.NULL;
        this.memory = new SessionMemory(control, ring, debug, io, data, Placement.HOST, Placement.HOST, true,
                MemorySegment.NULL, isolation);
        this.slotCount = spec.slotCount();
        this.workerCount = workerCount;
        this.onClose = onClose;
        this.workers = new Worker[workerCount];
        long ioWait = spec.ioWaitTimeout().toNanos();
        for (int i = 0; i < workerCount; i++) {
            workers[i] = new Worker(i, new SlotExecutor(control, ring, debug, io, data, table, ioWait, isolation));
        }
    }

    /** @return a native copy of an isolation block ({@code dev.vyre.protocol.TenantIsolation}) */
    static MemorySegment isolationBlock(Arena arena, int[] block) {
        MemorySegment segment = arena.allocate((long) block.length * Integer.BYTES, 64);
        for (int i = 0; i < block.length; i++) {
            Words.set(segment, i, block[i]);
        }
        return segment;
    }

    /** @return one worker per core, less one core for the publisher, at least one */
    static int defaultWorkers() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
    }

    /**
     * Allocates the buffers, writes their initial contents and starts the workers.
     *
     * @param onClose called once when the driver closes
     * @throws dev.vyre.protocol.BackendException when a custom opcode has no Java body
     */
    static ReferenceDriver open(SessionSpec spec, Consumer<ReferenceDriver> onClose) {
        return open(spec, onClose, true);
    }

    /**
     * {@link #open(SessionSpec, Consumer)}; with {@code startWorkers} false the worker threads are created but
     * never started, and the caller runs their passes itself with {@link #runPass} (the seam through which
     * vyre-stress's jcstress tests drive this interpreter loop as it is).
     */
    static ReferenceDriver open(SessionSpec spec, Consumer<ReferenceDriver> onClose, boolean startWorkers) {
        OpcodeTable table = OpcodeTable.of(spec.opcodes());
        // Default: one core is left for the publishing thread (measured on the 2-core build machine:
        // 1 worker 2.61 M slots/s, p50 2.8 us; 2 workers 0.61 M slots/s, p50 15.7 us).
        int requested = spec.workers() == 0 ? defaultWorkers() : spec.workers();
        int count = Math.max(1, Math.min(requested, spec.slotCount()));
        Arena arena = Arena.ofShared();
        try {
            MemorySegment control = arena.allocate(spec.controlBytes(), 64);
            MemorySegment ring = arena.allocate((long) spec.slotCount() * SlotLayout.SLOT_BYTES, 64);
            MemorySegment debug = arena.allocate(DebugLogLayout.BUFFER_BYTES, 64);
            MemorySegment io = arena.allocate((long) IoQueueLayout.IO_SLOT_COUNT * IoQueueLayout.IO_SLOT_BYTES, 64);
            MemorySegment data = spec.dataBufferBytes() == 0 ? MemorySegment.NULL
                    : arena.allocate(spec.dataBufferBytes(), dataAlignment(spec.dataBufferBytes()));
            ControlCodec.encodeControlInto(false, spec.tenantCount(), spec.observableSlots(), control);
            ring.fill((byte) 0);
            debug.fill((byte) 0);
            io.fill((byte) 0);
            ReferenceDriver driver = new ReferenceDriver(spec, arena, control, ring, debug, io, data, table, count,
                    onClose);
            driver.createThreads();
            if (startWorkers) {
                driver.start();
            }
            return driver;
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /**
     * Alignment of the data buffer, where io_uring reads land (O_DIRECT needs 4096): a buffer of at least one
     * 2 MiB page starts on a 2 MiB boundary, so that an io_uring reader can back all of it with transparent huge
     * pages and every read lands in physically contiguous memory (on a virtio disk without indirect descriptors a
     * read into scattered 4 KiB pages takes one descriptor per page; see docs/PERFORMANCE.md, "io_uring ingest").
     */
    static long dataAlignment(long bytes) {
        return bytes >= HUGE_PAGE ? HUGE_PAGE : 4096;
    }

    private void createThreads() {
        for (Worker w : workers) {
            w.thread = Thread.ofPlatform().daemon(true).name("vyre-ref-worker-" + w.index).unstarted(w);
        }
    }

    private void start() {
        for (Worker w : workers) {
            w.thread.start();
        }
    }

    /** @return the number of worker threads */
    int workerCount() {
        return workerCount;
    }

    /**
     * Runs one pass of worker {@code worker}'s scan, the loop's real claim-and-execute step, on the calling
     * thread; only for a driver opened with its workers not started (the jcstress seam).
     *
     * @return true when the pass executed a slot (or found the cursor slot ready to run)
     */
    boolean runPass(int worker) {
        Worker w = workers[worker];
        return w.scan(w.executor, slotCount, workerCount);
    }

    @Override
    public SessionMemory memory() {
        return memory;
    }

    /**
     * Fences (the publisher's half of the Dekker handshake), then unparks the sleeping owners of
     * slots {@code firstSlot .. firstSlot + count - 1}: every sleeping worker when the run covers
     * each of them. Allocates nothing.
     */
    @Override
    public void announce(int firstSlot, int count, int status) {
        VarHandle.fullFence();
        Worker[] ws = workers;
        int n = workerCount;
        if (count >= n) {
            for (Worker w : ws) {
                wakeIfSleeping(w);
            }
            return;
        }
        int owner = firstSlot % n;
        for (int k = 0; k < count; k++) {
            wakeIfSleeping(ws[owner]);
            owner = owner + 1 == n ? 0 : owner + 1;
        }
    }

    private static void wakeIfSleeping(Worker w) {
        if ((int) Worker.SLEEPING.getOpaque(w) != 0) {
            LockSupport.unpark(w.thread);
        }
    }

    /** Stores the word (release) and fences; a SHUTDOWN (word 0 set) wakes every worker. */
    @Override
    public void writeControl(int word, int value) {
        Words.setRelease(control, word, value);
        VarHandle.fullFence();
        if (word == ControlLayout.SHUTDOWN && value != 0) {
            wakeAll();
        }
    }

    private void wakeAll() {
        for (Worker w : workers) {
            LockSupport.unpark(w.thread);
        }
    }

    /** @return {@link Liveness.State#STOPPED} once no worker thread is alive, else running */
    @Override
    public Liveness liveness() {
        for (Worker w : workers) {
            if (w.thread.isAlive()) {
                return Liveness.running();
            }
        }
        return Liveness.stopped();
    }

    /**
     * Makes every worker leave (a LOAD_MISS wait gives up at once), wakes them all and joins them for
     * up to {@code timeout}. A worker still running then (a Java handler that never returns) is interrupted and
     * left behind: the workers are daemon threads, so it never keeps the JVM from exiting.
     *
     * @return true when every worker thread ended
     */
    @Override
    public boolean stop(Duration timeout) {
        stopping = true;
        for (Worker w : workers) {
            w.executor.abort();
        }
        wakeAll();
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean interrupted = false;
        boolean all = true;
        for (Worker w : workers) {
            while (w.thread.isAlive()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    all = false;
                    break;
                }
                try {
                    w.thread.join(Duration.ofNanos(left));
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (!all) {
            for (Worker w : workers) { // a handler stuck in a blocking call, or polling abortRequested, may leave now
                w.thread.interrupt();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        stopped = all;
        return all;
    }

    /**
     * Frees the buffers when {@link #stop} saw every worker end (otherwise they stay allocated, since
     * a stuck worker may still touch them) and tells the backend; idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            if (stopped) {
                arena.close();
            }
        } finally {
            onClose.accept(this);
        }
    }

    /** SHUTDOWN, stop and close, for a driver its backend closes while it is still open. */
    void shutDown() {
        if (closed.get()) {
            return;
        }
        try {
            writeControl(ControlLayout.SHUTDOWN, 1);
            stop(SHUTDOWN_JOIN);
        } finally {
            close();
        }
    }

    /** One worker thread: scans its slots, executes what it claims, backs off when idle. */
    private final class Worker implements Runnable {
        static final VarHandle SLEEPING;

        static {
            try {
                SLEEPING = MethodHandles.lookup().findVarHandle(Worker.class, "sleeping", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final int index;
        final SlotExecutor executor;
        Thread thread;
        /** Position (in owned slots) where the next pass starts. */
        private int cursor;
        /** Slots claimed ahead by the current pass and not yet executed or given back. */
        private int claimedAhead;
        /** Position (in owned slots) of the first of them. */
        private int claimedFrom;
        @SuppressWarnings("unused")
        private volatile int sleeping;

        Worker(int index, SlotExecutor executor) {
            this.index = index;
            this.executor = executor;
        }

        @Override
        public void run() {
            try {
                loop();
            } finally {
                // Whoever leaves first (SHUTDOWN seen) wakes the others so they leave promptly.
                wakeAll();
            }
        }

        private void loop() {
            final int slots = slotCount;
            final int stride = workerCount;
            final SlotExecutor ex = executor;
            long idleSince = 0;
            long park = MIN_PARK_NANOS;
            while (!stopping && !ex.shutdownRequested()) {
                if (scan(ex, slots, stride)) {
                    idleSince = 0;
                    park = MIN_PARK_NANOS;
                    continue;
                }
                long now = System.nanoTime();
                if (idleSince == 0) {
                    idleSince = now;
                }
                long idle = now - idleSince;
                if (idle < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else if (idle < YIELD_NANOS) {
                    Thread.yield();
                } else {
                    SLEEPING.setVolatile(this, 1);
                    VarHandle.fullFence();
                    boolean found = !stopping && !ex.shutdownRequested() && scan(ex, slots, stride);
                    if (!found && !stopping && !ex.shutdownRequested()) {
                        LockSupport.parkNanos(park);
                        park = Math.min(park << 1, MAX_PARK_NANOS);
                    }
                    SLEEPING.setVolatile(this, 0);
                    if (found) {
                        idleSince = 0;
                        park = MIN_PARK_NANOS;
                    } else {
                        // Woken (or timed out): spin again briefly, a burst often follows.
                        idleSince = System.nanoTime() - YIELD_NANOS + SPIN_NANOS;
                    }
                }
            }
        }

        /**
         * One pass over this worker's slots, starting at {@link #cursor}, the slot after the last one
         * it executed (where a host publishing in ascending order writes next). Consecutive slots that
         * run form one run ({@link SlotExecutor}), completed at the first slot that does not run, so a
         * stream of publications completes in runs of up to {@value SlotExecutor#MAX_RUN}; the status
         * words of a run are read ahead together ({@link #lookAhead}). After every
         * {@value ReferenceDriver#SEGMENT} slots looked at without finding work, the pass looks at the
         * cursor slot again and starts over from it when it can run: the next in-order slot is found
         * within one segment, not one pass over the ring, and every slot is still visited (each
         * restart executes at least the cursor slot and moves the cursor on).
         *
         * @return true when it executed at least one slot, or the cursor slot can run now
         */
        private boolean scan(SlotExecutor ex, int slots, int stride) {
            int owned = (slots - index + stride - 1) / stride;
            int k = cursor;
            boolean any = false;
            int sinceWork = 0;
            int ahead = 0;
            claimedAhead = 0;
            try {
                for (int j = 0; j < owned; j++) {
                    if (ahead == 0) {
                        ahead = lookAhead(ex, k, owned, stride);
                        if (ahead > 1 && CLAIM_AHEAD) {
                            claimedAhead = claimAhead(ex, k, ahead, owned, stride);
                            claimedFrom = k;
                        }
                    }
                    int slot = index + k * stride;
                    boolean claimed = claimedAhead > 0;
                    if (claimed) {
                        claimedAhead--;
                        claimedFrom = k + 1 == owned ? 0 : k + 1;
                    }
                    if (ahead > 0 && (claimed ? ex.executeClaimed(slot) : ex.tryExecute(slot))) {
                        any = true;
                        sinceWork = 0;
                        cursor = k + 1 == owned ? 0 : k + 1;
                        if (stopping || ex.shutdownRequested()) {
                            return true;
                        }
                    } else {
                        ex.completeRun();
                        if (++sinceWork == SEGMENT) {
                            sinceWork = 0;
                            if (ex.claimable(index + cursor * stride)) {
                                return true;
                            }
                        }
                    }
                    if (ahead > 0) {
                        ahead--;
                    }
                    k = k + 1 == owned ? 0 : k + 1;
                }
                return any;
            } finally {
                ex.completeRun();
                giveBackClaimed(ex, owned, stride);
            }
        }

        /**
         * Claims owned slots {@code k, k+1, ...} ahead, at most {@code n} of them (those the look-ahead read
         * PUBLISHED), while each can be claimed ({@link SlotExecutor#claimAhead}): one store each, all leaving
         * together. This worker is each of its slots' only claimer.
         *
         * @return how many slots from {@code k} on it claimed
         */
        private int claimAhead(SlotExecutor ex, int k, int n, int owned, int stride) {
            int claimed = 0;
            while (claimed < n && ex.claimAhead(index + k * stride)) {
                claimed++;
                k = k + 1 == owned ? 0 : k + 1;
            }
            return claimed;
        }

        /**
         * Gives back the slots a pass claimed ahead and did not reach (it ended early: SHUTDOWN or stop seen, the
         * cursor slot ready, or the lap ended): the {@link #claimedAhead} slots from {@link #claimedFrom} on.
         */
        private void giveBackClaimed(SlotExecutor ex, int owned, int stride) {
            int k = claimedFrom;
            while (claimedAhead > 0) {
                ex.giveBack(index + k * stride);
                k = k + 1 == owned ? 0 : k + 1;
                claimedAhead--;
            }
        }

        /**
         * Reads the status words of owned slots {@code k, k+1, ...} (at most
         * {@value SlotExecutor#MAX_RUN}, at most one lap) while they read PUBLISHED. The loads do not
         * depend on each other, so the cache lines of a run, just written by the publisher, arrive
         * together instead of one miss per claim. A hint only: each slot is still claimed, ahead or by its CAS.
         *
         * @return how many slots from {@code k} on read PUBLISHED in a row (0 when slot {@code k} does not)
         */
        private int lookAhead(SlotExecutor ex, int k, int owned, int stride) {
            int limit = Math.min(SlotExecutor.MAX_RUN, owned);
            int n = 0;
            while (n < limit && ex.published(index + k * stride)) {
                n++;
                k = k + 1 == owned ? 0 : k + 1;
            }
            return n;
        }
    }
}
