package dev.vyre.backend.opencl;

import static org.lwjgl.opencl.CL10.*;
import static org.lwjgl.system.MemoryStack.stackPush;

import dev.vyre.protocol.BackendException;
import dev.vyre.spi.cache.CacheKey;
import dev.vyre.spi.cache.CompileCache;
import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import java.util.Optional;
import org.lwjgl.PointerBuffer;
import org.lwjgl.system.MemoryStack;
import org.lwjgl.system.MemoryUtil;

/**
 * One compiled interpreter program on a device; device binaries are kept in the shared compile cache. Its kernels are created per user: a kernel object holds
 * its arguments, so two threads never share one (a kernel retains its program, so releasing the program
 * while a session's kernel still runs is safe).
 */
final class ClProgram implements AutoCloseable {

    /**
     * OpenCL C 1.2 (the version every supported device compiles), without warnings: some runtimes (PoCL)
     * print the compiler's diagnostics to stderr, and generated IR bodies have unused temporaries. Errors
     * still fail the build and reach the user in the exception.
     */
    static final String BUILD_OPTIONS = "-cl-std=CL1.2 -w";

    private final long program;
    private boolean closed;

    private ClProgram(long program) {
        this.program = program;
    }

    /**
     * The program for {@code source} on the device: built from the device binary in the shared compile
     * cache ({@link CompileCache#shared()}) when it holds one for this source, device and driver, else
     * compiled from source (and its binary stored there). A cached binary the driver no longer takes is
     * ignored: the source is compiled again and the entry replaced.
     *
     * @throws BackendException with the compiler's log when the source does not compile
     */
    static ClProgram build(OpenClDevice device, String source) {
        CacheKey key = cacheKey(device, source);
        CompileCache cache = CompileCache.shared();
        Optional<byte[]> binary = cache.get(key);
        if (binary.isPresent()) {
            ClProgram cached = fromBinary(device, binary.get());
            if (cached != null) {
                return cached;
            }
        }
        ClProgram built = fromSource(device, source);
        byte[] made = built.binary();
        if (made.length > 0) {
            cache.put(key, made);
        }
        return built;
    }

    /** @return the cache key: the source and options, the device, the driver that compiles it */
    static CacheKey cacheKey(OpenClDevice device, String source) {
        OpenClDevice.Candidate info = device.info();
        return new CacheKey(CacheKey.sha256(source, BUILD_OPTIONS), "opencl",
                clip(info.platformName() + " / " + info.name() + " / " + info.deviceVersion()),
                clip("OpenCL driver " + info.driverVersion() + " / " + info.platformVersion()));
    }

    private static String clip(String text) {
        return text.length() <= CacheKey.MAX_TEXT ? text : text.substring(0, CacheKey.MAX_TEXT);
    }

    /** Compiles {@code source}; throws with the compiler's log when it does not compile. */
    static ClProgram fromSource(OpenClDevice device, String source) {
        try (MemoryStack stack = stackPush()) {
            IntBuffer err = stack.mallocInt(1);
            long program = clCreateProgramWithSource(device.context(), source, err);
            ClCalls.check(err.get(0), "clCreateProgramWithSource");
            int status = clBuildProgram(program, device.device(), BUILD_OPTIONS, null, 0);
            if (status != CL_SUCCESS) {
                String log = buildLog(program, device.device());
                clReleaseProgram(program);
                if (status == CL_BUILD_PROGRAM_FAILURE) {
                    throw new BackendException("the OpenCL C interpreter did not compile on " + device.info().name()
                            + ": " + firstErrors(log), "fix the custom opcode's \"" + KernelSource.DIALECT
                            + "\" body (its lines are numbered from 1 in file opcode_0x<opcode>), see docs/PROTOCOL.md");
                }
                throw ClCalls.failure(status, "clBuildProgram");
            }
            return new ClProgram(program);
        }
    }

    /** @return the program built from a device binary, or null when the driver does not take it */
    private static ClProgram fromBinary(OpenClDevice device, byte[] binary) {
        ByteBuffer bytes = MemoryUtil.memAlloc(binary.length);
        try (MemoryStack stack = stackPush()) {
            bytes.put(binary).flip();
            IntBuffer binaryStatus = stack.mallocInt(1);
            IntBuffer err = stack.mallocInt(1);
            long program = clCreateProgramWithBinary(device.context(), stack.pointers(device.device()), bytes,
                    binaryStatus, err);
            if (err.get(0) != CL_SUCCESS || binaryStatus.get(0) != CL_SUCCESS) {
                if (program != 0) {
                    clReleaseProgram(program);
                }
                return null;
            }
            if (clBuildProgram(program, device.device(), BUILD_OPTIONS, null, 0) != CL_SUCCESS) {
                clReleaseProgram(program);
                return null;
            }
            return new ClProgram(program);
        } finally {
            MemoryUtil.memFree(bytes);
        }
    }

    /** @return the device binary of this (built) program, empty when the driver gives none */
    byte[] binary() {
        try (MemoryStack stack = stackPush()) {
            PointerBuffer sizes = stack.mallocPointer(1);
            if (clGetProgramInfo(program, CL_PROGRAM_BINARY_SIZES, sizes, null) != CL_SUCCESS || sizes.get(0) <= 0
                    || sizes.get(0) > Integer.MAX_VALUE - 64) {
                return new byte[0];
            }
            ByteBuffer bytes = MemoryUtil.memAlloc((int) sizes.get(0));
            try {
                PointerBuffer pointers = stack.pointers(MemoryUtil.memAddress(bytes));
                if (nclGetProgramInfo(program, CL_PROGRAM_BINARIES, Long.BYTES, pointers.address(), 0) != CL_SUCCESS) {
                    return new byte[0];
                }
                byte[] out = new byte[bytes.remaining()];
                bytes.get(out);
                return out;
            } finally {
                MemoryUtil.memFree(bytes);
            }
        }
    }

    /** @return a new kernel object of this program (owned by the caller) */
    long newKernel(String name) {
        try (MemoryStack stack = stackPush()) {
            IntBuffer err = stack.mallocInt(1);
            long kernel = clCreateKernel(program, name, err);
            ClCalls.check(err.get(0), "clCreateKernel(" + name + ")");
            return kernel;
        }
    }

    /** @return the largest work-group {@code kernel} can run with on {@code device} (at least 1) */
    static long maxWorkGroupSize(long kernel, long device) {
        try (MemoryStack stack = stackPush()) {
            PointerBuffer size = stack.mallocPointer(1);
            ClCalls.check(clGetKernelWorkGroupInfo(kernel, device, CL_KERNEL_WORK_GROUP_SIZE, size, null),
                    "clGetKernelWorkGroupInfo");
            return Math.max(1, size.get(0));
        }
    }

    private static String buildLog(long program, long device) {
        try (MemoryStack stack = stackPush()) {
            PointerBuffer size = stack.mallocPointer(1);
            if (clGetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, (ByteBuffer) null, size) != CL_SUCCESS
                    || size.get(0) <= 1) {
                return "(the compiler gave no log)";
            }
            ByteBuffer bytes = MemoryUtil.memAlloc((int) size.get(0));
            try {
                clGetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, bytes, null);
                return MemoryUtil.memASCII(bytes, (int) size.get(0) - 1).strip();
            } finally {
                MemoryUtil.memFree(bytes);
            }
        }
    }

    /** @return the log's error lines (at most 5, one line each), or its first 500 characters */
    static String firstErrors(String log) {
        StringBuilder b = new StringBuilder();
        int n = 0;
        for (String line : log.split("\n")) {
            if (line.contains("error") && n < 5) {
                b.append(n++ == 0 ? "" : " | ").append(line.strip());
            }
        }
        String text = n > 0 ? b.toString() : log.replace('\n', ' ');
        return text.length() > 500 ? text.substring(0, 500) + "..." : text;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            clReleaseProgram(program);
        }
    }
}
