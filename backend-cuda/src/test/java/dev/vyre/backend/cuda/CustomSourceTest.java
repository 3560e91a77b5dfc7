package dev.vyre.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vyre.protocol.BackendException;
import dev.vyre.protocol.CustomOpcode;
import dev.vyre.protocol.CustomOpcodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    void theDispatchIsCalledOnlyForOpcodesInTheRegisteredRange() {
        String source = MegakernelModule.customSource(CustomOpcodes.of(
                CustomOpcode.of(0x1234).text("cuda-c", "/* */").build(),
                CustomOpcode.of(9).text("cuda-c", "/* */").build()));
        assertTrue(source.contains("#define VYRE_CUSTOM_DISPATCH(ctx) do { if ((ctx).opcode - 0x9u <= 0x122bu)"
                + " vyre_custom_dispatch(ctx); } while (0)"), source.substring(0, 300));
    }

    @Test
    void bodiesDeclaredShortAreNamedForTheLeader() {
        String shortBody = "// vyre IR cuda-c body\n" + CustomOpcode.LOOP_ITERATIONS_MARK + "0\n" + CustomOpcode.SHORT_MARK
                + "\nvyre_store_control(ctx, 170, ctx.a0);";
        String source = MegakernelModule.customSource(CustomOpcodes.of(
                CustomOpcode.of(0x1234).text("cuda-c", shortBody).build(),
                CustomOpcode.of(9).text("cuda-c", "vyre_atomic_add_control(ctx, 171, 1u);").build(),
                CustomOpcode.of(0x77).text("cuda-c", shortBody).build()));
        assertTrue(source.startsWith("#define VYRE_CUSTOM_SHORT(op) ((op) == 0x1234u || (op) == 0x77u)\n"),
                source.substring(0, 120));
        String none = MegakernelModule.customSource(CustomOpcodes.of(
                CustomOpcode.of(9).text("cuda-c", "vyre_atomic_add_control(ctx, 171, 1u);").build()));
        assertTrue(!none.contains("#define VYRE_CUSTOM_SHORT(op) (") && none.contains("#define VYRE_CUSTOM_SHORT(op) false"),
                "no short body: the kernel's default (false)");
    }

    /**
     * nvcc compiles the dispatch, and with it every body, once: the kernel runs slots at several places, and an
     * inlined dispatch made the compile time grow with their number (the kernel's 7 call sites, 4 copies in PTX).
     */
    @Test
    void eachCustomBodyIsCompiledOnceHoweverManyPlacesRunSlots() throws Exception {
        assumeTrue(ShippedPtxTest.nvccAvailable(), "nvcc is not on the PATH: cannot compile the custom kernel");
        String source = MegakernelModule.customSource(CustomOpcodes.of(
                CustomOpcode.of(0x1234).text("cuda-c", "vyre_store_control(ctx, 170, 0x5EED0001u);").build(),
                CustomOpcode.of(9).text("cuda-c", CustomOpcode.SHORT_MARK + "\nvyre_atomic_add_control(ctx, 171, 1u);")
                        .build()));
        Path cu = Files.createTempFile("vyre-custom", ".cu");
        Path ptx = Files.createTempFile("vyre-custom", ".ptx");
        try {
            Files.writeString(cu, source);
            Process p = new ProcessBuilder("nvcc", "-ptx", "-arch=compute_75", "-o", ptx.toString(), cu.toString())
                    .redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes());
            assertEquals(0, p.waitFor(), "nvcc failed on the custom source: " + log);
            String text = Files.readString(ptx);
            assertEquals(1, count(text, Pattern.quote(Long.toString(0x5EED0001L))), "copies of the 0x1234 body");
            assertTrue(count(text, "call[.a-z]*\\s+\\(?[^;]*_Z20vyre_custom_dispatchR7VyreCtx") >= 2,
                    "the kernel calls the dispatch from its slot-running places");
        } finally {
            Files.deleteIfExists(cu);
            Files.deleteIfExists(ptx);
        }
    }

    private static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
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
