package dev.vyre.backend.opencl;

import static org.lwjgl.opencl.CL10.*;
import static org.lwjgl.system.MemoryStack.stackPush;

import java.lang.foreign.MemorySegment;
import java.nio.IntBuffer;
import org.lwjgl.opencl.CL20;
import org.lwjgl.system.MemoryStack;

/**
 * Memory that the host and a running kernel use at the same time (a persistent session's buffers):
 * either a {@code CL_MEM_ALLOC_HOST_PTR} buffer mapped once for the whole session
 * ({@link Kind#HOST_MAPPED}), or a fine-grained SVM allocation with atomics ({@link Kind#SVM}). Which one
 * sees host writes while a kernel runs is measured ({@link OpenClPersistence}); zero-filled when made.
 */
final class SharedBuffer implements AutoCloseable {

    /** How the memory is shared. */
    enum Kind {
        /** A {@code CL_MEM_ALLOC_HOST_PTR} buffer, mapped for reading and writing while the kernel runs. */
        HOST_MAPPED,
        /** {@code clSVMAlloc(CL_MEM_SVM_FINE_GRAIN_BUFFER | CL_MEM_SVM_ATOMICS)} (OpenCL 2.0). */
        SVM
    }

    private final Kind kind;
    private final OpenClDevice device;
    private final long queue;
    private final long buffer;
    private final long address;
    private final MemorySegment segment;
    private boolean closed;

    /** {@code address} is the OpenCL runtime's mapping or SVM allocation of {@code bytes} bytes. */
    @SuppressWarnings("restricted")
    private SharedBuffer(Kind kind, OpenClDevice device, long queue, long buffer, long address, long bytes) {
        this.kind = kind;
        this.device = device;
        this.queue = queue;
        this.buffer = buffer;
        this.address = address;
        this.segment = MemorySegment.ofAddress(address).reinterpret(bytes);
        segment.fill((byte) 0);
    }

    /**
     * Allocates {@code bytes} (at least 4; rounded up to whole words) of shared memory.
     *
     * @param queue the queue that maps and unmaps a {@link Kind#HOST_MAPPED} buffer
     */
    static SharedBuffer allocate(Kind kind, OpenClDevice device, long queue, long bytes) {
        long size = Math.max(4, (bytes + 3) & ~3L);
        try (MemoryStack stack = stackPush()) {
            IntBuffer err = stack.mallocInt(1);
            if (kind == Kind.SVM) {
                long p = CL20.nclSVMAlloc(device.context(),
                        CL_MEM_READ_WRITE | CL20.CL_MEM_SVM_FINE_GRAIN_BUFFER | CL20.CL_MEM_SVM_ATOMICS, size, 0);
                if (p == 0) {
                    throw ClCalls.failure(CL_MEM_OBJECT_ALLOCATION_FAILURE, "clSVMAlloc(" + size + " bytes)");
                }
                return new SharedBuffer(kind, device, queue, 0, p, size);
            }
            long b = clCreateBuffer(device.context(), CL_MEM_READ_WRITE | CL_MEM_ALLOC_HOST_PTR, size, err);
            ClCalls.check(err.get(0), "clCreateBuffer(CL_MEM_ALLOC_HOST_PTR, " + size + " bytes)");
            long p = nclEnqueueMapBuffer(queue, b, CL_TRUE, CL_MAP_READ | CL_MAP_WRITE, 0, size, 0, 0, 0,
                    org.lwjgl.system.MemoryUtil.memAddress(err));
            if (err.get(0) != CL_SUCCESS || p == 0) {
                clReleaseMemObject(b);
                throw ClCalls.failure(err.get(0), "clEnqueueMapBuffer");
            }
            return new SharedBuffer(kind, device, queue, b, p, size);
        }
    }

    Kind kind() {
        return kind;
    }

    /** @return the host's view (native, 4-byte aligned, the rounded size) */
    MemorySegment segment() {
        return segment;
    }

    /** Binds it as kernel argument {@code index}. */
    void bind(long kernel, int index) {
        if (kind == Kind.SVM) {
            ClCalls.check(CL20.nclSetKernelArgSVMPointer(kernel, index, address), "clSetKernelArgSVMPointer");
        } else {
            ClCalls.check(clSetKernelArg1p(kernel, index, buffer), "clSetKernelArg");
        }
    }

    /** Unmaps and releases it (call only once no kernel uses it). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (kind == Kind.SVM) {
            CL20.nclSVMFree(device.context(), address);
        } else {
            nclEnqueueUnmapMemObject(queue, buffer, address, 0, 0, 0);
            clFinish(queue);
            clReleaseMemObject(buffer);
        }
    }
}
