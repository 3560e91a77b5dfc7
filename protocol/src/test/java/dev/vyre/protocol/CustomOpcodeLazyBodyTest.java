package dev.vyre.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Lazy bodies: made on first read, once; listing the dialects makes none; a bad supplier is reported. And the
 * loop-iteration mark a text body declares its loop bound with.
 */
class CustomOpcodeLazyBodyTest {

    @Test
    void aLazyBodyIsMadeOnFirstReadOnly() {
        AtomicInteger cuda = new AtomicInteger();
        AtomicInteger glsl = new AtomicInteger();
        AtomicInteger java = new AtomicInteger();
        OpcodeHandler handler = ctx -> ctx.storeControl(160, 1);
        CustomOpcode op = CustomOpcode.of(0x2001)
                .lazyJava(() -> {
                    java.incrementAndGet();
                    return handler;
                })
                .lazyText("cuda-c", () -> "cuda" + cuda.incrementAndGet())
                .lazyText("glsl", () -> "glsl" + glsl.incrementAndGet())
                .text("vyre-ir", "eager")
                .build();
        assertEquals(List.of("java", "cuda-c", "glsl", "vyre-ir"), List.copyOf(op.dialects()));
        assertEquals(0, cuda.get() + glsl.get() + java.get(), "listing the dialects makes no body");
        assertEquals("cuda1", op.text("cuda-c"));
        assertEquals("cuda1", op.text("cuda-c"));
        assertEquals("cuda1", op.body("cuda-c"));
        assertEquals(1, cuda.get());
        assertEquals(0, glsl.get(), "reading one dialect makes no other");
        assertEquals(0, java.get());
        assertSame(handler, op.handler());
        assertSame(handler, op.bodies().get("java"));
        assertEquals(1, java.get());
        assertEquals("glsl1", op.bodies().entrySet().stream().filter(e -> e.getKey().equals("glsl")).findFirst()
                .orElseThrow().getValue());
        assertEquals(1, glsl.get());
        assertEquals("eager", op.text("vyre-ir"));
        assertTrue(op.bodies().containsKey("glsl"));
        assertThrows(UnsupportedOperationException.class, () -> op.bodies().put("x", "y"));
    }

    @Test
    void aSupplierThatGivesNoBodyIsReportedWithAFix() {
        CustomOpcode op = CustomOpcode.of(0x2001).lazyText("glsl", () -> null).build();
        VyreArgumentException e = assertThrows(VyreArgumentException.class, () -> op.text("glsl"));
        assertTrue(e.getMessage().contains("lazy glsl body gave null") && e.getMessage().contains("Fix: "),
                e.getMessage());
        assertThrows(VyreArgumentException.class, () -> CustomOpcode.of(0x2001).lazyText("java", () -> "x"));
    }

    @Test
    void aSupplierFailureReachesTheReaderAndIsTriedAgain() {
        AtomicInteger calls = new AtomicInteger();
        CustomOpcode op = CustomOpcode.of(0x2001).lazyText("glsl", () -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("first");
            }
            return "ok";
        }).build();
        assertThrows(IllegalStateException.class, () -> op.text("glsl"));
        assertEquals("ok", op.text("glsl"));
        assertEquals("ok", op.text("glsl"));
        assertEquals(2, calls.get());
    }

    @Test
    void aBodyDeclaresItsLoopIterationsInItsFirstLines() {
        assertEquals(70_000, CustomOpcode.declaredLoopIterations(
                "// vyre IR glsl body, program sha256 00\n// vyre-loop-iterations: 70000\nvyre_store_control(1u, 2u);\n"));
        assertEquals(0, CustomOpcode.declaredLoopIterations("// vyre-loop-iterations: 0"));
        assertEquals(-1, CustomOpcode.declaredLoopIterations("vyre_store_control(1u, 2u);"));
        assertEquals(-1, CustomOpcode.declaredLoopIterations("// vyre-loop-iterations: many\n"));
        assertEquals(-1, CustomOpcode.declaredLoopIterations("a\nb\nc\nd\n// vyre-loop-iterations: 5\n"),
                "only the first lines count");
        assertEquals(-1, CustomOpcode.declaredLoopIterations(""));
    }

    @Test
    void aBodyDeclaresItselfShortWithAWholeLineInItsFirstLines() {
        assertTrue(CustomOpcode.declaresShort(
                "// vyre IR cuda-c body, program sha256 00\n// vyre-loop-iterations: 0\n// vyre-short\nx();\n"));
        assertTrue(CustomOpcode.declaresShort("// vyre-short"));
        assertFalse(CustomOpcode.declaresShort("// vyre-shortest\n"), "the whole line, not a prefix");
        assertFalse(CustomOpcode.declaresShort("x();\n// vyre-loop-iterations: 0\n"));
        assertFalse(CustomOpcode.declaresShort("a\nb\nc\nd\n// vyre-short\n"), "only the first lines count");
        assertFalse(CustomOpcode.declaresShort(""));
    }
}
