package dev.vyre.backend.vulkan;

import dev.vyre.protocol.BackendException;
import dev.vyre.protocol.UnsupportedFeatureException;
import dev.vyre.spi.Backend;
import dev.vyre.spi.BackendProvider;
import dev.vyre.spi.Probe;
import java.util.ArrayList;
import java.util.List;

/**
 * Provides the Vulkan backend (LWJGL 3.4.3): available where a Vulkan 1.2 device with a compute queue
 * is found. The device is chosen with {@code -Dvyre.vulkan.device} or {@code VYRE_VULKAN_DEVICE} (an
 * index or a name substring), else the best GPU (discrete before integrated before CPU).
 */
public final class VulkanBackendProvider implements BackendProvider {

    /** Rank on a GPU: between CUDA (100) and the reference backend (0). */
    public static final int PRIORITY = 50;
    /**
     * Rank on a CPU device (lavapipe): below the reference backend, because a CPU device runs only
     * one-pass dispatches (no persistent sessions), so it must not become the default.
     */
    public static final int CPU_DEVICE_PRIORITY = -10;

    private static volatile Probe cached;
    private static volatile boolean cpuDevice;

    /** Creates the provider; loads nothing native until {@link #probe()} or {@link #open()}. */
    public VulkanBackendProvider() {
    }

    @Override
    public String name() {
        return "vulkan";
    }

    /** @return {@link #PRIORITY}, or {@link #CPU_DEVICE_PRIORITY} once the probe found a CPU device */
    @Override
    public int priority() {
        return cpuDevice ? CPU_DEVICE_PRIORITY : PRIORITY;
    }

    @Override
    public Probe probe() {
        Probe p = cached;
        if (p == null) {
            p = probeNow();
            cached = p;
        }
        return p;
    }

    /**
     * Probes without the per-process cache (tests that change the device selection). Silent: LWJGL's
     * "[LWJGL] Failed to load a library" notice is discarded ({@link LwjglOutput}); the reason is in the
     * returned probe.
     */
    static Probe probeNow() {
        return LwjglOutput.quietly(VulkanBackendProvider::probeDevice);
    }

    private static Probe probeDevice() {
        try (VulkanDevice device = VulkanDevice.open(false)) {
            cpuDevice = device.isCpu();
            return describe(device);
        } catch (RuntimeException | LinkageError e) {
            return unavailable(e);
        }
    }

    private static Probe describe(VulkanDevice device) {
        String validation = device.validationSummary();
        return Probe.available(device.name() + " (Vulkan " + device.apiVersionText() + ")",
                "Vulkan driver " + device.driverVersionText() + ", LWJGL 3.4.3"
                        + (validation == null ? "" : ", " + validation));
    }

    /**
     * Lists every physical device the loader enumerates, in its order, each opened briefly to check that
     * it can run the interpreter (Vulkan 1.2, a compute queue, storage buffers of 64 KiB); an unsuitable
     * one is unavailable with its reason. Silent, like {@link #probe()}.
     */
    @Override
    public List<Probe> devices() {
        return LwjglOutput.quietly(() -> {
            int count;
            try (VulkanDevice first = VulkanDevice.open(false)) {
                count = first.physicalCount();
            } catch (RuntimeException | LinkageError e) {
                return List.of(unavailable(e));
            }
            List<Probe> out = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                try (VulkanDevice device = VulkanDevice.open(false, i)) {
                    out.add(describe(device));
                } catch (RuntimeException | LinkageError e) {
                    out.add(unavailable(e));
                }
            }
            return List.copyOf(out);
        });
    }

    private static Probe unavailable(Throwable failure) {
        if (failure instanceof BackendException e) {
            return Probe.unavailable(e.getMessage());
        }
        if (failure instanceof LinkageError || failure instanceof IllegalStateException) {
            return Probe.unavailable("the Vulkan loader (libvulkan.so.1) or LWJGL's native library could not be"
                    + " loaded: " + Probe.firstLine(failure) + ". Fix: install libvulkan1 and a driver (apt-get install"
                    + " libvulkan1 mesa-vulkan-drivers gives lavapipe on the CPU), or select another backend with"
                    + " -Dvyre.backend=reference");
        }
        return Probe.unavailable("Vulkan initialisation failed: " + Probe.firstLine(failure)
                + ". Fix: check the driver with vulkaninfo, or select another backend with -Dvyre.backend=reference");
    }


    @Override
    public Backend open() {
        return open(false);
    }

    /**
     * Opens the backend with {@code VK_LAYER_KHRONOS_validation} enabled (also selected by
     * {@code -Dvyre.vulkan.validation=true} or {@code VYRE_VULKAN_VALIDATION=1}); the errors it reports
     * are collected in {@link VulkanBackend#validationErrors()}.
     */
    public VulkanBackend openWithValidation() {
        return open(true);
    }

    /**
     * Opens the backend on physical device {@code index} of {@link #devices()}.
     *
     * @throws UnsupportedFeatureException when the loader enumerates no such device
     * @throws BackendException            when the device cannot run the interpreter
     */
    @Override
    public Backend open(int index) {
        Probe probe = probe();
        if (!probe.available()) {
            String reason = probe.reason();
            int fix = reason.indexOf(". Fix: ");
            throw new BackendException("the Vulkan backend cannot run here: " + (fix < 0 ? reason : reason.substring(0, fix)),
                    fix < 0 ? "select another backend with -Dvyre.backend=reference" : reason.substring(fix + 7));
        }
        int count;
        try (VulkanDevice first = LwjglOutput.quietly(() -> VulkanDevice.open(false))) {
            count = first.physicalCount();
        }
        if (index < 0 || index >= count) {
            throw new UnsupportedFeatureException(name(), "device selection", "Vulkan device " + index
                    + " does not exist; the loader enumerates " + count + " device" + (count == 1 ? "" : "s"),
                    "pick a device index from 0 to " + (count - 1) + " (vyre backends lists them)");
        }
        return new VulkanBackend(VulkanDevice.open(false, index));
    }

    private VulkanBackend open(boolean validation) {
        Probe probe = probe();
        if (!probe.available()) {
            throw new BackendException("the Vulkan backend cannot run here: " + probe.reason(),
                    "select another backend with -Dvyre.backend=reference");
        }
        return new VulkanBackend(VulkanDevice.open(validation));
    }
}
