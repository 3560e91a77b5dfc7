package dev.vyre.backend.cuda;

import dev.vyre.protocol.BackendException;
import dev.vyre.protocol.UnsupportedFeatureException;
import dev.vyre.spi.Backend;
import dev.vyre.spi.BackendProvider;
import dev.vyre.spi.Probe;
import java.util.ArrayList;
import java.util.List;

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
        } catch (RuntimeException | LinkageError e) {
            return unavailable(e);
        }
    }

    /**
     * Lists every CUDA ordinal from the driver's attributes, without opening a context on any: a device
     * the megakernel cannot use (compute capability below 7.0, no mapped host memory) is unavailable
     * with its reason.
     */
    @Override
    public List<Probe> devices() {
        try {
            int count = CudaDevice.count();
            if (count == 0) {
                return List.of(probe());
            }
            List<Probe> out = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                out.add(describe(i));
            }
            return List.copyOf(out);
        } catch (RuntimeException | LinkageError e) {
            return List.of(unavailable(e));
        }
    }

    private static Probe describe(int ordinal) {
        try {
            CudaDevice.Identity id = CudaDevice.identify(ordinal);
            id.requireUsable();
            return Probe.available(id.name() + " (sm_" + id.computeCapability() + ", " + id.multiprocessors()
                    + " SMs)", "CUDA driver " + id.driverVersionText() + ", JCuda 12.6.0");
        } catch (RuntimeException | LinkageError e) {
            return unavailable(e);
        }
    }

    private static Probe unavailable(Throwable failure) {
        if (failure instanceof BackendException e) {
            return Probe.unavailable(e.getMessage());
        }
        if (failure instanceof LinkageError e) {
            return Probe.unavailable("the CUDA driver library (libcuda.so.1) or JCuda's native library could not"
                    + " be loaded: " + Probe.firstLine(e) + ". Fix: install the NVIDIA driver (it provides libcuda.so.1),"
                    + " or select another backend with -Dvyre.backend=reference");
        }
        return Probe.unavailable("CUDA initialisation failed: " + Probe.firstLine(failure)
                + ". Fix: check nvidia-smi and the driver installation");
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

    /**
     * Opens the backend on CUDA ordinal {@code index}.
     *
     * @throws UnsupportedFeatureException when there is no such ordinal
     * @throws BackendException            when the device cannot run the megakernel
     */
    @Override
    public Backend open(int index) {
        int count;
        try {
            count = CudaDevice.count();
        } catch (BackendException e) {
            throw e;
        } catch (RuntimeException | LinkageError e) {
            throw new BackendException("the CUDA backend cannot run here: " + Probe.firstLine(e),
                    "install the NVIDIA driver (it provides libcuda.so.1), or select another backend with"
                    + " -Dvyre.backend=reference");
        }
        if (index < 0 || index >= count) {
            throw new UnsupportedFeatureException(name(), "device selection", "CUDA device " + index
                    + " does not exist; the driver reports " + count + " device" + (count == 1 ? "" : "s"),
                    "pick a device index from 0 to " + (count - 1) + " (vyre backends lists them)");
        }
        return new CudaBackend(CudaDevice.shared(index));
    }
}
