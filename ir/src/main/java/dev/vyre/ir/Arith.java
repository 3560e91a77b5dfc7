package dev.vyre.ir;

/**
 * The value semantics of the IR on {@code long} carriers: a bool is 0 or 1, a 32-bit value is its
 * {@code int} bit pattern sign-extended, a u64 is its {@code long} bit pattern. Every function is
 * total: no input throws.
 */
final class Arith {
    private static final long LOW32 = 0xFFFF_FFFFL;

    private Arith() {
    }

    static long unary(UnaryOp op, Type t, long a) {
        return switch (op) {
            case NOT -> t == Type.BOOL ? a ^ 1 : narrow(t, ~a);
            case NEG -> narrow(t, -a);
        };
    }

    static long binary(BinaryOp op, Type t, long a, long b) {
        if (t == Type.BOOL) {
            return switch (op) {
                case AND -> a & b;
                case OR -> a | b;
                case XOR -> a ^ b;
                default -> throw new IllegalStateException(op + " on bool passed validation");
            };
        }
        if (t == Type.U64) {
            return switch (op) {
                case ADD -> a + b;
                case SUB -> a - b;
                case MUL -> a * b;
                case DIV -> b == 0 ? 0 : Long.divideUnsigned(a, b);
                case REM -> b == 0 ? 0 : Long.remainderUnsigned(a, b);
                case AND -> a & b;
                case OR -> a | b;
                case XOR -> a ^ b;
                case SHL -> a << (b & 63);
                case SHR -> a >>> (b & 63);
                case MIN -> Long.compareUnsigned(a, b) <= 0 ? a : b;
                case MAX -> Long.compareUnsigned(a, b) >= 0 ? a : b;
            };
        }
        int x = (int) a;
        int y = (int) b;
        boolean signed = t == Type.I32;
        return switch (op) {
            case ADD -> x + y;
            case SUB -> x - y;
            case MUL -> x * y;
            case DIV -> y == 0 ? 0 : signed ? x / y : Integer.divideUnsigned(x, y);
            case REM -> y == 0 ? 0 : signed ? x % y : Integer.remainderUnsigned(x, y);
            case AND -> x & y;
            case OR -> x | y;
            case XOR -> x ^ y;
            case SHL -> x << (y & 31);
            case SHR -> signed ? x >> (y & 31) : x >>> (y & 31);
            case MIN -> compare(t, a, b) <= 0 ? x : y;
            case MAX -> compare(t, a, b) >= 0 ? x : y;
        };
    }

    static boolean compare(CompareOp op, Type t, long a, long b) {
        int c = compare(t, a, b);
        return switch (op) {
            case EQ -> c == 0;
            case NE -> c != 0;
            case LT -> c < 0;
            case LE -> c <= 0;
            case GT -> c > 0;
            case GE -> c >= 0;
        };
    }

    /** Orders two values of type {@code t}: unsigned for u32/u64, signed for i32 (and bools, 0 or 1). */
    static int compare(Type t, long a, long b) {
        return switch (t) {
            case BOOL, I32 -> Long.compare(a, b);
            case U32 -> Long.compare(a & LOW32, b & LOW32);
            case U64 -> Long.compareUnsigned(a, b);
        };
    }

    static long convert(Type from, Type to, long a) {
        if (from == Type.BOOL || to == from) {
            return a;
        }
        if (to == Type.U64) {
            return from == Type.U32 ? a & LOW32 : a;
        }
        return (int) a;
    }

    /** @return an unsigned index as a non-negative long, or -1 for a u64 index of 2^63 or more (out of every buffer) */
    static long index(Type t, long a) {
        return t == Type.U64 ? (a < 0 ? -1 : a) : a & LOW32;
    }

    private static long narrow(Type t, long v) {
        return t == Type.U64 ? v : (int) v;
    }
}
