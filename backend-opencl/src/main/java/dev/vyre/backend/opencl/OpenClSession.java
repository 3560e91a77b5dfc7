package dev.vyre.backend.opencl;

import static org.lwjgl.opencl.CL10.*;
import static org.lwjgl.system.MemoryStack.stackPush;

import dev.vyre.protocol.BackendException;
import dev.vyre.protocol.ControlCodec;
import dev.vyre.protocol.DebugLogLayout;
import dev.vyre.protocol.IoLink;
import dev.vyre.protocol.IoQueueLayout;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.Words;
import java.lang.foreign.ValueLayout;
import dev.vyre.spi.Liveness;
import dev.vyre.spi.Placement;
import dev.vyre.spi.SessionDriver;
import dev.vyre.spi.SessionMemory;
import dev.vyre.spi.SessionSpec;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.concurrent.locks.LockSupport;
import org.lwjgl.PointerBuffer;
import org.lwjgl.system.MemoryStack;

/**
 * A persistent interpreter: {@code vyre_persistent} launched once over shared memory (host-mapped or
 * fine-grained SVM, as {@link OpenClPersistence} measured) that the host reads and writes while it runs.
 *
 * <p>The kernel polls the ring's status words itself ({@link SessionMemory#ringPolled()} is true): the
 * runtime release-stores each status after its slot's words, so {@link #announce} has nothing left to do.
 * Control and debug log are shared too, so the SPI's default control reads and snapshots apply;
 * {@link #writeControl} is a release store the kernel sees on its next sweep (it reads SHUTDOWN and the
 * tenant masks there). The heartbeat and stopped count live in the link block, outside the control buffer.
 */
final class OpenClSession implements SessionDriver {

    /** How long {@link OpenClBackend#close()} waits for a session's kernel. */
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    /** A heartbeat that has not moved for this long makes the session STALLED. */
    private static final long WATCHDOG_NANOS = Duration.ofSeconds(5).toNanos();

    private final long queue;
    private final long kernel;
    private final long event;
    private final List<SharedBuffer> buffers;
    private final MemorySegment link;
    private final SessionMemory memory;
    private final Consumer<OpenClSession> onClose;
    private volatile boolean stopped;
    private volatile boolean stuck;
    private volatile boolean closed;
    private volatile int lastHeartbeat;
    private volatile long lastProgressNanos = System.nanoTime();

    private OpenClSession(long queue, long kernel, long event, List<SharedBuffer> buffers, SessionMemory memory,
                          Consumer<OpenClSession> onClose) {
        this.queue = queue;
        this.kernel = kernel;
        this.event = event;
        this.buffers = buffers;
        this.link = buffers.get(5).segment();
        this.memory = memory;
        this.onClose = onClose;
    }

    /**
     * Allocates the shared buffers, writes their initial contents and launches {@code kernel} (owned by the
     * session from here on).
     *
     * @throws BackendException when an allocation or the launch fails; everything made so far is released
     */
    static OpenClSession open(OpenClBackend backend, SessionSpec spec, long kernel, Consumer<OpenClSession> onClose) {
        OpenClDevice device = backend.openClDevice();
        OpenClPersistence.Verdict verdict = backend.persistence();
        SharedBuffer.Kind kind = verdict.kind();
        List<SharedBuffer> buffers = new ArrayList<>(6);
        long queue = 0;
        try (MemoryStack stack = stackPush()) {
            queue = device.newQueue();
            long dataBytes = spec.dataBufferBytes();
            long[] sizes = {spec.controlBytes(), (long) spec.slotCount() * SlotLayout.SLOT_BYTES,
                    DebugLogLayout.BUFFER_BYTES, (long) IoQueueLayout.IO_SLOT_COUNT * IoQueueLayout.IO_SLOT_BYTES,
                    Math.max(4, dataBytes), OpenClLink.bytes(OpenClLink.PERSISTENT_BYTES, spec.isolated())};
            for (int i = 0; i < sizes.length; i++) {
                buffers.add(SharedBuffer.allocate(kind, device, queue, sizes[i]));
                buffers.get(i).bind(kernel, i);
            }
            MemorySegment control = buffers.get(0).segment();
            ControlCodec.encodeControlInto(false, spec.tenantCount(), spec.observableSlots(), control);
            if (spec.isolated()) {
                int[] block = spec.isolationBlock();
                MemorySegment.copy(block, 0, buffers.get(5).segment(), ValueLayout.JAVA_INT_UNALIGNED,
                        (long) OpenClLink.ISOLATION * Integer.BYTES, block.length);
            }
            long ioWaitPolls = Math.max(1, (long) Math.ceil(spec.ioWaitTimeout().toNanos() * verdict.pollsPerNano()));
            ClCalls.check(clSetKernelArg1i(kernel, 6, (int) (spec.controlBytes() / 4)), "clSetKernelArg");
            ClCalls.check(clSetKernelArg1i(kernel, 7, spec.slotCount()), "clSetKernelArg");
            ClCalls.check(clSetKernelArg1i(kernel, 8, DebugLogLayout.BUFFER_WORDS), "clSetKernelArg");
            ClCalls.check(clSetKernelArg1i(kernel, 9, IoQueueLayout.IO_SLOT_COUNT), "clSetKernelArg");
            ClCalls.check(clSetKernelArg1l(kernel, 10, dataBytes), "clSetKernelArg");
            ClCalls.check(clSetKernelArg1l(kernel, 11, ioWaitPolls), "clSetKernelArg");
            SessionMemory memory = new SessionMemory(control, buffers.get(1).segment(), buffers.get(2).segment(),
                    buffers.get(3).segment(), dataBytes == 0 ? MemorySegment.NULL
                            : buffers.get(4).segment().asSlice(0, dataBytes),
                    Placement.HOST_MAPPED, Placement.HOST_MAPPED, true,
                    // host-mapped memory or SVM: the device's atomics need not be atomic against the host's
                    // compare-and-set, so IO runs the split-ownership handshake (IoLink)
                    buffers.get(5).segment().asSlice(OpenClLink.IO_LINK * 4L, IoLink.BYTES),
                    spec.isolated() ? buffers.get(5).segment().asSlice(OpenClLink.ISOLATION * 4L,
                            dev.vyre.protocol.TenantIsolation.BLOCK_WORDS * 4L) : MemorySegment.NULL);
            PointerBuffer ev = stack.mallocPointer(1);
            // spec.workers lanes when given (at most the default, which every device keeps resident at once)
            long local = Math.min(backend.groupSize(), ClProgram.maxWorkGroupSize(kernel, device.device()));
            long groups = spec.workers() > 0 ? Math.min(backend.groups(), (spec.workers() + local - 1) / local)
                    : backend.groups();
            long global = groups * local;
            ClCalls.check(clEnqueueNDRangeKernel(queue, kernel, 1, null, stack.pointers(global),
                    stack.pointers(local), null, ev), "clEnqueueNDRangeKernel(vyre_persistent)");
            ClCalls.check(clFlush(queue), "clFlush");
            return new OpenClSession(queue, kernel, ev.get(0), buffers, memory, onClose);
        } catch (RuntimeException | Error e) {
            if (queue != 0) {
                clFinish(queue);
            }
            buffers.forEach(SharedBuffer::close);
            clReleaseKernel(kernel);
            if (queue != 0) {
                clReleaseCommandQueue(queue);
            }
            throw e;
        }
    }

    @Override
    public SessionMemory memory() {
        return memory;
    }

    /** The kernel polls the ring itself: the runtime's release store of each status is the doorbell. */
    @Override
    public void announce(int firstSlot, int count, int status) {
    }

    @Override
    public void writeControl(int word, int value) {
        Words.setRelease(memory.control(), word, value);
    }

    @Override
    public Liveness liveness() {
        if (stopped) {
            return Liveness.stopped();
        }
        int status = OpenClPersistence.status(event);
        if (status < 0) {
            stopped = true;
            throw new BackendException("the persistent OpenCL kernel failed on the device with "
                    + ClCalls.name(status) + " (" + status + ")", "close the session and open a new one; check the"
                    + " OpenCL driver with clinfo");
        }
        if (status == CL_COMPLETE) {
            stopped = true;
            return Liveness.stopped();
        }
        int beat = Words.getAcquire(link, OpenClLink.HEARTBEAT);
        long now = System.nanoTime();
        if (beat != lastHeartbeat) {
            lastHeartbeat = beat;
            lastProgressNanos = now;
        }
        long since = now - lastProgressNanos;
        return new Liveness(since > WATCHDOG_NANOS ? Liveness.State.STALLED : Liveness.State.RUNNING,
                Integer.toUnsignedLong(beat), since);
    }

    /** Waits until the kernel has ended (SHUTDOWN is set); false when it did not within {@code timeout}. */
    @Override
    public boolean stop(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long park = 1_000L;
        while (true) {
            int status = OpenClPersistence.status(event);
            if (status == CL_COMPLETE || status < 0) {
                stopped = true;
                stuck = false;
                return true;
            }
            if (System.nanoTime() - deadline >= 0) {
                stuck = true;
                return false;
            }
            LockSupport.parkNanos(park);
            park = Math.min(park << 1, 1_000_000L);
        }
    }

    /** @return true when {@link #stop} gave up on a kernel that still runs: its memory stays allocated */
    boolean isStuck() {
        return stuck;
    }

    /** Frees the session's memory, queue and kernel, unless its kernel is stuck (then they stay allocated). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        onClose.accept(this);
        if (!stopped && !stuck && OpenClPersistence.status(event) == CL_COMPLETE) {
            stopped = true;
        }
        if (stuck || !stopped) {
            stuck = true;
            return;
        }
        clReleaseEvent(event);
        buffers.forEach(SharedBuffer::close);
        clReleaseKernel(kernel);
        clReleaseCommandQueue(queue);
    }
}
