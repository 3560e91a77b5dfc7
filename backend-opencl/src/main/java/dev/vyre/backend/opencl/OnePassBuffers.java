package dev.vyre.backend.opencl;

import static org.lwjgl.opencl.CL10.*;
import static org.lwjgl.system.MemoryStack.stackPush;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.IntBuffer;
import org.lwjgl.system.MemoryStack;

/**
 * The device buffers of one-pass dispatches (control, ring, debug log, IO queue, data, link block), kept
 * between dispatches and grown when a request needs more, and the native staging memory the host copies
 * through. Used under the backend's dispatch lock.
 */
final class OnePassBuffers implements AutoCloseable {

    static final int BINDINGS = 6;
    static final int LINK = 5;

    private final OpenClDevice device;
    private final long[] buffers = new long[BINDINGS];
    private final long[] capacities = new long[BINDINGS];
    private Arena stagingArena;
    private MemorySegment staging = MemorySegment.NULL;

    OnePassBuffers(OpenClDevice device) {
        this.device = device;
    }

    /** @return device buffer {@code binding}, at least {@code bytes} long (its old contents are not kept) */
    long buffer(int binding, long bytes) {
        long size = Math.max(64, (bytes + 63) & ~63L);
        if (capacities[binding] < size) {
            if (buffers[binding] != 0) {
                clReleaseMemObject(buffers[binding]);
                buffers[binding] = 0;
                capacities[binding] = 0;
            }
            long grown = Math.max(size, Long.highestOneBit(size - 1) << 1);
            try (MemoryStack stack = stackPush()) {
                IntBuffer err = stack.mallocInt(1);
                long b = clCreateBuffer(device.context(), CL_MEM_READ_WRITE, grown, err);
                if (err.get(0) != CL_SUCCESS && grown > size) {
                    grown = size;
                    b = clCreateBuffer(device.context(), CL_MEM_READ_WRITE, grown, err);
                }
                ClCalls.check(err.get(0), "clCreateBuffer(" + grown + " bytes)");
                buffers[binding] = b;
                capacities[binding] = grown;
            }
        }
        return buffers[binding];
    }

    /** @return native staging memory of at least {@code bytes} (its old contents are not kept) */
    MemorySegment staging(long bytes) {
        if (staging.byteSize() < bytes) {
            if (stagingArena != null) {
                stagingArena.close();
            }
            stagingArena = Arena.ofShared();
            staging = stagingArena.allocate(Math.max(bytes, Math.min(2 * staging.byteSize(), 1L << 30)), 64);
        }
        return staging;
    }

    @Override
    public void close() {
        for (int i = 0; i < BINDINGS; i++) {
            if (buffers[i] != 0) {
                clReleaseMemObject(buffers[i]);
                buffers[i] = 0;
            }
        }
        if (stagingArena != null) {
            stagingArena.close();
            stagingArena = null;
            staging = MemorySegment.NULL;
        }
    }
}
