package dev.vyre.protocol.replay;

import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotStatus;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.concurrent.locks.LockSupport;

/**
 * The drain side of an {@link AsyncReplayRecorder}: the queue (slot images and run descriptors), the drainers'
 * counters and the threads that claim queued runs, lay out their records and write them into the log (see the
 * recorder for the protocol). The publishing threads write only the queue arrays and {@link #runHead}, never a
 * field of this object, and this object holds none of theirs: a drainer reading its own fields never pulls a
 * cache line the publisher writes on every run (nor the publisher's lock word), so the publisher's stores do
 * not miss on lines the drainers keep reading.
 */
final class RecordDrain {

    static final int IMAGE_LONGS = SlotLayout.SLOT_BYTES / Long.BYTES;
    static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final VarHandle COUNTER = MethodHandles.arrayElementVarHandle(long[].class);
    static final int SPINS = 256;
    private static final long IDLE_PARK_NANOS = 20_000;
    /** Spins of an idle drainer before it parks ({@code -Dvyre.replay.drainerSpins}, an experiment switch). */
    private static final int IDLE_SPINS = Integer.getInteger("vyre.replay.drainerSpins", 0);
    /** Most runs a drainer claims at once. */
    static final int CLAIM_RUNS = 1024;
    /** Records after which a drainer's claim ends (512 KiB of full-image records, one cursor store). */
    static final int CLAIM_RECORDS = 4096;
    /** Indexes of the drainers' counters in {@link #counters}: a cache line apart, and from either end. */
    private static final int CLAIMED_AT = 8;
    private static final int TAIL_AT = 16;
    /** Longs per run descriptor: one cache line, so the publisher's next descriptor is never a line a drainer reads. */
    static final int RUN_LONGS = 8;
    static final int R_SLOT_COUNT = 0;
    /** Flag in {@link #R_SLOT_COUNT}: the run's images are in the ring, not in the queue. */
    static final long FROM_RING = 1L << 62;
    static final int R_STAMP = 1;
    static final int R_EPOCH = 2;
    static final int R_START = 3;
    /**
     * A {@link #FROM_RING} run's readiness, stored (release) by its publisher after its ring write, outside the lock:
     * {@code run + 1} once its images are in the ring, {@code -(run + 1)} once they are in the queue instead (the
     * ring write failed), anything else while the write is in progress.
     */
    static final int R_READY = 4;
    /** Index of the queued-run count in {@link #runHead}: a cache line from either end. */
    static final int RUN_HEAD_AT = 8;

    private final ReplayLog log;
    private final boolean full;
    private final int mask;
    private final long capacity;
    /** The log's cursor, next sequence number when the recorder took it over: queued image q goes to
     * position {@code (baseCursor + q) % capacity} with sequence number {@code baseSequence + q}. */
    private final long baseCursor;
    private final long baseSequence;
    /** The queued slot images, 8 little-endian word pairs each; a run never crosses the end. */
    final long[] images;
    /**
     * Run descriptors, {@value #RUN_LONGS} longs each at {@code (run number & mask) * RUN_LONGS}:
     * [{@link #R_SLOT_COUNT}] first ring slot | images {@code << 32} (| {@link #FROM_RING}),
     * [{@link #R_STAMP}] timestamp, [{@link #R_EPOCH}] epoch of the first image, [{@link #R_START}] queue number of
     * the first image, [{@link #R_READY}] a ring run's readiness.
     */
    final long[] descriptors;
    /**
     * {@code [RUN_HEAD_AT]}: runs queued so far (release by the publishers, under the recorder's lock, after the
     * run's descriptor): what the drainers may claim. On a cache line of its own.
     */
    final long[] runHead = new long[RUN_HEAD_AT + 9];
    /**
     * The counters the drainers write, each on its own cache line: {@code [CLAIMED_AT]} runs claimed by drainers
     * so far (compare-and-set), {@code [TAIL_AT]} slots whose records are complete and published by the cursor
     * (release, in order, by the drainers).
     */
    private final long[] counters = new long[TAIL_AT + 9];
    private final Thread[] threads;
    /** The host-memory ring {@link #FROM_RING} images are read from: set once, before the first such run is queued. */
    private MemorySegment ring;
    private volatile boolean running = true;
    private volatile Throwable failure;

    /**
     * Starts {@code drainThreads} threads that write {@code log}'s records from position {@code baseCursor} and
     * sequence number {@code baseSequence} on.
     */
    RecordDrain(ReplayLog log, int queueSlots, int drainThreads, long baseCursor, long baseSequence) {
        this.log = log;
        this.full = log.fullImage();
        this.mask = queueSlots - 1;
        this.capacity = log.capacity();
        this.baseCursor = baseCursor;
        this.baseSequence = baseSequence;
        this.images = new long[queueSlots * IMAGE_LONGS];
        this.descriptors = new long[queueSlots * RUN_LONGS];
        this.threads = new Thread[drainThreads];
        for (int i = 0; i < drainThreads; i++) {
            threads[i] = Thread.ofPlatform().daemon().name("vyre-replay-log " + log.path().getFileName()
                    + (drainThreads == 1 ? "" : " #" + i)).unstarted(this::run);
        }
        for (Thread t : threads) {
            t.start();
        }
    }

    /** @return the threads that write the log */
    int threadCount() {
        return threads.length;
    }

    /** Sets the ring that {@link #FROM_RING} runs are read from; before any such run is queued. */
    void readFrom(MemorySegment hostRing) {
        this.ring = hostRing;
    }

    /** @return the first failure of a drainer, or null */
    Throwable failure() {
        return failure;
    }

    /** @return the images of a run descriptor's {@link #R_SLOT_COUNT} word */
    static int runLength(long slotCount) {
        return (int) (slotCount >>> 32) & 0xFFFF;
    }

    /** Waits until the first {@code head} queued slots are in the log (or a drainer failed). */
    void awaitDrained(long head) {
        while (tail() != head && failure == null && anyAlive()) {
            for (Thread t : threads) {
                LockSupport.unpark(t);
            }
            LockSupport.parkNanos(10_000);
        }
    }

    private boolean anyAlive() {
        for (Thread t : threads) {
            if (t.isAlive()) {
                return true;
            }
        }
        return false;
    }

    /** Stops the threads once the queue is empty and waits for them. */
    void stop() {
        running = false;
        boolean interrupted = false;
        for (Thread t : threads) {
            LockSupport.unpark(t);
            while (t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        long[] stage = new long[ReplayLog.STAGED * (full ? 16 : 8)];
        long[] ringImages = new long[ReplayLog.STAGED * IMAGE_LONGS];
        int[] scratch = new int[SlotLayout.ARGS_PER_SLOT];
        int idle = 0;
        try {
            while (true) {
                long c = (long) COUNTER.getAcquire(counters, CLAIMED_AT);
                long h = (long) COUNTER.getAcquire(runHead, RUN_HEAD_AT);
                int runs = c == h ? 0 : claimable(c, (int) Math.min(h - c, CLAIM_RUNS));
                if (runs == 0) {
                    if (c == h && !running) {
                        return;
                    }
                    idle = pause(idle);
                    continue;
                }
                if (!COUNTER.compareAndSet(counters, CLAIMED_AT, c, c + runs)) {
                    continue;
                }
                idle = 0;
                write(c, runs, stage, ringImages, scratch);
            }
        } catch (Throwable e) {
            if (failure == null) { // the first failure is the cause; the others only stop waiting for it
                failure = e;
            }
        }
    }

    /**
     * @return how many of the {@code runs} runs from run {@code c} on may be claimed now: the claim's records
     *         must lie within {@code capacity} records of the oldest unpublished one, so that no two drainers
     *         write one position, and a claim ends before a ring run its publisher has not marked ready yet, so
     *         that no drainer waits on (and reads) the line the publisher is about to mark
     */
    private int claimable(long c, int runs) {
        long limit = tail() + capacity;
        long start = descriptors[(int) (c & mask) * RUN_LONGS + R_START];
        int n = 0;
        while (n < runs) {
            int d = (int) ((c + n) & mask) * RUN_LONGS;
            long slotCount = descriptors[d + R_SLOT_COUNT];
            long end = descriptors[d + R_START] + runLength(slotCount);
            if (end > limit || (n > 0 && end - start > CLAIM_RECORDS)
                    || (slotCount & FROM_RING) != 0 && !isReady(c + n, d)) {
                break;
            }
            n++;
        }
        return n;
    }

    /** @return whether the publisher of ring run {@code run} (descriptor at {@code d}) has marked it (acquire) */
    private boolean isReady(long run, int d) {
        long ready = (long) COUNTER.getAcquire(descriptors, d + R_READY);
        return ready == run + 1 || ready == -(run + 1);
    }

    /** @return slots whose records are complete and published (acquire) */
    long tail() {
        return (long) COUNTER.getAcquire(counters, TAIL_AT);
    }

    /**
     * An idle drainer's wait: it parks at once by default, so that it does not read the publisher's lines while
     * runs are queued one by one, and claims them in larger batches.
     */
    private static int pause(int idle) {
        if (idle < IDLE_SPINS) {
            Thread.onSpinWait();
        } else {
            LockSupport.parkNanos(IDLE_PARK_NANOS);
        }
        return idle + 1;
    }

    /**
     * Writes the records of claimed runs {@code c .. c + runs - 1} (magics 0), waits until every earlier record
     * is published, then sets their magics and publishes them: the cursor, the log's sequence and epoch, and
     * {@link #tail()}, which frees their queue slots. The oldest claim in flight sets its magics chunk by chunk as
     * it writes them (in order, right after the published records), while they are still in the cache.
     */
    private void write(long c, int runs, long[] stage, long[] ringImages, int[] scratch) {
        long start = descriptors[(int) (c & mask) * RUN_LONGS + R_START];
        int lastAt = (int) ((c + runs - 1) & mask) * RUN_LONGS;
        long end = descriptors[lastAt + R_START] + runLength(descriptors[lastAt + R_SLOT_COUNT]);
        long at = Math.floorMod(baseCursor + start, capacity); // the position of the next chunk
        long written = start; // queue number after the last record written
        long magicked = start; // queue number after the last record whose magic is set
        boolean oldest = false; // every earlier record is published (stays true until this claim publishes)
        int r = 0; // the claim's run being laid out
        int inRun = 0; // its images already laid out
        int e = 0;
        while (written < end) {
            int n = (int) Math.min(Math.min(end - written, ReplayLog.STAGED), capacity - at);
            log.clearMagics(at, n); // first: their cache lines are fetched while the chunk is laid out
            int staged = 0;
            while (staged < n) {
                int d = (int) ((c + r) & mask) * RUN_LONGS;
                long slotCount = descriptors[d + R_SLOT_COUNT];
                int count = runLength(slotCount);
                if (inRun == 0) {
                    e = (int) descriptors[d + R_EPOCH];
                }
                long q = descriptors[d + R_START] + inRun;
                int k = Math.min(count - inRun, n - staged);
                long[] source = images;
                int from = (int) (q & mask) * IMAGE_LONGS;
                if ((slotCount & FROM_RING) != 0 && inRing(c + r, d)) {
                    fetchRingImages((int) slotCount + inRun, k, ringImages);
                    source = ringImages;
                    from = 0;
                }
                e = ReplayLog.layoutRun(full, stage, staged, source, from, (int) slotCount + inRun,
                        descriptors[d + R_STAMP], k, baseSequence + q, e, scratch);
                staged += k;
                inRun += k;
                if (inRun == count) {
                    r++;
                    inRun = 0;
                }
            }
            log.writeBodies(at, stage, n);
            at = at + n == capacity ? 0 : at + n;
            written += n;
            if (oldest || (oldest = tail() == start)) { // the oldest claim: its magics may be set now
                log.setMagics(Math.floorMod(baseCursor + magicked, capacity), written - magicked);
                magicked = written;
            }
        }
        int spins = 0;
        while (tail() != start) { // publish in queue order
            if (failure != null) {
                throw new IllegalStateException("another drainer failed first. Fix: see that failure, which the"
                        + " recorder reports");
            }
            if (++spins < SPINS) {
                Thread.onSpinWait();
            } else { // the drainer of an earlier claim may wait for this thread's core: let it run
                Thread.yield();
            }
        }
        log.setMagics(Math.floorMod(baseCursor + magicked, capacity), end - magicked);
        log.advance(Math.floorMod(baseCursor + end, capacity), baseSequence + end, e);
        COUNTER.setRelease(counters, TAIL_AT, end);
    }

    /**
     * @return true when the images of ring run {@code run} (descriptor at {@code d}, marked: {@link #claimable}
     *         claims no other) are in the ring, false when its publisher queued them instead
     */
    private boolean inRing(long run, int d) {
        return (long) COUNTER.getAcquire(descriptors, d + R_READY) == run + 1;
    }

    /**
     * Copies the {@code n} images of ring slots {@code firstSlot ..} into {@code into[0 ..]}, with status PUBLISHED
     * (what the publisher checked; the device may have changed the ring's status word since).
     */
    private void fetchRingImages(int firstSlot, int n, long[] into) {
        MemorySegment.copy(ring, LONG, Integer.toUnsignedLong(firstSlot) * SlotLayout.SLOT_BYTES, into, 0,
                n * IMAGE_LONGS);
        for (int i = 0, w = 0; i < n; i++, w += IMAGE_LONGS) {
            into[w] = (into[w] & 0xFFFF_FFFF_0000_0000L) | SlotStatus.PUBLISHED;
        }
    }
}
