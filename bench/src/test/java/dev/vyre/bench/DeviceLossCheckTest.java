package dev.vyre.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.api.DispatchRequest;
import dev.vyre.api.DispatchResult;
import dev.vyre.api.Session;
import dev.vyre.api.SessionOptions;
import dev.vyre.api.Vyre;
import dev.vyre.protocol.BackendException;
import dev.vyre.protocol.ControlCodec;
import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.DebugLogLayout;
import dev.vyre.protocol.RingCodec;
import dev.vyre.protocol.RingPublisher;
import dev.vyre.protocol.SlotStatus;
import dev.vyre.protocol.Words;
import java.lang.foreign.MemorySegment;
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

    /**
     * The {@code glsl} body compiled into the Vulkan megakernel (lavapipe here) runs every slot once, the token slot
     * included (data word 0 is zero, so it does not fault): a one-pass dispatch of the check's slots, whose control
     * buffer must equal the reference backend's byte for byte and show every mark and run counter once. (A
     * persistent session on lavapipe ends on its own after 65,535 loop iterations, so it is not used here.)
     */
    @Test
    void theGlslBodyCompilesAndRunsEverySlotOnceOnVulkan() {
        DispatchRequest request = onePass(SLOTS, TRAP);
        DispatchResult vulkan;
        try (Vyre v = Vyre.open("vulkan")) {
            vulkan = v.dispatch(request);
        } catch (BackendException e) {
            Assumptions.abort("no Vulkan device: " + e.getMessage());
            return;
        }
        DispatchResult reference;
        try (Vyre r = Vyre.open("reference")) {
            reference = r.dispatch(request);
        }
        assertArrayEquals(reference.control(), vulkan.control(), "control buffer, Vulkan against the reference");
        assertArrayEquals(reference.ring(), vulkan.ring(), "ring, Vulkan against the reference");
        MemorySegment c = MemorySegment.ofArray(vulkan.control());
        assertEquals(SLOTS, Words.get(c, ControlLayout.DONE_COUNT));
        for (int i = 0; i < SLOTS; i++) {
            assertEquals(1, Words.get(c, ControlLayout.OBSERVABLE_BASE + (i >>> 5)) >>> (i & 31) & 1, "mark " + i);
            assertEquals(i + 1, Words.get(c, DeviceLossCheck.counterWord(SLOTS, i)), "run counter " + i);
        }
    }

    /** The check's slots 0..slots-1 (slot {@code trapSlot} with the token) as one one-pass request. */
    private static DispatchRequest onePass(int slots, int trapSlot) {
        SessionOptions o = DeviceLossCheck.options(slots, null);
        byte[] ring = RingCodec.encodeEmptyRing(slots);
        for (int i = 0; i < slots; i++) {
            RingPublisher.publishSlot(ring, i, 0, DeviceLossCheck.MARK, i, i + 1,
                    i == trapSlot ? DeviceLossCheck.TOKEN : 0, DeviceLossCheck.counterWord(slots, i));
        }
        return DispatchRequest.of(ControlCodec.encodeControl(false, 1, o.observableSlots()), ring,
                        new byte[DebugLogLayout.BUFFER_BYTES])
                .withData(new byte[(int) o.dataBufferBytes()]).withOpcodes(o.opcodes());
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
