package dev.vyre.backend.vulkan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.protocol.UnsupportedFeatureException;
import dev.vyre.spi.Backend;
import dev.vyre.spi.Probe;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Device enumeration and opening a chosen physical device (lavapipe in CI). */
class VulkanDevicesTest {

    private final VulkanBackendProvider provider = new VulkanBackendProvider();

    @Test
    void everyPhysicalDeviceIsListedAndTheDefaultOneIsAmongThem() {
        Assumptions.assumeTrue(provider.probe().available(), () -> provider.probe().reason());
        List<Probe> devices = provider.devices();
        assertFalse(devices.isEmpty());
        assertTrue(devices.contains(provider.probe()), devices + " lacks the default " + provider.probe());
        for (Probe p : devices) {
            assertTrue(p.available() || p.reason().contains("Fix:"), p.toString());
        }
    }

    @Test
    void aBackendOpenedOnAnIndexRunsOnThatDevice() {
        Assumptions.assumeTrue(provider.probe().available(), () -> provider.probe().reason());
        List<Probe> devices = provider.devices();
        for (int i = 0; i < devices.size(); i++) {
            if (!devices.get(i).available()) {
                continue;
            }
            try (Backend backend = provider.open(i)) {
                assertTrue(devices.get(i).device().startsWith(backend.device().name()),
                        devices.get(i).device() + " vs " + backend.device().name());
            }
        }
    }

    @Test
    void anIndexPastTheLastDeviceIsRefusedWithAFix() {
        Assumptions.assumeTrue(provider.probe().available(), () -> provider.probe().reason());
        int count = provider.devices().size();
        UnsupportedFeatureException e = assertThrows(UnsupportedFeatureException.class, () -> provider.open(count));
        assertTrue(e.getMessage().contains("Vulkan device " + count + " does not exist"), e.getMessage());
        assertEquals(e.getMessage().indexOf("Fix:"), e.getMessage().lastIndexOf("Fix:"));
    }
}
