package dev.vyre.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.protocol.BackendException;
import dev.vyre.protocol.IoOutcome;
import dev.vyre.protocol.IoRequest;
import dev.vyre.protocol.MegakernelIoQueue;
import dev.vyre.protocol.PipelineException;
import dev.vyre.protocol.QueueFullException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The Megakernel facade's IO queue, priority offset, validation and telemetry methods. */
class MegakernelIoTelemetryFacadeTest {

    private static final String QF = "io_uring submission queue at capacity. Fix: ";

    private static String message(Executable e) {
        PipelineException ex = assertThrows(PipelineException.class, e);
        assertTrue(ex.getMessage().contains("Fix: "), ex.getMessage());
        String lower = ex.getMessage().toLowerCase(java.util.Locale.ROOT);
        assertFalse(lower.contains("cpu") || lower.contains("fallback") || lower.contains("software"), lower);
        return ex.getMessage();
    }

    @Test
    void ioQueueRoundTrip() {
        MegakernelIoQueue q = new MegakernelIoQueue(2);
        q.submitDmaRead(1, 10, 20, 4096, 99);
        byte[] b = q.toByteArray();
        IoRequest req = new IoRequest(1, 1, 10, 20, 0, 4096, 99);
        assertEquals(List.of(req), Megakernel.pollIoRequests(b));
        assertEquals(List.of(req), Megakernel.tryPollIoRequests(b));
        List<IoRequest> out = new ArrayList<>();
        assertEquals(1, Megakernel.tryPollIoRequestsInto(b, out));
        assertEquals(1, Megakernel.claimIoRequestsInto(b, out));
        assertEquals(0, Megakernel.tryClaimIoRequestsInto(b, out));
        Megakernel.completeIoRequest(b, 1, true);
        assertEquals(0x10, b[32 + 24]);
        assertEquals(QF + "io_queue completion requires a CLAIMED request; poll with Megakernel.claimIoRequestsInto before "
                + "completing so the same DMA is not completed without ownership",
                message(() -> Megakernel.tryCompleteIoRequest(b, 1, true)));
        assertEquals(QF + "io_queue completion slot exceeds queue length; complete a valid slot id",
                message(() -> Megakernel.tryCompleteIoRequestsBatch(b, List.of(IoOutcome.success(2)))));
        assertTrue(message(() -> Megakernel.pollIoRequests(new byte[3])).contains("4-byte aligned"));
        assertEquals(QF + "io_queue requires at least one slot", message(() -> Megakernel.encodeEmptyIoQueue(0)));
        assertThrows(QueueFullException.class, () -> Megakernel.tryEncodeEmptyIoQueue(0xFFFF_FFFF));
        assertEquals(64 * 32, Megakernel.tryEncodeEmptyIoQueue(64).length);
        assertEquals(2, Megakernel.validateIoQueueBytes(b));
        assertEquals(64, Megakernel.tryEncodeEmptyIoQueueInto(2, new byte[64]));
    }

    @Test
    void priorityOffsets() {
        assertArrayEquals(new int[] {0, 2, 4, 6, 8, 10}, Megakernel.defaultPriorityOffsets(10));
        assertArrayEquals(new int[] {0, 3, 6, 10, 13, 16}, Megakernel.tryDefaultPriorityOffsets(16));
        assertArrayEquals(new int[] {0, 12, 24, 40, 52, 64}, Megakernel.defaultPriorityOffsetsArray(64));
        byte[] control = Megakernel.encodeControl(false, 1, 0);
        Megakernel.writeDefaultPriorityOffsets(control, 10);
        assertEquals(10, control[134 * 4]);
        byte[] small = new byte[524];
        assertEquals(QF + "control buffer is too small for priority partition offsets; rebuild it with "
                + "Megakernel.encodeControl", message(() -> Megakernel.writeDefaultPriorityOffsets(small, 10)));
        assertArrayEquals(new byte[524], small);
    }

    @Test
    void validationHelpers() {
        for (int n : new int[] {4, 101, 642}) {
            assertEquals("backend error: megakernel control buffer has " + n + " bytes, expected at least 640 bytes "
                    + "and 4-byte alignment. Fix: build it with Megakernel.encodeControl.",
                    message(() -> Megakernel.validateControlBytes(new byte[n])));
        }
        Megakernel.validateControlBytes(new byte[640]);
        Megakernel.validateControlBytes(new byte[644]);
        for (int n : new int[] {4, 1032}) {
            assertEquals("backend error: megakernel debug-log buffer has " + n + " bytes, expected exactly 1028 "
                    + "bytes for 64 PRINTF records. Fix: build it with "
                    + "Megakernel.encodeEmptyDebugLog(Megakernel.debugRecordCapacity()).",
                    message(() -> Megakernel.validateDebugLogBytes(new byte[n])));
        }
        Megakernel.validateDebugLogBytes(new byte[1028]);
    }

    @Test
    void telemetry() {
        byte[] control = Megakernel.encodeControl(false, 2, 0);
        byte[] ring = Megakernel.encodeEmptyRing(2);
        Megakernel.publishSlot(ring, 0, 1, 0x4000_0000, 5);
        var t = Megakernel.tryRingTelemetry(control, ring);
        assertEquals(1, t.occupancy().published());
        assertEquals(1, t.runtimeCounters().queueDepth());
        assertEquals("backend error: megakernel ring snapshot has 65 bytes, not a multiple of slot size 64. Fix: "
                + "capture whole ring slots.", message(() -> Megakernel.tryRingTelemetry(control, new byte[65])));
        assertTrue(Megakernel.ringTelemetry(new byte[636], ring).isEmpty());
        assertThrows(BackendException.class, () -> Megakernel.tryRingTelemetry(new byte[641], ring));
    }
}
