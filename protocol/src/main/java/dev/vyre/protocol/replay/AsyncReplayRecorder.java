package dev.vyre.protocol.replay;

import static dev.vyre.protocol.replay.RecordDrain.FROM_RING;
import static dev.vyre.protocol.replay.RecordDrain.R_EPOCH;
import static dev.vyre.protocol.replay.RecordDrain.R_READY;
import static dev.vyre.protocol.replay.RecordDrain.R_SLOT_COUNT;
import static dev.vyre.protocol.replay.RecordDrain.R_STAMP;
import static dev.vyre.protocol.replay.RecordDrain.R_START;
import static dev.vyre.protocol.replay.RecordDrain.runLength;

import dev.vyre.protocol.Priority;
import dev.vyre.protocol.ReplayLogException;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotStatus;
import dev.vyre.protocol.VyreArgumentException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
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
 * the images from the ring once the run is ready.
 *
 * <h2>Cache lines</h2>
 * The drain side ({@code RecordDrain}: the queue, the drainers' counters and threads) is an object of its own that
 * the publishers never write, and this object holds only the publishers' state (guarded by its lock), so a
 * drainer never reads a line that a publisher writes on every run, its lock word included. The publisher reads
 * the drainers' progress only when its last reading leaves too little room or an unread ring image, each run
 * descriptor has a cache line of its own, and an idle drainer parks at once instead of spinning on the
 * queued-run count (it then claims the runs queued meanwhile in one batch).
 *
 * <h2>Several drain threads</h2>
 * A queued image's log position, sequence number and epoch are fixed when it is queued (the publisher counts
 * the BATCH_FENCE ops as it queues), so {@code drainThreads} threads each claim the next runs of the queue (up
 * to 4,096 records) and write their records into disjoint positions of the mapping
 * at the same time, each record's magic left 0. A drainer then waits until every earlier claim is published, sets its
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
    private static final int IMAGE_LONGS = RecordDrain.IMAGE_LONGS;
    private static final ValueLayout.OfLong LONG = RecordDrain.LONG;
    private static final VarHandle COUNTER = RecordDrain.COUNTER;
    /** Most images per run descriptor: a drainer's bulk copy. */
    private static final int PIECE = ReplayLog.STAGED;
    private static final int RUN_LONGS = RecordDrain.RUN_LONGS;
    private static final int RUN_HEAD_AT = RecordDrain.RUN_HEAD_AT;

    private final ReplayLog log;
    private final int slotLimit;
    private final int mask;
    /** Most images per run: {@link #PIECE}, or the log's capacity when that is smaller. */
    private final int piece;
    /** The drain side; the fields below are the publishers' (guarded by this), which no drainer reads. */
    private final RecordDrain drain;
    /** The drain side's queue, read and written by the publishers under this object's lock. */
    private final long[] images;
    private final long[] descriptors;
    private final long[] runHead;
    /** Slots queued so far. */
    private long head;
    /**
     * The latest drainers' tail a publisher read: the publisher reads the drainers' line again only
     * when this value leaves too little room or an unread ring image.
     */
    private long tailSeen;
    /** The epoch of the next queued slot. */
    private int epoch;
    /** Scratch for a packed slot's argument words. */
    private final int[] payload = new int[SlotLayout.ARGS_PER_SLOT];
    /** Scratch: one image copied from a ring run whose fences are counted. */
    private final long[] fenceImage = new long[IMAGE_LONGS];
    /** Times a publisher found the queue full and waited. */
    private long waits;
    /**
     * The queued images of ring slots still to be read from the ring, which those slots may not be written over;
     * null until {@link #readImagesFrom} gives a ring (then ring runs queue descriptors only).
     */
    private RingReadGuard ringGuard;
    /** Run calls ({@code recordImages...}) since the last clock reading, modulo {@link #RUN_STAMP_EVERY}. */
    private int sinceRunStamp;
    private long runStampNanos;
    /** Single-slot calls since the last clock reading. */
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
        this.slotLimit = log.geometry().map(SessionGeometry::slotCount).orElse(Integer.MAX_VALUE);
        this.mask = queueSlots - 1;
        this.piece = (int) Math.min(PIECE, log.capacity());
        this.epoch = (int) state[2];
        this.drain = new RecordDrain(log, queueSlots, drainThreads, state[0], state[1]);
        this.images = drain.images;
        this.descriptors = drain.descriptors;
        this.runHead = drain.runHead;
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
        return drain.threadCount();
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
        drain.readFrom(ring);
        this.ringGuard = new RingReadGuard(slots);
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
    public void recordImagesAndWrite(int firstSlot, MemorySegment images, int count, boolean mayBumpEpoch,
                                     RingWrite write) {
        long firstRun;
        long endRun;
        synchronized (this) {
            if (ringGuard == null || count > mask + 1 || count <= 0
                    || (long) firstSlot + count > ringGuard.ringSlots()) {
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
                queueRingRun(firstSlot + done, images, (long) done * SlotLayout.SLOT_BYTES, n, now, mayBumpEpoch);
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
     * are counted from {@code images} unless {@code mayBumpEpoch} is false.
     */
    private void queueRingRun(int firstSlot, MemorySegment images, long from, int n, long stampNow,
                              boolean mayBumpEpoch) {
        long r = runHead[RUN_HEAD_AT];
        int at = (int) (r & mask) * RUN_LONGS;
        descriptors[at + R_SLOT_COUNT] = Integer.toUnsignedLong(firstSlot) | (long) n << 32 | FROM_RING;
        descriptors[at + R_STAMP] = stampNow;
        descriptors[at + R_EPOCH] = epoch;
        descriptors[at + R_START] = head;
        descriptors[at + R_READY] = 0;
        int e = epoch;
        for (int k = 0; k < n && mayBumpEpoch; k++) {
            long offset = from + (long) k * SlotLayout.SLOT_BYTES;
            if (ReplayLog.mayFence(images.get(LONG, offset))) {
                MemorySegment.copy(images, LONG, offset, fenceImage, 0, IMAGE_LONGS);
                e += ReplayLog.fencesOf(fenceImage, 0, payload);
            }
        }
        ringGuard.queued(firstSlot, n, head + n);
        epoch = e;
        head += n;
        COUNTER.setRelease(runHead, RUN_HEAD_AT, r + 1);
    }

    /** Waits until the drainers have read every queued image of ring slots {@code firstSlot .. + count - 1}. */
    private void awaitRingRead(int firstSlot, int count) {
        if (ringGuard == null) {
            return;
        }
        int end = (int) Math.min((long) firstSlot + count, ringGuard.ringSlots());
        if (end > firstSlot) {
            awaitTail(ringGuard.required(firstSlot, end - firstSlot, tailSeen));
        }
    }

    /**
     * Waits until the drainers' tail reaches {@code target}: the publisher reads their line only when its last
     * reading ({@link #tailSeen}) falls short.
     */
    private void awaitTail(long target) {
        for (int round = 0; target > tailSeen && target > (tailSeen = drain.tail()); round++) {
            checkRunning();
            publisherPause(round);
        }
    }

    /** One round of the publisher's wait for the drainers: counts the wait once, spins, then parks 1 µs at a time. */
    private void publisherPause(int round) {
        if (round == 0) {
            waits++;
        }
        if (round < RecordDrain.SPINS) {
            Thread.onSpinWait();
        } else {
            LockSupport.parkNanos(1_000);
        }
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
        awaitTail(head + n - (mask + 1));
        return (int) (mask + 1 - (head - tailSeen));
    }

    private void checkRunning() {
        Throwable f = drain.failure();
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

    /** @return how many times a publisher found the queue full and waited for the drain threads */
    public synchronized long publisherWaits() {
        return waits;
    }

    @Override
    public synchronized void sync() {
        checkRunning();
        drain.awaitDrained(head);
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
        drain.awaitDrained(head);
        drain.stop();
        log.detach();
        log.close();
        Throwable f = drain.failure();
        if (f != null) {
            throw new ReplayLogException(ReplayLogException.Kind.IO, log.path(), "append", "the background"
                    + " recorder of replay log " + log.path() + " failed: " + f.getMessage(), "record into a new"
                    + " log; the records queued after the failure are lost", f);
        }
    }
}
