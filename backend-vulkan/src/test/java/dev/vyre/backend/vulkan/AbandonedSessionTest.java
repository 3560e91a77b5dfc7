package dev.vyre.backend.vulkan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.CustomOpcodes;
import dev.vyre.spi.SessionDriver;
import dev.vyre.spi.SessionSpec;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A session closed while its shader still runs (its stop timed out: on the H100, a second persistent shader
 * queued behind a running one) keeps its memory until the dispatch ends, and then the backend frees it: before
 * the device is destroyed, so nothing is left for the validation layer's {@code VUID-vkDestroyDevice-device-00378}.
 */
class AbandonedSessionTest {

    private static SessionSpec smallSession() {
        return new SessionSpec(16, 1, 4, 64, 0, CustomOpcodes.none(), Duration.ofSeconds(1));
    }

    private static VulkanBackend openPersistentBackend() {
        VulkanBackendProvider provider = new VulkanBackendProvider();
        Assumptions.assumeTrue(provider.probe().available(), () -> provider.probe().reason());
        VulkanBackend backend = PersistentOnCpu.open(() -> (VulkanBackend) provider.open());
        if (!backend.capabilities().persistent()) {
            backend.close();
            Assumptions.abort("no persistent sessions on this device");
        }
        return backend;
    }

    /** Opens a session on {@code backend} and closes it while its shader still runs: it is abandoned. */
    private static void abandonOne(VulkanBackend backend) {
        SessionDriver session = backend.openSession(smallSession());
        assertFalse(session.stop(Duration.ZERO), "SHUTDOWN is not set, so the shader still runs");
        session.close(); // stuck: sets SHUTDOWN and leaves its memory to the backend
    }

    @Test
    void theBackendFreesAnAbandonedSessionBeforeItDestroysTheDevice() {
        VulkanBackend backend = openPersistentBackend();
        try {
            int before = backend.liveAllocations();
            abandonOne(backend);
            assertEquals(before + 2, backend.liveAllocations(), "an abandoned session keeps its memory");
        } finally {
            backend.close();
        }
        assertEquals(0, backend.liveAllocations(), "every allocation is freed before the device is destroyed");
    }

    @Test
    void anotherSessionsCloseFreesAnAbandonedSessionWhoseDispatchEnded() {
        VulkanBackend backend = openPersistentBackend();
        try {
            int before = backend.liveAllocations();
            abandonOne(backend);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            boolean freed = false;
            while (!freed && System.nanoTime() < deadline) {
                SessionDriver next = backend.openSession(smallSession());
                next.writeControl(ControlLayout.SHUTDOWN, 1);
                assertTrue(next.stop(Duration.ofSeconds(10)), "the second session's shader stops");
                next.close();
                freed = backend.liveAllocations() == before;
            }
            assertTrue(freed, "the abandoned session's memory was freed by a later close");
        } finally {
            backend.close();
        }
    }
}
