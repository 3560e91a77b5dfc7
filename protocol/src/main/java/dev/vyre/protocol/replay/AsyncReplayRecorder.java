package dev.vyre.protocol.replay;

import dev.vyre.protocol.Priority;
import dev.vyre.protocol.ReplayLogException;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotStatus;
import dev.vyre.protocol.VyreArgumentException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.concurrent.locks.LockSupport;

/**
 * Records into a {@link ReplayLog} through a background thread, so that a publish path only copies its slot
 * images into an in-memory queue (one bulk copy for a run of images) and appends one run descriptor (first ring
 * slot, count, timestamp); the log's record layout, epochs and stores into the mapping happen on another core.
 * The queue is a bounded single-consumer ring of {@code queueSlots} slot images and as many descriptors.
 *
 * <p>When the drainer falls behind and the queue is full, a publisher waits for room (spinning, then parking
 * 1 µs at a time): it never drops a slot, so recording then runs at the drainer's rate; {@link #publisherWaits()}
 * counts those waits. Records keep the order of the calls.
 *
 * <p>Durability is weaker than {@link ReplayLog}'s own recorders: the slots still queued when the process
 * dies are lost (at most {@code queueSlots}); {@link #sync()} and {@link #close()} first wait until the queue
 * is empty. A failure of the drainer is reported by the next call. Thread-safe; allocates nothing per call.
 */
public final class AsyncReplayRecorder implements SlotRecorder {

    /** Default queue length, in slots (4 MiB of images). */
    public static final int DEFAULT_QUEUE_SLOTS = 1 << 16;
    private static final int IMAGE_LONGS = SlotLayout.SLOT_BYTES / Long.BYTES;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final long IDLE_PARK_NANOS = 20_000;
    private static final int SPINS = 256;
    /** Most runs the drainer writes under the log's lock at once. */
    private static final int DRAIN_RUNS = 256;
    private static final VarHandle RUN_HEAD;
    private static final VarHandle TAIL;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            RUN_HEAD = lookup.findVarHandle(AsyncReplayRecorder.class, "runHead", long.class);
            TAIL = lookup.findVarHandle(AsyncReplayRecorder.class, "tail", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ReplayLog log;
    private final int slotLimit;
    private final int mask;
    /** The queued slot images, 8 little-endian word pairs each; a run never crosses the end. */
    private final long[] images;
    /** Run descriptors, indexed by run number {@code & mask}: first ring slot, images, timestamp. */
    private final int[] runFirsts;
    private final int[] runCounts;
    private final long[] runStamps;
    private final Thread drainer;
    /** Slots queued so far. Guarded by this (written only by producers). */
    private long head;
    /**
     * Runs queued so far (release by producers, under this object's lock, after the run's images and
     * descriptor): what the drainer may read. At most {@code head - tail} runs are queued, so descriptors never
     * overrun.
     */
    private volatile long runHead;
    /** Slots written to the log so far (release by the drainer, after the runs holding them). */
    private volatile long tail;
    /** Runs written to the log so far; the drainer's own. */
    private long runTail;
    /** Times a publisher found the queue full and waited. Guarded by this. */
    private long waits;
    private volatile boolean running = true;
    private volatile Throwable failure;
    /** Single-slot calls since the last clock reading. Guarded by this. */
    private int sinceStamp;
    private long stamp;
    private boolean closed;

    /**
     * Starts the drainer thread of {@code log}.
     *
     * @param queueSlots slots the queue holds, a power of two, 64 .. 2^24
     */
    public AsyncReplayRecorder(ReplayLog log, int queueSlots) {
        if (queueSlots < 64 || queueSlots > 1 << 24 || Integer.bitCount(queueSlots) != 1) {
            throw new VyreArgumentException("queueSlots", queueSlots + " is not a power of two in 64 .. 2^24",
                    "pass e.g. AsyncReplayRecorder.DEFAULT_QUEUE_SLOTS");
        }
        if (!log.isWritable()) {
            throw new VyreArgumentException("log", log.path() + " was opened read-only",
                    "record into a log from ReplayLog.create or ReplayLog.open");
        }
        this.log = log;
        this.slotLimit = log.geometry().map(SessionGeometry::slotCount).orElse(Integer.MAX_VALUE);
        this.mask = queueSlots - 1;
        this.images = new long[queueSlots * IMAGE_LONGS];
        this.runFirsts = new int[queueSlots];
        this.runCounts = new int[queueSlots];
        this.runStamps = new long[queueSlots];
        this.drainer = Thread.ofPlatform().daemon().name("vyre-replay-log " + log.path().getFileName())
                .unstarted(this::drain);
        drainer.start();
    }

    @Override
    public ReplayLog log() {
        return log;
    }

    // ------------------------------------------------------------------ producers

    @Override
    public synchronized void recordPublish(int slot, int tenant, int opcode, int a0, int a1, int a2) {
        checkSlots(slot, 1);
        int i = reserve();
        int w = i * IMAGE_LONGS;
        images[w] = SlotStatus.PUBLISHED | (long) opcode << 32;
        images[w + 1] = Integer.toUnsignedLong(tenant) | (long) Priority.NORMAL << 32;
        images[w + 2] = Integer.toUnsignedLong(a0) | (long) a1 << 32;
        images[w + 3] = Integer.toUnsignedLong(a2);
        images[w + 4] = 0;
        images[w + 5] = 0;
        images[w + 6] = 0;
        images[w + 7] = 0;
        publishOne(i, slot);
    }

    @Override
    public synchronized void recordPublish(int slot, int tenant, int opcode, int[] args, int argCount) {
        if (argCount < 0 || argCount > SlotLayout.ARGS_PER_SLOT || (argCount > 0 && (args == null
                || args.length < argCount))) {
            throw new VyreArgumentException("argCount", argCount + " does not fit the arguments given and the"
                    + " slot's 12 argument words", "pass 0 .. min(12, args.length)");
        }
        checkSlots(slot, 1);
        int i = reserve();
        int w = i * IMAGE_LONGS;
        images[w] = SlotStatus.PUBLISHED | (long) opcode << 32;
        images[w + 1] = Integer.toUnsignedLong(tenant) | (long) Priority.NORMAL << 32;
        for (int j = 0; j < SlotLayout.ARGS_PER_SLOT; j += 2) {
            long lo = j < argCount ? Integer.toUnsignedLong(args[j]) : 0;
            long hi = j + 1 < argCount ? args[j + 1] : 0;
            images[w + 2 + j / 2] = lo | hi << 32;
        }
        publishOne(i, slot);
    }

    @Override
    public synchronized void recordRaw(int slot, int[] words) {
        checkSlots(slot, 1);
        int i = reserve();
        int w = i * IMAGE_LONGS;
        for (int k = 0; k < IMAGE_LONGS; k++) {
            images[w + k] = Integer.toUnsignedLong(words[2 * k]) | (long) words[2 * k + 1] << 32;
        }
        publishOne(i, slot);
    }

    @Override
    public synchronized void recordImages(int firstSlot, MemorySegment source, int count) {
        if (count <= 0) {
            return;
        }
        if ((long) count * SlotLayout.SLOT_BYTES > source.byteSize()) {
            throw new VyreArgumentException("count", count + " images do not fit a segment of " + source.byteSize()
                    + " bytes", "pass at most images.byteSize() / 64");
        }
        checkSlots(firstSlot, count);
        long now = log.clock();
        int done = 0;
        while (done < count) {
            int free = awaitSpace(1);
            int i = (int) (head & mask);
            int n = Math.min(Math.min(count - done, free), mask + 1 - i);
            MemorySegment.copy(source, LONG, (long) done * SlotLayout.SLOT_BYTES, images, i * IMAGE_LONGS,
                    n * IMAGE_LONGS);
            queueRun(firstSlot + done, n, now);
            done += n;
        }
    }

    /** Publishes the run of {@code n} images the caller put at the queue's head to the drainer. */
    private void queueRun(int firstSlot, int n, long stampNow) {
        long r = runHead;
        int d = (int) (r & mask);
        runFirsts[d] = firstSlot;
        runCounts[d] = n;
        runStamps[d] = stampNow;
        head += n;
        RUN_HEAD.setRelease(this, r + 1);
    }

    /** Refuses ring slots outside the recorded ring (without the log's lock, which the drainer holds). */
    private void checkSlots(int firstSlot, int count) {
        checkRunning();
        if (firstSlot < 0 || (long) firstSlot + count > slotLimit) {
            throw new VyreArgumentException("slot", (firstSlot < 0 ? firstSlot : firstSlot + count - 1) + " is"
                    + " outside the recorded ring of " + (slotLimit == Integer.MAX_VALUE ? "any size" : slotLimit
                    + " slots"), "record slots of the session the log was created for");
        }
    }

    /** @return the queue index of the next slot, once there is room for it */
    private int reserve() {
        awaitSpace(1);
        return (int) (head & mask);
    }

    /** Queues slot {@code i} (filled by the caller) for ring slot {@code slot}. */
    private void publishOne(int i, int slot) {
        if (sinceStamp == 0 || stamp == 0) {
            stamp = log.clock();
        }
        sinceStamp = sinceStamp + 1 == 32 ? 0 : sinceStamp + 1;
        queueRun(slot, 1, stamp);
    }

    /** Waits until at least {@code n} queue slots are free; @return how many are free */
    private int awaitSpace(int n) {
        for (int round = 0; ; round++) {
            checkRunning();
            long free = mask + 1 - (head - (long) TAIL.getAcquire(this));
            if (free >= n) {
                return (int) free;
            }
            if (round == 0) {
                waits++;
            }
            if (round < SPINS) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(1_000);
            }
        }
    }

    private void checkRunning() {
        Throwable f = failure;
        if (f != null) {
            throw new ReplayLogException(ReplayLogException.Kind.IO, log.path(), "append", "the background"
                    + " recorder of replay log " + log.path() + " failed: " + f.getMessage(), "record into a new"
                    + " log; the records queued after the failure are lost", f);
        }
        if (closed) {
            throw new ReplayLogException(ReplayLogException.Kind.IO, log.path(), "append", "replay log "
                    + log.path() + " is closed", "open it again with ReplayLog.open or ReplayLog.read");
        }
    }

    // ------------------------------------------------------------------ the drainer

    private void drain() {
        int idle = 0;
        try {
            while (true) {
                long h = (long) RUN_HEAD.getAcquire(this);
                long t = runTail;
                if (h == t) {
                    if (!running) {
                        return;
                    }
                    if (++idle < SPINS) {
                        Thread.onSpinWait();
                    } else {
                        LockSupport.parkNanos(IDLE_PARK_NANOS);
                    }
                    continue;
                }
                idle = 0;
                int runs = (int) Math.min(h - t, DRAIN_RUNS);
                long slotTail = tail;
                long written = log.recordRuns(images, mask, slotTail, runFirsts, runCounts, runStamps, mask, t, runs);
                runTail = t + runs;
                TAIL.setRelease(this, slotTail + written);
            }
        } catch (Throwable e) {
            failure = e;
        }
    }

    /** Waits until every queued slot is in the log (or the drainer failed). */
    private void awaitDrained() {
        while ((long) TAIL.getAcquire(this) != head && failure == null && drainer.isAlive()) {
            LockSupport.unpark(drainer);
            LockSupport.parkNanos(10_000);
        }
    }

    /** @return how many times a publisher found the queue full and waited for the drainer */
    public synchronized long publisherWaits() {
        return waits;
    }

    @Override
    public synchronized void sync() {
        checkRunning();
        awaitDrained();
        checkRunning();
        log.sync();
    }

    /** Waits until the queue is empty, stops the drainer and closes the log; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        awaitDrained();
        running = false;
        LockSupport.unpark(drainer);
        boolean interrupted = false;
        while (drainer.isAlive()) {
            try {
                drainer.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        log.close();
        Throwable f = failure;
        if (f != null) {
            throw new ReplayLogException(ReplayLogException.Kind.IO, log.path(), "append", "the background"
                    + " recorder of replay log " + log.path() + " failed: " + f.getMessage(), "record into a new"
                    + " log; the records queued after the failure are lost", f);
        }
    }
}
