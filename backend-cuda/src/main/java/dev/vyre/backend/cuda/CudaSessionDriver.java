package dev.vyre.backend.cuda;

import dev.vyre.protocol.TenantIsolation;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoDAsync;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamDestroy;
import static jcuda.driver.JCudaDriver.cuStreamQuery;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

import dev.vyre.protocol.BackendException;
import dev.vyre.protocol.ControlCodec;
import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.DebugLogLayout;
import dev.vyre.protocol.IoLink;
import dev.vyre.protocol.IoQueueLayout;
import dev.vyre.protocol.Priority;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotStatus;
import dev.vyre.protocol.Words;
import dev.vyre.spi.Liveness;
import dev.vyre.spi.Placement;
import dev.vyre.spi.SessionDriver;
import dev.vyre.spi.SessionMemory;
import dev.vyre.spi.SessionSpec;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;
import jcuda.Pointer;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;

/**
 * A persistent megakernel on the GPU. See {@code vyre_megakernel.cu} for the device side.
 *
 * <p>Placement: the ring, IO queue, IO link block, data buffer, submission array and link block are pinned
 * host memory mapped into the device; control and debug log are device memory. The GPU's atomics on mapped
 * host memory are not atomic against the host's ({@code cudaDevAttrHostNativeAtomicSupported} is 0 on PCIe
 * machines), so the IO queue runs the split-ownership handshake of {@link IoLink}: the kernel alone writes
 * the IO queue, the host alone its completion words, and lanes reserve IO slots in device memory. The runtime writes a
 * slot, then {@link #announce} makes publication n of the calling thread's submission queue
 * ({@link SubmissionQueues}, {@code -Dvyre.cuda.submissionQueues}, default 4): array entry n
 * ({@code (generation << 32) | run}, a run of up to 4,096 slots with one generation), then the queue's tail
 * line in the link block: eight u64 words {@code (tag << 32) | field} with {@code tag = n + 1} for slot (the
 * run), generation, flags, opcode, tenant, arg0..arg2, word 0 last (release). The kernel's leader warp polls
 * only the tail lines, all in one warp load: one PCIe read notices a publication and, when it is the only new
 * one of its queue and all eight tags agree, delivers its fields; the array is read only below the tail, so
 * the GPU never snoops memory the host is about to write. The per-slot generation makes each publication run
 * exactly once on the device however often, and on whichever queue, it is announced.
 *
 * <p>The kernel reads a slot only after its tail line ({@link SessionMemory#ringPolled()} is false),
 * so the runtime may copy whole runs of slots, status words included, before one announce.
 */
final class CudaSessionDriver implements SessionDriver {

    // link block, u32 word offsets (must match vyre_megakernel.cu)
    static final int L_HEARTBEAT = 32;
    static final int L_DONE_MIRROR = 33;
    static final int L_STOPPED = 34;
    static final int L_MAIL_SEQ = 48;
    static final int L_MAIL_WORD = 49;
    static final int L_MAIL_VALUE = 50;
    static final int L_MAIL_ACK = 52;
    static final int L_TRACE = 40;
    static final int L_TRACE_PARTS = 64;
    static final long LINK_BYTES = SubmissionQueues.LINK_BYTES_NEEDED;

    /** Words per device submission entry (must match VYRE_ENTRY_WORDS). */
    static final int ENTRY_WORDS = 12;
    /** Entry flag: the executor reads the slot's words from the ring (VYRE_ENTRY_READ_SLOT). */
    static final int ENTRY_READ_SLOT = 1;
    /** Largest piece of one resident-range copy (a ByteBuffer view holds at most 2 GiB). */
    private static final long RESIDENT_COPY_BYTES = 1L << 30;
    private static final int WATCHDOG_SECONDS = 2;
    private static final long WATCHDOG_NANOS = Duration.ofSeconds(WATCHDOG_SECONDS).toNanos();
    private static final VarHandle U64 =
            ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();

    private final CudaBackend backend;
    private final CudaDevice device;
    private final SessionSpec spec;
    private final MegakernelModule module;
    private final boolean ownsModule;
    private final int slotCount;
    private final long sqCapacity;
    private final long sqMask;

    private final PinnedBuffer ring;
    private final PinnedBuffer ioQueue;
    /** The IO link block (IoLink): the kernel writes its sequence and accepted words, the host its completions. */
    private final PinnedBuffer ioLink;
    private final HostVisibleMemory data;
    private final PinnedBuffer link;
    /** Where the submission queues' tail lines are: device memory written through BAR1, or the link block. */
    private final TailLines tailLines;
    private final PinnedBuffer sq;
    private final PinnedBuffer staging;
    private final DeviceMemory control;
    private final DeviceMemory debugLog;
    private final DeviceMemory devSq;
    private final DeviceMemory cursor;
    private final DeviceMemory executed;
    /** IO slot reservations and last sequences, device memory: lanes reserve IO slots among themselves here. */
    private final DeviceMemory ioDev;
    private final DeviceMemory args;
    /** The device copy of the data buffer's resident range; null when the session has none. */
    private final DeviceMemory resident;
    /** Isolated mode: the isolation block (counters, windows, admin word) in device memory; null otherwise. */
    private final DeviceMemory isolation;
    /** Host views of the ring and link block (the hot paths read these fields). */
    private final MemorySegment ringSegment;
    private final MemorySegment linkSegment;
    private final SessionMemory memory;
    private final CUstream kernelStream = new CUstream();
    private final CUstream copyStream = new CUstream();
    private final Object copyLock = new Object();
    private final Object mailLock = new Object();
    private final int launchedWarps;
    private final long openedNanos = System.nanoTime();

    /** The host side of the submission queues (one per publishing thread, up to their count). */
    private final SubmissionQueues queues;
    /** Publication generation per slot (host side; the device keeps the last one it executed). */
    private final int[] generation;
    private int mailSeq;
    private volatile boolean closed;
    private volatile boolean kernelFinished;
    private volatile long lastHeartbeat = -1;
    private volatile long lastHeartbeatNanos = System.nanoTime();

    /**
     * Allocates the session's buffers, writes their initial contents and launches the kernel once.
     *
     * @throws BackendException when an allocation, the custom-opcode compile or the launch fails; every
     *         resource made so far is released first
     */
    CudaSessionDriver(CudaBackend backend, CudaDevice device, SessionSpec spec) {
        this.backend = backend;
        this.device = device;
        this.spec = spec;
        this.slotCount = spec.slotCount();
        this.sqCapacity = Long.highestOneBit(Math.max(1024L, slotCount * 2L - 1)) << 1;
        this.sqMask = sqCapacity - 1;
        if (slotCount > 1 << SubmissionQueues.RUN_SHIFT) {
            throw new BackendException("a CUDA session holds at most " + (1 << SubmissionQueues.RUN_SHIFT)
                    + " slots, not " + slotCount, "open a smaller ring (SessionOptions caps it at that size)");
        }
        this.generation = new int[slotCount];
        int queueCount = CudaTuning.submissionQueues();
        device.makeCurrent();
        this.ownsModule = !spec.opcodes().isEmpty() || spec.isolated();
        this.module = ownsModule
                ? MegakernelModule.compile(spec.opcodes(), device.computeCapability(), backend.compileCache(),
                        spec.isolated())
                : device.builtIn();
        List<AutoCloseable> made = new ArrayList<>();
        try {
            ring = keep(made, new PinnedBuffer((long) slotCount * SlotLayout.SLOT_BYTES));
            ioQueue = keep(made, new PinnedBuffer((long) IoQueueLayout.IO_SLOT_COUNT * IoQueueLayout.IO_SLOT_BYTES));
            ioLink = keep(made, new PinnedBuffer(IoLink.BYTES));
            data = keep(made, dataMemory(spec.dataBufferBytes(), spec.residentData()));
            link = keep(made, new PinnedBuffer(LINK_BYTES));
            tailLines = keep(made, TailLines.open(device, link.segment()));
            sq = keep(made, new PinnedBuffer(queueCount * sqCapacity * Long.BYTES));
            staging = keep(made, new PinnedBuffer(Math.max(spec.controlBytes(), DebugLogLayout.BUFFER_BYTES)));
            control = keep(made, new DeviceMemory(spec.controlBytes()));
            debugLog = keep(made, new DeviceMemory(DebugLogLayout.BUFFER_BYTES));
            devSq = keep(made, new DeviceMemory(sqCapacity * ENTRY_WORDS * Integer.BYTES));
            cursor = keep(made, new DeviceMemory(16));
            executed = keep(made, new DeviceMemory((long) slotCount * Integer.BYTES));
            ioDev = keep(made, new DeviceMemory(2L * IoQueueLayout.IO_SLOT_COUNT * Integer.BYTES));
            args = keep(made, new DeviceMemory(KernelArgs.BYTES));
            resident = spec.residentRangeBytes() > 0 ? keep(made, new DeviceMemory(spec.residentRangeBytes())) : null;
            isolation = spec.isolated() ? keep(made, new DeviceMemory(TenantIsolation.BLOCK_WORDS * 4L)) : null;
            CudaCalls.check(cuStreamCreate(kernelStream, CUstream_flags.CU_STREAM_NON_BLOCKING), "cuStreamCreate");
            CudaCalls.check(cuStreamCreate(copyStream, CUstream_flags.CU_STREAM_NON_BLOCKING), "cuStreamCreate");
            this.launchedWarps = launch(queueCount);
        } catch (RuntimeException | Error e) {
            // another session's kernel may be running in this context: release through the ledger
            java.util.Collections.reverse(made);
            if (ownsModule) {
                made.add(module);
            }
            device.releases().release(made.toArray(AutoCloseable[]::new));
            throw e;
        }
        this.ringSegment = ring.segment();
        this.linkSegment = link.segment();
        this.queues = new SubmissionQueues(queueCount, sqCapacity, sq.segment(), linkSegment, tailLines.host(),
                tailLines.isWriteCombined(), this::checkKernel, WATCHDOG_NANOS * 5);
        this.memory = new SessionMemory(MemorySegment.NULL /* control in device memory */, ringSegment,
                MemorySegment.NULL /* debug log in device memory */, ioQueue.segment(),
                spec.dataBufferBytes() == 0 ? MemorySegment.NULL : data.segment(), Placement.DEVICE,
                Placement.HOST_MAPPED, false /* the kernel reads a slot only after its tail line */,
                ioLink.segment() /* no host-native atomics on mapped memory: split-ownership IO */);
    }

    /**
     * Experiment switch for the data buffer's memory (not a supported option; it overrides
     * {@link SessionSpec#residentData()}): {@code pinned} (page-locked host memory the kernel reads across PCIe,
     * what io_uring ingest writes into), {@code managed} or {@code managed-read-mostly} ({@link ManagedBuffer}).
     */
    static final String DATA_MEMORY_PROPERTY = "vyre.cuda.dataMemory";

    /**
     * @return the data buffer: managed memory advised read-mostly for a resident buffer (pages move to the device
     *         on first touch; 0.92 -> 5.3 GB/s for {@code vyre scan --resident 256M} on the H100), else pinned
     */
    private static HostVisibleMemory dataMemory(long bytes, boolean resident) {
        String kind = System.getProperty(DATA_MEMORY_PROPERTY, resident ? "managed-read-mostly" : "pinned").trim()
                .toLowerCase(Locale.ROOT);
        return switch (kind) {
            case "pinned" -> new PinnedBuffer(bytes);
            case "managed" -> new ManagedBuffer(bytes, false);
            case "managed-read-mostly" -> new ManagedBuffer(bytes, true);
            default -> throw new BackendException("-D" + DATA_MEMORY_PROPERTY + "=" + kind + " is not pinned, managed"
                    + " or managed-read-mostly", "pass one of those, or leave the property unset");
        };
    }

    private static <T extends AutoCloseable> T keep(List<AutoCloseable> made, T resource) {
        made.add(resource);
        return resource;
    }

    /** Encodes the initial buffers, copies them to the device and launches the kernel once. */
    private int launch(int queueCount) {
        MemorySegment stage = staging.segment();
        stage.fill((byte) 0);
        ControlCodec.encodeControlInto(false, spec.tenantCount(), spec.observableSlots(), stage);
        control.upload(staging, 0, 0, spec.controlBytes(), copyStream);
        sync(copyStream);
        debugLog.zero(copyStream);
        devSq.zero(copyStream);
        cursor.zero(copyStream);
        executed.zero(copyStream);
        ioDev.zero(copyStream);
        ioLink.segment().fill((byte) 0);
        if (isolation != null) {
            int[] words = spec.isolationBlock();
            stage.fill((byte) 0);
            MemorySegment.copy(words, 0, stage, ValueLayout.JAVA_INT_UNALIGNED, 0, words.length);
            isolation.upload(staging, 0, 0, words.length * 4L, copyStream);
            sync(copyStream);
        }

        MemorySegment block = stage.asSlice(0, KernelArgs.BYTES);
        block.fill((byte) 0);
        KernelArgs.put(block, KernelArgs.CONTROL, control.address());
        KernelArgs.put(block, KernelArgs.CONTROL_WORDS, spec.controlBytes() / Integer.BYTES);
        KernelArgs.put(block, KernelArgs.RING, ring.deviceAddress());
        KernelArgs.put(block, KernelArgs.SLOT_COUNT, slotCount);
        KernelArgs.put(block, KernelArgs.DEBUG_LOG, debugLog.address());
        KernelArgs.put(block, KernelArgs.DEBUG_WORDS, DebugLogLayout.BUFFER_WORDS);
        KernelArgs.put(block, KernelArgs.IO_QUEUE, ioQueue.deviceAddress());
        KernelArgs.put(block, KernelArgs.IO_SLOTS, IoQueueLayout.IO_SLOT_COUNT);
        KernelArgs.put(block, KernelArgs.DATA, data.deviceAddress());
        KernelArgs.put(block, KernelArgs.DATA_BYTES, spec.dataBufferBytes());
        KernelArgs.put(block, KernelArgs.LINK, link.deviceAddress());
        KernelArgs.put(block, KernelArgs.SQ, sq.deviceAddress());
        KernelArgs.put(block, KernelArgs.SQ_MASK, sqMask);
        KernelArgs.put(block, KernelArgs.DEV_SQ, devSq.address());
        KernelArgs.put(block, KernelArgs.DEV_CURSOR, cursor.address());
        KernelArgs.put(block, KernelArgs.EXECUTED, executed.address());
        KernelArgs.put(block, KernelArgs.IO_TIMEOUT_NS, spec.ioWaitTimeout().toNanos());
        KernelArgs.put(block, KernelArgs.IDLE_SLEEP_NS, CudaTuning.workerIdleSleepNanos());
        KernelArgs.put(block, KernelArgs.VARIANT, CudaTuning.variant());
        KernelArgs.put(block, KernelArgs.IO_LINK, ioLink.deviceAddress());
        KernelArgs.put(block, KernelArgs.IO_DEV, ioDev.address());
        KernelArgs.put(block, KernelArgs.ISOLATION, isolation != null ? isolation.address() : 0L);
        KernelArgs.put(block, KernelArgs.QUEUES, queueCount);
        KernelArgs.put(block, KernelArgs.TAIL, tailLines.deviceAddress());
        if (resident != null) {
            fillResidentCopy();
            KernelArgs.put(block, KernelArgs.RESIDENT, resident.address());
            KernelArgs.put(block, KernelArgs.RESIDENT_AT, spec.residentRangeAt());
            KernelArgs.put(block, KernelArgs.RESIDENT_BYTES, spec.residentRangeBytes());
        }
        args.upload(staging, 0, 0, KernelArgs.BYTES, copyStream);
        sync(copyStream);

        int workerWarps = spec.workers() > 0 ? spec.workers() : CudaTuning.workerWarps();
        int warps = workerWarps + 1;
        int threads = CudaTuning.threadsPerBlock();
        int blocks = (warps * 32 + threads - 1) / threads;
        Pointer params = Pointer.to(Pointer.to(args.pointer()));
        CudaCalls.check(cuLaunchKernel(module.persistent(), blocks, 1, 1, threads, 1, 1, 0, kernelStream, params, null),
                "cuLaunchKernel(vyre_persistent)");
        device.releases().kernelLaunched();
        return blocks * threads / 32;
    }

    /**
     * Puts the resident range's bytes into the data buffer and copies them from there into the device copy the
     * kernel's data loads read (host-to-device copies of at most 1 GiB each on the copy stream, waited for).
     */
    private void fillResidentCopy() {
        MemorySegment range = data.segment().asSlice(spec.residentRangeAt(), spec.residentRangeBytes());
        range.copyFrom(spec.residentRange());
        for (long at = 0; at < range.byteSize(); at += RESIDENT_COPY_BYTES) {
            long bytes = Math.min(RESIDENT_COPY_BYTES, range.byteSize() - at);
            CudaCalls.check(cuMemcpyHtoDAsync(resident.pointer().withByteOffset(at),
                    Pointer.to(range.asSlice(at, bytes).asByteBuffer()), bytes, copyStream),
                    "cuMemcpyHtoDAsync(resident range)");
        }
        sync(copyStream);
    }

    private void sync(CUstream stream) {
        CudaCalls.check(cuStreamSynchronize(stream), "cuStreamSynchronize");
    }

    /** @return warps launched, the leader included */
    int launchedWarps() {
        return launchedWarps;
    }

    @Override
    public SessionMemory memory() {
        return memory;
    }

    // ---- the doorbell ----

    /**
     * Makes the kernel run the announced slots. A single PUBLISHED slot whose words the kernel can
     * rebuild from the tail line alone (priority NORMAL, argument words 3..11 zero) travels inline in
     * that line; any other single slot is read from the ring by the kernel. A run of slots takes one
     * reservation, one array entry per slot and a single tail line. Allocates nothing.
     */
    @Override
    public void announce(int firstSlot, int count, int status) {
        if (count == 1) {
            announceOne(firstSlot, status);
        } else {
            announceRun(firstSlot, count);
        }
    }

    /** One three-argument slot: its fields travel inline in the tail line, with no read of the ring. */
    @Override
    public void announce(int slot, int tenant, int opcode, int arg0, int arg1, int arg2) {
        enqueue(slot, ++generation[slot], 0, opcode, tenant, arg0, arg1, arg2);
    }

    /**
     * One slot: reads back the words the runtime just wrote (pinned host memory is cacheable) as one
     * int and seven aligned 8-byte loads (the ring is page-aligned, so words 2k..2k+1 form an aligned
     * long), and enqueues them inline when the kernel's inline path rebuilds exactly these words.
     */
    private void announceOne(int slot, int status) {
        MemorySegment r = ringSegment;
        long bytes = (long) slot * SlotLayout.SLOT_BYTES;
        int opcode = Words.get(r, (bytes >>> 2) + SlotLayout.OPCODE_WORD);
        long tenantPriority = (long) U64.get(r, bytes + 8);
        long args01 = (long) U64.get(r, bytes + 16);
        long args23 = (long) U64.get(r, bytes + 24);
        int flags = ENTRY_READ_SLOT;
        if (status == SlotStatus.PUBLISHED && (int) (tenantPriority >>> 32) == Priority.NORMAL
                && (args23 >>> 32 | (long) U64.get(r, bytes + 32) | (long) U64.get(r, bytes + 40)
                        | (long) U64.get(r, bytes + 48) | (long) U64.get(r, bytes + 56)) == 0L) {
            flags = 0;
        }
        enqueue(slot, ++generation[slot], flags, opcode, (int) tenantPriority, (int) args01, (int) (args01 >>> 32),
                (int) args23);
    }

    /**
     * A run of slots: one reservation, the run's array entries, then a single tail line (whose fields
     * name the last one, to be read from the ring).
     */
    private void announceRun(int firstSlot, int n) {
        SubmissionQueues sqs = queues;
        int q = sqs.ofCurrentThread();
        int pieces = (n + SubmissionQueues.MAX_RUN - 1) / SubmissionQueues.MAX_RUN;
        long first = sqs.reserve(q, pieces);
        int[] gens = generation;
        int run = 0;
        int gen = 0;
        for (int p = 0; p < pieces; p++) {
            int from = firstSlot + p * SubmissionQueues.MAX_RUN;
            int to = Math.min(firstSlot + n, from + SubmissionQueues.MAX_RUN);
            gen = SubmissionQueues.runGeneration(gens, from, to);
            run = SubmissionQueues.run(from, to - from);
            sqs.entry(q, first + p, gen, run);
        }
        sqs.publishTail(q, first, pieces, run, gen, ENTRY_READ_SLOT, 0, 0, 0, 0, 0);
    }

    /**
     * Announces a publication of {@code slot} to the kernel on the calling thread's queue: reserve its
     * submission n, write array entry n, then the tail line.
     */
    private void enqueue(int slot, int gen, int flags, int opcode, int tenant, int a0, int a1, int a2) {
        SubmissionQueues sqs = queues;
        int q = sqs.ofCurrentThread();
        long n = sqs.reserve(q, 1);
        sqs.entry(q, n, gen, slot);
        sqs.publishTail(q, n, 1, slot, gen, flags, opcode, tenant, a0, a1, a2);
    }

    // ---- observation ----

    /** The ring's status word (acquire); the ring is the only copy, so {@code exact} changes nothing. */
    @Override
    public int status(int slot, boolean exact) {
        return Words.getAcquire(ringSegment, (long) slot * SlotLayout.SLOT_WORDS);
    }

    /**
     * DONE_COUNT while the kernel runs comes from the leader's mirror in the link block (refreshed
     * every 64 leader loops, so possibly older, never newer); any other word, or any word once the
     * kernel has finished, is one 4-byte copy from device memory.
     */
    @Override
    public int readControl(int word, boolean exact) {
        if (word == ControlLayout.DONE_COUNT && !kernelFinished()) {
            return Words.getAcquire(linkSegment, L_DONE_MIRROR);
        }
        synchronized (copyLock) {
            device.makeCurrent();
            control.download(staging, 0, (long) word * 4, 4, copyStream);
            sync(copyStream);
            return Words.get(staging.segment(), 0);
        }
    }

    /**
     * While the kernel runs, hands the write to the leader warp through the mailbox, then re-announces
     * every PUBLISHED slot (a tenant mask may now authorise it); once the kernel has finished, copies the
     * word to device memory. SHUTDOWN falls back to that copy when the leader is stalled: the workers
     * read control word 0 themselves.
     *
     * @throws BackendException when the leader does not take a write other than SHUTDOWN within 2 s
     */
    @Override
    public void writeControl(int word, int value) {
        synchronized (mailLock) {
            if (!kernelFinished() && mailboxOrStalledShutdown(word, value)) {
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

    /** @return true when the leader took the write; false when the kernel ended first or SHUTDOWN met a stall */
    private boolean mailboxOrStalledShutdown(int word, int value) {
        try {
            return mailbox(word, value);
        } catch (BackendException leaderStalled) {
            if (word != ControlLayout.SHUTDOWN) {
                throw leaderStalled;
            }
            return false;
        }
    }

    /** Hands a control write to the leader warp. @return false when the kernel ended first */
    private boolean mailbox(int word, int value) {
        MemorySegment l = linkSegment;
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
        MemorySegment r = ringSegment;
        for (int slot = 0; slot < slotCount; slot++) {
            if (Words.getAcquire(r, (long) slot * SlotLayout.SLOT_WORDS) == SlotStatus.PUBLISHED) {
                enqueue(slot, generation[slot], ENTRY_READ_SLOT, 0, 0, 0, 0, 0);
            }
        }
    }

    /**
     * Copies the control buffer, the debug log or (isolated mode) the violation counters from device memory
     * through the staging buffer.
     */
    @Override
    public void copyDeviceBuffer(SessionDriver.DeviceBuffer buffer, MemorySegment dst) {
        DeviceMemory source = switch (buffer) {
            case CONTROL -> control;
            case DEBUG_LOG -> debugLog;
            case ISOLATION -> java.util.Objects.requireNonNull(isolation, "the session is not isolated");
        };
        long bytes = switch (buffer) {
            case CONTROL -> spec.controlBytes();
            case DEBUG_LOG -> DebugLogLayout.BUFFER_BYTES;
            case ISOLATION -> TenantIsolation.TENANTS * (long) Integer.BYTES;
        };
        synchronized (copyLock) {
            device.makeCurrent();
            source.download(staging, 0, 0, bytes, copyStream);
            sync(copyStream);
            MemorySegment.copy(staging.segment(), 0, dst, 0, bytes);
        }
    }

    // ---- liveness ----

    /**
     * Stopped once the kernel has finished; stalled when it runs but its leader's heartbeat has not
     * moved for {@value #WATCHDOG_SECONDS} s (a slot running unbounded work); running otherwise.
     *
     * @throws BackendException when the kernel ended with a CUDA error
     */
    @Override
    public Liveness liveness() {
        if (kernelFinished()) {
            return Liveness.stopped();
        }
        long heartbeat = heartbeat();
        long now = System.nanoTime();
        if (heartbeat != lastHeartbeat) {
            lastHeartbeat = heartbeat;
            lastHeartbeatNanos = now;
            return new Liveness(Liveness.State.RUNNING, heartbeat, 0);
        }
        long age = now - lastHeartbeatNanos;
        return new Liveness(age < WATCHDOG_NANOS ? Liveness.State.RUNNING : Liveness.State.STALLED, heartbeat, age);
    }

    /**
     * The watchdog of a full submission queue: throws when the kernel died with an error, or when it
     * runs but is stalled, instead of blaming the queue.
     */
    private void checkKernel() {
        if (liveness().state() == Liveness.State.STALLED) {
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

    /** @return the leader's heartbeat counter (for the watchdog and benchmarks) */
    long heartbeat() {
        return Integer.toUnsignedLong(Words.getAcquire(linkSegment, L_HEARTBEAT));
    }

    /**
     * With {@code -Dvyre.cuda.loops=true} (and no trace), prints the leader's mean loop period since the session
     * opened, from its heartbeat: the untraced idle loop when nothing was published.
     */
    private void printLoops(long openNanos) {
        long loops = heartbeat();
        double seconds = (System.nanoTime() - openNanos) / 1e9;
        System.err.printf(Locale.ROOT, "vyre.cuda.loops: leader loop %.3f us (%d loops in %.2f s, variant %d)%n",
                seconds * 1e6 / Math.max(1, loops), loops, seconds, CudaTuning.variant());
    }

    /**
     * With {@code -Dvyre.cuda.trace=true}, prints the leader's loop period and, for slots it ran
     * itself, the time from reading the tail line to starting the slot, the slot's run time, and the
     * points of the run at which the publication was claimed, executed and its DONE stored after the fence.
     */
    private void printTrace(long openNanos) {
        MemorySegment l = linkSegment;
        long loops = heartbeat();
        long runs = (long) U64.getAcquire(l, (long) L_TRACE * 4);
        long runNs = (long) U64.getAcquire(l, (long) L_TRACE * 4 + 8);
        long reachNs = (long) U64.getAcquire(l, (long) L_TRACE * 4 + 16);
        long pollNs = (long) U64.getAcquire(l, (long) L_TRACE * 4 + 24);
        long claimNs = (long) U64.getAcquire(l, (long) L_TRACE_PARTS * 4);
        long executedNs = (long) U64.getAcquire(l, (long) L_TRACE_PARTS * 4 + 8);
        long doneNs = (long) U64.getAcquire(l, (long) L_TRACE_PARTS * 4 + 16);
        double seconds = (System.nanoTime() - openNanos) / 1e9;
        double perRun = runs == 0 ? 0.0 : 1e-3 / runs;
        System.err.printf(Locale.ROOT, "vyre.cuda.trace: leader loop %.3f us (%d loops in %.2f s, tail-line read %.3f us);"
                        + " %d inline runs: line->start %.3f us, run %.3f us (from its start: claimed %.3f, executed %.3f,"
                        + " DONE stored after the fence %.3f us); tail lines in %s%n", seconds * 1e6 / Math.max(1, loops),
                loops, seconds, pollNs / 1e3 / Math.max(1, loops / 64 * 64), runs, reachNs * perRun, runNs * perRun,
                claimNs * perRun, executedNs * perRun, doneNs * perRun, tailLines.placement());
    }

    // ---- lifecycle ----

    /**
     * Waits (parking 20 us at a time) until the kernel has finished after SHUTDOWN. With
     * {@code -Dvyre.cuda.trace=true} it first prints the leader's trace.
     *
     * @return true when it finished within {@code timeout}
     * @throws BackendException when the kernel ended with a CUDA error
     */
    @Override
    public boolean stop(Duration timeout) {
        if (Boolean.getBoolean("vyre.cuda.trace")) {
            printTrace(openedNanos);
        } else if (Boolean.getBoolean("vyre.cuda.loops")) {
            printLoops(openedNanos);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!kernelFinished()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            LockSupport.parkNanos(20_000);
        }
        return true;
    }

    /**
     * Destroys the streams and frees every buffer once the kernel has finished. A kernel that has not
     * finished (stop timed out, or it failed) may still touch the buffers, so they are left allocated
     * until the process exits; the runtime reports that.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        backend.forget(this);
        if (!kernelFinished) {
            return;
        }
        device.makeCurrent();
        cuStreamDestroy(kernelStream);
        cuStreamDestroy(copyStream);
        DeferredRelease releases = device.releases();
        releases.release(resident, isolation, args, ioDev, executed, cursor, devSq, debugLog, control, staging, sq, link,
                data, ioLink, ioQueue, ring, tailLines, ownsModule ? module : null);
        releases.kernelFinished();
    }
}
