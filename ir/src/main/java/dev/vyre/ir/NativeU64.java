package dev.vyre.ir;


/**
 * u64 in a dialect with a native unsigned 64-bit integer and C casts (CUDA C {@code unsigned long long},
 * OpenCL C {@code ulong}): every operation is the C operator, unsigned, so it wraps; division is guarded
 * against a zero divisor and shifts mask their count. The megakernel helpers take a u64 index.
 *
 * @param word       the dialect's unsigned 32-bit type ({@code u32}, {@code uint})
 * @param type       its unsigned 64-bit type ({@code u64}, {@code ulong})
 * @param signedWide its signed 64-bit type, for sign extension ({@code long long}, {@code long})
 * @param suffix     the suffix of an unsigned 64-bit literal ({@code ULL}, {@code UL})
 */
record NativeU64(String word, String type, String signedWide, String suffix) implements U64Lowering {

    @Override
    public boolean inlinesConstants() {
        return true;
    }

    @Override
    public String constant(long bits) {
        return "0x" + CEmitter.HEX.toHexDigits(bits) + suffix;
    }

    private String zero() {
        return "0" + suffix;
    }

    @Override
    public String fromU32(CEmitter out, String a) {
        return "((" + type + ")" + a + ")";
    }

    @Override
    public String fromI32(CEmitter out, String a) {
        return "((" + type + ")(" + signedWide + ")(int)" + a + ")";
    }

    @Override
    public String fromBool(String a) {
        return "(" + a + " ? 1" + suffix + " : " + zero() + ")";
    }

    @Override
    public String low(CEmitter out, String a) {
        return "((" + word + ")" + a + ")";
    }

    @Override
    public Type indexType() {
        return Type.U64;
    }

    @Override
    public String wordIndex(String a) {
        return fromU32(null, a);
    }

    @Override
    public String index(CEmitter out, String a) {
        return a;
    }

    @Override
    public String less(CEmitter out, String a, String b, boolean orEqual) {
        return "(" + a + (orEqual ? " <= " : " < ") + b + ")";
    }

    @Override
    public String negate(CEmitter out, String a) {
        return "(" + zero() + " - " + a + ")";
    }

    @Override
    public String arithmetic(CEmitter out, BinaryOp op, String a, String b, String count) {
        return switch (op) {
            case ADD -> "(" + a + " + " + b + ")";
            case SUB -> "(" + a + " - " + b + ")";
            case MUL -> "(" + a + " * " + b + ")";
            case DIV, REM -> {
                String d = out.atom(Type.U64, b);
                yield "((" + d + " == " + zero() + ") ? " + zero() + " : " + a + (op == BinaryOp.DIV ? " / " : " % ")
                        + d + ")";
            }
            case SHL -> "(" + a + " << (" + count + " & 63u))";
            case SHR -> "(" + a + " >> (" + count + " & 63u))";
            default -> throw new IllegalStateException(op + " is not u64 arithmetic");
        };
    }
}
