package dev.vyre.backend.vulkan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.api.DispatchRequest;
import dev.vyre.api.DispatchResult;
import dev.vyre.api.Vyre;
import dev.vyre.ir.Ir;
import dev.vyre.ir.IrOpcodes;
import dev.vyre.ir.Program;
import dev.vyre.protocol.ControlCodec;
import dev.vyre.protocol.CustomOpcode;
import dev.vyre.protocol.CustomOpcodes;
import dev.vyre.protocol.RingPublisher;
import dev.vyre.protocol.UnsupportedFeatureException;
import dev.vyre.spi.Capabilities;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The loop limit the backend declares (llvmpipe: 65,535 iterations per invocation) and the runtime's refusal
 * of an IR opcode whose loops could run longer; an opcode within the limit runs.
 */
class LoopLimitTest {
    private static final int OPCODE = 0x2001;

    @Test
    void llvmpipeIsLimitedAndGpusAreNot() {
        assertEquals(65_535, LoopLimit.of("llvmpipe (LLVM 19.1.7, 256 bits)"));
        assertEquals(Capabilities.UNLIMITED_LOOPS, LoopLimit.of("NVIDIA H100 80GB HBM3"));
        assertEquals(Capabilities.UNLIMITED_LOOPS, LoopLimit.of("AMD Radeon RX 7900 XTX (RADV NAVI31)"));
    }

    /** {@code for i < min(a0, bound): atomicAdd(160, 1)}: word 160 counts the iterations. */
    private static Program counter(int bound) {
        return Program.build(b -> b.loop(Ir.arg(0), bound, (body, i) -> body.atomicAdd(Ir.u32(160), Ir.u32(1))));
    }

    @Test
    void theDeviceDeclaresItsLimitAndTheRuntimeRefusesLongerLoops() {
        VulkanBackendProvider provider = new VulkanBackendProvider();
        Assumptions.assumeTrue(provider.probe().available(), () -> provider.probe().reason());
        try (Vyre vyre = Vyre.open(provider)) {
            long limit = LoopLimit.of(vyre.device().name());
            assertEquals(limit, vyre.features().maxLoopIterations());
            Assumptions.assumeTrue(limit != Capabilities.UNLIMITED_LOOPS, "the device runs loops of any length");

            CustomOpcodes tooLong = CustomOpcodes.of(IrOpcodes.irOpcode(OPCODE, counter((int) limit + 1)));
            UnsupportedFeatureException e = assertThrows(UnsupportedFeatureException.class,
                    () -> vyre.dispatch(request(10, tooLong)));
            assertTrue(e.getMessage().contains("custom opcode 0x2001's glsl body runs up to " + (limit + 1)
                    + " loop iterations") && e.getMessage().contains("Fix: "), e.getMessage());

            CustomOpcode within = IrOpcodes.irOpcode(OPCODE, counter(1000));
            assertEquals(1000, CustomOpcode.declaredLoopIterations(within.text(IrOpcodes.GLSL)));
            DispatchResult r = vyre.dispatch(request(700, CustomOpcodes.of(within)));
            assertEquals(700, ByteBuffer.wrap(r.control()).order(ByteOrder.LITTLE_ENDIAN).getInt(160 * 4));
        }
    }

    private static DispatchRequest request(int iterations, CustomOpcodes opcodes) {
        byte[] control = ControlCodec.encodeControl(false, 1, 16);
        byte[] ring = new byte[64];
        RingPublisher.publishSlot(ring, 0, 0, OPCODE, iterations, 0, 0);
        return DispatchRequest.of(control, ring, new byte[1028]).withOpcodes(opcodes);
    }
}
