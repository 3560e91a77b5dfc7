package dev.vyre.backend.cuda;

import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamDestroy;
import static jcuda.driver.JCudaDriver.cuStreamQuery;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

import dev.vyre.protocol.BackendException;
import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.DebugLogLayout;
import dev.vyre.protocol.IoQueueLayout;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.QueueFullException;
import dev.vyre.protocol.RingPublisher;
import dev.vyre.protocol.SlotImages;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotStatus;
import dev.vyre.protocol.Words;
import dev.vyre.spi.IoRequestView;
import dev.vyre.spi.PersistentSession;
import dev.vyre.spi.SessionOptions;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import jcuda.Pointer;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;

/**
 * A persistent megakernel on the GPU. See {@code vyre_megakernel.cu} for the device side.
 *
 * <p>Placement: the ring, IO queue, data buffer, submission array and link block are pinned host
 * memory mapped into the device; control and debug log are device memory. Publication n writes the
 * slot (payload, then status with release), then array entry n ({@code (generation << 32) | slot}),
 * then the link block's tail line: eight u64 words {@code (tag << 32) | field} with {@code tag = n + 1}
 * for slot, generation, flags, opcode, tenant, arg0..arg2, word 0 last (release). The kernel's
 * leader warp polls only the tail line: one PCIe read notices a publication and, when it is the only
 * new one and all eight tags agree, delivers its fields; the array is read only below the tail, so
 * the GPU never snoops memory the host is about to write. The per-slot generation makes each
 * publication run exactly once on the device however often it is announced.
 */
final class CudaSession implements PersistentSession {

    // link block, u32 word offsets (must match vyre_megakernel.cu)
    static final int L_TAIL_LINE = 0;
    static final int L_CONSUMED = 16;
    static final int L_HEARTBEAT = 32;
    static final int L_DONE_MIRROR = 33;
    static final int L_STOPPED = 34;
    static final int L_MAIL_SEQ = 48;
    static final int L_MAIL_WORD = 49;
    static final int L_MAIL_VALUE = 50;
    static final int L_MAIL_ACK = 52;
    static final int L_TRACE = 40;
    static final long LINK_BYTES = 512;

    /** Words per device submission entry (must match VYRE_ENTRY_WORDS). */
    static final int ENTRY_WORDS = 12;
    /** Entry flag: the executor reads the slot's words from the ring (VYRE_ENTRY_READ_SLOT). */
    static final int ENTRY_READ_SLOT = 1;
    /** Deferred publications announced with one tail update at most. */
    static final int PENDING_LIMIT = 256;
    private static final int WATCHDOG_SECONDS = 2;
    private static final long WATCHDOG_NANOS = Duration.ofSeconds(WATCHDOG_SECONDS).toNanos();
    private static final VarHandle U64 =
            ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    private static final VarHandle RESERVED;
    private static final VarHandle TAIL;

    static {
        try {
            RESERVED = MethodHandles.lookup().findVarHandle(CudaSession.class, "reserved", long.class);
            TAIL = MethodHandles.lookup().findVarHandle(CudaSession.class, "tail", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final CudaBackend backend;
    private final CudaDevice device;
    private final SessionOptions options;
    private final MegakernelModule module;
    private final boolean ownsModule;
    private final int slotCount;
    private final long sqCapacity;
    private final long sqMask;

    private final PinnedBuffer ring;
    private final PinnedBuffer ioQueue;
    private final PinnedBuffer data;
    private final PinnedBuffer link;
    private final PinnedBuffer sq;
    private final PinnedBuffer staging;
    private final DeviceBuffer control;
    private final DeviceBuffer debugLog;
    private final DeviceBuffer devSq;
    private final DeviceBuffer cursor;
    private final DeviceBuffer executed;
    private final DeviceBuffer args;
    private final CUstream kernelStream = new CUstream();
    private final CUstream copyStream = new CUstream();
    private final Object copyLock = new Object();
    private final Object mailLock = new Object();
    private final int launchedWarps;

    @SuppressWarnings("unused") // accessed through RESERVED
    private volatile long reserved;
    @SuppressWarnings("unused") // accessed through TAIL: submissions whose tail line is written
    private volatile long tail;
    /** Last value read of the leader's consumed count (only grows; re-read when the queue looks full). */
    private volatile long consumedSeen;
    /** Publication generation per slot (host side; the device keeps the last one it executed). */
    private final int[] generation;
    /**
     * Deferred publications not yet announced: slot and generation. Only the deferring thread
     * touches them (the SPI allows one at a time); other publishers never flush them, and a slot
     * re-announced meanwhile by a control write runs once thanks to its generation.
     */
    private final int[] pendingSlot = new int[PENDING_LIMIT];
    private final int[] pendingGeneration = new int[PENDING_LIMIT];
    private int pendingCount;
    private int mailSeq;
    private volatile boolean closed;
    private volatile boolean kernelFinished;
    private volatile long lastHeartbeat = -1;
    private volatile long lastHeartbeatNanos = System.nanoTime();

    CudaSession(CudaBackend backend, CudaDevice device, SessionOptions options) {
        this.backend = backend;
        this.device = device;
        this.options = options;
        this.slotCount = options.slotCount();
        this.sqCapacity = Long.highestOneBit(Math.max(1024L, slotCount * 2L - 1)) << 1;
        this.sqMask = sqCapacity - 1;
        this.generation = new int[slotCount];
        device.makeCurrent();
        this.ownsModule = !options.opcodes().isEmpty();
        this.module = ownsModule
                ? MegakernelModule.withCustomOpcodes(options.opcodes(), device.computeCapability())
                : device.builtIn();
        List<AutoCloseable> made = new ArrayList<>();
        try {
            ring = keep(made, new PinnedBuffer((long) slotCount * SlotLayout.SLOT_BYTES));
            ioQueue = keep(made, new PinnedBuffer((long) IoQueueLayout.IO_SLOT_COUNT * IoQueueLayout.IO_SLOT_BYTES));
            data = keep(made, new PinnedBuffer(options.dataBufferBytes()));
            link = keep(made, new PinnedBuffer(LINK_BYTES));
            sq = keep(made, new PinnedBuffer(sqCapacity * Long.BYTES));
            staging = keep(made, new PinnedBuffer(Math.max(options.controlBytes(), DebugLogLayout.BUFFER_BYTES)));
            control = keep(made, new DeviceBuffer(options.controlBytes()));
            debugLog = keep(made, new DeviceBuffer(DebugLogLayout.BUFFER_BYTES));
            devSq = keep(made, new DeviceBuffer(sqCapacity * ENTRY_WORDS * Integer.BYTES));
            cursor = keep(made, new DeviceBuffer(16));
            executed = keep(made, new DeviceBuffer((long) slotCount * Integer.BYTES));
            args = keep(made, new DeviceBuffer(KernelArgs.BYTES));
            CudaCalls.check(cuStreamCreate(kernelStream, CUstream_flags.CU_STREAM_NON_BLOCKING), "cuStreamCreate");
            CudaCalls.check(cuStreamCreate(copyStream, CUstream_flags.CU_STREAM_NON_BLOCKING), "cuStreamCreate");
            this.launchedWarps = launch();
        } catch (RuntimeException e) {
            for (int i = made.size() - 1; i >= 0; i--) {
                try {
                    made.get(i).close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            if (ownsModule) {
                module.close();
            }
            throw e;
        }
    }

    private static <T extends AutoCloseable> T keep(List<AutoCloseable> made, T resource) {
        made.add(resource);
        return resource;
    }

    /** Encodes the initial buffers, copies them to the device and launches the kernel once. */
    private int launch() {
        MemorySegment stage = staging.segment();
        stage.fill((byte) 0);
        CudaControl.encodeInitial(stage, options.tenantCount(), options.observableSlots());
        control.upload(staging, 0, 0, options.controlBytes(), copyStream);
        sync(copyStream);
        debugLog.zero(copyStream);
        devSq.zero(copyStream);
        cursor.zero(copyStream);
        executed.zero(copyStream);

        MemorySegment block = stage.asSlice(0, KernelArgs.BYTES);
        block.fill((byte) 0);
        KernelArgs.put(block, KernelArgs.CONTROL, control.address());
        KernelArgs.put(block, KernelArgs.CONTROL_WORDS, options.controlBytes() / Integer.BYTES);
        KernelArgs.put(block, KernelArgs.RING, ring.deviceAddress());
        KernelArgs.put(block, KernelArgs.SLOT_COUNT, slotCount);
        KernelArgs.put(block, KernelArgs.DEBUG_LOG, debugLog.address());
        KernelArgs.put(block, KernelArgs.DEBUG_WORDS, DebugLogLayout.BUFFER_WORDS);
        KernelArgs.put(block, KernelArgs.IO_QUEUE, ioQueue.deviceAddress());
        KernelArgs.put(block, KernelArgs.IO_SLOTS, IoQueueLayout.IO_SLOT_COUNT);
        KernelArgs.put(block, KernelArgs.DATA, data.deviceAddress());
        KernelArgs.put(block, KernelArgs.DATA_BYTES, options.dataBufferBytes());
        KernelArgs.put(block, KernelArgs.LINK, link.deviceAddress());
        KernelArgs.put(block, KernelArgs.SQ, sq.deviceAddress());
        KernelArgs.put(block, KernelArgs.SQ_MASK, sqMask);
        KernelArgs.put(block, KernelArgs.DEV_SQ, devSq.address());
        KernelArgs.put(block, KernelArgs.DEV_CURSOR, cursor.address());
        KernelArgs.put(block, KernelArgs.EXECUTED, executed.address());
        KernelArgs.put(block, KernelArgs.IO_TIMEOUT_NS, options.ioWaitTimeout().toNanos());
        KernelArgs.put(block, KernelArgs.IDLE_SLEEP_NS, CudaTuning.workerIdleSleepNanos());
        KernelArgs.put(block, KernelArgs.VARIANT, CudaTuning.variant());
        args.upload(staging, 0, 0, KernelArgs.BYTES, copyStream);
        sync(copyStream);

        int workerWarps = options.workers() > 0 ? options.workers() : CudaTuning.workerWarps();
        int warps = workerWarps + 1;
        int threads = CudaTuning.threadsPerBlock();
        int blocks = (warps * 32 + threads - 1) / threads;
        Pointer params = Pointer.to(Pointer.to(args.pointer()));
        CudaCalls.check(cuLaunchKernel(module.persistent(), blocks, 1, 1, threads, 1, 1, 0, kernelStream, params, null),
                "cuLaunchKernel(vyre_persistent)");
        return blocks * threads / 32;
    }

    private void sync(CUstream stream) {
        CudaCalls.check(cuStreamSynchronize(stream), "cuStreamSynchronize");
    }

    @Override
    public SessionOptions options() {
        return options;
    }

    /** @return warps launched, the leader included */
    int launchedWarps() {
        return launchedWarps;
    }

    // ---- publishing ----

    @Override
    public void publish(int slot, int tenant, int opcode, int arg0, int arg1, int arg2) {
        writeSlot(checkPublishable(slot, opcode), slot, tenant, opcode, arg0, arg1, arg2);
        enqueue(slot, ++generation[slot], 0, opcode, tenant, arg0, arg1, arg2);
    }

    @Override
    public void publishDeferred(int slot, int tenant, int opcode, int arg0, int arg1, int arg2) {
        writeSlot(checkPublishable(slot, opcode), slot, tenant, opcode, arg0, arg1, arg2);
        int k = pendingCount;
        pendingSlot[k] = slot;
        pendingGeneration[k] = ++generation[slot];
        pendingCount = k + 1;
        if (k + 1 == PENDING_LIMIT) {
            flush();
        }
    }

    /**
     * Announces the deferred publications with one reservation, their array entries and one tail
     * line (whose fields name the last one, to be read from the ring).
     */
    @Override
    public void flush() {
        int k = pendingCount;
        if (k == 0) {
            return;
        }
        pendingCount = 0;
        long first = (long) RESERVED.getAndAdd(this, (long) k);
        long last = first + k - 1;
        if (last - consumedSeen >= sqCapacity) {
            awaitRoom(last);
        }
        MemorySegment entries = sq.segment();
        for (int i = 0; i < k; i++) {
            long n = first + i;
            U64.set(entries, (n & sqMask) * Long.BYTES,
                    ((long) pendingGeneration[i] << 32) | Integer.toUnsignedLong(pendingSlot[i]));
        }
        publishTail(first, k, pendingSlot[k - 1], pendingGeneration[k - 1], ENTRY_READ_SLOT, 0, 0, 0, 0, 0);
    }

    /**
     * Publishes a run of slot images: reads the run's statuses first (independent loads, so their
     * cache misses overlap), copies the publishable prefix into the ring with one bulk copy, then writes
     * one array entry per slot and a single tail line for the run (the device reads the slots from the
     * ring). Allocates nothing.
     */
    @Override
    public int publishSlots(int firstSlot, MemorySegment images, int count) {
        checkOpen();
        SlotImages.check(slotCount, firstSlot, images, count);
        flush();
        MemorySegment r = ring.segment();
        long statusWord = (long) firstSlot * SlotLayout.SLOT_WORDS;
        int n = 0;
        while (n < count && SlotStatus.isPublishable(Words.getAcquire(r, statusWord))) {
            n++;
            statusWord += SlotLayout.SLOT_WORDS;
        }
        if (n == 0) {
            return 0;
        }
        MemorySegment.copy(images, 0, r, (long) firstSlot * SlotLayout.SLOT_BYTES, (long) n * SlotLayout.SLOT_BYTES);
        long first = (long) RESERVED.getAndAdd(this, (long) n);
        long last = first + n - 1;
        if (last - consumedSeen >= sqCapacity) {
            awaitRoom(last);
        }
        MemorySegment entries = sq.segment();
        int[] gens = generation;
        int gen = 0;
        for (int i = 0; i < n; i++) {
            int slot = firstSlot + i;
            gen = ++gens[slot];
            U64.set(entries, ((first + i) & sqMask) * Long.BYTES, ((long) gen << 32) | Integer.toUnsignedLong(slot));
        }
        publishTail(first, n, firstSlot + n - 1, gen, ENTRY_READ_SLOT, 0, 0, 0, 0, 0);
        return n;
    }

    /**
     * Writes a slot's words 1..15 as one int and seven 8-byte stores (the ring is page-aligned, so
     * words 2k..2k+1 form an aligned long), then the status with release.
     */
    private void writeSlot(MemorySegment r, int slot, int tenant, int opcode, int arg0, int arg1, int arg2) {
        long base = (long) slot * SlotLayout.SLOT_WORDS;
        long bytes = base * Integer.BYTES;
        Words.set(r, base + SlotLayout.OPCODE_WORD, opcode);
        U64.set(r, bytes + 8, Integer.toUnsignedLong(tenant) | (2L << 32));
        U64.set(r, bytes + 16, Integer.toUnsignedLong(arg0) | ((long) arg1 << 32));
        U64.set(r, bytes + 24, Integer.toUnsignedLong(arg2));
        U64.set(r, bytes + 32, 0L);
        U64.set(r, bytes + 40, 0L);
        U64.set(r, bytes + 48, 0L);
        U64.set(r, bytes + 56, 0L);
        Words.setRelease(r, base, SlotStatus.PUBLISHED);
    }

    @Override
    public void publish(int slot, int tenant, int opcode, int[] argWords, int argCount) {
        if (argCount < 0 || argCount > SlotLayout.ARGS_PER_SLOT || argCount > argWords.length) {
            throw QueueFullException.submission(RingPublisher.TOO_MANY_ARGS);
        }
        MemorySegment r = checkPublishable(slot, opcode);
        long base = (long) slot * SlotLayout.SLOT_WORDS;
        Words.set(r, base + SlotLayout.OPCODE_WORD, opcode);
        Words.set(r, base + SlotLayout.TENANT_WORD, tenant);
        Words.set(r, base + SlotLayout.PRIORITY_WORD, 2);
        int flags = 0;
        for (int i = 0; i < SlotLayout.ARGS_PER_SLOT; i++) {
            int value = i < argCount ? argWords[i] : 0;
            Words.set(r, base + SlotLayout.ARG0_WORD + i, value);
            if (i >= 3 && value != 0) {
                flags = ENTRY_READ_SLOT;
            }
        }
        Words.setRelease(r, base, SlotStatus.PUBLISHED);
        enqueue(slot, ++generation[slot], flags, opcode, tenant, arg(argWords, argCount, 0), arg(argWords, argCount, 1),
                arg(argWords, argCount, 2));
    }

    @Override
    public void writeRawSlot(int slot, int[] words) {
        checkSlot(slot);
        if (words.length != SlotLayout.SLOT_WORDS) {
            throw QueueFullException.submission("a raw slot has " + words.length
                    + " words; pass exactly 16 words (64 bytes)");
        }
        checkOpen();
        MemorySegment r = ring.segment();
        long base = (long) slot * SlotLayout.SLOT_WORDS;
        for (int i = 1; i < SlotLayout.SLOT_WORDS; i++) {
            Words.set(r, base + i, words[i]);
        }
        Words.setRelease(r, base, words[0]);
        enqueue(slot, ++generation[slot], ENTRY_READ_SLOT, words[1], words[2], words[4], words[5], words[6]);
    }

    private static int arg(int[] args, int count, int i) {
        return i < count ? args[i] : 0;
    }

    private MemorySegment checkPublishable(int slot, int opcode) {
        checkSlot(slot);
        if (!Opcodes.isPublishable(opcode)) {
            throw QueueFullException.submission(RingPublisher.BAD_OPCODE);
        }
        checkOpen();
        MemorySegment r = ring.segment();
        int status = Words.getAcquire(r, (long) slot * SlotLayout.SLOT_WORDS);
        if (!SlotStatus.isPublishable(status)) {
            throw QueueFullException.submission(RingPublisher.NOT_PUBLISHABLE);
        }
        return r;
    }

    private void checkSlot(int slot) {
        if (slot < 0 || slot >= slotCount) {
            throw QueueFullException.submission(RingPublisher.SLOT_BOUNDS);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new BackendException("the CUDA session is closed", "open a new session");
        }
    }

    /**
     * Announces a publication of {@code slot} to the kernel: reserve submission n, wait until the
     * leader has taken submission {@code n - capacity}, write array entry n, then (after submission
     * n - 1, so the tail only moves forward) the tail line, word 0 last (release).
     */
    private void enqueue(int slot, int gen, int flags, int opcode, int tenant, int a0, int a1, int a2) {
        long n = (long) RESERVED.getAndAdd(this, 1L);
        if (n - consumedSeen >= sqCapacity) {
            awaitRoom(n);
        }
        U64.set(sq.segment(), (n & sqMask) * Long.BYTES, ((long) gen << 32) | Integer.toUnsignedLong(slot));
        publishTail(n, 1, slot, gen, flags, opcode, tenant, a0, a1, a2);
    }

    /**
     * After submissions below {@code first} have theirs (so the tail only moves forward), writes the
     * tail line for submissions {@code first .. first + count - 1}: tag {@code first + count}, the
     * fields of the last one, word 0 last (release).
     */
    private void publishTail(long first, int count, int slot, int gen, int flags, int opcode, int tenant, int a0,
                             int a1, int a2) {
        while ((long) TAIL.getAcquire(this) != first) {
            Thread.onSpinWait();
        }
        long end = first + count;
        MemorySegment line = link.segment();
        long tag = end << 32;
        U64.set(line, 8L, tag | Integer.toUnsignedLong(gen));
        U64.set(line, 16L, tag | Integer.toUnsignedLong(flags));
        U64.set(line, 24L, tag | Integer.toUnsignedLong(opcode));
        U64.set(line, 32L, tag | Integer.toUnsignedLong(tenant));
        U64.set(line, 40L, tag | Integer.toUnsignedLong(a0));
        U64.set(line, 48L, tag | Integer.toUnsignedLong(a1));
        U64.set(line, 56L, tag | Integer.toUnsignedLong(a2));
        U64.setRelease(line, 0L, tag | Integer.toUnsignedLong(slot));
        TAIL.setRelease(this, end);
    }

    private void awaitRoom(long n) {
        MemorySegment l = link.segment();
        long deadline = System.nanoTime() + WATCHDOG_NANOS * 5;
        long consumed;
        while (n - (consumed = (long) U64.getAcquire(l, (long) L_CONSUMED * 4)) >= sqCapacity) {
            if (System.nanoTime() > deadline) {
                checkKernel();
                throw new BackendException("the CUDA megakernel stopped taking submissions (queue of " + sqCapacity
                        + " entries full for 10 s)", "check isAlive(); restart the session");
            }
            Thread.onSpinWait();
        }
        if (consumed > consumedSeen) {
            consumedSeen = consumed;
        }
    }

    // ---- observation ----

    @Override
    public int slotStatus(int slot) {
        checkSlot(slot);
        return Words.getAcquire(ring.segment(), (long) slot * SlotLayout.SLOT_WORDS);
    }

    @Override
    public long doneCount() {
        if (kernelFinished()) {
            return Integer.toUnsignedLong(Words.get(MemorySegment.ofArray(controlSnapshot()), ControlLayout.DONE_COUNT));
        }
        return Integer.toUnsignedLong(Words.getAcquire(link.segment(), L_DONE_MIRROR));
    }

    @Override
    public boolean awaitSlotStatus(int slot, int status, Duration timeout) {
        checkSlot(slot);
        long deadline = System.nanoTime() + timeout.toNanos();
        MemorySegment r = ring.segment();
        long index = (long) slot * SlotLayout.SLOT_WORDS;
        int spins = 0;
        while (Words.getAcquire(r, index) != status) {
            if (!idle(++spins, deadline)) {
                return Words.getAcquire(r, index) == status;
            }
        }
        return true;
    }

    @Override
    public boolean awaitDoneCount(long target, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int spins = 0;
        while ((int) (doneCount() - target) < 0) {
            if (!idle(++spins, deadline)) {
                return (int) (doneCount() - target) >= 0;
            }
        }
        return true;
    }

    /** Spin, then park; every 4096 rounds check the kernel. @return false once past the deadline */
    private boolean idle(int spins, long deadline) {
        if (spins < 2048) {
            Thread.onSpinWait();
            return true;
        }
        if ((spins & 4095) == 0) {
            checkKernel();
        }
        if (System.nanoTime() - deadline > 0) {
            return false;
        }
        LockSupport.parkNanos(spins < 8192 ? 1_000 : 50_000);
        return true;
    }

    /**
     * The watchdog: throws when the kernel died with an error, or when it runs but its leader's
     * heartbeat has not moved for {@value #WATCHDOG_SECONDS} s (a stalled kernel), instead of
     * letting a wait hang.
     */
    private void checkKernel() {
        if (!kernelFinished() && !isAlive()) {
            throw new BackendException("the CUDA megakernel stopped making progress: its heartbeat has not moved"
                    + " for " + WATCHDOG_SECONDS + " s while slots wait", "a slot is running unbounded work (a custom"
                    + " opcode that never returns?); close the session, and restart the process if close reports"
                    + " that the kernel did not stop");
        }
    }

    private boolean kernelFinished() {
        if (kernelFinished) {
            return true;
        }
        device.makeCurrent();
        int state = cuStreamQuery(kernelStream);
        if (state == CUresult.CUDA_ERROR_NOT_READY) {
            return false;
        }
        CudaCalls.check(state, "the persistent megakernel");
        kernelFinished = true;
        return true;
    }

    @Override
    public void writeControlWord(int word, int value) {
        checkOpen();
        if (word < 0 || (long) word >= options.controlBytes() / 4) {
            throw QueueFullException.submission("control word " + word + " is outside the control buffer of "
                    + options.controlBytes() / 4 + " words; write a word below that");
        }
        synchronized (mailLock) {
            if (!kernelFinished() && mailbox(word, value)) {
                requeuePublished();
                return;
            }
            device.makeCurrent();
            synchronized (copyLock) {
                Words.set(staging.segment(), 0, value);
                control.upload(staging, 0, (long) word * 4, 4, copyStream);
                sync(copyStream);
            }
        }
    }

    /** Hands a control write to the leader warp. @return false when the kernel ended first */
    private boolean mailbox(int word, int value) {
        MemorySegment l = link.segment();
        int seq = ++mailSeq;
        Words.set(l, L_MAIL_WORD, word);
        Words.set(l, L_MAIL_VALUE, value);
        Words.setRelease(l, L_MAIL_SEQ, seq);
        long deadline = System.nanoTime() + WATCHDOG_NANOS;
        int spins = 0;
        while (Words.getAcquire(l, L_MAIL_ACK) != seq) {
            if (kernelFinished()) {
                return Words.getAcquire(l, L_MAIL_ACK) == seq;
            }
            if (System.nanoTime() > deadline) {
                throw new BackendException("the CUDA megakernel did not apply a control write within 2 s",
                        "the kernel is stalled; check isAlive() and close the session");
            }
            if (++spins > 1000) {
                LockSupport.parkNanos(1_000);
            }
        }
        return true;
    }

    /**
     * Re-announces every PUBLISHED slot after a control write: a slot refused for its tenant stays
     * PUBLISHED, and a new mask may authorise it. The device's per-slot generation makes repeats
     * harmless: a publication runs once however often it is announced.
     */
    private void requeuePublished() {
        MemorySegment r = ring.segment();
        for (int slot = 0; slot < slotCount; slot++) {
            if (Words.getAcquire(r, (long) slot * SlotLayout.SLOT_WORDS) == SlotStatus.PUBLISHED) {
                enqueue(slot, generation[slot], ENTRY_READ_SLOT, 0, 0, 0, 0, 0);
            }
        }
    }

    /** One word through a 4-byte copy from device memory (no snapshot of the whole buffer). */
    @Override
    public int controlWord(long word) {
        checkOpen();
        if (word < 0 || word >= options.controlBytes() / 4) {
            return 0;
        }
        synchronized (copyLock) {
            device.makeCurrent();
            control.download(staging, 0, word * 4, 4, copyStream);
            sync(copyStream);
            return Words.get(staging.segment(), 0);
        }
    }

    @Override
    public byte[] controlSnapshot() {
        return deviceSnapshot(control, options.controlBytes());
    }

    @Override
    public byte[] debugLogSnapshot() {
        return deviceSnapshot(debugLog, DebugLogLayout.BUFFER_BYTES);
    }

    private byte[] deviceSnapshot(DeviceBuffer buffer, long bytes) {
        checkOpen();
        synchronized (copyLock) {
            device.makeCurrent();
            buffer.download(staging, 0, 0, bytes, copyStream);
            sync(copyStream);
            return staging.segment().asSlice(0, bytes).toArray(ValueLayout.JAVA_BYTE);
        }
    }

    @Override
    public byte[] ringSnapshot() {
        return hostSnapshot(ring.segment());
    }

    @Override
    public byte[] ioQueueSnapshot() {
        return hostSnapshot(ioQueue.segment());
    }

    private byte[] hostSnapshot(MemorySegment source) {
        checkOpen();
        long words = source.byteSize() / 4;
        byte[] out = new byte[(int) source.byteSize()];
        MemorySegment dst = MemorySegment.ofArray(out);
        for (long i = 0; i < words; i++) {
            Words.set(dst, i, Words.getAcquire(source, i));
        }
        return out;
    }

    @Override
    public MemorySegment dataBuffer() {
        return data.segment();
    }

    @Override
    public List<IoRequestView> claimIoRequests() {
        checkOpen();
        MemorySegment q = ioQueue.segment();
        List<IoRequestView> claimed = new ArrayList<>();
        for (int s = 0; s < IoQueueLayout.IO_SLOT_COUNT; s++) {
            long base = (long) s * IoQueueLayout.IO_SLOT_WORDS;
            if (Words.compareAndSet(q, base + IoQueueLayout.STATUS_WORD, SlotStatus.PUBLISHED, SlotStatus.CLAIMED)) {
                long offset = Integer.toUnsignedLong(Words.get(q, base + IoQueueLayout.OFFSET_LO_WORD))
                        | (Integer.toUnsignedLong(Words.get(q, base + IoQueueLayout.OFFSET_HI_WORD)) << 32);
                claimed.add(new IoRequestView(s, Words.get(q, base + IoQueueLayout.OP_TYPE_WORD),
                        Words.get(q, base + IoQueueLayout.SRC_HANDLE_WORD), Words.get(q, base + IoQueueLayout.DST_HANDLE_WORD),
                        offset, Words.get(q, base + IoQueueLayout.BYTE_COUNT_WORD), Words.get(q, base + IoQueueLayout.TAG_WORD)));
            }
        }
        return claimed;
    }

    @Override
    public void completeIoRequest(int ioSlot, boolean ok) {
        checkOpen();
        if (ioSlot < 0 || ioSlot >= IoQueueLayout.IO_SLOT_COUNT) {
            throw QueueFullException.submission("io_queue completion slot exceeds queue length; complete a valid slot id");
        }
        long status = (long) ioSlot * IoQueueLayout.IO_SLOT_WORDS + IoQueueLayout.STATUS_WORD;
        if (!Words.compareAndSet(ioQueue.segment(), status, SlotStatus.CLAIMED,
                ok ? IoQueueLayout.STATUS_OK : IoQueueLayout.STATUS_ERROR)) {
            throw QueueFullException.submission("io_queue completion requires a CLAIMED request; the interpreter"
                    + " took this request back after its IO wait timed out, so serve requests within the session's"
                    + " ioWaitTimeout");
        }
    }

    // ---- lifecycle ----

    @Override
    public void requestShutdown() {
        writeControlWord(ControlLayout.SHUTDOWN, 1);
    }

    @Override
    public boolean awaitTermination(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!kernelFinished()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            LockSupport.parkNanos(20_000);
        }
        return true;
    }

    @Override
    public boolean isAlive() {
        if (closed || kernelFinished()) {
            return false;
        }
        long heartbeat = Integer.toUnsignedLong(Words.getAcquire(link.segment(), L_HEARTBEAT));
        long now = System.nanoTime();
        if (heartbeat != lastHeartbeat) {
            lastHeartbeat = heartbeat;
            lastHeartbeatNanos = now;
            return true;
        }
        return now - lastHeartbeatNanos < WATCHDOG_NANOS;
    }

    /** @return the leader's heartbeat counter (for the watchdog and benchmarks) */
    long heartbeat() {
        return Integer.toUnsignedLong(Words.getAcquire(link.segment(), L_HEARTBEAT));
    }

    /**
     * With {@code -Dvyre.cuda.trace=true}, prints the leader's loop period and, for slots it ran
     * itself, the time from reading the tail line to starting the slot and the slot's run time.
     */
    private void printTrace(long openNanos) {
        MemorySegment l = link.segment();
        long loops = heartbeat();
        long runs = (long) U64.getAcquire(l, (long) L_TRACE * 4);
        long runNs = (long) U64.getAcquire(l, (long) L_TRACE * 4 + 8);
        long reachNs = (long) U64.getAcquire(l, (long) L_TRACE * 4 + 16);
        long pollNs = (long) U64.getAcquire(l, (long) L_TRACE * 4 + 24);
        double seconds = (System.nanoTime() - openNanos) / 1e9;
        System.err.printf(java.util.Locale.ROOT, "vyre.cuda.trace: leader loop %.3f us (%d loops in %.2f s, tail-line read %.3f us);"
                        + " %d inline runs: line->start %.3f us, run %.3f us%n", seconds * 1e6 / Math.max(1, loops),
                loops, seconds, pollNs / 1e3 / Math.max(1, loops / 64 * 64), runs, runs == 0 ? 0.0 : reachNs / 1e3 / runs, runs == 0 ? 0.0 : runNs / 1e3 / runs);
    }

    private final long openedNanos = System.nanoTime();

    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (Boolean.getBoolean("vyre.cuda.trace")) {
            printTrace(openedNanos);
        }
        BackendException stuck = null;
        if (!kernelFinished()) {
            try {
                writeControlWord(ControlLayout.SHUTDOWN, 1);
            } catch (BackendException leaderStalled) {
                // the leader cannot take mail; the workers still read control word 0 themselves
                synchronized (copyLock) {
                    device.makeCurrent();
                    Words.set(staging.segment(), 0, 1);
                    control.upload(staging, 0, 0, 4, copyStream);
                    sync(copyStream);
                }
            }
            if (!awaitTermination(Duration.ofSeconds(10))) {
                stuck = new BackendException("the CUDA megakernel did not stop within 10 s of SHUTDOWN; its memory"
                        + " is left allocated so the running kernel cannot fault", "restart the process");
            }
        }
        closed = true;
        backend.forget(this);
        if (stuck != null) {
            throw stuck;
        }
        device.makeCurrent();
        cuStreamDestroy(kernelStream);
        cuStreamDestroy(copyStream);
        for (AutoCloseable buffer : new AutoCloseable[] {args, executed, cursor, devSq, debugLog, control, staging, sq, link,
                data, ioQueue, ring}) {
            try {
                buffer.close();
            } catch (Exception ignored) {
                // freeing never throws here: JCuda returns a status code we cannot act on
            }
        }
        if (ownsModule) {
            module.close();
        }
    }
}
