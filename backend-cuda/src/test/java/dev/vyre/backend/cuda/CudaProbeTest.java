package dev.vyre.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.spi.Probe;
import org.junit.jupiter.api.Test;

/** The probe never throws; where CUDA cannot run it says why and how to fix it. */
class CudaProbeTest {

    @Test
    void probeReportsAvailabilityWithoutThrowing() {
        Probe probe = new CudaBackendProvider().probe();
        Probe again = new CudaBackendProvider().probe();
        assertTrue(probe.available() == again.available(), "the probe must be stable");
        if (probe.available()) {
            assertFalse(probe.device().isBlank(), "an available probe names its device");
        } else {
            System.out.println("CUDA unavailable here: " + probe.reason());
            assertTrue(probe.reason().contains("Fix:"), "reason must carry a fix: " + probe.reason());
            assertFalse(probe.reason().contains("UnsatisfiedLinkError"), "raw linkage errors must not reach the user");
        }
    }
}
