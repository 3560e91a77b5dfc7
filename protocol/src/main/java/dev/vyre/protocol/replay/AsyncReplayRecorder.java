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
 * Records into a {@link ReplayLog} through background threads, so that a publish path only copies its slot
 * images into an in-memory queue (one bulk copy for a run of images) and appends one descriptor per run of at
 * most 64 images (first ring slot, count, timestamp, epoch); laying out the records and storing them into the
 * mapping happen on other cores. The queue is a bounded ring of {@code queueSlots} slot images and as many
 * descriptors.
 *
 * <h2>Reading the images back from the ring</h2>
 * With a host-memory ring ({@link #readImagesFrom}), {@link #recordImagesAndWrite} queues only descriptors: under
 * the lock a publisher reserves the run's queue numbers and writes its descriptor, then writes the ring outside
 * the lock (publishers of disjoint ring slots write at once) and marks the run ready (release); a drainer reads
 * the images from the ring once the run is ready. The publishing thread touches no line a drainer writes or
 * polls on every run: it reads the drainers' progress only when its last reading leaves too little room or an
 * unread ring image, each descriptor has a cache line of its own, and an idle drainer parks at once instead of
 * spinning on the queued-run count (it then claims the runs queued meanwhile in one batch).
 *
 * <h2>Several drain threads</h2>
 * A queued image's log position, sequence number and epoch are fixed when it is queued (the publisher counts
 * the BATCH_FENCE ops as it queues), so {@code drainThreads} threads each claim the next runs of the queue (up
 * to {@value #CLAIM_RECORDS} records) and write their records into disjoint positions of the mapping at the same
 * time, each record's magic left 0. A drainer then waits until every earlier claim is published, sets its
 * records' magics in order and stores the cursor past them (release). So after a crash the log holds the
 * records up to the cursor, then at most one claim's complete records past it (in order; {@link ReplayLog}'s
 * reader recovers them by their sequence numbers), then records with magic 0 or untouched older ones: the
 * same consistent log one drainer leaves. At most {@code capacity} records are in flight at once, so two
 * drainers never write the same position.
 *
 * <p>When the drainers fall behind and the queue is full, a publisher waits for room (spinning, then parking
 * 1 µs at a time): it never drops a slot, so recording then runs at the drainers' rate; {@link #publisherWaits()}
 * counts those waits. Records keep the order of the calls.
 *
 * <p>While the recorder is open it owns the log: the log's own {@code record...} and {@code append...} methods
 * refuse; read it after {@link #sync()}. Durability is weaker than {@link ReplayLog}'s own recorders: the slots
 * still queued when the process dies are lost (at most {@code queueSlots}); {@link #sync()} and {@link #close()}
 * first wait until the queue is empty. A failure of a drainer is reported by the next call. Thread-safe;
 * allocates nothing per call.
 */
public final class AsyncReplayRecorder implements SlotRecorder {

    /** Run calls per clock reading: a clock read costs about as much as the rest of a call's work on the publisher. */
    private static final int RUN_STAMP_EVERY = 16;
    /** Default queue length, in slots (4 MiB of images). */
    public static final int DEFAULT_QUEUE_SLOTS = 1 << 16;
    /** Most drain threads. */
    public static final int MAX_DRAIN_THREADS = 16;
    private static final int IMAGE_LONGS = SlotLayout.SLOT_BYTES / Long.BYTES;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final long IDLE_PARK_NANOS = 20_000;
    private static final int SPINS = 256;
    /** Most images per run descriptor: a drainer's bulk copy. */
    private static final int PIECE = ReplayLog.STAGED;
    /** Most runs a drainer claims at once. */
    static final int CLAIM_RUNS = 1024;
    /** Records after which a drainer's claim ends (512 KiB of full-image records, one cursor store). */
    static final int CLAIM_RECORDS = 4096;
    /** Indexes of the drainers' counters in {@link #counters}: a cache line apart, and from either end. */
    private static final int CLAIMED_AT = 8;
    private static final int TAIL_AT = 16;
    private static final VarHandle COUNTER = MethodHandles.arrayElementVarHandle(long[].class);
    /** Longs per run descriptor: one cache line, so the publisher's next descriptor is never a line a drainer reads. */
    private static final int RUN_LONGS = 8;
    private static final int R_SLOT_COUNT = 0;
    /** Flag in {@link #R_SLOT_COUNT}: the run's images are in the ring, not in the queue. */
    private static final long FROM_RING = 1L << 62;
    private static final int R_STAMP = 1;
    private static final int R_EPOCH = 2;
    private static final int R_START = 3;
    /**
     * A {@link #FROM_RING} run's readiness, stored (release) by its publisher after its ring write, outside the lock:
     * {@code run + 1} once its images are in the ring, {@code -(run + 1)} once they are in the queue instead (the
     * ring write failed), anything else while the write is in progress.
     */
    private static final int R_READY = 4;
    /** Spins of an idle drainer before it parks ({@code -Dvyre.replay.drainerSpins}, an experiment switch). */
    private static final int IDLE_SPINS = Integer.getInteger("vyre.replay.drainerSpins", 0);
    /** Index of the queued-run count in {@link #runHead}: a cache line from either end. */
    private static final int RUN_HEAD_AT = 8;

    private final ReplayLog log;
    private final boolean full;
    private final int slotLimit;
    private final int mask;
    private final long capacity;
    /** Most images per run: {@link #PIECE}, or the log's capacity when that is smaller. */
    private final int piece;
    /** The log's cursor, next sequence number when the recorder took it over: queued image q goes to
     * position {@code (baseCursor + q) % capacity} with sequence number {@code baseSequence + q}. */
    private final long baseCursor;
    private final long baseSequence;
    /** The queued slot images, 8 little-endian word pairs each; a run never crosses the end. */
    private final long[] images;
    /**
     * Run descriptors, {@value #RUN_LONGS} longs each at {@code (run number & mask) * RUN_LONGS}:
     * [{@link #R_SLOT_COUNT}] first ring slot | images {@code << 32} (| {@link #FROM_RING}),
     * [{@link #R_STAMP}] timestamp, [{@link #R_EPOCH}] epoch of the first image, [{@link #R_START}] queue number of
     * the first image, [{@link #R_READY}] a ring run's readiness.
     */
    private final long[] descriptors;
    private final Thread[] drainers;
    /** Slots queued so far. Guarded by this (written only by producers). */
    private long head;
    /**
     * The latest {@link #tail()} a publisher read: the publisher reads the drainers' line again only when this
     * value leaves too little room or an unread ring image. Guarded by this.
     */
    private long tailSeen;
    /** The epoch of the next queued slot. Guarded by this. */
    private int epoch;
    /** Scratch for a packed slot's argument words. Guarded by this. */
    private final int[] payload = new int[SlotLayout.ARGS_PER_SLOT];
    /** Scratch: one image copied from a ring run whose fences are counted. Guarded by this. */
    private final long[] fenceImage = new long[IMAGE_LONGS];
    /**
     * {@code [RUN_HEAD_AT]}: runs queued so far (release by producers, under this object's lock, after the run's
     * images and descriptor): what the drainers may claim. At most {@code head - tail} runs are queued, so
     * descriptors never overrun. On a cache line of its own: idle drainers poll it, and the publisher's own fields
     * then stay in its cache.
     */
    private final long[] runHead = new long[RUN_HEAD_AT + 9];
    /**
     * The counters the drainers write, each on its own cache line, away from the fields the publishers write:
     * {@code [CLAIMED_AT]} runs claimed by drainers so far (compare-and-set), {@code [TAIL_AT]} slots whose
     * records are complete and published by the cursor (release, in order, by the drainers).
     */
    private final long[] counters = new long[TAIL_AT + 9];
    /** Times a publisher found the queue full and waited. Guarded by this. */
    private long waits;
    /** The host-readable ring images are read back from ({@link #readImagesFrom}), or null: copied on the publisher. */
    private MemorySegment ring;
    /**
     * Per ring slot, 1 + the queue number of its last image still to be read from {@link #ring} (0: none):
     * that slot's ring words must not be written until {@link #tail()} passes it. Guarded by this.
     */
    private long[] ringPending;
    private volatile boolean running = true;
    private volatile Throwable failure;
    /** Run calls ({@code recordImages...}) since the last clock reading, modulo {@link #RUN_STAMP_EVERY}. Guarded by this. */
    private int sinceRunStamp;
    private long runStampNanos;
    /** Single-slot calls since the last clock reading. Guarded by this. */
    private int sinceStamp;
    private long stamp;
    private boolean closed;

    /**
     * Starts one drainer thread of {@code log}.
     *
     * @param queueSlots slots the queue holds, a power of two, 64 .. 2^24
     */
    public AsyncReplayRecorder(ReplayLog log, int queueSlots) {
        this(log, queueSlots, 1);
    }

    /**
     * Starts {@code drainThreads} drainer threads of {@code log}; the recorder owns the log until it is closed.
     *
     * @param queueSlots   slots the queue holds, a power of two, 64 .. 2^24
     * @param drainThreads threads that write the log, 1 .. {@value #MAX_DRAIN_THREADS}
     *                     (e.g. {@link #defaultDrainThreads()})
     */
    public AsyncReplayRecorder(ReplayLog log, int queueSlots, int drainThreads) {
        if (queueSlots < 64 || queueSlots > 1 << 24 || Integer.bitCount(queueSlots) != 1) {
            throw new VyreArgumentException("queueSlots", queueSlots + " is not a power of two in 64 .. 2^24",
                    "pass e.g. AsyncReplayRecorder.DEFAULT_QUEUE_SLOTS");
        }
        checkDrainThreads(drainThreads);
        if (!log.isWritable()) {
            throw new VyreArgumentException("log", log.path() + " was opened read-only",
                    "record into a log from ReplayLog.create or ReplayLog.open");
        }
        long[] state = log.attach();
        this.log = log;
        this.full = log.fullImage();
        this.slotLimit = log.geometry().map(SessionGeometry::slotCount).orElse(Integer.MAX_VALUE);
        this.mask = queueSlots - 1;
        this.capacity = log.capacity();
        this.piece = (int) Math.min(PIECE, capacity);
        this.baseCursor = state[0];
        this.baseSequence = state[1];
        this.epoch = (int) state[2];
        this.images = new long[queueSlots * IMAGE_LONGS];
        this.descriptors = new long[queueSlots * RUN_LONGS];
        this.drainers = new Thread[drainThreads];
        for (int i = 0; i < drainThreads; i++) {
            drainers[i] = Thread.ofPlatform().daemon().name("vyre-replay-log " + log.path().getFileName()
                    + (drainThreads == 1 ? "" : " #" + i)).unstarted(this::drain);
        }
        for (Thread t : drainers) {
            t.start();
        }
    }

    /**
     * @return the drain threads a session uses by default: a quarter of the available processors, 1 .. 4. On the
     *         H100 machine (16 vCPUs, CUDA {@code publishSlots}/64 at 135 M slots/s, drainers reading the images
     *         from the ring) 4 drainers cost 35.8 % of the unrecorded rate, 2 cost 42.4 % and 1 60.8 %, since one
     *         drainer writes about 60 M records/s (docs/PERFORMANCE.md, session 11); on 2 vCPUs extra drainers
     *         only compete with the publisher
     */
    public static int defaultDrainThreads() {
        return Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors() / 4));
    }

    /** @throws VyreArgumentException unless {@code drainThreads} is 1 .. {@value #MAX_DRAIN_THREADS} */
    public static void checkDrainThreads(int drainThreads) {
        if (drainThreads < 1 || drainThreads > MAX_DRAIN_THREADS) {
            throw new VyreArgumentException("drainThreads", drainThreads + " is outside 1.." + MAX_DRAIN_THREADS,
                    "pass e.g. AsyncReplayRecorder.defaultDrainThreads()");
        }
    }

    /** @return the threads that write the log */
    public int drainThreads() {
        return drainers.length;
    }

    @Override
    public ReplayLog log() {
        return log;
    }

    // ------------------------------------------------------------------ producers

    @Override
    public synchronized void recordPublish(int slot, int tenant, int opcode, int a0, int a1, int a2) {
        checkSlots(slot, 1);
        awaitRingRead(slot, 1);
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
        awaitRingRead(slot, 1);
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
        awaitRingRead(slot, 1);
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
        checkRun(firstSlot, source, count);
        long now = runStamp();
        int done = 0;
        while (done < count) {
            int free = awaitSpace(1);
            int i = (int) (head & mask);
            int n = Math.min(Math.min(count - done, free), mask + 1 - i);
            MemorySegment.copy(source, LONG, (long) done * SlotLayout.SLOT_BYTES, images, i * IMAGE_LONGS,
                    n * IMAGE_LONGS);
            for (int k = 0; k < n; k += piece) {
                queueRun(firstSlot + done + k, Math.min(piece, n - k), now);
            }
            done += n;
        }
    }

    /**
     * From now on {@link #recordImagesAndWrite} queues only descriptors, and the drainers read the images back
     * from {@code ring} (whose slot count bounds the recorded slots). Call it before anything is recorded.
     */
    @Override
    public synchronized void readImagesFrom(MemorySegment ring) {
        checkRunning();
        if (head != 0) {
            throw new IllegalStateException("the recorder already queued " + head + " slots. Fix: call"
                    + " readImagesFrom before recording");
        }
        long slots = ring.byteSize() / SlotLayout.SLOT_BYTES;
        if (slots > slotLimit || slots > Integer.MAX_VALUE - 8) {
            throw new VyreArgumentException("ring", slots + " slots is more than the recorded ring of " + slotLimit,
                    "pass the ring of the session the log was created for");
        }
        this.ring = ring;
        this.ringPending = new long[(int) slots];
    }

    /**
     * Records a run that {@code write} puts into the ring. With a ring to read from ({@link #readImagesFrom})
     * and a run that fits the queue, the publisher waits (under the lock) for room and for earlier images of these
     * ring slots to be read, queues descriptors only (counting the run's BATCH_FENCE ops from {@code images}), then
     * writes the ring outside the lock, so that publishers of disjoint ring slots write at the same time, and marks
     * the runs ready; a drainer reads a run's images from the ring only once it is ready. Otherwise it copies the
     * images first, as {@link #recordImages} does. If {@code write} throws, the images are queued from
     * {@code images} instead (the log shows what was to be published) and the exception propagates.
     */
    @Override
    public void recordImagesAndWrite(int firstSlot, MemorySegment images, int count, RingWrite write) {
        long firstRun;
        long endRun;
        synchronized (this) {
            if (ring == null || count > mask + 1 || count <= 0 || (long) firstSlot + count > ringPending.length) {
                recordImages(firstSlot, images, count);
                write.write(firstSlot, images, count);
                return;
            }
            checkRun(firstSlot, images, count);
            awaitSpace(count);
            long now = runStamp();
            firstRun = runHead[RUN_HEAD_AT];
            int done = 0;
            while (done < count) {
                int i = (int) (head & mask);
                int n = Math.min(Math.min(count - done, piece), mask + 1 - i);
                queueRingRun(firstSlot + done, images, (long) done * SlotLayout.SLOT_BYTES, n, now);
                done += n;
            }
            endRun = runHead[RUN_HEAD_AT];
        }
        boolean written = false;
        try {
            write.write(firstSlot, images, count);
            written = true;
        } finally {
            markReady(firstRun, endRun, written ? null : images);
        }
    }

    /**
     * Marks runs {@code firstRun .. endRun - 1} (queued by one {@link #recordImagesAndWrite} call) ready: their
     * images are in the ring, or, with {@code failedWrite} non-null, copied from it into their queue slots.
     */
    private void markReady(long firstRun, long endRun, MemorySegment failedWrite) {
        long from = 0;
        for (long r = firstRun; r < endRun; r++) {
            int at = (int) (r & mask) * RUN_LONGS;
            if (failedWrite != null) {
                int n = runLength(descriptors[at + R_SLOT_COUNT]);
                MemorySegment.copy(failedWrite, LONG, from, images, (int) (descriptors[at + R_START] & mask)
                        * IMAGE_LONGS, n * IMAGE_LONGS);
                from += (long) n * SlotLayout.SLOT_BYTES;
            }
            COUNTER.setRelease(descriptors, at + R_READY, failedWrite == null ? r + 1 : -(r + 1));
        }
    }

    /**
     * Queues a run whose images the drainers read from the ring once it is ready ({@link #markReady}); its fences
     * are counted from {@code images}.
     */
    private void queueRingRun(int firstSlot, MemorySegment images, long from, int n, long stampNow) {
        long r = runHead[RUN_HEAD_AT];
        int at = (int) (r & mask) * RUN_LONGS;
        descriptors[at + R_SLOT_COUNT] = Integer.toUnsignedLong(firstSlot) | (long) n << 32 | FROM_RING;
        descriptors[at + R_STAMP] = stampNow;
        descriptors[at + R_EPOCH] = epoch;
        descriptors[at + R_START] = head;
        descriptors[at + R_READY] = 0;
        int e = epoch;
        for (int k = 0; k < n; k++) {
            long offset = from + (long) k * SlotLayout.SLOT_BYTES;
            if (ReplayLog.mayFence(images.get(LONG, offset))) {
                MemorySegment.copy(images, LONG, offset, fenceImage, 0, IMAGE_LONGS);
                e += ReplayLog.fencesOf(fenceImage, 0, payload);
            }
            ringPending[firstSlot + k] = head + k + 1;
        }
        epoch = e;
        head += n;
        COUNTER.setRelease(runHead, RUN_HEAD_AT, r + 1);
    }

    /** Waits until the drainers have read every queued image of ring slots {@code firstSlot .. + count} from the ring. */
    private void awaitRingRead(int firstSlot, int count) {
        if (ring == null) {
            return;
        }
        long latest = 0;
        int end = (int) Math.min((long) firstSlot + count, ringPending.length);
        for (int s = firstSlot; s < end; s++) {
            latest = Math.max(latest, ringPending[s]);
        }
        for (int round = 0; latest > tailSeen && latest > (tailSeen = tail()); round++) {
            checkRunning();
            publisherPause(round);
        }
    }

    /** One round of the publisher's wait for the drainers: counts the wait once, spins, then parks 1 µs at a time. */
    private void publisherPause(int round) {
        if (round == 0) {
            waits++;
        }
        if (round < SPINS) {
            Thread.onSpinWait();
        } else {
            LockSupport.parkNanos(1_000);
        }
    }

    /** @return the images of a run descriptor's {@link #R_SLOT_COUNT} word */
    private static int runLength(long slotCount) {
        return (int) (slotCount >>> 32) & 0xFFFF;
    }

    /**
     * Publishes the run of {@code n} (at most {@link #piece}) images the caller put at the queue's head to the
     * drainers, with the epoch of its first image, and counts its BATCH_FENCE ops into the next run's.
     */
    private void queueRun(int firstSlot, int n, long stampNow) {
        long r = runHead[RUN_HEAD_AT];
        int d = (int) (r & mask);
        int at = d * RUN_LONGS;
        descriptors[at + R_SLOT_COUNT] = Integer.toUnsignedLong(firstSlot) | (long) n << 32;
        descriptors[at + R_STAMP] = stampNow;
        descriptors[at + R_EPOCH] = epoch;
        descriptors[at + R_START] = head;
        int e = epoch;
        int w = (int) (head & mask) * IMAGE_LONGS;
        for (int k = 0; k < n; k++, w += IMAGE_LONGS) {
            if (ReplayLog.mayFence(images[w])) {
                e += ReplayLog.fencesOf(images, w, payload);
            }
        }
        epoch = e;
        head += n;
        COUNTER.setRelease(runHead, RUN_HEAD_AT, r + 1);
    }

    /**
     * The run recorders' clock: read every {@value #RUN_STAMP_EVERY} calls (about 1,024 slots in runs of 64), so a
     * run's timestamp may be early by the time the calls since the last reading took to publish.
     */
    private long runStamp() {
        if (sinceRunStamp == 0 || runStampNanos == 0) {
            runStampNanos = log.clock();
        }
        sinceRunStamp = (sinceRunStamp + 1) & (RUN_STAMP_EVERY - 1);
        return runStampNanos;
    }

    /**
     * Refuses a run of {@code count} images that {@code source} does not hold or that leaves the recorded ring, then
     * waits until the previous images of its ring slots have been read from the ring.
     */
    private void checkRun(int firstSlot, MemorySegment source, int count) {
        if ((long) count * SlotLayout.SLOT_BYTES > source.byteSize()) {
            throw new VyreArgumentException("count", count + " images do not fit a segment of " + source.byteSize()
                    + " bytes", "pass at most images.byteSize() / 64");
        }
        checkSlots(firstSlot, count);
        awaitRingRead(firstSlot, count);
    }

    /** Refuses ring slots outside the recorded ring (the log itself refuses calls while this recorder owns it). */
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
            long free = mask + 1 - (head - tailSeen);
            if (free < n) {
                tailSeen = tail();
                free = mask + 1 - (head - tailSeen);
            }
            if (free >= n) {
                return (int) free;
            }
            publisherPause(round);
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

    // ------------------------------------------------------------------ the drainers

    private void drain() {
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
     *         write one position
     */
    private int claimable(long c, int runs) {
        long limit = tail() + capacity;
        long start = descriptors[(int) (c & mask) * RUN_LONGS + R_START];
        int n = 0;
        while (n < runs) {
            int d = (int) ((c + n) & mask);
            long end = descriptors[d * RUN_LONGS + R_START] + runLength(descriptors[d * RUN_LONGS + R_SLOT_COUNT]);
            if (end > limit || (n > 0 && end - start > CLAIM_RECORDS)) {
                break;
            }
            n++;
        }
        return n;
    }

    /** @return slots whose records are complete and published (acquire) */
    private long tail() {
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
                if ((slotCount & FROM_RING) != 0 && awaitReady(c + r, d)) {
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
     * Waits until the publisher of ring run {@code run} (descriptor at {@code d}) marked it ready.
     *
     * @return true when its images are in the ring, false when they were queued instead
     */
    private boolean awaitReady(long run, int d) {
        for (int spins = 0; ; spins++) {
            long ready = (long) COUNTER.getAcquire(descriptors, d + R_READY);
            if (ready == run + 1 || ready == -(run + 1)) {
                return ready > 0;
            }
            if (spins < SPINS) { // the publisher is writing the run into the ring
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
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

    /** Waits until every queued slot is in the log (or a drainer failed). */
    private void awaitDrained() {
        while (tail() != head && failure == null && anyDrainerAlive()) {
            for (Thread t : drainers) {
                LockSupport.unpark(t);
            }
            LockSupport.parkNanos(10_000);
        }
    }

    private boolean anyDrainerAlive() {
        for (Thread t : drainers) {
            if (t.isAlive()) {
                return true;
            }
        }
        return false;
    }

    /** @return how many times a publisher found the queue full and waited for the drain threads */
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

    /** Waits until the queue is empty, stops the drainers and closes the log; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        awaitDrained();
        running = false;
        boolean interrupted = false;
        for (Thread t : drainers) {
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
        log.detach();
        log.close();
        Throwable f = failure;
        if (f != null) {
            throw new ReplayLogException(ReplayLogException.Kind.IO, log.path(), "append", "the background"
                    + " recorder of replay log " + log.path() + " failed: " + f.getMessage(), "record into a new"
                    + " log; the records queued after the failure are lost", f);
        }
    }
}
