package dev.vyre.backend.vulkan;

import dev.vyre.protocol.TenantIsolation;
import static org.lwjgl.system.MemoryStack.stackPush;
import static org.lwjgl.vulkan.VK10.*;

import dev.vyre.protocol.BackendException;
import dev.vyre.protocol.ControlCodec;
import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.DebugLogLayout;
import dev.vyre.protocol.IoLink;
import dev.vyre.protocol.IoQueueLayout;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotStatus;
import dev.vyre.protocol.UnsupportedFeatureException;
import dev.vyre.protocol.Words;
import dev.vyre.spi.Liveness;
import dev.vyre.spi.Placement;
import dev.vyre.spi.SessionDriver;
import dev.vyre.spi.SessionMemory;
import dev.vyre.spi.SessionSpec;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.lwjgl.system.MemoryStack;
import org.lwjgl.vulkan.VkCommandBuffer;

/**
 * The driver of a persistent megakernel: one long-running dispatch of the persistent shader on its own
 * compute queue, polling the link block in host-mapped memory until control word 0 is set. The
 * runtime session writes slots into the ring; this class places the buffers, rings the doorbell,
 * reads and writes control words, watches the heartbeat, and stops and frees the dispatch.
 *
 * <p>Placement: every buffer (control, ring, debug log, IO queue, data, link block) lives in one
 * allocation (one each with {@link #BLOCK_PER_BUFFER_PROPERTY}) of DEVICE_LOCAL | HOST_VISIBLE |
 * HOST_COHERENT memory where the device has it (BAR-mapped VRAM, {@link Placement#DEVICE_MAPPED}: on
 * NVIDIA a shader polling system memory never sees host writes, polling VRAM does), else in
 * HOST_VISIBLE | HOST_COHERENT memory ({@link Placement#HOST_MAPPED}).
 * Host stores to BAR memory are write-combined (WC): stores to one 64-byte line merge into one PCIe
 * write, and only a full fence orders them and pushes them out.
 *
 * <p>Doorbell ({@link #announce}): the shader does not poll ring statuses but each slot's generation
 * word in the link block ({@link VulkanLink#GEN_BASE}), and reads a slot's ring line only when that
 * word differs from the generation it last settled there. So the runtime writes each slot's whole
 * line, status included, with no fence inside (one WC burst; {@link SessionMemory#ringPolled()} is
 * false, so it may copy whole runs at once), and {@code announce} then stores the run's new
 * generations ({@link StatusMirror#begin}) between two full fences: the first keeps every line ahead
 * of any generation, the second pushes the generations out. Generation words of consecutive slots
 * share 64-byte lines, so a run of them merges into few bursts.
 *
 * <p>Host reads: BAR reads are uncached PCIe reads (about 1 µs each), so the cheap reads
 * ({@code status(slot, false)}, {@code readControl(DONE_COUNT, false)}, the heartbeat) come from a
 * {@link StatusMirror} in host-cached system memory that the shader writes; exact reads and every other
 * control word come from the buffers themselves, so snapshots stay byte-identical to the reference
 * backend.
 *
 * <p>Watchdog: workgroup 0 bumps a heartbeat word in the link block once per sweep. {@link #liveness()}
 * reports STALLED when the heartbeat has not moved for {@link #watchdogNanos} while the dispatch still
 * runs.
 */
final class VulkanSession implements SessionDriver {

    /**
     * System property: flush the mapping ({@code vkFlushMappedMemoryRanges}) after every doorbell and control
     * write. An experiment for drivers where host stores to a running session did not land (issue 10);
     * off by default, since HOST_COHERENT memory needs no flush and each costs a driver call.
     */
    static final String FLUSH_PROPERTY = "vyre.vulkan.flushMapped";
    private static final boolean FLUSH = Boolean.getBoolean(FLUSH_PROPERTY);
    /** Diagnostic: sweep the ring and data buffer with {@link StoreSweep} before the dispatch too. */
    static final String SWEEP_PROPERTY = "vyre.vulkan.storeSweep";

    /** How long {@link VulkanBackend#close()} waits for a session it stops itself. */
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final VulkanBackend backend;
    private final VulkanDevice device;
    private final int queue;
    /** the block of the control buffer (all bindings' unless {@link #BLOCK_PER_BUFFER_PROPERTY}) */
    private final DeviceBlock block;
    private final List<DeviceBlock> blocks;
    private final MemorySegment control;
    private final MemorySegment ring;
    private final MemorySegment link;
    private final SessionMemory memory;
    private final Kernel kernel;
    private final boolean ownsKernel;
    private final long[] set;
    private final Submitter submitter;
    private final long watchdogNanos;
    private final boolean fenced;
    private final StatusMirror mirror;
    private final int slots;
    /** How long {@link #open} waits for the shader to echo the host's ping. */
    static final long ECHO_TIMEOUT_NANOS = Duration.ofSeconds(2).toNanos();
    /** How long {@link #open} waits for the shader's first sweep. */
    static final long START_TIMEOUT_NANOS = Duration.ofSeconds(5).toNanos();

    private long lastBeat = -1;
    private long lastBeatExact = -1;
    private long lastBeatNanos = System.nanoTime();
    private volatile boolean finished;
    private volatile boolean stuck;
    private volatile boolean closed;
    private String preDispatchSweep = "";

    /** Where each binding (but the status mirror) lives: its block, its offset there, its size. */
    private record Layout(DeviceBlock[] blocks, long[] offsets, long[] sizes) {
        MemorySegment slice(int i) {
            return blocks[i].mapped().asSlice(offsets[i], sizes[i]);
        }

        /** @return each block once, the first binding's first */
        List<DeviceBlock> distinct() {
            List<DeviceBlock> out = new ArrayList<>();
            for (DeviceBlock b : blocks) {
                if (b != null && !out.contains(b)) {
                    out.add(b);
                }
            }
            return out;
        }

        void close() {
            for (DeviceBlock b : distinct()) {
                b.close();
            }
        }
    }

    /**
     * Experiment: each binding in its own allocation ({@code -Dvyre.vulkan.blockPerBuffer=true}) instead of
     * one block, for devices where host stores to part of a large BAR-mapped block were seen not to land.
     */
    static final String BLOCK_PER_BUFFER_PROPERTY = "vyre.vulkan.blockPerBuffer";

    static VulkanSession open(VulkanBackend backend, SessionSpec spec, int queue) {
        VulkanDevice device = backend.vulkanDevice();
        if (Boolean.getBoolean("vyre.vulkan.storeProbe")) {
            System.err.println(StoreSweep.probeAllocations(device));
        }
        long[] sizes = {spec.controlBytes(), (long) spec.slotCount() * SlotLayout.SLOT_BYTES,
                DebugLogLayout.BUFFER_BYTES, (long) IoQueueLayout.IO_SLOT_COUNT * IoQueueLayout.IO_SLOT_BYTES,
                Math.max(4, (spec.dataBufferBytes() + 3) & ~3L),
                VulkanLink.bytes(VulkanLink.persistentBytes(spec.slotCount()), spec.isolated()),
                StatusMirror.bytes(spec.slotCount())};
        long align = device.storageAlignment();
        long[] offsets = new long[sizes.length];
        boolean separate = Boolean.getBoolean(BLOCK_PER_BUFFER_PROPERTY);
        long at = 0;
        for (int i = 0; i < Kernel.BINDINGS - 1; i++) {
            offsets[i] = separate ? 0 : at;
            at += (sizes[i] + align - 1) / align * align;
        }
        DeviceBlock[] blocks = new DeviceBlock[Kernel.BINDINGS - 1];
        BackendException barFailure = null;
        try {
            if (separate) {
                for (int i = 0; i < blocks.length; i++) {
                    blocks[i] = sessionBlock(device, sizes[i]);
                }
            } else {
                java.util.Arrays.fill(blocks, sessionBlock(device, at));
            }
        } catch (BackendException e) {
            // the BAR heap may be small (256 MiB without resizable BAR): host memory is the only other place
            new Layout(blocks, offsets, sizes).close();
            barFailure = e;
            java.util.Arrays.fill(blocks, new DeviceBlock(device, at, HOST_COHERENT));
            long o = 0;
            for (int i = 0; i < blocks.length; i++) {
                offsets[i] = o;
                o += (sizes[i] + align - 1) / align * align;
            }
        }
        Layout layout = new Layout(blocks, offsets, sizes);
        DeviceBlock block = blocks[0];
        if ((block.flags() & VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT) == 0 && !device.unifiedMemory()
                && !Boolean.getBoolean(VulkanBackend.HOST_MEMORY_PERSISTENT_PROPERTY)) {
            layout.close();
            throw new UnsupportedFeatureException(ShaderCompiler.BACKEND, "persistent sessions in host memory",
                    "a persistent session of " + at + " bytes got no DEVICE_LOCAL | HOST_VISIBLE memory (BAR-mapped"
                    + " VRAM) on " + device.name() + (barFailure == null ? "" : " (" + firstSentence(barFailure) + ")")
                    + ", and a persistent shader polling host memory never sees the host's writes on discrete GPUs;"
                    + " memory: " + device.memorySummary(), "enable resizable BAR, use a smaller ring or data buffer,"
                    + " use the CUDA backend, or run one-pass (Vyre.dispatch); -D"
                    + VulkanBackend.HOST_MEMORY_PERSISTENT_PROPERTY + "=true forces it for experiments");
        }
        StatusMirror mirror = null;
        VulkanSession session = null;
        try {
            mirror = new StatusMirror(device, spec.slotCount());
            session = new VulkanSession(backend, spec, queue, layout, mirror);
        } catch (RuntimeException | Error e) {
            if (mirror != null) {
                mirror.close();
            }
            layout.close();
            throw e;
        }
        session.awaitFirstSweep(START_TIMEOUT_NANOS);
        session.awaitEcho(ECHO_TIMEOUT_NANOS);
        return session;
    }

    private static final int HOST_COHERENT = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;

    /** @return a host-coherent block of {@code bytes}, in DEVICE_LOCAL memory when the device has it host-visible */
    private static DeviceBlock sessionBlock(VulkanDevice device, long bytes) {
        return new DeviceBlock(device, bytes, HOST_COHERENT, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
    }

    private static String firstSentence(RuntimeException e) {
        String m = e.getMessage();
        int fix = m.indexOf(". Fix: ");
        return fix < 0 ? m : m.substring(0, fix);
    }

    /**
     * Waits until workgroup 0 has bumped the heartbeat once, so a shader that never starts (or whose
     * writes the host never sees) is reported at open, with its placement, instead of as a session that
     * hangs later. On failure the shader is told to stop and the session is closed (a dispatch that does
     * not stop keeps its memory, as {@link #close()} does).
     *
     * @throws BackendException when the heartbeat does not move within {@code timeoutNanos}
     */
    private void awaitFirstSweep(long timeoutNanos) {
        long start = System.nanoTime();
        while (heartbeat() == 0) {
            if (finished || submitter.await(0)) {
                break;
            }
            if (System.nanoTime() - start > timeoutNanos) {
                String where = "memory flags 0x" + Integer.toHexString(block.flags()) + " ("
                        + memory.ringPlacement() + "); " + device.memorySummary();
                boolean beside = backend.othersOpen(this);
                try {
                    writeControl(ControlLayout.SHUTDOWN, 1);
                    stop(Duration.ofSeconds(2));
                } finally {
                    close();
                }
                if (beside) {
                    // the device runs one persistent shader at a time: this one waits for the running one
                    String evidence = "a second persistent shader on " + device.name() + " did not start beside the"
                            + " running session's: its heartbeat stayed 0 for " + timeoutNanos / 1_000_000 + " ms (it"
                            + " starts, sees SHUTDOWN and ends once the other session closes)";
                    backend.refuseConcurrent(evidence);
                    throw new UnsupportedFeatureException(ShaderCompiler.BACKEND, "more than one persistent session"
                            + " at once", evidence, "close the running session before opening another, or open the"
                            + " second on another device or the CUDA backend");
                }
                throw new BackendException("the persistent shader on " + device.name() + " did not start: its"
                        + " heartbeat stayed 0 for " + timeoutNanos / 1_000_000 + " ms after the dispatch was submitted"
                        + (stuck ? ", and it did not stop on SHUTDOWN (its memory stays allocated)" : "") + "; session "
                        + where, "run Vyre.dispatch (one pass) or the CUDA backend on this machine, and report the"
                        + " memory line above with the driver version");
            }
            LockSupport.parkNanos(20_000L);
        }
    }

    /**
     * The second half of the start check: the host stores a ping into the link block and waits until the
     * shader's workgroup 0 echoes it into the status mirror. A shader that runs (its heartbeat moved) but
     * never sees the host's stores would leave every published slot PUBLISHED and never see SHUTDOWN; on
     * such a device persistent sessions cannot work, so the session is stopped, the backend remembers the
     * evidence and refuses later sessions at once ({@link VulkanBackend#refusePersistent}), and the caller
     * gets the refusal.
     *
     * @throws UnsupportedFeatureException when the echo does not come back within {@code timeoutNanos}
     */
    private void awaitEcho(long timeoutNanos) {
        int ping = (int) (System.nanoTime() | 1);
        Words.setRelease(link, VulkanLink.PING, ping);
        VarHandle.fullFence(); // push the ping out of the write-combining buffer
        if (FLUSH) {
            flushAll();
        }
        long start = System.nanoTime();
        while (mirror.pong() != ping) {
            long waited = System.nanoTime() - start;
            if (waited > timeoutNanos) {
                String evidence = "host stores do not reach the running shader on " + device.name()
                        + ": its heartbeat moves but a ping stored into BAR-mapped VRAM was not echoed within "
                        + waited / 1_000_000 + " ms (" + linkState() + "; " + device.memorySummary() + ")";
                try {
                    writeControl(ControlLayout.SHUTDOWN, 1);
                    stop(Duration.ofSeconds(2));
                } finally {
                    close();
                }
                backend.refusePersistent(evidence);
                throw new UnsupportedFeatureException(ShaderCompiler.BACKEND, "persistent sessions", evidence,
                        "check with nvidia-smi (or the vendor's tool) that no earlier process still runs a shader on"
                                + " this GPU (on an H100 a shader left running by a killed process made later"
                                + " processes' host stores vanish); otherwise use Vyre.dispatch (one pass) or the"
                                + " CUDA backend on this machine, and report the evidence with the driver version");
            }
            LockSupport.parkNanos(10_000L);
        }
    }

    private VulkanSession(VulkanBackend backend, SessionSpec spec, int queue, Layout layout, StatusMirror mirror) {
        this.backend = backend;
        this.device = backend.vulkanDevice();
        this.queue = queue;
        this.block = layout.blocks[0];
        this.blocks = layout.distinct();
        this.control = layout.slice(0);
        this.ring = layout.slice(1);
        MemorySegment debugLog = layout.slice(2);
        MemorySegment ioQueue = layout.slice(3);
        MemorySegment data = spec.dataBufferBytes() == 0 ? MemorySegment.NULL
                : layout.blocks[4].mapped().asSlice(layout.offsets[4], spec.dataBufferBytes());
        this.link = layout.slice(5);
        this.fenced = (block.flags() & VK_MEMORY_PROPERTY_HOST_CACHED_BIT) == 0;
        Placement placement = (block.flags() & VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT) != 0 && !device.unifiedMemory()
                ? Placement.DEVICE_MAPPED : Placement.HOST_MAPPED;
        // BAR-mapped VRAM or host memory: the host's compare-and-set is not atomic against the shader's
        // atomics there, so IO runs the split-ownership handshake (IoLink) in the link block
        MemorySegment ioLink = link.asSlice(VulkanLink.ioLinkBase(spec.slotCount()) * 4L, IoLink.BYTES);
        this.memory = new SessionMemory(control, ring, debugLog, ioQueue, data, placement, placement,
                false /* the shader reads a slot only after its generation word changes (announce) */, ioLink,
                spec.isolated() ? link.asSlice(VulkanLink.persistentBytes(spec.slotCount()),
                        (long) TenantIsolation.BLOCK_WORDS * Integer.BYTES) : MemorySegment.NULL);
        this.mirror = mirror;
        this.slots = spec.slotCount();
        this.watchdogNanos = Duration.ofSeconds(2).toNanos() + spec.ioWaitTimeout().toNanos();
        // initial contents, before the dispatch starts
        ControlCodec.encodeControlInto(false, spec.tenantCount(), spec.observableSlots(), control);
        ring.fill((byte) 0);
        debugLog.fill((byte) 0);
        ioQueue.fill((byte) 0);
        this.ownsKernel = !spec.opcodes().isEmpty() || spec.isolated();
        this.kernel = backend.kernel(true, spec.opcodes(), spec.isolated());
        long[] s = null;
        Submitter sub = null;
        try {
            layout.slice(4).fill((byte) 0);
            long timeout = spec.ioWaitTimeout().toNanos();
            int groups = backend.persistentLanes() / VulkanBackend.PERSISTENT_LOCAL_SIZE;
            if (spec.workers() > 0) {
                groups = Math.max(1, Math.min(groups, (spec.workers() + VulkanBackend.PERSISTENT_LOCAL_SIZE - 1)
                        / VulkanBackend.PERSISTENT_LOCAL_SIZE));
            }
            VulkanLink.write(link, Words.count(control), spec.slotCount(), DebugLogLayout.BUFFER_WORDS,
                    IoQueueLayout.IO_SLOT_COUNT, spec.dataBufferBytes(), backend.timeoutTicks(timeout),
                    backend.timeoutIterations(timeout), (long) groups * VulkanBackend.PERSISTENT_LOCAL_SIZE, 0);
            if (spec.isolated()) {
                VulkanLink.writeIsolation(link, VulkanLink.persistentBytes(spec.slotCount()), spec.isolationBlock());
            }
            VarHandle.fullFence();
            if (Boolean.getBoolean(SWEEP_PROPERTY)) {
                preDispatchSweep = StoreSweep.sweep(ring, "before the dispatch, ring") + "; "
                        + StoreSweep.sweep(layout.slice(4), "data buffer");
            }
            long[] buffers = new long[Kernel.BINDINGS];
            for (int i = 0; i < layout.blocks.length; i++) {
                buffers[i] = layout.blocks[i].buffer();
            }
            buffers[Kernel.BINDINGS - 1] = mirror.buffer(); // offset 0 in its own allocation
            s = kernel.bind(buffers, layout.offsets, layout.sizes);
            sub = new Submitter(device, device.queues().get(queue));
            VkCommandBuffer cb = sub.begin();
            try (MemoryStack stack = stackPush()) {
                vkCmdBindPipeline(cb, VK_PIPELINE_BIND_POINT_COMPUTE, kernel.pipeline());
                vkCmdBindDescriptorSets(cb, VK_PIPELINE_BIND_POINT_COMPUTE, kernel.pipelineLayout(), 0,
                        stack.longs(s[1]), null);
                vkCmdDispatch(cb, groups, 1, 1);
            }
            sub.submit();
        } catch (RuntimeException | Error e) {
            if (sub != null) {
                sub.close();
            }
            if (s != null) {
                vkDestroyDescriptorPool(device.device(), s[0], null);
            }
            if (ownsKernel) {
                backend.release(kernel);
            }
            throw e;
        }
        this.set = s;
        this.submitter = sub;
    }

    // ------------------------------------------------------------------ SessionDriver

    @Override
    public SessionMemory memory() {
        return memory;
    }

    /**
     * Rings the doorbell of a run: each slot's new generation in the mirror, then (write-combined
     * memory) a full fence so every line reaches the device before any generation, the generation
     * words, and a full fence that pushes them out of the write-combining buffers now; in host-cached
     * memory a release store of each generation word. Allocates nothing.
     */
    @Override
    public void announce(int firstSlot, int count, int status) {
        int end = firstSlot + count;
        for (int slot = firstSlot; slot < end; slot++) {
            mirror.begin(slot, status);
        }
        if (fenced) {
            VarHandle.fullFence(); // every line (payload and status) before any generation
            for (int slot = firstSlot; slot < end; slot++) {
                Words.set(link, VulkanLink.GEN_BASE + slot, mirror.generation(slot));
            }
            VarHandle.fullFence(); // push the generation words out of the write-combining buffers now
            if (FLUSH) {
                flushAll();
            }
        } else {
            for (int slot = firstSlot; slot < end; slot++) {
                Words.setRelease(link, VulkanLink.GEN_BASE + slot, mirror.generation(slot));
            }
        }
    }

    /**
     * Cheap: the status mirror (host-cached); exact: the ring word (a BAR read), except that a ring word still
     * CLAIMED gives way to a DONE or FAULT the mirror holds for the same publication (the shader mirrors a result
     * before it stores the ring's status).
     */
    @Override
    public int status(int slot, boolean exact) {
        if (!exact) {
            return mirror.status(slot);
        }
        int word = Words.getAcquire(ring, (long) slot * SlotLayout.SLOT_WORDS);
        return word == SlotStatus.CLAIMED ? exactStatus(word, mirror.status(slot)) : word;
    }

    /**
     * @return the exact status of a slot whose ring word is {@code ringWord} and whose mirror shows {@code mirrored}
     *         for the host's latest publication: the mirror's DONE or FAULT over a ring word still CLAIMED (the
     *         shader stores the ring's status after the mirror's), else the ring word
     */
    static int exactStatus(int ringWord, int mirrored) {
        return ringWord == SlotStatus.CLAIMED && (mirrored == SlotStatus.DONE || mirrored == SlotStatus.FAULT)
                ? mirrored : ringWord;
    }

    /** Cheap DONE_COUNT: the mirrored copy; everything else: the control word itself (acquire). */
    @Override
    public int readControl(int word, boolean exact) {
        if (word == ControlLayout.DONE_COUNT && !exact) {
            return mirror.doneCount();
        }
        return Words.getAcquire(control, word);
    }

    /** Release-stores the word, then a full fence pushes it out of the write-combining buffer. */
    @Override
    public void writeControl(int word, int value) {
        Words.setRelease(control, word, value);
        VarHandle.fullFence();
        if (FLUSH) {
            flushAll();
        }
    }

    @Override
    public Liveness liveness() {
        if (interpreterFinished()) {
            return Liveness.stopped();
        }
        if (stalled()) {
            long since;
            long beat;
            synchronized (this) {
                since = System.nanoTime() - lastBeatNanos;
                beat = lastBeatExact;
            }
            return new Liveness(Liveness.State.STALLED, beat, since);
        }
        return Liveness.running();
    }

    private boolean interpreterFinished() {
        if (!finished && submitter.finished()) {
            finished = true;
        }
        return finished;
    }

    /** @return true when the heartbeat has not moved for the watchdog window */
    private synchronized boolean stalled() {
        long beat = Integer.toUnsignedLong(mirror.heartbeat());
        long now = System.nanoTime();
        if (beat == lastBeat && now - lastBeatNanos > watchdogNanos) {
            long exact = heartbeat(); // the mirror has not moved: confirm with the BAR word
            if (exact == lastBeatExact) {
                return true;
            }
            lastBeatExact = exact;
            lastBeatNanos = now;
            return false;
        }
        if (beat != lastBeat) {
            lastBeat = beat;
            lastBeatNanos = now;
        }
        return false;
    }

    /** @return the heartbeat word of the link block (a BAR read) */
    long heartbeat() {
        return Integer.toUnsignedLong(Words.getAcquire(link, VulkanLink.HEARTBEAT));
    }

    /**
     * Reads, through the mapping, what the shader and the host last left in the link block, the control
     * buffer and the ring: whether the heartbeat still moves (two reads 50 ms apart), the STOPPED word,
     * SHUTDOWN and DONE_COUNT as the device memory holds them (and the mirrored copies), a histogram of
     * ring statuses, and the slots whose doorbell generation the shader has not settled. Slow (uncached
     * reads of every slot): for diagnostics after a stall or a failed stop only.
     */
    String linkState() {
        long beat0 = heartbeat();
        LockSupport.parkNanos(50_000_000L);
        long beat1 = heartbeat();
        int[] histogram = new int[8];
        int unsettled = 0;
        StringBuilder examples = new StringBuilder();
        int seenBase = VulkanLink.seenBase(slots);
        for (int s = 0; s < slots; s++) {
            int status = Words.getAcquire(ring, (long) s * SlotLayout.SLOT_WORDS);
            histogram[Math.min(status, 7)]++;
            int gen = Words.getAcquire(link, VulkanLink.GEN_BASE + s);
            int seen = Words.getAcquire(link, seenBase + s);
            if (gen != seen) {
                if (unsettled++ < 4) {
                    examples.append(" slot ").append(s).append(" gen ").append(gen).append(" seen ").append(seen)
                            .append(" status ").append(status).append(" host gen ").append(mirror.generation(s))
                            .append(';');
                }
            }
        }
        // does a host store to the block land? word PROBE is written by nobody else
        int probe = (int) (System.nanoTime() | 1);
        Words.setRelease(link, VulkanLink.PROBE, probe);
        VarHandle.fullFence();
        int readNow = Words.getAcquire(link, VulkanLink.PROBE);
        LockSupport.parkNanos(10_000_000L);
        int readLater = Words.getAcquire(link, VulkanLink.PROBE);
        String landed = "host store probe: wrote 0x" + Integer.toHexString(probe) + ", read back 0x"
                + Integer.toHexString(readNow) + " at once and 0x" + Integer.toHexString(readLater) + " 10 ms later";
        String sweep = StoreSweep.sweep(ring, "ring") + "; " + (memory.data().byteSize() < 4 ? "no data buffer"
                : StoreSweep.sweep(memory.data(), "data buffer"))
                + (preDispatchSweep.isEmpty() ? "" : "; " + preDispatchSweep) + "; block: " + block.settleReport();
        return landed + "; " + sweep + "; heartbeat " + beat0 + " -> " + beat1 + " in 50 ms (mirror " + mirror.heartbeat() + "), stopped word "
                + Words.getAcquire(link, VulkanLink.STOPPED) + ", SHUTDOWN word " + Words.getAcquire(control,
                ControlLayout.SHUTDOWN) + ", DONE_COUNT " + Integer.toUnsignedString(Words.getAcquire(control,
                ControlLayout.DONE_COUNT)) + " (mirror " + Integer.toUnsignedString(mirror.doneCount())
                + "), ring statuses by value 0..7 " + java.util.Arrays.toString(histogram) + ", " + unsettled
                + " of " + slots + " slots with an unsettled doorbell" + (unsettled == 0 ? "" : ":" + examples)
                + " lanes " + Words.getAcquire(link, VulkanLink.STRIDE) + ", " + placement();
    }

    private void flushAll() {
        for (DeviceBlock b : blocks) {
            b.flush();
        }
    }

    /** @return where the buffers live: memory property flags of the BAR block and of the status mirror */
    String placement() {
        return "buffers 0x" + Integer.toHexString(block.flags()) + ", status mirror 0x"
                + Integer.toHexString(mirror.flags()) + " (1 DEVICE_LOCAL, 2 HOST_VISIBLE, 4 HOST_COHERENT, 8 HOST_CACHED)";
    }

    /** Waits for the dispatch to end (control word 0 is already set). */
    @Override
    public boolean stop(Duration timeout) {
        if (finished || submitter.await(Math.max(0, timeout.toNanos()))) {
            finished = true;
            return true;
        }
        stuck = true;
        return false;
    }

    /** @return true once {@link #close()} ran */
    boolean isClosed() {
        return closed;
    }

    /**
     * Frees the dispatch's resources and its queue. A stuck dispatch keeps them: the session sets SHUTDOWN
     * again and hands itself to the backend, which frees them once the dispatch has ended (when another
     * session closes, and at the latest in {@link VulkanBackend#close()}, which leaves the device open if it
     * never ends): freeing memory the shader still touches could fault the device.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (stuck) {
            System.getLogger(VulkanSession.class.getName()).log(System.Logger.Level.ERROR,
                    "Vulkan megakernel did not stop within its timeout after SHUTDOWN; its memory stays allocated"
                            + " until the dispatch ends; device-side state: " + linkState());
            writeControl(ControlLayout.SHUTDOWN, 1);
            backend.abandon(this);
            return;
        }
        free();
        if (backend.forget(this)) {
            backend.releaseQueue(queue);
        }
        try {
            backend.reapAbandoned(0);
        } catch (RuntimeException e) { // another session's failure (a lost device): the backend's close reports it
            System.getLogger(VulkanSession.class.getName()).log(System.Logger.Level.DEBUG,
                    "an abandoned session could not be freed yet: " + e.getMessage());
        }
    }

    /**
     * Frees the resources of a session that {@link #close()} left to the backend, once its dispatch has ended.
     * The backend releases the queue.
     *
     * @return true when the dispatch ended within {@code timeoutNanos} and every resource was freed
     */
    boolean reap(long timeoutNanos) {
        if (!submitter.await(Math.max(0, timeoutNanos))) {
            return false;
        }
        finished = true;
        stuck = false;
        free();
        return true;
    }

    /** @return the compute queue this session's dispatch was submitted to */
    int queue() {
        return queue;
    }

    /** Frees the dispatch's command pool, descriptor pool, kernel (when its own) and memory. */
    private void free() {
        submitter.close();
        vkDestroyDescriptorPool(device.device(), set[0], null);
        if (ownsKernel) {
            backend.release(kernel);
        }
        for (DeviceBlock b : blocks) {
            b.close();
        }
        mirror.close();
    }
}
