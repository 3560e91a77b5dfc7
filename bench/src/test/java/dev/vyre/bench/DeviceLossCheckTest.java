package dev.vyre.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.api.Session;
import dev.vyre.api.Vyre;
import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.SlotStatus;
import dev.vyre.protocol.Words;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DeviceLossCheck} without a GPU: its checks of a lost session on made-up buffers, and its opcode on the
 * reference backend and, where a Vulkan device opens (lavapipe, with persistent sessions on the CPU allowed), its
 * {@code glsl} body compiled into the megakernel and run with data word 0 zero, so no slot faults: every slot once,
 * then a recovery from the full-image log re-runs exactly the chosen slots on a fresh session. The fault itself
 * needs the H100 (bench/scripts; docs/RELIABILITY.md).
 */
class DeviceLossCheckTest {

    private static final int SLOTS = 64;
    private static final int TRAP = 10;
    /** Unfinished on the made-up lost session: the faulting slot, one never claimed, one cut off after its effects. */
    private static final int[] UNFINISHED = {TRAP, 11, 40};

    /** A lost session as a Vulkan one leaves it: ring statuses and control words. */
    private static int[] status() {
        int[] s = new int[SLOTS];
        Arrays.fill(s, SlotStatus.DONE);
        s[TRAP] = SlotStatus.CLAIMED;
        s[11] = SlotStatus.PUBLISHED;
        s[40] = SlotStatus.CLAIMED;
        return s;
    }

    private static int[] control(int doneCount) {
        int[] c = new int[DeviceLossCheck.counterWord(SLOTS, SLOTS)];
        for (int i = 0; i < SLOTS; i++) {
            if (i != TRAP && i != 11) {
                c[ControlLayout.OBSERVABLE_BASE + i / 32] |= 1 << (i % 32);
                c[DeviceLossCheck.counterWord(SLOTS, i)] = i + 1;
            }
        }
        c[ControlLayout.DONE_COUNT] = doneCount;
        return c;
    }

    @Test
    void aLostVulkanSessionWithOneRunPerFinishedSlotPasses() {
        DeviceLossCheck.LostView v = DeviceLossCheck.checkLost(SLOTS, TRAP, UNFINISHED, status(), control(61), null);
        assertEquals(new DeviceLossCheck.LostView(61, 1, 61), v);
        // slot 40 may have counted itself before it was cut off
        assertEquals(62, DeviceLossCheck.checkLost(SLOTS, TRAP, UNFINISHED, status(), control(62), null).doneCount());
    }

    @Test
    void aLostCudaSessionIsJudgedByItsDataWords() {
        int[] data = IntStream.range(0, SLOTS).map(i -> i == TRAP || i == 11 ? 0 : i + 1).toArray();
        assertEquals(new DeviceLossCheck.LostView(61, 1, -1),
                DeviceLossCheck.checkLost(SLOTS, TRAP, UNFINISHED, status(), null, data));
    }

    @Test
    void aRingThatReadsAllOnesIsReportedNotTrusted() {
        int[] ones = new int[SLOTS];
        Arrays.fill(ones, -1);
        int[] all = IntStream.range(0, SLOTS).toArray();
        String m = failure(() -> DeviceLossCheck.checkLost(SLOTS, TRAP, all, ones, control(61), null));
        assertTrue(m.contains("64 of 64 status words outside 0..7") && m.contains("all of them all-ones"), m);
        assertTrue(m.matches("(?s).*\\. Fix: [^\\n]+$"), m);
    }

    @Test
    void aSecondRunOrAMissingMarkOrAWrongDoneCountFails() {
        int[] twice = control(61);
        twice[DeviceLossCheck.counterWord(SLOTS, 5)] = 12;
        assertTrue(failure(() -> DeviceLossCheck.checkLost(SLOTS, TRAP, UNFINISHED, status(), twice, null))
                .startsWith("finished slot 5 has status 3, run counter 12"));
        int[] unmarked = control(61);
        unmarked[ControlLayout.OBSERVABLE_BASE] &= ~(1 << 7);
        assertTrue(failure(() -> DeviceLossCheck.checkLost(SLOTS, TRAP, UNFINISHED, status(), unmarked, null))
                .contains("mark bit 0"));
        int[] partialTwice = control(61);
        partialTwice[DeviceLossCheck.counterWord(SLOTS, 40)] = 82;
        assertTrue(failure(() -> DeviceLossCheck.checkLost(SLOTS, TRAP, UNFINISHED, status(), partialTwice, null))
                .startsWith("unfinished slot 40 left its run counter at 82"));
        assertTrue(failure(() -> DeviceLossCheck.checkLost(SLOTS, TRAP, UNFINISHED, status(), control(63), null))
                .contains("DONE_COUNT is 63, outside 61..62"));
    }

    @Test
    void aRingThatDisagreesWithTheSessionOrAFinishedFaultingSlotFails() {
        int[] s = status();
        s[20] = SlotStatus.CLAIMED;
        assertTrue(failure(() -> DeviceLossCheck.checkLost(SLOTS, TRAP, UNFINISHED, s, control(61), null))
                .contains("first difference: slot 20"));
        assertTrue(failure(() -> DeviceLossCheck.checkLost(SLOTS, 12, UNFINISHED, status(), control(61), null))
                .startsWith("the faulting slot 12 is reported finished"));
    }

    @Test
    void aLostSessionIsCheckedAndItsUnfinishedSlotsRecoveredEndToEnd(@TempDir Path dir) {
        DeviceLossCheck.Args a = DeviceLossCheck.parse(new String[] {"--backend", "vulkan", "--recover-on", "reference",
                "--slots", "256", "--trap-slot", "100", "--log", dir.resolve("lost.vrri").toString(), "--timeout-s",
                "30"});
        String line = DeviceLossCheck.run(a, Vyre.open(new LosingBackendProvider(true)));
        assertTrue(line.startsWith("backend=vulkan slots=256 trap-slot=100: device lost in awaitDoneCount"
                + " (vkGetFenceStatus failed with VK_ERROR_DEVICE_LOST);"), line);
        assertTrue(line.contains("evidence read after the loss: run counters and marks in the control buffer"), line);
        assertTrue(line.contains("re-run on reference in this process") && line.contains("every slot ran exactly once"),
                line);
    }

    @Test
    void aDeviceThatIsNotLostFails(@TempDir Path dir) {
        DeviceLossCheck.Args a = DeviceLossCheck.parse(new String[] {"--backend", "vulkan", "--slots", "64",
                "--log", dir.resolve("kept.vrri").toString()});
        String m = failure(() -> DeviceLossCheck.run(a, Vyre.open(new LosingBackendProvider(false))));
        assertTrue(m.startsWith("backend 'vulkan' ran all 64 slots: slot 32 did not lose the device. Fix: run it on an"
                + " NVIDIA GPU"), m);
    }

    @Test
    void theOpcodeRunsEverySlotOnceAndRecoveryRerunsExactlyTheChosenOnesOnTheReferenceBackend(@TempDir Path dir)
            throws Exception {
        runThenRecover("reference", dir.resolve("reference.vrri"));
    }

    @Test
    void theGlslBodyCompilesAndRunsEverySlotOnceOnVulkan(@TempDir Path dir) throws Exception {
        String before = System.getProperty("vyre.vulkan.persistentOnCpu");
        System.setProperty("vyre.vulkan.persistentOnCpu", "true");
        try {
            try (Vyre v = Vyre.open("vulkan")) {
                Assumptions.assumeTrue(v.features().persistent(), "no persistent Vulkan sessions here");
            } catch (RuntimeException e) {
                Assumptions.abort("no Vulkan device: " + e.getMessage());
            }
            runThenRecover("vulkan", dir.resolve("vulkan.vrri"));
        } finally {
            if (before == null) {
                System.clearProperty("vyre.vulkan.persistentOnCpu");
            } else {
                System.setProperty("vyre.vulkan.persistentOnCpu", before);
            }
        }
    }

    /**
     * Slot {@value #TRAP} carries the token but data word 0 stays zero, as on a recovery session: every slot runs
     * once (marks, counters, DONE_COUNT), then 3 slots are re-run from the log on a fresh session.
     */
    private static void runThenRecover(String backend, Path log) throws Exception {
        try (Vyre v = Vyre.open(backend); Session s = v.openSession(DeviceLossCheck.options(SLOTS, log))) {
            assertEquals(0, Words.get(s.dataBuffer(), 0));
            DeviceLossCheck.publishAll(s, SLOTS, TRAP);
            assertTrue(s.awaitDoneCount(SLOTS, Duration.ofSeconds(60)), "DONE_COUNT " + s.doneCount());
            DeviceLossCheck.verifyRecovery(s, IntStream.range(0, SLOTS).toArray(), SLOTS, false);
        }
        String line = DeviceLossCheck.recover(backend, SLOTS, log, UNFINISHED, 60);
        assertTrue(line.contains("re-ran 3 slots"), line);
    }

    private static String failure(Runnable r) {
        return assertThrows(DeviceLossCheck.CheckFailed.class, r::run).getMessage();
    }
}
