package dev.vyre.ir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vyre.ir.testing.BoundedSlotContext;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The evaluator against hand-computed results: wrapping, masked shifts, division by zero, the bounds rule.
 * Every program here also runs compiled ({@link CompiledIrHandler}), which must leave the same words.
 */
class EvaluatorTest {

    private static final int MIN = Integer.MIN_VALUE;

    /** @return {@code e} evaluated in a slot with args 0..11 = {@code args}; a u64 as its long value */
    private static long value(Expr e, int... args) {
        BoundedSlotContext c = new BoundedSlotContext(4, new byte[0]).args(args);
        Program p = Program.build(b -> {
            Expr.Ref r = b.let(e);
            if (r.type() == Type.U64) {
                b.store(Ir.u32(0), Ir.asU32(r));
                b.store(Ir.u32(1), Ir.asU32(Ir.shr(r, Ir.u32(32))));
            } else {
                b.store(Ir.u32(0), r.type() == Type.BOOL ? Ir.asU32(r) : r);
            }
        });
        new IrHandler(p).execute(c);
        BoundedSlotContext compiled = new BoundedSlotContext(4, new byte[0]).args(args);
        CompiledIrHandler.compile(p).execute(compiled);
        assertArrayEquals(c.control(), compiled.control(), "the compiled program agrees with the evaluator on " + e.label());
        return e.type() == Type.U64 ? Integer.toUnsignedLong(c.control()[0]) | (long) c.control()[1] << 32 : c.control()[0];
    }

    private static BoundedSlotContext run(BoundedSlotContext c, Consumer<Block> body) {
        Program p = Program.build(body);
        BoundedSlotContext compiled = c.copy();
        new IrHandler(p).execute(c);
        assertEquals(0, c.outOfRangeCalls(), "the evaluator passed an out-of-range index to the context");
        CompiledIrHandler.compile(p).execute(compiled);
        assertArrayEquals(c.control(), compiled.control(), "the compiled program agrees with the evaluator");
        assertEquals(0, compiled.outOfRangeCalls(), "the compiled program passed an out-of-range index to the context");
        return c;
    }

    @Test
    void arithmeticWraps() {
        assertEquals(0, value(Ir.add(Ir.u32(-1), Ir.u32(1))));
        assertEquals(MIN, value(Ir.add(Ir.i32(Integer.MAX_VALUE), Ir.i32(1))));
        assertEquals(-1, value(Ir.sub(Ir.u32(0), Ir.u32(1))));
        assertEquals(0, value(Ir.mul(Ir.u32(0x10000), Ir.u32(0x10000))));
        assertEquals(1, value(Ir.add(Ir.u64(-1), Ir.u64(2))));
        assertEquals(0, value(Ir.mul(Ir.u64(1L << 32), Ir.u64(1L << 32))));
        assertEquals(MIN, value(Ir.neg(Ir.i32(MIN))));
        assertEquals(-5, value(Ir.neg(Ir.u32(5))));
        assertEquals(~0x1234, value(Ir.not(Ir.u32(0x1234))));
        assertEquals(0x1234_5678_9ABC_DEF0L * 3, value(Ir.mul(Ir.u64(0x1234_5678_9ABC_DEF0L), Ir.u64(3))));
    }

    @Test
    void shiftCountsAreMasked() {
        assertEquals(1, value(Ir.shl(Ir.u32(1), Ir.u32(32))), "32 & 31 = 0");
        assertEquals(2, value(Ir.shl(Ir.u32(1), Ir.u32(33))));
        assertEquals(1, value(Ir.shr(Ir.u32(MIN), Ir.u32(63))), "63 & 31 = 31, logical");
        assertEquals(-1, value(Ir.shr(Ir.i32(MIN), Ir.u32(63))), "arithmetic for i32");
        assertEquals(-4, value(Ir.shr(Ir.i32(-8), Ir.u32(33))));
        assertEquals(1, value(Ir.shl(Ir.u64(1), Ir.u32(64))), "64 & 63 = 0");
        assertEquals(2, value(Ir.shl(Ir.u64(1), Ir.u64(65))));
        assertEquals(1L << 40, value(Ir.shl(Ir.u64(1), Ir.u32(40))));
        assertEquals(1, value(Ir.shr(Ir.u64(Long.MIN_VALUE), Ir.i32(-1))), "-1 & 63 = 63");
        assertEquals(2, value(Ir.shl(Ir.u32(1), Ir.u64((1L << 32) + 1))), "a u64 count's low bits");
    }

    @Test
    void divisionAndRemainderByZeroGiveZero() {
        assertEquals(0, value(Ir.div(Ir.u32(7), Ir.u32(0))));
        assertEquals(0, value(Ir.rem(Ir.u32(7), Ir.u32(0))));
        assertEquals(0, value(Ir.div(Ir.i32(-7), Ir.i32(0))));
        assertEquals(0, value(Ir.rem(Ir.i32(-7), Ir.i32(0))));
        assertEquals(0, value(Ir.div(Ir.u64(-1), Ir.u64(0))));
        assertEquals(0, value(Ir.rem(Ir.u64(-1), Ir.u64(0))));
        assertEquals(0, value(Ir.div(Ir.arg(0), Ir.arg(1)), 9, 0), "a divisor known only at run time");
    }

    @Test
    void divisionTruncatesAndMinOverMinusOneWraps() {
        assertEquals(MIN, value(Ir.div(Ir.i32(MIN), Ir.i32(-1))));
        assertEquals(0, value(Ir.rem(Ir.i32(MIN), Ir.i32(-1))));
        assertEquals(-3, value(Ir.div(Ir.i32(-7), Ir.i32(2))));
        assertEquals(-1, value(Ir.rem(Ir.i32(-7), Ir.i32(2))));
        assertEquals(1, value(Ir.rem(Ir.i32(7), Ir.i32(-2))));
        assertEquals(0x7FFF_FFFF, value(Ir.div(Ir.u32(-1), Ir.u32(2))), "unsigned");
        assertEquals(Long.divideUnsigned(-1L, 3), value(Ir.div(Ir.u64(-1), Ir.u64(3))));
        assertEquals(Long.remainderUnsigned(-1L, 10), value(Ir.rem(Ir.u64(-1), Ir.u64(10))));
    }

    @Test
    void compareMinAndMaxFollowSignedness() {
        assertEquals(1, value(Ir.gt(Ir.u32(-1), Ir.u32(1))));
        assertEquals(1, value(Ir.lt(Ir.i32(-1), Ir.i32(1))));
        assertEquals(1, value(Ir.gt(Ir.u64(-1), Ir.u64(1))));
        assertEquals(0, value(Ir.ne(Ir.bool(true), Ir.bool(true))));
        assertEquals(1, value(Ir.min(Ir.u32(-1), Ir.u32(1))));
        assertEquals(-1, value(Ir.min(Ir.i32(-1), Ir.i32(1))));
        assertEquals(-1, value(Ir.max(Ir.u64(-1), Ir.u64(1))));
        assertEquals(7, value(Ir.select(Ir.le(Ir.arg(0), Ir.arg(1)), Ir.u32(7), Ir.u32(8)), 3, 3));
    }

    @Test
    void conversionsExtendAndTruncate() {
        assertEquals(-1L, value(Ir.asU64(Ir.i32(-1))), "i32 sign-extends");
        assertEquals(0xFFFF_FFFFL, value(Ir.asU64(Ir.u32(-1))), "u32 zero-extends");
        assertEquals(0x9ABC_DEF0, value(Ir.asU32(Ir.u64(0x1234_5678_9ABC_DEF0L))), "u64 keeps the low word");
        assertEquals(1, value(Ir.asU32(Ir.bool(true))));
        assertEquals(1, value(Ir.asU64(Ir.bool(true))));
        assertEquals(-2, value(Ir.asI32(Ir.u32(-2))));
    }

    @Test
    void readsTheSlotContext() {
        BoundedSlotContext c = new BoundedSlotContext(200, new byte[10]);
        c.args(10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21);
        c.identity(0x1234, 9, 2);
        run(c, b -> {
            for (int i = 0; i < Ir.ARGS; i++) {
                b.store(Ir.u32(160 + i), Ir.arg(i));
            }
            b.store(Ir.u32(180), Ir.opcode());
            b.store(Ir.u32(181), Ir.slot());
            b.store(Ir.u32(182), Ir.tenant());
            b.store(Ir.u32(183), Ir.asU32(Ir.controlWords()));
            b.store(Ir.u32(184), Ir.asU32(Ir.dataBytes()));
        });
        for (int i = 0; i < Ir.ARGS; i++) {
            assertEquals(10 + i, c.control()[160 + i]);
        }
        assertArrayEquals(new int[] {0x1234, 9, 2, 200, 10}, java.util.Arrays.copyOfRange(c.control(), 180, 185));
    }

    @Test
    void outOfRangeLoadsReadZero() {
        byte[] data = {1, 2, 3, 4, 5, 6, 7};
        BoundedSlotContext c = new BoundedSlotContext(8, data);
        java.util.Arrays.fill(c.control(), 0x55);
        run(c, b -> {
            b.store(Ir.u32(0), Ir.loadControl(Ir.u32(8)));
            b.store(Ir.u32(1), Ir.loadControl(Ir.u64((1L << 32) + 2)));
            b.store(Ir.u32(2), Ir.loadDataByte(Ir.u32(7)));
            b.store(Ir.u32(3), Ir.loadDataWord(Ir.u32(1)));
            b.store(Ir.u32(4), Ir.loadDataWord(Ir.u32(0)));
            b.store(Ir.u32(5), Ir.loadDataByte(Ir.u32(6)));
            b.store(Ir.u32(6), Ir.loadControl(Ir.u64(-1)));
            b.store(Ir.u32(7), Ir.loadControl(Ir.u32(-1)));
        });
        assertArrayEquals(new int[] {0, 0, 0, 0, 0x04030201, 7, 0, 0}, c.control(),
                "word 1 needs byte 7, which is outside the 7-byte buffer");
    }

    @Test
    void outOfRangeStoresAndAtomicsDoNothingAndReturnZero() {
        BoundedSlotContext c = new BoundedSlotContext(4, new byte[0]);
        java.util.Arrays.fill(c.control(), 9);
        BoundedSlotContext after = run(c, b -> {
            b.store(Ir.u32(4), Ir.u32(1));
            b.store(Ir.u64(1L << 32), Ir.u32(1));
            b.store(Ir.u64(Long.MIN_VALUE), Ir.u32(1));
            Expr.Ref add = b.atomicAdd(Ir.u32(4), Ir.u32(1));
            Expr.Ref cas = b.compareAndSwap(Ir.u64((1L << 32) + 1), Ir.u32(0), Ir.u32(1));
            Expr.Ref min = b.atomicMin(Ir.u32(-1), Ir.u32(0));
            Expr.Ref max = b.atomicMax(Ir.u32(100), Ir.i32(-1));
            b.store(Ir.u32(0), Ir.or(Ir.or(add, cas), Ir.or(min, Ir.asU32(max))));
        });
        assertArrayEquals(new int[] {0, 9, 9, 9}, after.control());
    }

    @Test
    void atomicsReturnThePreviousValue() {
        BoundedSlotContext c = new BoundedSlotContext(16, new byte[0]);
        c.control()[1] = 10;
        c.control()[2] = 10;
        c.control()[3] = 10;
        c.control()[4] = 10;
        c.control()[5] = 5;
        c.control()[6] = 5;
        run(c, b -> {
            b.store(Ir.u32(8), b.atomicAdd(Ir.u32(1), Ir.u32(-1)));
            b.store(Ir.u32(9), b.compareAndSwap(Ir.u32(2), Ir.u32(10), Ir.u32(20)));
            b.store(Ir.u32(10), b.compareAndSwap(Ir.u32(3), Ir.u32(11), Ir.u32(20)));
            b.store(Ir.u32(11), b.atomicMin(Ir.u32(4), Ir.u32(3)));
            b.store(Ir.u32(12), Ir.asU32(b.atomicMin(Ir.u32(5), Ir.i32(-1))));
            b.store(Ir.u32(13), b.atomicMin(Ir.u32(6), Ir.u32(-1)));
            b.store(Ir.u32(14), b.atomicMax(Ir.u32(7), Ir.u32(-1)));
        });
        assertArrayEquals(new int[] {0, 9, 20, 10, 3, -1, 5, -1, 10, 10, 10, 10, 5, 5, 0, 0}, c.control(),
                "signed min stores -1 into 5; unsigned min keeps 5 against 0xFFFFFFFF");
    }

    @Test
    void loopsRunMinOfCountAndBoundWithTheCountEvaluatedOnce() {
        BoundedSlotContext c = new BoundedSlotContext(8, new byte[0]);
        c.args(100, 2);
        run(c, b -> {
            Expr.Ref n = b.var(Ir.u32(0));
            b.loop(Ir.arg(0), 5, (body, i) -> body.set(n, Ir.add(n, Ir.u32(1))));
            b.store(Ir.u32(0), n);
            Expr.Ref m = b.var(Ir.arg(1));
            Expr.Ref trips = b.var(Ir.u32(0));
            b.loop(m, 10, (body, i) -> {
                body.set(m, Ir.add(m, Ir.u32(1)));
                body.set(trips, Ir.add(trips, Ir.u32(1)));
            });
            b.store(Ir.u32(1), trips);
            b.loop(Ir.u32(0), 10, (body, i) -> body.store(Ir.u32(2), Ir.u32(7)));
            b.loop(Ir.u32(4), 4, (body, i) -> body.atomicAdd(Ir.u32(3), i));
        });
        assertArrayEquals(new int[] {5, 2, 0, 0 + 1 + 2 + 3, 0, 0, 0, 0}, c.control());
    }

    @Test
    void ifRunsOneBranch() {
        BoundedSlotContext c = new BoundedSlotContext(4, new byte[0]);
        c.args(1, 2);
        run(c, b -> {
            b.ifThenElse(Ir.lt(Ir.arg(0), Ir.arg(1)), t -> t.store(Ir.u32(0), Ir.u32(1)), e -> e.store(Ir.u32(0), Ir.u32(2)));
            b.ifThenElse(Ir.gt(Ir.arg(0), Ir.arg(1)), t -> t.store(Ir.u32(1), Ir.u32(1)), e -> e.store(Ir.u32(1), Ir.u32(2)));
            b.ifThen(Ir.bool(false), t -> t.store(Ir.u32(2), Ir.u32(9)));
        });
        assertArrayEquals(new int[] {1, 2, 0, 0}, c.control());
    }

    @Test
    void theConformanceAddOpcodeBehavesLikeItsHandWrittenBody() {
        BoundedSlotContext c = new BoundedSlotContext(176, new byte[0]);
        IrHandler h = new IrHandler(Samples.addToObservable());
        h.execute(c.args(5, 0));
        h.execute(c.args(6, 0));
        h.execute(c.args(7, 1));
        h.execute(c.args(1, 0xFFFFFFFF));
        assertEquals(11, c.control()[160]);
        assertEquals(7, c.control()[161]);
        assertEquals(0, c.control()[159], "160 + 0xFFFFFFFF is summed in 64 bits: out of range, not word 159");
        assertEquals(0, c.outOfRangeCalls());
    }
}
