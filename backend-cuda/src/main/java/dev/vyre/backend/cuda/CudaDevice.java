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
import java.util.HashMap;
import java.util.Map;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUuuid;
import jcuda.driver.JCudaDriver;

/**
 * One CUDA device (by ordinal) with its retained primary context and the built-in megakernel module.
 * Each ordinal is opened once per process ({@link #shared(int)}); its context stays retained until the
 * process exits. Every driver call on a device first makes its context current ({@link #makeCurrent()}),
 * so sessions on several devices can be driven from one thread.
 */
final class CudaDevice {

    private static final Object LOCK = new Object();
    private static final Map<Integer, CudaDevice> OPENED = new HashMap<>();
    private static final Map<Integer, BackendException> FAILED = new HashMap<>();

    private final CUdevice device = new CUdevice();
    private final CUcontext context = new CUcontext();
    private final int ordinal;
    private final String name;
    private final int computeCapability;
    private final int multiprocessors;
    private final int driverVersion;
    private final MegakernelModule builtIn;
    private final DeferredRelease releases = new DeferredRelease(this::makeCurrent);

    private CudaDevice(int ordinal) {
        Identity id = identify(ordinal);
        id.requireUsable();
        this.ordinal = ordinal;
        this.driverVersion = id.driverVersion();
        this.name = id.name();
        this.computeCapability = id.computeCapability();
        this.multiprocessors = id.multiprocessors();
        CudaCalls.check(cuDeviceGet(device, ordinal), "cuDeviceGet");
        CudaCalls.check(cuDevicePrimaryCtxRetain(context, device), "cuDevicePrimaryCtxRetain");
        makeCurrent();
        this.builtIn = MegakernelModule.builtIn();
    }

    /**
     * What the driver says of device {@code ordinal}, read without creating a context.
     *
     * @param ordinal            the CUDA ordinal
     * @param name               its name
     * @param computeCapability  major × 10 + minor
     * @param multiprocessors    SM count
     * @param canMapHostMemory   whether it maps pinned host memory
     * @param driverVersion      the driver's CUDA version (e.g. 13000)
     */
    record Identity(int ordinal, String name, int computeCapability, int multiprocessors, boolean canMapHostMemory,
                    int driverVersion) {

        /** @throws BackendException when the megakernel cannot run on the device */
        void requireUsable() {
            if (computeCapability < 70) {
                throw new BackendException("device " + ordinal + " (" + name + ") has compute capability "
                        + computeCapability / 10 + "." + computeCapability % 10
                        + "; the megakernel needs 7.0 or newer (acquire/release PTX)",
                        "use a Volta or newer GPU, or select another backend with -Dvyre.backend");
            }
            if (!canMapHostMemory) {
                throw new BackendException("device " + ordinal + " (" + name + ") cannot map host memory",
                        "use a GPU and driver with mapped pinned memory (any 64-bit Linux driver has it)");
            }
        }

        /** @return e.g. {@code 13.0} */
        String driverVersionText() {
            return driverVersion / 1000 + "." + (driverVersion % 1000) / 10;
        }
    }

    /**
     * @return the number of CUDA devices the driver reports
     * @throws BackendException when the driver fails; {@link LinkageError} when it cannot be loaded
     */
    static int count() {
        CudaCalls.check(cuInit(0), "cuInit");
        int[] value = new int[1];
        CudaCalls.check(cuDeviceGetCount(value), "cuDeviceGetCount");
        return value[0];
    }

    /**
     * Reads device {@code ordinal}'s name and attributes, without a context.
     *
     * @throws BackendException when there is no such device or the driver fails
     */
    static Identity identify(int ordinal) {
        int devices = count();
        if (devices == 0) {
            throw new BackendException("the CUDA driver reports no device",
                    "run on a machine with an NVIDIA GPU or select another backend with -Dvyre.backend");
        }
        if (ordinal < 0 || ordinal >= devices) {
            throw new BackendException("CUDA device " + ordinal + " does not exist; the driver reports " + devices
                    + " device" + (devices == 1 ? "" : "s"), "pick a device index from 0 to " + (devices - 1)
                    + " (vyre backends lists them)");
        }
        int[] value = new int[1];
        CudaCalls.check(cuDriverGetVersion(value), "cuDriverGetVersion");
        int driver = value[0];
        CUdevice dev = new CUdevice();
        CudaCalls.check(cuDeviceGet(dev, ordinal), "cuDeviceGet");
        byte[] nameBytes = new byte[256];
        CudaCalls.check(cuDeviceGetName(nameBytes, nameBytes.length, dev), "cuDeviceGetName");
        int end = 0;
        while (end < nameBytes.length && nameBytes[end] != 0) {
            end++;
        }
        String devName = new String(nameBytes, 0, end, StandardCharsets.UTF_8);
        int cc = attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR) * 10
                + attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
        return new Identity(ordinal, devName, cc,
                attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT),
                attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_CAN_MAP_HOST_MEMORY) != 0, driver);
    }

    /** @return the ordinal chosen by {@code -Dvyre.cuda.device} / {@code VYRE_CUDA_DEVICE}, else 0 */
    static int defaultOrdinal() {
        String text = System.getProperty("vyre.cuda.device", System.getenv().getOrDefault("VYRE_CUDA_DEVICE", "0"));
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new BackendException("vyre.cuda.device is '" + text + "', not a device number",
                    "pass a device ordinal such as 0");
        }
    }

    /**
     * @return the process-wide device of the default ordinal ({@link #defaultOrdinal()})
     * @throws BackendException when CUDA cannot be used (the same error on every call)
     * @throws LinkageError     when the JCuda or CUDA driver library cannot be loaded
     */
    static CudaDevice shared() {
        return shared(defaultOrdinal());
    }

    /**
     * @return the process-wide device {@code ordinal}, opened (primary context retained, megakernel
     *         loaded) on first use and kept until the process exits
     * @throws BackendException when it cannot be used (the same error on every call)
     */
    static CudaDevice shared(int ordinal) {
        synchronized (LOCK) {
            CudaDevice opened = OPENED.get(ordinal);
            if (opened != null) {
                return opened;
            }
            BackendException failed = FAILED.get(ordinal);
            if (failed != null) {
                throw failed;
            }
            try {
                CudaDevice device = new CudaDevice(ordinal);
                OPENED.put(ordinal, device);
                return device;
            } catch (BackendException e) {
                FAILED.put(ordinal, e);
                throw e;
            }
        }
    }

    /** @return this device's CUDA ordinal */
    int ordinal() {
        return ordinal;
    }

    private static int attribute(CUdevice dev, int attribute) {
        int[] value = new int[1];
        CudaCalls.check(cuDeviceGetAttribute(value, attribute, dev), "cuDeviceGetAttribute");
        return value[0];
    }

    /** Makes the primary context current on the calling thread (cheap; call before driver calls). */
    void makeCurrent() {
        CudaCalls.check(cuCtxSetCurrent(context), "cuCtxSetCurrent");
    }

    /**
     * @return the ledger through which every buffer and module of this context is released: frees wait
     *         while another session's persistent kernel runs in the context (they would block until it ends)
     */
    DeferredRelease releases() {
        return releases;
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

    /** @return the device's UUID ({@code cuDeviceGetUuid}), which Vulkan reports as {@code deviceUUID} */
    byte[] uuid() {
        CUuuid uuid = new CUuuid();
        CudaCalls.check(JCudaDriver.cuDeviceGetUuid(uuid, device), "cuDeviceGetUuid");
        return uuid.bytes.clone();
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
