package dev.vyre.backend.vulkan;

import dev.vyre.protocol.BackendException;
import dev.vyre.spi.Backend;
import dev.vyre.spi.BackendProvider;
import dev.vyre.spi.Probe;

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
            return Probe.available(device.name() + " (Vulkan " + device.apiVersionText() + ")",
                    "Vulkan driver " + device.driverVersionText() + ", LWJGL 3.4.3");
        } catch (BackendException e) {
            return Probe.unavailable(e.getMessage());
        } catch (LinkageError | IllegalStateException e) {
            return Probe.unavailable("the Vulkan loader (libvulkan.so.1) or LWJGL's native library could not be"
                    + " loaded: " + Probe.firstLine(e) + ". Fix: install libvulkan1 and a driver (apt-get install libvulkan1"
                    + " mesa-vulkan-drivers gives lavapipe on the CPU), or select another backend with"
                    + " -Dvyre.backend=reference");
        } catch (RuntimeException e) {
            return Probe.unavailable("Vulkan initialisation failed: " + Probe.firstLine(e)
                    + ". Fix: check the driver with vulkaninfo, or select another backend with -Dvyre.backend=reference");
        }
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

    private VulkanBackend open(boolean validation) {
        Probe probe = probe();
        if (!probe.available()) {
            throw new BackendException("the Vulkan backend cannot run here: " + probe.reason(),
                    "select another backend with -Dvyre.backend=reference");
        }
        return new VulkanBackend(VulkanDevice.open(validation));
    }
}
