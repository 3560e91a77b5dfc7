package dev.vyre.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.spi.Probe;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class OpenClProbeTest {

    @AfterEach
    void clear() {
        System.clearProperty(OpenClDevice.DEVICE_PROPERTY);
    }

    @Test
    void theProbeNamesDevicePlatformAndDriverOrSaysWhyNotWithAFix() {
        Probe probe = new OpenClBackendProvider().probe();
        if (probe.available()) {
            OpenClDevice.Candidate chosen = OpenClDevice.select(OpenClDevice.candidates());
            assertTrue(probe.device().startsWith(chosen.name() + " (" + chosen.platformName() + ", OpenCL "),
                    probe.device());
            assertTrue(probe.driver().startsWith("OpenCL driver " + chosen.driverVersion() + ", platform "),
                    probe.driver());
            assertEquals("", probe.reason());
        } else {
            assertTrue(probe.reason().contains("Fix: "), probe.reason());
            assertEquals(1, probe.reason().split("Fix: ", -1).length - 1, probe.reason());
        }
    }

    @Test
    void aCpuDeviceRanksBelowTheReferenceBackend() {
        OpenClBackendProvider provider = new OpenClBackendProvider();
        Assumptions.assumeTrue(provider.probe().available(), provider.probe().reason());
        boolean cpu = OpenClDevice.select(OpenClDevice.candidates()).isCpu();
        assertEquals(cpu ? OpenClBackendProvider.CPU_DEVICE_PRIORITY : OpenClBackendProvider.PRIORITY,
                provider.priority());
        if (cpu) {
            assertTrue(provider.priority() < 0, "a CPU OpenCL device must rank below the reference backend (0)");
        }
    }

    @Test
    void aSelectionThatNamesNoDeviceIsRefusedWithTheListAndAFix() {
        Assumptions.assumeTrue(new OpenClBackendProvider().probe().available());
        List<OpenClDevice.Candidate> all = OpenClDevice.candidates();
        System.setProperty(OpenClDevice.DEVICE_PROPERTY, "no-such-opencl-device");
        var e = org.junit.jupiter.api.Assertions.assertThrows(dev.vyre.protocol.BackendException.class,
                () -> OpenClDevice.select(all));
        assertTrue(e.getMessage().contains("-Dvyre.opencl.device=no-such-opencl-device names no OpenCL device; found 0: "),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("pass an index 0.." + (all.size() - 1)
                + " or a substring of a device or platform name"), e.getMessage());
        System.setProperty(OpenClDevice.DEVICE_PROPERTY, Integer.toString(all.size()));
        assertThrows(all);
        System.setProperty(OpenClDevice.DEVICE_PROPERTY, "0");
        assertEquals(all.getFirst().device(), OpenClDevice.select(all).device());
    }

    private static void assertThrows(List<OpenClDevice.Candidate> all) {
        org.junit.jupiter.api.Assertions.assertThrows(dev.vyre.protocol.BackendException.class,
                () -> OpenClDevice.select(all));
    }

    @Test
    void versionsAreReadFromTheDriversText() {
        assertEquals(30, OpenClDevice.versionOf("OpenCL 3.0 PoCL HSTR: pthread-x86_64"));
        assertEquals(12, OpenClDevice.versionOf("OpenCL 1.2 CUDA"));
        assertEquals(21, OpenClDevice.versionOf("OpenCL 2.1 AMD-APP (3614.0)"));
        assertEquals(0, OpenClDevice.versionOf("unknown"));
        assertFalse(OpenClDevice.versionOf("OpenCL x.y") > 0);
    }
}
