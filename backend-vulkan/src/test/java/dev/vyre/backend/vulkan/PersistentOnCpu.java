package dev.vyre.backend.vulkan;

import java.util.function.Supplier;

/**
 * Opens something with {@value VulkanBackend#PERSISTENT_ON_CPU_PROPERTY} set, so that a backend opened on lavapipe
 * runs persistent sessions (it reads the property when it opens), and puts the property back as it was.
 */
final class PersistentOnCpu {

    private PersistentOnCpu() {
    }

    static <T> T open(Supplier<T> opener) {
        String before = System.getProperty(VulkanBackend.PERSISTENT_ON_CPU_PROPERTY);
        System.setProperty(VulkanBackend.PERSISTENT_ON_CPU_PROPERTY, "true");
        try {
            return opener.get();
        } finally {
            if (before == null) {
                System.clearProperty(VulkanBackend.PERSISTENT_ON_CPU_PROPERTY);
            } else {
                System.setProperty(VulkanBackend.PERSISTENT_ON_CPU_PROPERTY, before);
            }
        }
    }
}
