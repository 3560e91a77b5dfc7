package dev.vyre.backend.vulkan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.api.DispatchRequest;
import dev.vyre.api.DispatchResult;
import dev.vyre.api.Vyre;
import dev.vyre.protocol.BackendException;
import dev.vyre.protocol.ControlCodec;
import dev.vyre.protocol.CustomOpcode;
import dev.vyre.protocol.CustomOpcodes;
import dev.vyre.protocol.DebugLogLayout;
import dev.vyre.protocol.RingPublisher;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Every loop of a glsl body polls the abort flag (a Vulkan dispatch cannot be cancelled otherwise). */
class GlslAbortPollsTest {

    private static final String C = GlslAbortPolls.CHECK;

    @Test
    void eachLoopBodyGetsTheCheckAfterItsBrace() {
        assertEquals("while (x < 3u) {" + C + " x++; }", GlslAbortPolls.insert(1, "while (x < 3u) { x++; }"));
        assertEquals("for (uint i = 0u; i < n; i++) {" + C + " for (;;) {" + C + " break; } }",
                GlslAbortPolls.insert(1, "for (uint i = 0u; i < n; i++) { for (;;) { break; } }"));
        assertEquals("while (vyre_load_control(170u) == 0u){" + C + " }",
                GlslAbortPolls.insert(1, "while (vyre_load_control(170u) == 0u);"));
    }

    @Test
    void aDoWhileGetsOneCheckAndKeepsItsTail() {
        assertEquals("do {" + C + " x++; } while (x < 9u);", GlslAbortPolls.insert(1, "do { x++; } while (x < 9u);"));
        assertEquals("do {" + C + " do {" + C + " y++; } while (y < 2u); x++; } /* end */ while (x < 9u);",
                GlslAbortPolls.insert(1, "do { do { y++; } while (y < 2u); x++; } /* end */ while (x < 9u);"));
    }

    @Test
    void commentsPreprocessorLinesAndOtherNamesAreLeftAlone() {
        String body = "// while (true) { }\n#define WHILE_LIKE 1\nuint format = 0u; /* for ( */ uint whilex = 1u;";
        assertEquals(body, GlslAbortPolls.insert(1, body));
    }

    @Test
    void noLineIsAddedSoCompilerLinesStillMatch() {
        String body = "uint n = 0u;\nwhile (n < 4u) {\n  n++;\n}\ndo {\n n--; } while (n > 0u);\n";
        String out = GlslAbortPolls.insert(1, body);
        assertEquals(body.lines().count(), out.lines().count(), out);
    }

    @Test
    void anUnbracedSimpleStatementIsPutInBraces() {
        assertEquals("for (uint i = 0u; i < 12u; ++i) {" + C + " vyre_store_control(160u + i, f(i, (1u)));"
                + " } x = 1u;", GlslAbortPolls.insert(1,
                "for (uint i = 0u; i < 12u; ++i) vyre_store_control(160u + i, f(i, (1u))); x = 1u;"));
        assertEquals("do {" + C + " x++; } while (x < 3u);", GlslAbortPolls.insert(1, "do x++; while (x < 3u);"));
    }

    @Test
    void anUnbracedCompoundBodyIsRefusedWithItsLineAndAFix() {
        BackendException e = assertThrows(BackendException.class,
                () -> GlslAbortPolls.insert(0x2100, "uint n = 0u;\nwhile (n < 4u) if (n > 1u) n++; else n += 2u;"));
        assertTrue(e.getMessage().contains("0x2100") && e.getMessage().contains("line 2"), e.getMessage());
        assertTrue(e.getMessage().contains("Fix: write the loop's body as { ... }"), e.getMessage());
        assertThrows(BackendException.class, () -> GlslAbortPolls.insert(1, "for (;;) for (;;) { }"));
        assertThrows(BackendException.class, () -> GlslAbortPolls.insert(1, "while (x < 3u) x++"));
        assertThrows(BackendException.class, () -> GlslAbortPolls.insert(1, "while (x < 3u { }"));
    }

    @Test
    void theIrsGlslLoweringStartsWithThePrefixSoItsLoopsGetNoChecks() {
        dev.vyre.ir.Program program = dev.vyre.ir.Program.build(b -> b.loop(dev.vyre.ir.Ir.u32(4), 4,
                (body, i) -> body.store(dev.vyre.ir.Ir.add(dev.vyre.ir.Ir.u64(160), dev.vyre.ir.Ir.asU64(i)), i)));
        String lowered = dev.vyre.ir.IrOpcodes.glsl(program);
        assertTrue(lowered.startsWith(GlslAbortPolls.IR_BODY_PREFIX), lowered);
        assertTrue(lowered.contains("for ("), lowered);
        assertEquals(lowered, GlslAbortPolls.functionBody(1, lowered));
    }

    @Test
    void anIrBodyIsLeftAsTheIrLoweredIt() {
        String ir = GlslAbortPolls.IR_BODY_PREFIX + "abc\nfor (uint i = 0u; i < 4u; ++i) { }";
        assertEquals(ir, GlslAbortPolls.functionBody(1, ir));
        assertEquals(GlslAbortPolls.COUNTER + " while (a) {" + C + " }", GlslAbortPolls.functionBody(1, "while (a) { }"));
    }

    @Test
    void bodiesWithPollsCompile() {
        CustomOpcodes ops = CustomOpcodes.of(
                CustomOpcode.of(0x2100).text("glsl", "while (vyre_load_control(170u) == 0u) { }").build(),
                CustomOpcode.of(0x2101).text("glsl", "uint n = 0u; do { n++; } while (n < 5u);"
                        + " for (uint i = 0u; i < 3u; i++) { n += i; } vyre_store_control(161u, n);").build());
        String glsl = ShaderCompiler.withCustomOpcodes(ops);
        assertTrue(glsl.contains(C), glsl);
        byte[] spv = ShaderCompiler.compile(glsl, Map.of("VYRE_LOCAL_SIZE", "64", "VYRE_CUSTOM", "1"));
        assertEquals(0x07230203, ByteBuffer.wrap(spv).order(ByteOrder.LITTLE_ENDIAN).getInt(0));
    }

    @Test
    void aBodyReturnsAtTheCheckAfterSettingTheFlagItself() {
        VulkanBackendProvider provider = new VulkanBackendProvider();
        Assumptions.assumeTrue(provider.probe().available(), () -> provider.probe().reason());
        try (Vyre vyre = Vyre.open(provider)) {
            // the body asks for the stop itself (SHUTDOWN, control word 0), then counts 5,000 loop iterations in
            // word 161; the inserted check sees the flag at its 1,024th pass and returns before that iteration
            CustomOpcodes ops = CustomOpcodes.of(CustomOpcode.of(0x2100).text("glsl",
                    "vyre_store_control(0u, 1u); uint n = 0u; while (n < 5000u) { n++; vyre_store_control(161u, n); }"
                            + " vyre_store_control(162u, 9u);").build());
            byte[] ring = new byte[64];
            RingPublisher.publishSlot(ring, 0, 0, 0x2100);
            DispatchResult r = vyre.dispatch(DispatchRequest.of(ControlCodec.encodeControl(false, 1, 4), ring,
                    new byte[DebugLogLayout.BUFFER_BYTES]).withOpcodes(ops));
            ByteBuffer control = ByteBuffer.wrap(r.control()).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(GlslAbortPolls.EVERY - 1, control.getInt(161 * 4));
            assertEquals(0, control.getInt(162 * 4), "the body went on after the check");
        }
    }
}
