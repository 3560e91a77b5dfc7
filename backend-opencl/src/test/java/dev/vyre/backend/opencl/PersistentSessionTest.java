package dev.vyre.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.api.Session;
import dev.vyre.api.SessionOptions;
import dev.vyre.api.Vyre;
import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.SlotStatus;
import dev.vyre.protocol.UnsupportedFeatureException;
import dev.vyre.spi.Liveness;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Persistent sessions where the measurement allows them, and the refusal (with its evidence) where not. */
class PersistentSessionTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @AfterEach
    void clear() {
        System.clearProperty(OpenClPersistence.PROPERTY);
    }

    @Test
    void theVerdictCarriesItsEvidenceForEveryKindOfSharedMemory() {
        try (OpenClBackend backend = OpenClTesting.backendOrSkip()) {
            String evidence = backend.device().details().get("persistentEvidence");
            assertTrue(evidence.contains("host-mapped CL_MEM_ALLOC_HOST_PTR: "), evidence);
            assertTrue(evidence.contains("SVM: "), evidence);
            assertEquals(backend.persistence().persistent(), backend.capabilities().persistent());
            if (backend.persistence().persistent()) {
                assertTrue(evidence.contains(": works, round trip p50 "), evidence);
                assertTrue(backend.persistence().pollsPerNano() > 0);
            }
        }
    }

    @Test
    void aSessionRunsSlotsUntilShutdownAndStops() {
        try (Vyre vyre = OpenClTesting.openOrSkip()) {
            Assumptions.assumeTrue(vyre.features().persistent(), "no persistent sessions on this device");
            SessionOptions options = SessionOptions.builder().slotCount(64).observableSlots(8).build();
            try (Session s = vyre.openSession(options)) {
                for (int i = 0; i < 64; i++) {
                    s.publish(i, 0, Opcodes.ATOMIC_ADD, i, 160 + (i & 7), 0);
                }
                assertTrue(s.awaitDoneCount(64, WAIT), "64 slots did not complete");
                for (int i = 0; i < 64; i++) { // DONE_COUNT is added before each status is stored: wait for each
                    assertTrue(s.awaitSlotStatus(i, SlotStatus.DONE, WAIT), "slot " + i);
                }
                for (int k = 0; k < 8; k++) {
                    int want = 0;
                    for (int i = k; i < 64; i += 8) {
                        want += i;
                    }
                    assertEquals(want, s.controlWord(160 + k));
                }
                assertTrue(s.isAlive());
                // a second wave over recycled DONE slots
                for (int i = 0; i < 64; i++) {
                    s.publish(i, 0, Opcodes.STORE_U32, i, 168 + 0, 0);
                }
                assertTrue(s.awaitDoneCount(128, WAIT));
                assertEquals(64, s.controlWord(ControlLayout.METRICS_BASE + Opcodes.ATOMIC_ADD));
                assertEquals(64, s.controlWord(ControlLayout.METRICS_BASE + Opcodes.STORE_U32));
                s.requestShutdown();
                assertTrue(s.awaitTermination(WAIT));
                assertFalse(s.isAlive());
            }
        }
    }

    @Test
    void theDriverReportsLivenessAndStopsWithinItsBound() {
        try (OpenClBackend backend = OpenClTesting.backendOrSkip()) {
            Assumptions.assumeTrue(backend.capabilities().persistent(), "no persistent sessions on this device");
            var spec = new dev.vyre.spi.SessionSpec(8, 1, 0, 0, 0, dev.vyre.protocol.CustomOpcodes.none(),
                    Duration.ofMillis(50));
            var driver = backend.openSession(spec);
            try {
                long until = System.nanoTime() + WAIT.toNanos();
                Liveness first = driver.liveness();
                while (driver.liveness().heartbeat() == first.heartbeat() && System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
                assertEquals(Liveness.State.RUNNING, driver.liveness().state());
                assertTrue(driver.liveness().heartbeat() != first.heartbeat(), "the heartbeat never moved");
                driver.writeControl(ControlLayout.SHUTDOWN, 1);
                assertTrue(driver.stop(WAIT));
                assertEquals(Liveness.State.STOPPED, driver.liveness().state());
            } finally {
                driver.close();
            }
        }
    }

    @Test
    void persistentFalseTurnsSessionsOffAndTheRuntimeRefusesThem() {
        System.setProperty(OpenClPersistence.PROPERTY, "false");
        try (Vyre vyre = OpenClTesting.openOrSkip()) {
            assertFalse(vyre.features().persistent());
            UnsupportedFeatureException e = assertThrows(UnsupportedFeatureException.class,
                    () -> vyre.openSession(SessionOptions.builder().slotCount(4).build()));
            assertTrue(e.getMessage().contains("one-pass"), e.getMessage());
        }
    }
}
