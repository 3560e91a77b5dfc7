package dev.vyre.backend.vulkan;

import static org.lwjgl.system.MemoryStack.stackPush;
import static org.lwjgl.vulkan.VK10.*;

import dev.vyre.protocol.BackendException;
import dev.vyre.protocol.DebugLogLayout;
import dev.vyre.protocol.IoQueueLayout;
import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.SlotImages;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotStatus;
import dev.vyre.protocol.Words;
import dev.vyre.spi.HostMappedSession;
import dev.vyre.spi.SessionOptions;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import org.lwjgl.system.MemoryStack;
import org.lwjgl.vulkan.VkCommandBuffer;

/**
 * A persistent megakernel: one long-running dispatch of the persistent shader on its own compute
 * queue, polling the ring in host-mapped memory until control word 0 is set.
 *
 * <p>Placement: every buffer (control, ring, debug log, IO queue, data, link block) lives in one
 * allocation of DEVICE_LOCAL | HOST_VISIBLE | HOST_COHERENT memory where the device has it (BAR-mapped
 * VRAM: on NVIDIA a shader polling system memory never sees host writes, polling VRAM does), else in
 * HOST_VISIBLE | HOST_COHERENT memory. Host stores to BAR memory are write-combined (WC): stores to
 * one 64-byte line merge into one PCIe write, and only a full fence orders them and pushes them out.
 *
 * <p>Doorbell: the shader does not poll ring statuses but each slot's generation word in the link
 * block ({@link VulkanLink#GEN_BASE}), and reads a slot's ring line only when that word differs from
 * the generation it last settled there. So every publication writes the slot's whole line, status
 * PUBLISHED included, with no fence inside (one WC burst), then, behind a full fence, the slot's new
 * generation ({@link StatusMirror#begin}), then a full fence that pushes it out. A raw slot write
 * does the same with whatever status it carries. Generation words of consecutive slots share 64-byte
 * lines, so a batch of them merges into few bursts.
 *
 * <p>Host reads: BAR reads are uncached PCIe reads (about 1 µs each), so everything the host polls
 * (slot statuses, DONE_COUNT, the heartbeat) comes from a {@link StatusMirror} in host-cached system
 * memory that the shader writes; the ring and control words are read from BAR only to confirm (before
 * refusing a publish, before parking in a wait, at a wait's deadline) and for snapshots, which
 * therefore stay byte-identical to the reference backend.
 *
 * <p>Deferred publishing ({@link #publishDeferred}): each slot's whole line (status PUBLISHED) is
 * written at once, the generation words of up to {@value #MAX_DEFERRED} slots together in
 * {@link #flush()}, between two fences (two fences per batch instead of two per slot). The ring, and
 * so {@link #slotStatus} and snapshots, show PUBLISHED from the {@code publishDeferred} call on; the
 * shader runs the slot once its generation is out. {@link #publishSlots} copies a run of whole slot
 * images with one bulk copy and rings the run's doorbells together the same way.
 *
 * <p>Watchdog: workgroup 0 bumps a heartbeat word in the link block once per sweep. A session whose
 * heartbeat has not moved for {@link #watchdogNanos} while its dispatch is still running reports
 * {@link #isAlive()} false, and waits on it fail with a {@link BackendException} instead of hanging.
 */
final class VulkanSession extends HostMappedSession {

    private static final long STOP_TIMEOUT_NANOS = Duration.ofSeconds(10).toNanos();
    /** Deferred publications held before {@link #publishDeferred} flushes on its own. */
    static final int MAX_DEFERRED = 256;

    private final VulkanBackend backend;
    private final VulkanDevice device;
    private final int queue;
    private final DeviceBlock block;
    private final MemorySegment link;
    private final Kernel kernel;
    private final boolean ownsKernel;
    private final long[] set;
    private final Submitter submitter;
    private final long watchdogNanos;
    private final boolean fenced;
    private final StatusMirror mirror;
    private final int[] deferred = new int[MAX_DEFERRED];
    private int deferredCount;
    private long lastBeat = -1;
    private long lastBeatExact = -1;
    private long lastBeatNanos = System.nanoTime();
    private volatile boolean finished;
    private volatile boolean stuck;

    private record Layout(DeviceBlock block, long[] offsets, long[] sizes) {
        MemorySegment slice(int i) {
            return block.mapped().asSlice(offsets[i], sizes[i]);
        }
    }

    static VulkanSession open(VulkanBackend backend, SessionOptions options, int queue) {
        VulkanDevice device = backend.vulkanDevice();
        long[] sizes = {options.controlBytes(), (long) options.slotCount() * SlotLayout.SLOT_BYTES,
                DebugLogLayout.BUFFER_BYTES, (long) IoQueueLayout.IO_SLOT_COUNT * IoQueueLayout.IO_SLOT_BYTES,
                Math.max(4, (options.dataBufferBytes() + 3) & ~3L), VulkanLink.persistentBytes(options.slotCount()),
                StatusMirror.bytes(options.slotCount())};
        long align = device.storageAlignment();
        long[] offsets = new long[sizes.length];
        long at = 0;
        for (int i = 0; i < Kernel.BINDINGS - 1; i++) {
            offsets[i] = at;
            at += (sizes[i] + align - 1) / align * align;
        }
        int coherent = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
        DeviceBlock block;
        try {
            block = new DeviceBlock(device, at, coherent, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
        } catch (BackendException e) {
            // the BAR heap may be small (256 MiB without resizable BAR): fall back to host memory
            block = new DeviceBlock(device, at, coherent);
        }
        Layout layout = new Layout(block, offsets, sizes);
        StatusMirror mirror = null;
        try {
            mirror = new StatusMirror(device, options.slotCount());
            return new VulkanSession(backend, options, queue, layout, mirror);
        } catch (RuntimeException e) {
            if (mirror != null) {
                mirror.close();
            }
            block.close();
            throw e;
        }
    }

    private VulkanSession(VulkanBackend backend, SessionOptions options, int queue, Layout layout,
                          StatusMirror mirror) {
        super(options, layout.slice(0), layout.slice(1), layout.slice(2), layout.slice(3),
                options.dataBufferBytes() == 0 ? MemorySegment.NULL
                        : layout.block.mapped().asSlice(layout.offsets[4], options.dataBufferBytes()));
        this.backend = backend;
        this.device = backend.vulkanDevice();
        this.queue = queue;
        this.block = layout.block;
        this.link = layout.slice(5);
        this.fenced = (block.flags() & VK_MEMORY_PROPERTY_HOST_CACHED_BIT) == 0;
        this.mirror = mirror;
        this.watchdogNanos = Duration.ofSeconds(2).toNanos() + options.ioWaitTimeout().toNanos();
        this.ownsKernel = !options.opcodes().isEmpty();
        this.kernel = backend.kernel(true, options.opcodes());
        long[] s = null;
        Submitter sub = null;
        try {
            layout.slice(4).fill((byte) 0);
            long timeout = options.ioWaitTimeout().toNanos();
            int groups = backend.persistentLanes() / VulkanBackend.PERSISTENT_LOCAL_SIZE;
            if (options.workers() > 0) {
                groups = Math.max(1, Math.min(groups, (options.workers() + VulkanBackend.PERSISTENT_LOCAL_SIZE - 1)
                        / VulkanBackend.PERSISTENT_LOCAL_SIZE));
            }
            VulkanLink.write(link, controlWords(), options.slotCount(), DebugLogLayout.BUFFER_WORDS,
                    IoQueueLayout.IO_SLOT_COUNT, options.dataBufferBytes(), backend.timeoutTicks(timeout),
                    backend.timeoutIterations(timeout), (long) groups * VulkanBackend.PERSISTENT_LOCAL_SIZE, 0);
            VarHandle.fullFence();
            long[] buffers = new long[Kernel.BINDINGS];
            java.util.Arrays.fill(buffers, block.buffer());
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
        } catch (RuntimeException e) {
            if (sub != null) {
                sub.close();
            }
            if (s != null) {
                vkDestroyDescriptorPool(device.device(), s[0], null);
            }
            if (ownsKernel) {
                kernel.close();
            }
            throw e;
        }
        this.set = s;
        this.submitter = sub;
    }

    // ------------------------------------------------------------------ hooks

    /** Records the status in the mirror; no fence, so payload and status leave as one WC burst. */
    @Override
    protected void onPayloadWritten(int slot, int status) {
        mirror.begin(slot, status);
    }

    @Override
    protected int statusWord(int slot, boolean exact) {
        if (!exact) {
            return mirror.status(slot);
        }
        return Words.getAcquire(ring, (long) slot * SlotLayout.SLOT_WORDS);
    }

    @Override
    protected boolean doneCountReached(int goal, boolean exact) {
        if (!exact && mirror.doneCount() - goal < 0) {
            return false;
        }
        return Words.getAcquire(control, ControlLayout.DONE_COUNT) - goal >= 0; // one BAR read to confirm
    }

    /**
     * Writes the slot's whole line (status PUBLISHED) now and its generation word, the doorbell, at the
     * next {@link #flush()} (or when {@value #MAX_DEFERRED} publications are pending). Same checks and
     * ring bytes as {@code publish}; one thread at a time per session.
     */
    @Override
    public void publishDeferred(int slot, int tenant, int opcode, int arg0, int arg1, int arg2) {
        long base = checkPublishable(slot, opcode);
        mirror.begin(slot, SlotStatus.PUBLISHED);
        // The whole 64-byte line without a fence: the write-combining buffer leaves as one burst. The
        // shader does not look at the line before the slot's generation word changes (flush).
        writePayload(base, tenant, opcode, arg0, arg1, arg2);
        Words.set(ring, base, SlotStatus.PUBLISHED);
        deferred[deferredCount++] = slot;
        if (deferredCount == MAX_DEFERRED) {
            flush();
        }
    }

    /** Stores the generation words of every deferred publication between two fences. */
    @Override
    public void flush() {
        int n = deferredCount;
        if (n == 0) {
            return;
        }
        if (isClosed()) {
            deferredCount = 0;
            throw new BackendException("the persistent session is closed; " + n + " deferred publications were"
                    + " dropped", "flush before closing the session");
        }
        VarHandle.fullFence(); // every line before any doorbell
        for (int i = 0; i < n; i++) {
            int slot = deferred[i];
            // the host's latest generation: a publish or raw write since has rung it already (same value)
            Words.set(link, VulkanLink.GEN_BASE + slot, mirror.generation(slot));
        }
        deferredCount = 0;
        VarHandle.fullFence(); // push the generation words out of the write-combining buffers now
    }

    /** Rings the doorbell of one publish or raw slot write: fence, generation word, fence. */
    @Override
    protected void onPublished(int slot) {
        int gen = mirror.generation(slot);
        if (fenced) {
            VarHandle.fullFence(); // the line (payload and status) reaches the device before the generation
            Words.set(link, VulkanLink.GEN_BASE + slot, gen);
            VarHandle.fullFence(); // push the generation out of the write-combining buffer now
        } else {
            Words.setRelease(link, VulkanLink.GEN_BASE + slot, gen);
        }
    }

    /**
     * Publishes a run of whole slot images: checked first ({@link SlotImages#check}), deferred
     * publications flushed, then the leading ring slots that are EMPTY or DONE (mirror, confirmed from
     * the ring before stopping) get their images with one bulk copy (whole lines: WC bursts), and
     * their generation words follow between two fences. Allocates nothing.
     */
    @Override
    public int publishSlots(int firstSlot, MemorySegment images, int count) {
        int n = publishableRun(firstSlot, images, count);
        if (n == 0) {
            return 0;
        }
        for (int i = 0; i < n; i++) {
            mirror.begin(firstSlot + i, SlotStatus.PUBLISHED);
        }
        MemorySegment.copy(images, 0, ring, (long) firstSlot * SlotLayout.SLOT_BYTES, (long) n * SlotLayout.SLOT_BYTES);
        VarHandle.fullFence(); // every line before any doorbell
        for (int i = 0; i < n; i++) {
            int slot = firstSlot + i;
            Words.set(link, VulkanLink.GEN_BASE + slot, mirror.generation(slot));
        }
        VarHandle.fullFence(); // push the generation words out of the write-combining buffers now
        return n;
    }

    @Override
    protected void onControlWritten(int word, int value) {
        VarHandle.fullFence();
    }

    @Override
    protected void onAwaitIdle() {
        if (!interpreterFinished() && stalled()) {
            throw new BackendException("the Vulkan megakernel on " + device.name() + " stopped making progress: its"
                    + " heartbeat has not moved for " + watchdogNanos / 1_000_000 + " ms",
                    "close the session and open a new one; if it recurs, report the driver version");
        }
    }

    // ------------------------------------------------------------------ lifecycle

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

    /** @return where the buffers live: memory property flags of the BAR block and of the status mirror */
    String placement() {
        return "buffers 0x" + Integer.toHexString(block.flags()) + ", status mirror 0x"
                + Integer.toHexString(mirror.flags()) + " (1 DEVICE_LOCAL, 2 HOST_VISIBLE, 4 HOST_COHERENT, 8 HOST_CACHED)";
    }

    /** @return the slot's status word read from the ring itself (a BAR read; for benchmarks and tests) */
    int ringStatus(int slot) {
        return statusWord(slot, true);
    }

    /** @return the heartbeat word (for benchmarks and tests) */
    long heartbeat() {
        return Integer.toUnsignedLong(Words.getAcquire(link, VulkanLink.HEARTBEAT));
    }

    @Override
    public boolean awaitTermination(Duration timeout) {
        if (isClosed()) {
            return true;
        }
        if (interpreterFinished()) {
            return true;
        }
        if (submitter.await(Math.max(0, timeout.toNanos()))) {
            finished = true;
        }
        return finished;
    }

    @Override
    public boolean isAlive() {
        return !isClosed() && !interpreterFinished() && !stalled();
    }

    @Override
    protected void stopInterpreter() {
        if (finished || submitter.await(STOP_TIMEOUT_NANOS)) {
            finished = true;
            return;
        }
        stuck = true;
    }

    /** @return true when the shader did not stop within 10 s of SHUTDOWN (its memory stays allocated) */
    boolean isStuck() {
        return stuck;
    }

    @Override
    protected void release() {
        backend.forget(this);
        if (stuck) {
            // The dispatch still runs: freeing its memory could fault the device. Leave it allocated.
            System.getLogger(VulkanSession.class.getName()).log(System.Logger.Level.ERROR,
                    "Vulkan megakernel did not stop within 10 s of SHUTDOWN; its memory stays allocated until the"
                            + " process exits");
            return;
        }
        submitter.close();
        vkDestroyDescriptorPool(device.device(), set[0], null);
        if (ownsKernel) {
            kernel.close();
        }
        block.close();
        mirror.close();
        backend.releaseQueue(queue);
    }
}
