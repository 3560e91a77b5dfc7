package dev.vyre.backend.opencl;

import static org.lwjgl.opencl.CL10.*;
import static org.lwjgl.system.MemoryStack.stackPush;

import dev.vyre.protocol.BackendException;
import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.lwjgl.PointerBuffer;
import org.lwjgl.system.MemoryStack;
import org.lwjgl.system.MemoryUtil;

/**
 * One OpenCL device and the context the backend runs on it. {@link #candidates()} lists every device of
 * every platform the ICD loader finds; {@link #select} picks one: {@code -Dvyre.opencl.device} or
 * {@code VYRE_OPENCL_DEVICE} (an index into that list, or a case-insensitive substring of
 * "platform device"), else the best by type (GPU, then accelerator, then CPU), then compute units.
 */
final class OpenClDevice implements AutoCloseable {

    /** System property selecting the device. */
    static final String DEVICE_PROPERTY = "vyre.opencl.device";
    /** Environment variable selecting the device (the property wins). */
    static final String DEVICE_ENV = "VYRE_OPENCL_DEVICE";
    private static final int CL_DEVICE_HOST_UNIFIED_MEMORY = 0x1035;
    private static final int CL_DEVICE_OPENCL_C_VERSION = 0x103D;
    private static final int CL_DEVICE_SVM_CAPABILITIES = 0x1053;

    /**
     * What the loader reports about one device.
     *
     * @param index           position in {@link #candidates()}
     * @param svmCapabilities {@code CL_DEVICE_SVM_CAPABILITIES} bits (0 below OpenCL 2.0)
     */
    record Candidate(int index, long platform, long device, String platformName, String platformVersion,
                     String name, String vendor, String driverVersion, String deviceVersion, String openClCVersion,
                     long type, int computeUnits, long maxAllocBytes, long maxWorkGroupSize, boolean littleEndian,
                     boolean compilerAvailable, boolean available, boolean hostUnifiedMemory, long svmCapabilities) {

        /** @return GPU, CPU, accelerator or other */
        String typeText() {
            if ((type & CL_DEVICE_TYPE_GPU) != 0) {
                return "GPU";
            }
            if ((type & CL_DEVICE_TYPE_ACCELERATOR) != 0) {
                return "accelerator";
            }
            return (type & CL_DEVICE_TYPE_CPU) != 0 ? "CPU" : "other";
        }

        boolean isCpu() {
            return (type & (CL_DEVICE_TYPE_GPU | CL_DEVICE_TYPE_ACCELERATOR)) == 0;
        }

        /** @return major * 10 + minor of the device's OpenCL version ("OpenCL 3.0 ..." is 30) */
        int version() {
            return versionOf(deviceVersion);
        }

        /** @return why the backend cannot run on it, or null */
        String unusable() {
            if (!available) {
                return "the device reports CL_DEVICE_AVAILABLE false";
            }
            if (!compilerAvailable) {
                return "the device has no OpenCL C compiler (CL_DEVICE_COMPILER_AVAILABLE false)";
            }
            if (!littleEndian) {
                return "the device is big-endian; the VIR0 buffers are little-endian";
            }
            return version() < 12 ? "the device supports " + deviceVersion + "; the interpreter needs OpenCL 1.2" : null;
        }

        /** @return "device (platform, OpenCL x.y, type)" for reports */
        String description() {
            int v = version();
            return name + " (" + platformName + ", OpenCL " + v / 10 + "." + v % 10 + ", " + typeText() + ")";
        }
    }

    private final Candidate info;
    private final long context;
    private boolean closed;

    private OpenClDevice(Candidate info, long context) {
        this.info = info;
        this.context = context;
    }

    /** @return major * 10 + minor of "OpenCL X.Y ..." text, 0 when it cannot be read */
    static int versionOf(String text) {
        String[] parts = text.split(" ");
        for (String p : parts) {
            int dot = p.indexOf('.');
            if (dot > 0 && dot < p.length() - 1 && Character.isDigit(p.charAt(0)) && Character.isDigit(p.charAt(dot + 1))) {
                try {
                    return Integer.parseInt(p.substring(0, dot)) * 10 + Character.digit(p.charAt(dot + 1), 10);
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 0;
    }

    /**
     * @return every device of every platform, in loader order
     * @throws BackendException when the loader finds no platform
     * @throws LinkageError      when the ICD loader cannot be loaded
     */
    static List<Candidate> candidates() {
        OpenClLoader.ensureLoaded();
        List<Candidate> all = new ArrayList<>();
        try (MemoryStack stack = stackPush()) {
            IntBuffer count = stack.mallocInt(1);
            int status = clGetPlatformIDs(null, count);
            if (status == -1001 || (status == CL_SUCCESS && count.get(0) == 0)) {
                throw new BackendException("the OpenCL ICD loader found no platform (no driver is registered in"
                        + " /etc/OpenCL/vendors)", "install an OpenCL driver (apt-get install pocl-opencl-icd runs"
                        + " OpenCL on the CPU; NVIDIA's driver brings libnvidia-opencl.so.1), or select another"
                        + " backend with -Dvyre.backend=reference");
            }
            ClCalls.check(status, "clGetPlatformIDs");
            PointerBuffer platforms = stack.mallocPointer(count.get(0));
            ClCalls.check(clGetPlatformIDs(platforms, (IntBuffer) null), "clGetPlatformIDs");
            for (int p = 0; p < platforms.capacity(); p++) {
                long platform = platforms.get(p);
                String platformName = platformString(platform, CL_PLATFORM_NAME);
                String platformVersion = platformString(platform, CL_PLATFORM_VERSION);
                IntBuffer n = stack.mallocInt(1);
                if (clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, null, n) != CL_SUCCESS || n.get(0) == 0) {
                    continue;
                }
                PointerBuffer devices = stack.mallocPointer(n.get(0));
                ClCalls.check(clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, devices, (IntBuffer) null), "clGetDeviceIDs");
                for (int d = 0; d < devices.capacity(); d++) {
                    all.add(describe(all.size(), platform, devices.get(d), platformName, platformVersion));
                }
            }
        }
        if (all.isEmpty()) {
            throw new BackendException("no OpenCL platform has a device", "check the OpenCL driver with clinfo, or"
                    + " select another backend with -Dvyre.backend=reference");
        }
        return all;
    }

    private static Candidate describe(int index, long platform, long device, String platformName, String platformVersion) {
        String version = deviceString(device, CL_DEVICE_VERSION);
        long svm = versionOf(version) >= 20 ? deviceLong(device, CL_DEVICE_SVM_CAPABILITIES, 8, 0) : 0;
        return new Candidate(index, platform, device, platformName, platformVersion,
                deviceString(device, CL_DEVICE_NAME), deviceString(device, CL_DEVICE_VENDOR),
                deviceString(device, CL_DRIVER_VERSION), version, deviceString(device, CL_DEVICE_OPENCL_C_VERSION),
                deviceLong(device, CL_DEVICE_TYPE, 8, 0), (int) deviceLong(device, CL_DEVICE_MAX_COMPUTE_UNITS, 4, 1),
                deviceLong(device, CL_DEVICE_MAX_MEM_ALLOC_SIZE, 8, 128L << 20),
                deviceLong(device, CL_DEVICE_MAX_WORK_GROUP_SIZE, 8, 1),
                deviceLong(device, CL_DEVICE_ENDIAN_LITTLE, 4, 1) != 0,
                deviceLong(device, CL_DEVICE_COMPILER_AVAILABLE, 4, 0) != 0,
                deviceLong(device, CL_DEVICE_AVAILABLE, 4, 0) != 0,
                deviceLong(device, CL_DEVICE_HOST_UNIFIED_MEMORY, 4, 0) != 0, svm);
    }

    /**
     * @return the device {@code -Dvyre.opencl.device} / {@code VYRE_OPENCL_DEVICE} names, else the best
     * @throws BackendException when the selection names no device, or the chosen device cannot run the interpreter
     */
    static Candidate select(List<Candidate> all) {
        String wanted = System.getProperty(DEVICE_PROPERTY);
        String source = "-D" + DEVICE_PROPERTY;
        if (wanted == null || wanted.isBlank()) {
            wanted = System.getenv(DEVICE_ENV);
            source = DEVICE_ENV;
        }
        Candidate chosen = null;
        if (wanted != null && !wanted.isBlank()) {
            String w = wanted.strip();
            if (w.chars().allMatch(Character::isDigit)) {
                int i = Integer.parseInt(w);
                chosen = i < all.size() ? all.get(i) : null;
            } else {
                String lower = w.toLowerCase(Locale.ROOT);
                chosen = all.stream().filter(c -> (c.platformName() + " " + c.name()).toLowerCase(Locale.ROOT)
                        .contains(lower)).findFirst().orElse(null);
            }
            if (chosen == null) {
                throw new BackendException(source + "=" + w + " names no OpenCL device; found " + list(all),
                        "pass an index 0.." + (all.size() - 1) + " or a substring of a device or platform name");
            }
        } else {
            for (Candidate c : all) {
                if (c.unusable() == null && (chosen == null || rank(c) > rank(chosen)
                        || rank(c) == rank(chosen) && c.computeUnits() > chosen.computeUnits())) {
                    chosen = c;
                }
            }
            if (chosen == null) {
                chosen = all.getFirst();
            }
        }
        String problem = chosen.unusable();
        if (problem != null) {
            throw new BackendException("OpenCL device " + chosen.description() + " cannot run the interpreter: "
                    + problem, "select another device with -D" + DEVICE_PROPERTY + " (found " + list(all)
                    + "), or another backend with -Dvyre.backend=reference");
        }
        return chosen;
    }

    private static int rank(Candidate c) {
        if ((c.type() & CL_DEVICE_TYPE_GPU) != 0) {
            return 3;
        }
        if ((c.type() & CL_DEVICE_TYPE_ACCELERATOR) != 0) {
            return 2;
        }
        return (c.type() & CL_DEVICE_TYPE_CPU) != 0 ? 1 : 0;
    }

    private static String list(List<Candidate> all) {
        StringBuilder b = new StringBuilder();
        for (Candidate c : all) {
            b.append(b.isEmpty() ? "" : ", ").append(c.index()).append(": ").append(c.description());
        }
        return b.toString();
    }

    /** Creates a context on the chosen device. */
    static OpenClDevice open(Candidate chosen) {
        try (MemoryStack stack = stackPush()) {
            PointerBuffer properties = stack.mallocPointer(3).put(CL_CONTEXT_PLATFORM).put(chosen.platform()).put(0).flip();
            IntBuffer err = stack.mallocInt(1);
            long context = clCreateContext(properties, chosen.device(), null, 0, err);
            ClCalls.check(err.get(0), "clCreateContext");
            return new OpenClDevice(chosen, context);
        }
    }

    Candidate info() {
        return info;
    }

    long context() {
        return context;
    }

    long device() {
        return info.device();
    }

    /** @return a new in-order command queue */
    long newQueue() {
        try (MemoryStack stack = stackPush()) {
            IntBuffer err = stack.mallocInt(1);
            long queue = clCreateCommandQueue(context, info.device(), 0, err);
            ClCalls.check(err.get(0), "clCreateCommandQueue");
            return queue;
        }
    }

    static String platformString(long platform, int param) {
        try (MemoryStack stack = stackPush()) {
            PointerBuffer size = stack.mallocPointer(1);
            if (clGetPlatformInfo(platform, param, (ByteBuffer) null, size) != CL_SUCCESS) {
                return "?";
            }
            ByteBuffer bytes = MemoryUtil.memAlloc((int) size.get(0));
            try {
                ClCalls.check(clGetPlatformInfo(platform, param, bytes, null), "clGetPlatformInfo");
                return MemoryUtil.memASCII(bytes, (int) Math.max(0, size.get(0) - 1)).strip();
            } finally {
                MemoryUtil.memFree(bytes);
            }
        }
    }

    static String deviceString(long device, int param) {
        try (MemoryStack stack = stackPush()) {
            PointerBuffer size = stack.mallocPointer(1);
            if (clGetDeviceInfo(device, param, (ByteBuffer) null, size) != CL_SUCCESS) {
                return "?";
            }
            ByteBuffer bytes = MemoryUtil.memAlloc((int) size.get(0));
            try {
                ClCalls.check(clGetDeviceInfo(device, param, bytes, null), "clGetDeviceInfo");
                return MemoryUtil.memASCII(bytes, (int) Math.max(0, size.get(0) - 1)).strip();
            } finally {
                MemoryUtil.memFree(bytes);
            }
        }
    }

    /** @return an integer device property of {@code bytes} (4 or 8), or {@code fallback} when the query fails */
    static long deviceLong(long device, int param, int bytes, long fallback) {
        try (MemoryStack stack = stackPush()) {
            ByteBuffer value = stack.calloc(8);
            if (clGetDeviceInfo(device, param, value, null) != CL_SUCCESS) {
                return fallback;
            }
            return bytes == 4 ? Integer.toUnsignedLong(value.getInt(0)) : value.getLong(0);
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            clReleaseContext(context);
        }
    }
}
