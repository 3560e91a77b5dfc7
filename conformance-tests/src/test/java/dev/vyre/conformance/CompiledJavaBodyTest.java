package dev.vyre.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vyre.ir.IrOpcodes;
import dev.vyre.ir.Program;
import dev.vyre.protocol.OpcodeHandler;
import dev.vyre.protocol.SlotContext;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The IR opcode's Java body compiled to bytecode ({@code IrOpcodes.compiled}, the {@code java} body
 * {@code IrOpcodes.irOpcode} attaches) against the tree-walking evaluator ({@code IrOpcodes.interpreted}) on the
 * differential fuzzer's programs ({@link IrProgramGenerator}: every kind, the hostile families, a maximal loop in
 * the first batch), each in three random slots (slot numbers 0, 3, 6: their own control windows), with random
 * control words, data and hostile arguments: identical control words.
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
                    ArrayContext e = ArrayContext.random(rnd, CONTROL_WORDS, s * 3);
                    ArrayContext c = e.copy();
                    evaluated.execute(e);
                    compiled.execute(c);
                    if (!Arrays.equals(e.control, c.control)) {
                        int w = Arrays.mismatch(e.control, c.control);
                        throw new AssertionError(batch + ", slot " + e.slot + ": control word " + w + " is 0x"
                                + Integer.toHexString(c.control[w]) + " compiled, 0x"
                                + Integer.toHexString(e.control[w]) + " evaluated\n" + p + "encoding "
                                + HexFormat.of().formatHex(p.encode()));
                    }
                }
                programs++;
            }
        }
        assertEquals(BATCHES * 8, programs);
    }

    /** Control words and data bytes in arrays with the protocol's bounds rule. */
    private static final class ArrayContext implements SlotContext {
        final int[] control;
        final byte[] data;
        final int[] args;
        final int slot;

        private ArrayContext(int[] control, byte[] data, int[] args, int slot) {
            this.control = control;
            this.data = data;
            this.args = args;
            this.slot = slot;
        }

        static ArrayContext random(Random rnd, int words, int slot) {
            int[] control = new int[words];
            for (int i = 0; i < words; i++) {
                control[i] = rnd.nextInt(3) == 0 ? 0 : rnd.nextInt();
            }
            byte[] data = new byte[rnd.nextInt(4) == 0 ? 0 : 1 + rnd.nextInt(400)];
            rnd.nextBytes(data);
            int[] args = new int[12];
            List<Integer> hostile = List.of(0, -1, Integer.MIN_VALUE, 32, 33, 64, 0x7FFFFFFF, 1);
            for (int a = 0; a < args.length; a++) {
                args[a] = rnd.nextBoolean() ? hostile.get(rnd.nextInt(hostile.size())) : rnd.nextInt();
            }
            return new ArrayContext(control, data, args, slot);
        }

        ArrayContext copy() {
            return new ArrayContext(control.clone(), data, args, slot);
        }

        @Override
        public int opcode() {
            return IrFuzzer.FIRST_OPCODE;
        }

        @Override
        public int slot() {
            return slot;
        }

        @Override
        public int tenant() {
            return 0;
        }

        @Override
        public int arg(int i) {
            return args[i];
        }

        @Override
        public long controlWords() {
            return control.length;
        }

        @Override
        public int loadControl(long word) {
            return control[Math.toIntExact(word)];
        }

        @Override
        public void storeControl(long word, int value) {
            control[Math.toIntExact(word)] = value;
        }

        @Override
        public int atomicAddControl(long word, int delta) {
            int old = control[Math.toIntExact(word)];
            control[(int) word] = old + delta;
            return old;
        }

        @Override
        public int compareAndSwapControl(long word, int expected, int desired) {
            int old = control[Math.toIntExact(word)];
            if (old == expected) {
                control[(int) word] = desired;
            }
            return old;
        }

        @Override
        public long dataBytes() {
            return data.length;
        }

        @Override
        public int loadDataByte(long offset) {
            return data[Math.toIntExact(offset)];
        }
    }
}
