package dev.vyre.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vyre.ir.IrOpcodes;
import dev.vyre.ir.Program;
import dev.vyre.ir.testing.BoundedSlotContext;
import dev.vyre.ir.testing.IrProgramGenerator;
import dev.vyre.protocol.OpcodeHandler;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The IR opcode's Java body compiled to bytecode ({@code IrOpcodes.compiled}, the {@code java} body
 * {@code IrOpcodes.irOpcode} attaches) against the tree-walking evaluator ({@code IrOpcodes.interpreted}) on the
 * differential fuzzer's programs ({@link IrProgramGenerator}: every kind, the hostile families, a maximal loop in
 * the first batch), each in three random slots (slot numbers 0, 3, 6: their own control windows), with random
 * control words, data and hostile arguments: identical control words, and no out-of-range index passed to
 * the slot context (both bodies check every index first).
 * {@code -Dvyre.irCompile.batches=N} runs N batches of 8 programs (default 150).
 */
class CompiledJavaBodyTest {
    private static final int BATCHES = Integer.getInteger("vyre.irCompile.batches", 150);
    private static final int CONTROL_WORDS = 160 + 64 * 8 + 32;

    @Test
    void fuzzerProgramsRunTheSameCompiledAndEvaluated() {
        Random rnd = new Random(5);
        int programs = 0;
        for (int b = 0; b < BATCHES; b++) {
            IrFuzzer.Batch batch = IrFuzzer.batch(0xB0DE + b, 8, 2, b == 0);
            for (Program p : batch.programs()) {
                OpcodeHandler compiled = IrOpcodes.compiled(p);
                OpcodeHandler evaluated = IrOpcodes.interpreted(p);
                for (int s = 0; s < 3; s++) {
                    BoundedSlotContext e = BoundedSlotContext.random(rnd, CONTROL_WORDS, IrFuzzer.FIRST_OPCODE, s * 3);
                    BoundedSlotContext c = e.copy();
                    evaluated.execute(e);
                    compiled.execute(c);
                    if (!Arrays.equals(e.control(), c.control())) {
                        int w = Arrays.mismatch(e.control(), c.control());
                        throw new AssertionError(batch + ", slot " + e.slot() + ": control word " + w + " is 0x"
                                + Integer.toHexString(c.control()[w]) + " compiled, 0x"
                                + Integer.toHexString(e.control()[w]) + " evaluated\n" + p + "encoding "
                                + HexFormat.of().formatHex(p.encode()));
                    }
                    assertEquals(0, e.outOfRangeCalls() + c.outOfRangeCalls(),
                            () -> batch + ", slot " + e.slot() + ": a Java body passed an out-of-range index\n" + p);
                }
                programs++;
            }
        }
        assertEquals(BATCHES * 8, programs);
    }
}
