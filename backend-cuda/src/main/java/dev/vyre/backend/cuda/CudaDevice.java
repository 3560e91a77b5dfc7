package dev.vyre.backend.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuDriverGetVersion;
import static jcuda.driver.JCudaDriver.cuInit;
import static jcuda.driver.JCudaDriver.cuMemGetInfo;

import dev.vyre.protocol.BackendException;
import java.nio.charset.StandardCharsets;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;

/**
 * CUDA device 0 with its retained primary context and the built-in megakernel module. Opened once
 * per process ({@link #shared()}); the context stays retained until the process exits.
 */
final class CudaDevice {

    private static final Object LOCK = new Object();
    private static CudaDevice shared;
    private static BackendException failure;

    private final CUdevice device = new CUdevice();
    private final CUcontext context = new CUcontext();
    private final String name;
    private final int computeCapability;
    private final int multiprocessors;
    private final int driverVersion;
    private final MegakernelModule builtIn;

    private CudaDevice() {
        CudaCalls.check(cuInit(0), "cuInit");
        int[] value = new int[1];
        CudaCalls.check(cuDriverGetVersion(value), "cuDriverGetVersion");
        this.driverVersion = value[0];
        CudaCalls.check(cuDeviceGetCount(value), "cuDeviceGetCount");
        if (value[0] == 0) {
            throw new BackendException("the CUDA driver reports no device",
                    "run on a machine with an NVIDIA GPU or select another backend with -Dvyre.backend");
        }
        CudaCalls.check(cuDeviceGet(device, deviceOrdinal()), "cuDeviceGet");
        byte[] nameBytes = new byte[256];
        CudaCalls.check(cuDeviceGetName(nameBytes, nameBytes.length, device), "cuDeviceGetName");
        int end = 0;
        while (end < nameBytes.length && nameBytes[end] != 0) {
            end++;
        }
        this.name = new String(nameBytes, 0, end, StandardCharsets.UTF_8);
        this.computeCapability = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR) * 10
                + attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
        this.multiprocessors = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
        if (computeCapability < 70) {
            throw new BackendException("device " + name + " has compute capability " + computeCapability / 10 + "."
                    + computeCapability % 10 + "; the megakernel needs 7.0 or newer (acquire/release PTX)",
                    "use a Volta or newer GPU, or select another backend with -Dvyre.backend");
        }
        if (attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_CAN_MAP_HOST_MEMORY) == 0) {
            throw new BackendException("device " + name + " cannot map host memory",
                    "use a GPU and driver with mapped pinned memory (any 64-bit Linux driver has it)");
        }
        CudaCalls.check(cuDevicePrimaryCtxRetain(context, device), "cuDevicePrimaryCtxRetain");
        makeCurrent();
        this.builtIn = MegakernelModule.builtIn();
    }

    private static int deviceOrdinal() {
        String text = System.getProperty("vyre.cuda.device", System.getenv().getOrDefault("VYRE_CUDA_DEVICE", "0"));
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new BackendException("vyre.cuda.device is '" + text + "', not a device number",
                    "pass a device ordinal such as 0");
        }
    }

    /**
     * @return the process-wide device
     * @throws BackendException when CUDA cannot be used (the same error on every call)
     * @throws LinkageError     when the JCuda or CUDA driver library cannot be loaded
     */
    static CudaDevice shared() {
        synchronized (LOCK) {
            if (shared != null) {
                return shared;
            }
            if (failure != null) {
                throw failure;
            }
            try {
                shared = new CudaDevice();
                return shared;
            } catch (BackendException e) {
                failure = e;
                throw e;
            }
        }
    }

    private int attribute(int attribute) {
        int[] value = new int[1];
        CudaCalls.check(cuDeviceGetAttribute(value, attribute, device), "cuDeviceGetAttribute");
        return value[0];
    }

    /** Makes the primary context current on the calling thread (cheap; call before driver calls). */
    void makeCurrent() {
        CudaCalls.check(cuCtxSetCurrent(context), "cuCtxSetCurrent");
    }

    String name() {
        return name;
    }

    int computeCapability() {
        return computeCapability;
    }

    int multiprocessors() {
        return multiprocessors;
    }

    /** @return e.g. {@code 13.0} */
    String driverVersion() {
        return driverVersion / 1000 + "." + (driverVersion % 1000) / 10;
    }

    MegakernelModule builtIn() {
        return builtIn;
    }

    /** @return free device memory in bytes */
    long freeMemory() {
        makeCurrent();
        long[] free = new long[1];
        long[] total = new long[1];
        CudaCalls.check(cuMemGetInfo(free, total), "cuMemGetInfo");
        return free[0];
    }
}
