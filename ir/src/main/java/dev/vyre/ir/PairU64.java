package dev.vyre.ir;

/**
 * u64 as a {@code uvec2} of 32-bit halves (x = low word, y = high word), for GLSL without a 64-bit integer
 * extension: carries with {@code uaddCarry} / {@code usubBorrow}, products with {@code umulExtended},
 * shifts split at 32, and division as a 64-step restoring division; no shift amount reaches 32. The
 * megakernel helpers take a 32-bit index, so a u64 index with a non-zero high word becomes
 * {@code 0xFFFFFFFF}, outside every buffer.
 */
final class PairU64 implements U64Lowering {

    static final PairU64 INSTANCE = new PairU64();

    private PairU64() {
    }

    @Override
    public String type() {
        return "uvec2";
    }

    @Override
    public boolean inlinesConstants() {
        return false;
    }

    @Override
    public String constant(long bits) {
        return "uvec2(" + CEmitter.word(bits) + ", " + CEmitter.word(bits >>> 32) + ")";
    }

    @Override
    public String fromU32(CEmitter out, String a) {
        return "uvec2(" + a + ", 0u)";
    }

    @Override
    public String fromI32(CEmitter out, String a) {
        String v = out.atom(Type.I32, a);
        return "uvec2(" + v + ", uint(int(" + v + ") >> 31))";
    }

    @Override
    public String fromBool(String a) {
        return "uvec2(" + a + " ? 1u : 0u, 0u)";
    }

    @Override
    public String low(CEmitter out, String a) {
        return out.atom(Type.U64, a) + ".x";
    }

    @Override
    public Type indexType() {
        return Type.U32;
    }

    @Override
    public String wordIndex(String a) {
        return a;
    }

    @Override
    public String index(CEmitter out, String a) {
        String v = out.atom(Type.U64, a);
        return "(" + v + ".y != 0u ? 0xFFFFFFFFu : " + v + ".x)";
    }

    @Override
    public String less(CEmitter out, String a, String b, boolean orEqual) {
        String x = out.atom(Type.U64, a);
        String y = out.atom(Type.U64, b);
        return "(" + x + ".y < " + y + ".y || (" + x + ".y == " + y + ".y && " + x + ".x " + (orEqual ? "<=" : "<") + " "
                + y + ".x))";
    }

    @Override
    public String negate(CEmitter out, String a) {
        return subtract(out, "uvec2(0u)", out.atom(Type.U64, a));
    }

    @Override
    public String arithmetic(CEmitter out, BinaryOp op, String a0, String b0, String count) {
        String a = out.atom(Type.U64, a0);
        String b = op == BinaryOp.SHL || op == BinaryOp.SHR ? b0 : out.atom(Type.U64, b0);
        switch (op) {
            case ADD -> {
                String c = out.temp();
                String r = out.temp();
                out.line("uint " + c + ";");
                out.line("uvec2 " + r + ";");
                out.line(r + ".x = uaddCarry(" + a + ".x, " + b + ".x, " + c + ");");
                out.line(r + ".y = " + a + ".y + " + b + ".y + " + c + ";");
                return r;
            }
            case SUB -> {
                return subtract(out, a, b);
            }
            case MUL -> {
                String hi = out.temp();
                String lo = out.temp();
                out.line("uint " + hi + ";");
                out.line("uint " + lo + ";");
                out.line("umulExtended(" + a + ".x, " + b + ".x, " + hi + ", " + lo + ");");
                return "uvec2(" + lo + ", " + hi + " + " + a + ".x * " + b + ".y + " + a + ".y * " + b + ".x)";
            }
            case DIV, REM -> {
                return divide(out, a, b, op == BinaryOp.REM);
            }
            case SHL, SHR -> {
                String s = out.temp();
                String k = out.temp();
                out.line("uint " + s + " = " + count + " & 63u;");
                out.line("uint " + k + " = " + s + " & 31u;");
                String near;
                String far;
                if (op == BinaryOp.SHL) {
                    near = "uvec2(" + a + ".x << " + k + ", (" + a + ".y << " + k + ") | ((" + a + ".x >> 1u) >> (31u - "
                            + k + ")))";
                    far = "uvec2(0u, " + a + ".x << " + k + ")";
                } else {
                    near = "uvec2((" + a + ".x >> " + k + ") | ((" + a + ".y << 1u) << (31u - " + k + ")), " + a + ".y >> "
                            + k + ")";
                    far = "uvec2(" + a + ".y >> " + k + ", 0u)";
                }
                return "(" + s + " < 32u ? " + near + " : " + far + ")";
            }
            default -> throw new IllegalStateException(op + " is not u64 arithmetic");
        }
    }

    private static String subtract(CEmitter out, String a, String b) {
        String c = out.temp();
        String r = out.temp();
        out.line("uint " + c + ";");
        out.line("uvec2 " + r + ";");
        out.line(r + ".x = usubBorrow(" + a + ".x, " + b + ".x, " + c + ");");
        out.line(r + ".y = " + a + ".y - " + b + ".y - " + c + ";");
        return r;
    }

    /**
     * Restoring division, one quotient bit per step from bit 63 down; a zero divisor gives 0 and 0. Before
     * step {@code k} the partial remainder is at most {@code a >> (k + 1)}, below 2<sup>63</sup>, so
     * shifting it left never loses a bit.
     *
     * @return the temporary holding the quotient or the remainder
     */
    private String divide(CEmitter out, String a, String b, boolean remainder) {
        String q = out.temp();
        String m = out.temp();
        String k = out.temp();
        String borrow = out.temp();
        out.line("uvec2 " + q + " = uvec2(0u);");
        out.line("uvec2 " + m + " = uvec2(0u);");
        out.open("if (" + b + " != uvec2(0u)) {");
        out.open("for (int " + k + " = 63; " + k + " >= 0; --" + k + ") {");
        out.countLoop(64);
        out.line(m + " = uvec2((" + m + ".x << 1u) | (((" + k + " >= 32 ? " + a + ".y : " + a + ".x) >> uint(" + k
                + " & 31)) & 1u), (" + m + ".y << 1u) | (" + m + ".x >> 31u));");
        out.open("if (!" + less(out, m, b, false) + ") {");
        out.line("uint " + borrow + ";");
        out.line(m + ".x = usubBorrow(" + m + ".x, " + b + ".x, " + borrow + ");");
        out.line(m + ".y = " + m + ".y - " + b + ".y - " + borrow + ";");
        out.line("if (" + k + " >= 32) " + q + ".y |= 1u << uint(" + k + " & 31); else " + q + ".x |= 1u << uint(" + k
                + " & 31);");
        out.close("}");
        out.close("}");
        out.close("}");
        return remainder ? m : q;
    }
}
