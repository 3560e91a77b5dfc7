package dev.vyre.backend.vulkan;

import static org.lwjgl.vulkan.VK10.VK_SUCCESS;

import dev.vyre.protocol.BackendException;
import java.util.Map;

/** Turns Vulkan result codes into {@link BackendException}s with a fix. */
final class VulkanCalls {

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(1, "VK_NOT_READY"), Map.entry(2, "VK_TIMEOUT"), Map.entry(-1, "VK_ERROR_OUT_OF_HOST_MEMORY"),
            Map.entry(-2, "VK_ERROR_OUT_OF_DEVICE_MEMORY"), Map.entry(-3, "VK_ERROR_INITIALIZATION_FAILED"),
            Map.entry(-4, "VK_ERROR_DEVICE_LOST"), Map.entry(-5, "VK_ERROR_MEMORY_MAP_FAILED"),
            Map.entry(-6, "VK_ERROR_LAYER_NOT_PRESENT"), Map.entry(-7, "VK_ERROR_EXTENSION_NOT_PRESENT"),
            Map.entry(-8, "VK_ERROR_FEATURE_NOT_PRESENT"), Map.entry(-9, "VK_ERROR_INCOMPATIBLE_DRIVER"),
            Map.entry(-10, "VK_ERROR_TOO_MANY_OBJECTS"), Map.entry(-13, "VK_ERROR_UNKNOWN"));

    private VulkanCalls() {
    }

    /** @return the symbolic name of a VkResult */
    static String name(int result) {
        return NAMES.getOrDefault(result, "VkResult " + result);
    }

    /** @throws BackendException unless {@code result} is VK_SUCCESS */
    static void check(int result, String call) {
        if (result != VK_SUCCESS) {
            throw failure(result, call);
        }
    }

    /** @return the exception for a failed call */
    static BackendException failure(int result, String call) {
        String fix = switch (result) {
            case -1, -2 -> "free memory or open a smaller session (fewer slots, a smaller data buffer)";
            case -4 -> "the device was lost (driver reset or a hung shader); close the backend and open it again";
            case -9 -> "install a Vulkan driver (mesa-vulkan-drivers for lavapipe, or the GPU vendor's driver)";
            default -> "check the driver installation; rerun with -Dvyre.vulkan.validation=true for details";
        };
        return new BackendException(call + " failed with " + name(result), fix);
    }
}
