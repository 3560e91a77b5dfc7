package dev.vyre.ir;

import dev.vyre.protocol.SlotContext;

/**
 * The IR's memory and loop rules over a {@link SlotContext}, written once for the evaluator and the
 * bytecode the compiler emits (which calls these methods). Indices are unsigned: a u32 index arrives
 * zero-extended, a u64 index as its bit pattern, so a negative {@code long} is an index of 2⁶³ or more,
 * outside every buffer. Every index is checked against the context's lengths before the context sees
 * it: an out-of-range load reads 0, an out-of-range store or atomic does nothing and yields 0.
 */
final class SlotOps {
    private SlotOps() {
    }

    /** @return the number of iterations of a loop: {@code min(count as unsigned, bound)} */
    static int trips(int count, int bound) {
        return Integer.compareUnsigned(count, bound) < 0 ? count : bound;
    }

    static int loadControl(SlotContext ctx, long i) {
        return i >= 0 && i < ctx.controlWords() ? ctx.loadControl(i) : 0;
    }

    static int loadDataByte(SlotContext ctx, long i) {
        return i >= 0 && i < ctx.dataBytes() ? ctx.loadDataByte(i) & 0xFF : 0;
    }

    /** @return the little-endian word of bytes {@code 4i .. 4i+3}, or 0 unless all four are in the buffer */
    static int loadDataWord(SlotContext ctx, long i) {
        if (i < 0 || i >= ctx.dataBytes() >>> 2) {
            return 0;
        }
        long b = i << 2;
        return (ctx.loadDataByte(b) & 0xFF) | (ctx.loadDataByte(b + 1) & 0xFF) << 8
                | (ctx.loadDataByte(b + 2) & 0xFF) << 16 | (ctx.loadDataByte(b + 3) & 0xFF) << 24;
    }

    static void store(SlotContext ctx, long i, int value) {
        if (i >= 0 && i < ctx.controlWords()) {
            ctx.storeControl(i, value);
        }
    }

    static int atomicAdd(SlotContext ctx, long i, int value) {
        return i >= 0 && i < ctx.controlWords() ? ctx.atomicAddControl(i, value) : 0;
    }

    static int compareAndSwap(SlotContext ctx, long i, int expected, int desired) {
        return i >= 0 && i < ctx.controlWords() ? ctx.compareAndSwapControl(i, expected, desired) : 0;
    }

    static int atomicMinU32(SlotContext ctx, long i, int value) {
        return minMax(ctx, i, value, false, true);
    }

    static int atomicMaxU32(SlotContext ctx, long i, int value) {
        return minMax(ctx, i, value, false, false);
    }

    static int atomicMinI32(SlotContext ctx, long i, int value) {
        return minMax(ctx, i, value, true, true);
    }

    static int atomicMaxI32(SlotContext ctx, long i, int value) {
        return minMax(ctx, i, value, true, false);
    }

    /** A compare-and-swap loop that writes only when the word changes; returns the previous value. */
    private static int minMax(SlotContext ctx, long i, int value, boolean signed, boolean min) {
        if (i < 0 || i >= ctx.controlWords()) {
            return 0;
        }
        int old = ctx.loadControl(i);
        while (true) {
            int c = signed ? Integer.compare(value, old) : Integer.compareUnsigned(value, old);
            if (min ? c >= 0 : c <= 0) {
                return old;
            }
            int prev = ctx.compareAndSwapControl(i, old, value);
            if (prev == old) {
                return old;
            }
            old = prev;
        }
    }

    // Arithmetic the bytecode has no single instruction for (division by zero gives 0).

    static int divU32(int a, int b) {
        return b == 0 ? 0 : Integer.divideUnsigned(a, b);
    }

    static int remU32(int a, int b) {
        return b == 0 ? 0 : Integer.remainderUnsigned(a, b);
    }

    static int divI32(int a, int b) {
        return b == 0 ? 0 : a / b;
    }

    static int remI32(int a, int b) {
        return b == 0 ? 0 : a % b;
    }

    static long divU64(long a, long b) {
        return b == 0 ? 0 : Long.divideUnsigned(a, b);
    }

    static long remU64(long a, long b) {
        return b == 0 ? 0 : Long.remainderUnsigned(a, b);
    }

    static int minU32(int a, int b) {
        return Integer.compareUnsigned(a, b) <= 0 ? a : b;
    }

    static int maxU32(int a, int b) {
        return Integer.compareUnsigned(a, b) >= 0 ? a : b;
    }

    static long minU64(long a, long b) {
        return Long.compareUnsigned(a, b) <= 0 ? a : b;
    }

    static long maxU64(long a, long b) {
        return Long.compareUnsigned(a, b) >= 0 ? a : b;
    }
}
