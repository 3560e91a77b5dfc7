package dev.vyre.backend.opencl;

import dev.vyre.protocol.BackendException;
import dev.vyre.spi.Backend;
import dev.vyre.spi.BackendProvider;
import dev.vyre.spi.Probe;

/**
 * Provides the OpenCL backend (LWJGL 3.4.3): available where the ICD loader ({@code libOpenCL.so.1})
 * finds an OpenCL 1.2 device with a compiler. The device is chosen with {@code -Dvyre.opencl.device} or
 * {@code VYRE_OPENCL_DEVICE} (an index or a name substring), else the best one (GPU, accelerator, CPU).
 */
public final class OpenClBackendProvider implements BackendProvider {

    /** Rank on a GPU or accelerator: below CUDA (100) and Vulkan (50), above the reference backend (0). */
    public static final int PRIORITY = 40;
    /**
     * Rank on a CPU device (PoCL, Intel's CPU runtime): below the reference backend, so a CPU OpenCL runtime
     * is never the default by accident; select it with {@code --backend opencl}.
     */
    public static final int CPU_DEVICE_PRIORITY = -20;

    private static volatile Probe cached;
    private static volatile boolean cpuDevice;

    /** Creates the provider; loads nothing native until {@link #probe()} or {@link #open()}. */
    public OpenClBackendProvider() {
    }

    @Override
    public String name() {
        return "opencl";
    }

    /** @return {@link #PRIORITY}, or {@link #CPU_DEVICE_PRIORITY} once the probe found a CPU device */
    @Override
    public int priority() {
        return cpuDevice ? CPU_DEVICE_PRIORITY : PRIORITY;
    }

    /** Finds the device and creates (and releases) a context on it; never throws, prints nothing. */
    @Override
    public Probe probe() {
        Probe p = cached;
        if (p == null) {
            p = LwjglOutput.quietly(OpenClBackendProvider::probeDevice);
            cached = p;
        }
        return p;
    }

    private static Probe probeDevice() {
        try {
            OpenClDevice.Candidate chosen = OpenClDevice.select(OpenClDevice.candidates());
            cpuDevice = chosen.isCpu();
            try (OpenClDevice device = OpenClDevice.open(chosen)) {
                return Probe.available(device.info().description(), "OpenCL driver " + chosen.driverVersion()
                        + ", platform " + chosen.platformVersion() + ", LWJGL 3.4.3");
            }
        } catch (BackendException e) {
            return Probe.unavailable(e.getMessage());
        } catch (LinkageError | IllegalStateException e) {
            return Probe.unavailable("the OpenCL ICD loader (libOpenCL.so.1) or LWJGL's native library could not be"
                    + " loaded: " + Probe.firstLine(e) + ". Fix: install ocl-icd-libopencl1 and a driver (apt-get"
                    + " install ocl-icd-libopencl1 pocl-opencl-icd runs OpenCL on the CPU), or select another backend"
                    + " with -Dvyre.backend=reference");
        } catch (Throwable t) {
            return Probe.unavailable("OpenCL initialisation failed: " + Probe.firstLine(t)
                    + ". Fix: check the driver with clinfo, or select another backend with -Dvyre.backend=reference");
        }
    }

    @Override
    public Backend open() {
        Probe probe = probe();
        if (!probe.available()) {
            throw new BackendException("the OpenCL backend cannot run here: " + probe.reason(),
                    "select another backend with -Dvyre.backend=reference");
        }
        return LwjglOutput.quietly(() -> new OpenClBackend(OpenClDevice.open(OpenClDevice.select(OpenClDevice.candidates()))));
    }
}
