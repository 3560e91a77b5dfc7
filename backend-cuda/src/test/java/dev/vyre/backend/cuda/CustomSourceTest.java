package dev.vyre.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.protocol.BackendException;
import dev.vyre.protocol.CustomOpcode;
import dev.vyre.protocol.CustomOpcodes;
import org.junit.jupiter.api.Test;

/** Custom CUDA opcodes become one device function each, dispatched in registration order. */
class CustomSourceTest {

    @Test
    void bodiesAreDispatchedInRegistrationOrder() {
        String source = MegakernelModule.customSource(CustomOpcodes.of(
                CustomOpcode.of(0x1234).text("cuda-c", "vyre_store_control(ctx, 170, ctx.a0);").build(),
                CustomOpcode.of(9).text("cuda-c", "vyre_atomic_add_control(ctx, 171, 1u);").build()));
        assertTrue(source.startsWith("struct VyreCtx;"), source.substring(0, 80));
        int first = source.indexOf("if (ctx.opcode == 0x1234u) vyre_custom_op_0(ctx);");
        int second = source.indexOf("if (ctx.opcode == 0x9u) vyre_custom_op_1(ctx);");
        assertTrue(first > 0 && second > first, "dispatch order");
        assertTrue(source.contains("vyre_store_control(ctx, 170, ctx.a0);"));
        assertTrue(source.contains("extern \"C\" __global__ void vyre_persistent"), "the kernel source is included");
    }

    @Test
    void anOpcodeWithoutCudaBodyIsRefusedWithAFix() {
        CustomOpcodes javaOnly = CustomOpcodes.of(CustomOpcode.java(0x1234, ctx -> { }));
        BackendException e = assertThrows(BackendException.class, () -> MegakernelModule.customSource(javaOnly));
        assertTrue(e.getMessage().contains("has no CUDA body") && e.getMessage().contains("Fix:"), e.getMessage());
    }

    @Test
    void aBodyInAnotherTextDialectIsRefusedWithAFix() {
        CustomOpcodes glslOnly = CustomOpcodes.of(CustomOpcode.of(0x1234).text("glsl", "/* */").build());
        BackendException e = assertThrows(BackendException.class, () -> MegakernelModule.customSource(glslOnly));
        assertTrue(e.getMessage().contains("has no CUDA body") && e.getMessage().contains("cuda-c")
                && e.getMessage().contains("Fix:"), e.getMessage());
    }
}
