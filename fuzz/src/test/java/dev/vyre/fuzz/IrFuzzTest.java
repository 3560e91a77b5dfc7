package dev.vyre.fuzz;

import static dev.vyre.fuzz.Checks.assertOneFix;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vyre.ir.BinaryOp;
import dev.vyre.ir.Block;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Ir;
import dev.vyre.ir.IrException;
import dev.vyre.ir.IrOpcodes;
import dev.vyre.ir.Program;
import dev.vyre.ir.Type;
import dev.vyre.ir.testing.BoundedSlotContext;
import dev.vyre.protocol.OpcodeHandler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Jazzer targets over the IR: the binary decoder and validator on arbitrary bytes, and the builder and validator
 * on structured random programs. A refusal is an {@link IrException} with one {@code Fix:}; an accepted program
 * re-encodes to exactly its input bytes (the encoding is canonical), decodes back equal, lowers to CUDA C and
 * GLSL deterministically, and runs on the Java evaluator deterministically, touching memory only through its
 * slot context.
 */
class IrFuzzTest {

    /** Programs whose work bound is above this are checked but not run, to keep each input fast. */
    private static final long RUN_BUDGET = 1 << 16;

    @FuzzTest(maxDuration = "10s")
    void decodeAndValidate(byte[] bytes) {
        Program p;
        try {
            p = Program.decode(bytes);
        } catch (IrException e) {
            assertOneFix(e);
            return;
        }
        assertArrayEquals(bytes, p.encode(), "decode accepted a non-canonical encoding");
        accepted(p, new int[12]);
    }

    @FuzzTest(maxDuration = "10s")
    void buildAndValidate(FuzzedDataProvider data) {
        int[] args = new int[12];
        for (int i = 0; i < 12; i++) {
            args[i] = data.consumeInt();
        }
        Program p;
        try {
            p = Program.build(b -> statements(b, data, 0, new ArrayList<>()));
        } catch (IrException e) {
            assertOneFix(e);
            return;
        }
        assertEquals(p, Program.decode(p.encode()));
        accepted(p, args);
    }

    private static void accepted(Program p, int[] args) {
        assertEquals(p, Program.decode(p.encode()));
        assertEquals(p.fingerprint(), Program.decode(p.encode()).fingerprint());
        assertEquals(IrOpcodes.cudaC(p), IrOpcodes.cudaC(Program.decode(p.encode())));
        assertEquals(IrOpcodes.glsl(p), IrOpcodes.glsl(Program.decode(p.encode())));
        p.toString();
        if (p.workBound() <= RUN_BUDGET) {
            BoundedSlotContext first = slot(args);
            BoundedSlotContext second = slot(args);
            OpcodeHandler handler = IrOpcodes.java(p);
            handler.execute(first);
            IrOpcodes.java(Program.decode(p.encode())).execute(second);
            assertArrayEquals(first.control(), second.control(), "the evaluator is not deterministic");
            assertEquals(0, first.outOfRangeCalls() + second.outOfRangeCalls(),
                    "the Java body passed an out-of-range index to its slot context");
        }
    }

    private static void statements(Block b, FuzzedDataProvider data, int depth, List<Expr.Ref> vars) {
        int n = data.consumeInt(0, depth == 0 ? 6 : 3);
        for (int i = 0; i < n && data.remainingBytes() > 0; i++) {
            switch (data.consumeInt(0, 7)) {
                case 0 -> b.let(expr(data, 0, vars));
                case 1 -> vars.add(b.var(expr(data, 0, vars)));
                case 2 -> {
                    if (!vars.isEmpty()) {
                        b.set(data.pickValue(vars), expr(data, 0, vars));
                    }
                }
                case 3 -> b.store(expr(data, 0, vars), expr(data, 0, vars));
                case 4 -> b.atomicAdd(expr(data, 0, vars), expr(data, 0, vars));
                case 5 -> b.compareAndSwap(expr(data, 0, vars), expr(data, 0, vars), expr(data, 0, vars));
                case 6 -> {
                    if (depth < 3) {
                        b.ifThenElse(expr(data, 0, vars), t -> statements(t, data, depth + 1, new ArrayList<>(vars)),
                                e -> statements(e, data, depth + 1, new ArrayList<>(vars)));
                    }
                }
                default -> {
                    if (depth < 3) {
                        Expr count = expr(data, 0, vars);
                        int bound = data.consumeInt(-1, 64);
                        b.loop(count, bound, (body, index) -> {
                            List<Expr.Ref> inner = new ArrayList<>(vars);
                            inner.add(index);
                            statements(body, data, depth + 1, inner);
                        });
                    }
                }
            }
        }
    }

    private static final BinaryOp[] BINARY = BinaryOp.values();
    private static final Type[] TYPES = Type.values();

    private static Expr expr(FuzzedDataProvider data, int depth, List<Expr.Ref> vars) {
        int pick = depth > 4 || data.remainingBytes() == 0 ? data.consumeInt(0, 4) : data.consumeInt(0, 16);
        return switch (pick) {
            case 0 -> Ir.u32(data.consumeInt());
            case 1 -> Ir.arg(data.consumeInt(-1, 12));
            case 2 -> Ir.u64(data.consumeLong());
            case 3 -> vars.isEmpty() ? Ir.i32(data.consumeInt()) : data.pickValue(vars);
            case 4 -> Ir.bool(data.consumeBoolean());
            case 5 -> new Expr.Binary(data.pickValue(BINARY), expr(data, depth + 1, vars), expr(data, depth + 1, vars));
            case 6 -> Ir.not(expr(data, depth + 1, vars));
            case 7 -> Ir.neg(expr(data, depth + 1, vars));
            case 8 -> Ir.lt(expr(data, depth + 1, vars), expr(data, depth + 1, vars));
            case 9 -> Ir.eq(expr(data, depth + 1, vars), expr(data, depth + 1, vars));
            case 10 -> Ir.select(expr(data, depth + 1, vars), expr(data, depth + 1, vars), expr(data, depth + 1, vars));
            case 11 -> Ir.convert(data.pickValue(TYPES), expr(data, depth + 1, vars));
            case 12 -> Ir.loadControl(expr(data, depth + 1, vars));
            case 13 -> Ir.loadDataByte(expr(data, depth + 1, vars));
            case 14 -> Ir.loadDataWord(expr(data, depth + 1, vars));
            case 15 -> data.consumeBoolean() ? Ir.controlWords() : Ir.dataBytes();
            default -> data.consumeBoolean() ? Ir.slot() : Ir.tenant();
        };
    }

    /** A slot context over 256 control words (160..175 hold 7) and 64 patterned data bytes, with the bounds rule. */
    private static BoundedSlotContext slot(int[] args) {
        byte[] data = new byte[64];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 37);
        }
        BoundedSlotContext c = new BoundedSlotContext(256, data).args(args).identity(0x100, 3, 0);
        Arrays.fill(c.control(), 160, 176, 7);
        return c;
    }
}
