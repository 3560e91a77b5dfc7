package dev.vyre.backend.cuda;

import dev.vyre.protocol.BackendException;
import dev.vyre.spi.Backend;
import dev.vyre.spi.BackendProvider;
import dev.vyre.spi.Probe;

/** Provides the CUDA backend: highest priority where a CUDA device is present. */
public final class CudaBackendProvider implements BackendProvider {

    /** Rank above Vulkan (50) and the reference backend (0). */
    public static final int PRIORITY = 100;

    /** Creates the provider; loads nothing native until {@link #probe()} or {@link #open()}. */
    public CudaBackendProvider() {
    }

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    @Override
    public Probe probe() {
        try {
            CudaDevice device = CudaDevice.shared();
            return Probe.available(device.name() + " (sm_" + device.computeCapability() + ", "
                    + device.multiprocessors() + " SMs)", "CUDA driver " + device.driverVersion() + ", JCuda 12.6.0");
        } catch (BackendException e) {
            return Probe.unavailable(e.getMessage());
        } catch (LinkageError e) {
            return Probe.unavailable("the CUDA driver library (libcuda.so.1) or JCuda's native library could not"
                    + " be loaded: " + Probe.firstLine(e) + ". Fix: install the NVIDIA driver (it provides libcuda.so.1),"
                    + " or select another backend with -Dvyre.backend=reference");
        } catch (RuntimeException e) {
            return Probe.unavailable("CUDA initialisation failed: " + Probe.firstLine(e)
                    + ". Fix: check nvidia-smi and the driver installation");
        }
    }


    @Override
    public Backend open() {
        Probe probe = probe();
        if (!probe.available()) {
            throw new BackendException("the CUDA backend cannot run here: " + probe.reason(),
                    "select another backend with -Dvyre.backend=reference");
        }
        return new CudaBackend(CudaDevice.shared());
    }
}
