package dev.vyre.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.api.DispatchRequest;
import dev.vyre.api.DispatchResult;
import dev.vyre.api.Session;
import dev.vyre.api.SessionOptions;
import dev.vyre.api.Vyre;
import dev.vyre.protocol.ControlCodec;
import dev.vyre.protocol.CustomOpcode;
import dev.vyre.protocol.CustomOpcodes;
import dev.vyre.protocol.DebugLogLayout;
import dev.vyre.protocol.RingPublisher;
import dev.vyre.protocol.SlotStatus;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The abort flag of an {@code opencl-c} body, {@code vyre_abort_requested(ctx)} (docs/PROTOCOL.md, "Custom
 * opcodes"): false while the session runs; in a persistent session a body that spins until it is set returns at
 * {@code close()}, which then stops the kernel well within its wait.
 */
class AbortFlagTest {

    private static final int OP = 0x2100;

    @Test
    void theFlagReadsFalseWhileNoStopWasAsked() {
        try (Vyre vyre = OpenClTesting.openOrSkip()) {
            CustomOpcodes ops = CustomOpcodes.of(CustomOpcode.of(OP).text(KernelSource.DIALECT,
                    "vyre_store_control(ctx, 160ul, vyre_abort_requested(ctx) ? 2u : 1u);").build());
            byte[] ring = new byte[64];
            RingPublisher.publishSlot(ring, 0, 0, OP);
            DispatchResult r = vyre.dispatch(DispatchRequest.of(ControlCodec.encodeControl(false, 1, 4), ring,
                    new byte[DebugLogLayout.BUFFER_BYTES]).withOpcodes(ops));
            assertEquals(1, MemorySegment.ofArray(r.control())
                    .get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 160L * 4));
        }
    }

    @Test
    void aBodyThatSpinsUntilTheFlagReturnsAtClose() {
        try (Vyre vyre = OpenClTesting.openOrSkip()) {
            Assumptions.assumeTrue(vyre.features().persistent(), "no persistent sessions on this device");
            CustomOpcodes ops = CustomOpcodes.of(CustomOpcode.of(OP).text(KernelSource.DIALECT,
                    "while (!vyre_abort_requested(ctx)) { }\nvyre_store_control(ctx, 161ul, 7u);").build());
            Session s = vyre.openSession(SessionOptions.builder().slotCount(8).observableSlots(8).opcodes(ops).build());
            s.publish(3, 0, OP, 0, 0, 0);
            assertTrue(s.awaitSlotStatus(3, SlotStatus.CLAIMED, Duration.ofSeconds(20)), "the slot was never claimed");
            long t0 = System.nanoTime();
            s.close(); // throws when the kernel did not stop within the session's wait
            long millis = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(millis < 10_000, "close took " + millis + " ms");
        }
    }
}
