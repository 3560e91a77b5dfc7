package dev.vyre.backend.vulkan;

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
import dev.vyre.spi.Capabilities;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The abort flag of a {@code glsl} body, {@code vyre_abort_requested()} (docs/PROTOCOL.md, "Custom opcodes"): it
 * compiles into the megakernel and reads false while no stop was asked; in a persistent session on a device
 * without a loop limit (a GPU: lavapipe ends every invocation's loops after 65,535 iterations, so a spin cannot
 * last there) a body that spins until it is set returns at {@code close()}, which then stops the shader well
 * within its wait. On the H100: {@code StuckOpcodeCheck --backend vulkan}.
 */
class AbortFlagGlslTest {

    private static final int OP = 0x2100;
    private static final String SPIN = "while (!vyre_abort_requested()) { }\nvyre_store_control(161u, 7u);";

    @Test
    void aBodyPollingTheFlagCompiles() {
        CustomOpcodes ops = CustomOpcodes.of(CustomOpcode.of(OP).text("glsl", SPIN).build());
        byte[] spv = ShaderCompiler.compile(ShaderCompiler.withCustomOpcodes(ops),
                Map.of("VYRE_LOCAL_SIZE", "64", "VYRE_CUSTOM", "1"));
        assertEquals(0x07230203, ByteBuffer.wrap(spv).order(ByteOrder.LITTLE_ENDIAN).getInt(0));
    }

    @Test
    void theFlagReadsFalseWhileNoStopWasAsked() {
        VulkanBackendProvider provider = new VulkanBackendProvider();
        Assumptions.assumeTrue(provider.probe().available(), () -> provider.probe().reason());
        try (Vyre vyre = Vyre.open(provider)) {
            CustomOpcodes ops = CustomOpcodes.of(CustomOpcode.of(OP).text("glsl",
                    "vyre_store_control(160u, vyre_abort_requested() ? 2u : 1u);").build());
            byte[] ring = new byte[64];
            RingPublisher.publishSlot(ring, 0, 0, OP);
            DispatchResult r = vyre.dispatch(DispatchRequest.of(ControlCodec.encodeControl(false, 1, 4), ring,
                    new byte[DebugLogLayout.BUFFER_BYTES]).withOpcodes(ops));
            assertEquals(1, ByteBuffer.wrap(r.control()).order(ByteOrder.LITTLE_ENDIAN).getInt(160 * 4));
        }
    }

    @Test
    void aBodyThatSpinsUntilTheFlagReturnsAtClose() {
        VulkanBackendProvider provider = new VulkanBackendProvider();
        Assumptions.assumeTrue(provider.probe().available(), () -> provider.probe().reason());
        try (Vyre vyre = PersistentOnCpu.open(() -> Vyre.open(provider))) {
            Assumptions.assumeTrue(vyre.features().persistent(), "no persistent sessions on this device");
            Assumptions.assumeTrue(LoopLimit.of(vyre.device().name()) == Capabilities.UNLIMITED_LOOPS,
                    () -> vyre.device().name() + " ends long loops itself");
            CustomOpcodes ops = CustomOpcodes.of(CustomOpcode.of(OP).text("glsl", SPIN).build());
            Session s = vyre.openSession(SessionOptions.builder().slotCount(8).observableSlots(8).opcodes(ops).build());
            s.publish(3, 0, OP, 0, 0, 0);
            assertTrue(s.awaitSlotStatus(3, SlotStatus.CLAIMED, Duration.ofSeconds(30)), "the slot was never claimed");
            long t0 = System.nanoTime();
            s.close(); // throws when the shader did not stop within the session's wait
            long millis = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(millis < 10_000, "close took " + millis + " ms");
        }
    }
}
