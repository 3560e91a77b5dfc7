package dev.vyre.backend.reference;

import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.DebugLogLayout;
import dev.vyre.protocol.IoQueueLayout;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.spi.HostMappedSession;
import dev.vyre.spi.SessionOptions;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * A persistent reference interpreter: {@code N} daemon threads ({@code vyre-ref-worker-i})
 * drain the ring while host threads publish. Worker {@code i} owns slots {@code i, i+N, ...}
 * and scans them in passes; every claim is a CAS, so each authorised PUBLISHED slot runs
 * exactly once.
 *
 * <p>Idle policy (see {@code docs/PERFORMANCE.md}): a worker that
 * finds no work spins ({@link Thread#onSpinWait()}) for {@code vyre.reference.spinNanos} ns
 * (default 10,000), then yields until {@code vyre.reference.yieldNanos} ns (default 100,000),
 * then parks with a growing timeout (up to
 * {@value #MAX_PARK_NANOS} ns). The publish doorbell ({@link #onPublished}) unparks the
 * sleeping owner of the slot; a full fence on both sides (Dekker) makes a missed wake-up
 * impossible, and the park timeout bounds it anyway.
 */
final class ReferenceSession extends HostMappedSession {

    /** Idle spin budget in ns (system property {@code vyre.reference.spinNanos}). */
    private static final long SPIN_NANOS = Long.getLong("vyre.reference.spinNanos", 10_000L);
    /** Idle time in ns after which a worker parks (system property {@code vyre.reference.yieldNanos}). */
    private static final long YIELD_NANOS = Math.max(SPIN_NANOS, Long.getLong("vyre.reference.yieldNanos", 100_000L));
    private static final long MIN_PARK_NANOS = 20_000L;
    private static final long MAX_PARK_NANOS = 2_000_000L;
    private static final long CLOSE_JOIN_MILLIS = 30_000L;

    private final Arena arena;
    private final Worker[] workers;
    private final int workerCount;
    private final Consumer<ReferenceSession> onClose;
    private volatile boolean stopping;

    private ReferenceSession(SessionOptions options, Arena arena, MemorySegment control, MemorySegment ring,
                             MemorySegment debug, MemorySegment io, MemorySegment data, OpcodeTable table,
                             int workerCount, Consumer<ReferenceSession> onClose) {
        super(options, control, ring, debug, io, data);
        this.arena = arena;
        this.workerCount = workerCount;
        this.onClose = onClose;
        this.workers = new Worker[workerCount];
        long ioWait = options.ioWaitTimeout().toNanos();
        for (int i = 0; i < workerCount; i++) {
            workers[i] = new Worker(i, new SlotExecutor(control, ring, debug, io, data, table, ioWait));
        }
    }

    /** @return one worker per core, less one core for the publisher, at least one */
    static int defaultWorkers() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
    }

    /** Allocates the buffers, writes their initial contents and starts the workers. */
    static ReferenceSession open(SessionOptions options, Consumer<ReferenceSession> onClose) {
        OpcodeTable table = OpcodeTable.of(options.opcodes());
        // Default: one core is left for the publishing thread (measured on the 2-core build machine:
        // 1 worker 2.61 M slots/s, p50 2.8 us; 2 workers 0.61 M slots/s, p50 15.7 us).
        int requested = options.workers() == 0 ? defaultWorkers() : options.workers();
        int count = Math.max(1, Math.min(requested, options.slotCount()));
        Arena arena = Arena.ofShared();
        try {
            MemorySegment control = arena.allocate(options.controlBytes(), 64);
            MemorySegment ring = arena.allocate((long) options.slotCount() * SlotLayout.SLOT_BYTES, 64);
            MemorySegment debug = arena.allocate(DebugLogLayout.BUFFER_BYTES, 64);
            MemorySegment io = arena.allocate((long) IoQueueLayout.IO_SLOT_COUNT * IoQueueLayout.IO_SLOT_BYTES, 64);
            MemorySegment data = options.dataBufferBytes() == 0 ? MemorySegment.NULL
                    : arena.allocate(options.dataBufferBytes(), 4096); // page-aligned: io_uring O_DIRECT reads land here
            ReferenceSession session = new ReferenceSession(options, arena, control, ring, debug, io, data, table,
                    count, onClose);
            session.start();
            return session;
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    private void start() {
        for (Worker w : workers) {
            Thread t = Thread.ofPlatform().daemon(true).name("vyre-ref-worker-" + w.index).unstarted(w);
            w.thread = t;
        }
        for (Worker w : workers) {
            w.thread.start();
        }
    }

    /** @return the number of worker threads */
    int workerCount() {
        return workerCount;
    }

    @Override
    protected void onPublished(int slot) {
        VarHandle.fullFence();
        Worker owner = workers[workerCount == 1 ? 0 : slot % workerCount];
        if ((int) Worker.SLEEPING.getOpaque(owner) != 0) {
            LockSupport.unpark(owner.thread);
        }
    }

    @Override
    protected void onControlWritten(int word, int value) {
        if (word == ControlLayout.SHUTDOWN && value != 0) {
            wakeAll();
        }
    }

    private void wakeAll() {
        for (Worker w : workers) {
            LockSupport.unpark(w.thread);
        }
    }

    @Override
    protected void stopInterpreter() {
        stopping = true;
        for (Worker w : workers) {
            w.executor.abort();
        }
        wakeAll();
        long deadline = System.nanoTime() + CLOSE_JOIN_MILLIS * 1_000_000L;
        boolean interrupted = false;
        for (Worker w : workers) {
            while (w.thread.isAlive()) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    break;
                }
                try {
                    w.thread.join(left);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    protected void release() {
        try {
            arena.close();
        } finally {
            onClose.accept(this);
        }
    }

    @Override
    public boolean awaitTermination(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Worker w : workers) {
            long left = deadline - System.nanoTime();
            if (left <= 0 && w.thread.isAlive()) {
                return false;
            }
            try {
                if (!w.thread.join(Duration.ofNanos(Math.max(left, 1)))) {
                    return false;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean isAlive() {
        if (isClosed()) {
            return false;
        }
        for (Worker w : workers) {
            if (w.thread.isAlive()) {
                return true;
            }
        }
        return false;
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
            final int slots = slotCount();
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
         * One pass over this worker's slots, starting just after the slot it executed last (a
         * host publishing in ascending order is then found at once).
         *
         * @return true when it executed at least one slot
         */
        private boolean scan(SlotExecutor ex, int slots, int stride) {
            int owned = (slots - index + stride - 1) / stride;
            int k = cursor;
            boolean any = false;
            for (int j = 0; j < owned; j++) {
                if (ex.tryExecute(index + k * stride)) {
                    any = true;
                    cursor = k + 1 == owned ? 0 : k + 1;
                    if (stopping || ex.shutdownRequested()) {
                        return true;
                    }
                }
                k = k + 1 == owned ? 0 : k + 1;
            }
            return any;
        }
    }
}
