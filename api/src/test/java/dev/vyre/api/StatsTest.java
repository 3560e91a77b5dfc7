package dev.vyre.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.Opcodes;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Session and one-pass dispatch statistics, over the recording driver of {@link SessionRuntimeTest}. */
class StatsTest {

    @Test
    void sessionStatsCountBatchesWaitsReadbacksAndDoneSlots() {
        SessionRuntimeTest.Log log = new SessionRuntimeTest.Log();
        try (Vyre vyre = Vyre.open(SessionRuntimeTest.provider(log));
             Session s = vyre.openSession(SessionOptions.builder().slotCount(8).observableSlots(16)
                     .dataBufferBytes(4096).build());
             Arena arena = Arena.ofConfined()) {
            SessionStats fresh = s.stats();
            assertEquals(0, fresh.slotsCompleted());
            assertEquals(0, fresh.publishBatches());
            assertEquals(1, fresh.kernelLaunches());
            assertEquals(1, fresh.residentResourceRows());
            assertEquals(5, fresh.residentResourceHandles(), "control, ring, debug log, IO queue, data");

            s.publish(0, 0, Opcodes.NOP, 0, 0, 0);
            assertEquals(0, s.stats().publishBatches(), "a single publish is not a batch");
            s.publishDeferred(1, 0, Opcodes.NOP, 0, 0, 0);
            s.publishDeferred(2, 0, Opcodes.NOP, 0, 0, 0);
            s.flush();
            s.flush();
            MemorySegment images = arena.allocate(2 * 64L);
            Slots.encode(images, 0, 0, Opcodes.NOP, 0, 0, 0);
            Slots.encode(images, 1, 0, Opcodes.NOP, 0, 0, 0);
            assertEquals(2, s.publishSlots(3, images, 2));

            s.writeControlWord(ControlLayout.DONE_COUNT, 5);
            assertTrue(s.awaitDoneCount(5, Duration.ofSeconds(1)));
            byte[] ring = s.ringSnapshot();

            SessionStats st = s.stats();
            assertEquals(2, st.publishBatches(), "one non-empty flush and one publishSlots");
            assertEquals(1, st.syncPoints());
            assertEquals(5, st.slotsCompleted());
            assertEquals(5 * 64, st.slotBytes());
            assertEquals(ring.length, st.readbackBytes());
            assertEquals(5 * 64 + ring.length, st.bytesMoved());
            assertTrue(st.ageNanos() > fresh.ageNanos());
            assertTrue(st.slotsPerSecond() > 0);
        }
    }

    @Test
    void sessionWithoutDataBufferHoldsFourResidentBuffers() {
        SessionRuntimeTest.Log log = new SessionRuntimeTest.Log();
        try (Vyre vyre = Vyre.open(SessionRuntimeTest.provider(log));
             Session s = vyre.openSession(SessionOptions.builder().slotCount(8).build())) {
            assertEquals(4, s.stats().residentResourceHandles());
        }
    }

    @Test
    void dispatchStatsCountEveryBufferBothWays() {
        SessionRuntimeTest.Log log = new SessionRuntimeTest.Log();
        try (Vyre vyre = Vyre.open(SessionRuntimeTest.provider(log))) {
            byte[] control = Megakernel.encodeControl(false, 1, 0);
            DispatchRequest request = DispatchRequest.of(control, new byte[64 * 4], new byte[1028])
                    .withData(new byte[256]);
            DispatchStats st = vyre.dispatch(request).stats();
            long in = (long) control.length + 256 + 1028 + request.ioQueue().length + 256;
            assertEquals(in, st.inputBytes());
            assertEquals(in, st.outputBytes());
            assertEquals(in, st.readbackBytes());
            assertEquals(2 * in, st.bytesMoved());
            assertEquals(2 * in, st.deviceAllocationBytes());
            assertEquals(5, st.outputBuffers());
            assertEquals(10, st.deviceAllocationEvents());
            assertEquals(1, st.kernelLaunches());
            assertEquals(1, st.syncPoints());
            assertEquals(0, st.residentResourceRows());
            assertEquals(0, st.residentResourceHandles());
            assertFalse(st.recoveredAfterDeviceLoss());
            assertTrue(st.latencyNanos() > 0);
            assertEquals(st.bytesMoved() * 1e9 / st.latencyNanos(), st.bytesMovedPerSecond(), 1e-6);
        }
    }

    @Test
    void ratesAreZeroAtZeroLatency() {
        DispatchStats st = new DispatchStats(100, 100, 10, 0, 5, 1, 1, false);
        assertEquals(0, st.bytesMovedPerSecond());
        assertEquals(0, st.inputBytesPerSecond());
        assertEquals(0, st.outputBytesPerSecond());
    }
}
