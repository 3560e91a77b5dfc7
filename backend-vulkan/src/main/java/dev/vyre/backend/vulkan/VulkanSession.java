package dev.vyre.backend.vulkan;

import static org.lwjgl.system.MemoryStack.stackPush;
import static org.lwjgl.vulkan.VK10.*;

import dev.vyre.protocol.BackendException;
import dev.vyre.protocol.DebugLogLayout;
import dev.vyre.protocol.IoQueueLayout;
import dev.vyre.protocol.SlotLayout;
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
 * HOST_VISIBLE | HOST_COHERENT memory. Host stores to BAR memory are write-combined, so a full fence
 * orders a slot's payload before its status and flushes the status towards the device.
 *
 * <p>Watchdog: workgroup 0 bumps a heartbeat word in the link block once per sweep. A session whose
 * heartbeat has not moved for {@link #watchdogNanos} while its dispatch is still running reports
 * {@link #isAlive()} false, and waits on it fail with a {@link BackendException} instead of hanging.
 */
final class VulkanSession extends HostMappedSession {

    private static final long STOP_TIMEOUT_NANOS = Duration.ofSeconds(10).toNanos();

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
    private long lastBeat = -1;
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
                Math.max(4, (options.dataBufferBytes() + 3) & ~3L), VulkanLink.BYTES};
        long align = device.storageAlignment();
        long[] offsets = new long[sizes.length];
        long at = 0;
        for (int i = 0; i < sizes.length; i++) {
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
        try {
            return new VulkanSession(backend, options, queue, layout);
        } catch (RuntimeException e) {
            block.close();
            throw e;
        }
    }

    private VulkanSession(VulkanBackend backend, SessionOptions options, int queue, Layout layout) {
        super(options, layout.slice(0), layout.slice(1), layout.slice(2), layout.slice(3),
                options.dataBufferBytes() == 0 ? MemorySegment.NULL
                        : layout.block.mapped().asSlice(layout.offsets[4], options.dataBufferBytes()));
        this.backend = backend;
        this.device = backend.vulkanDevice();
        this.queue = queue;
        this.block = layout.block;
        this.link = layout.slice(5);
        this.fenced = (block.flags() & VK_MEMORY_PROPERTY_HOST_CACHED_BIT) == 0;
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

    @Override
    protected void onPayloadWritten(int slot) {
        if (fenced) {
            VarHandle.fullFence(); // drain write-combining buffers: payload reaches the device before the status
        }
    }

    @Override
    protected void onPublished(int slot) {
        if (fenced) {
            VarHandle.fullFence(); // push the status store out of the write-combining buffer now
        }
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
        long beat = Integer.toUnsignedLong(Words.getAcquire(link, VulkanLink.HEARTBEAT));
        long now = System.nanoTime();
        if (beat != lastBeat) {
            lastBeat = beat;
            lastBeatNanos = now;
            return false;
        }
        return now - lastBeatNanos > watchdogNanos;
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
        backend.releaseQueue(queue);
    }
}
