package dev.vyre.backend.vulkan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.spi.Probe;
import org.junit.jupiter.api.Test;

class VulkanProbeTest {

    @Test
    void probeNeverThrowsAndExplainsItself() {
        VulkanBackendProvider provider = new VulkanBackendProvider();
        assertEquals("vulkan", provider.name());
        Probe p = provider.probe();
        assertNotNull(p);
        if (p.available()) {
            assertFalse(p.device().isEmpty());
            assertTrue(p.driver().contains("LWJGL 3.4.3"), p.driver());
            boolean cpu;
            try (VulkanDevice device = VulkanDevice.open(false)) {
                cpu = device.isCpu();
            }
            assertEquals(cpu ? VulkanBackendProvider.CPU_DEVICE_PRIORITY : VulkanBackendProvider.PRIORITY,
                    provider.priority(), "a CPU device must rank below the reference backend");
        } else {
            assertEquals(VulkanBackendProvider.PRIORITY, provider.priority());
            assertTrue(p.reason().contains("Fix: "), p.reason());
        }
    }

    @Test
    void aDeviceSelectionMatchingNothingIsUnavailableWithTheDeviceList() {
        String before = System.getProperty(VulkanDevice.DEVICE_PROPERTY);
        System.setProperty(VulkanDevice.DEVICE_PROPERTY, "no-such-device-0xC0FFEE");
        try {
            Probe p = VulkanBackendProvider.probeNow();
            assertFalse(p.available());
            assertTrue(p.reason().contains("Fix: "), p.reason());
            if (new VulkanBackendProvider().probe().available()) {
                assertTrue(p.reason().contains("no suitable Vulkan device matches 'no-such-device-0xC0FFEE'"),
                        p.reason());
            }
        } finally {
            if (before == null) {
                System.clearProperty(VulkanDevice.DEVICE_PROPERTY);
            } else {
                System.setProperty(VulkanDevice.DEVICE_PROPERTY, before);
            }
        }
    }
}
