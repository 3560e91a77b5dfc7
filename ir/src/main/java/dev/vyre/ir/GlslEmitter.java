package dev.vyre.ir;

/**
 * GLSL 450 (dialect {@code glsl}): statements for {@code void vyre_custom_op_N()} inside the Vulkan
 * megakernel, using only its bounds-checked helpers ({@code vyre_arg}, {@code vyre_control_words},
 * {@code vyre_data_bytes}, {@code vyre_load_control}, {@code vyre_store_control},
 * {@code vyre_atomic_add_control}, {@code vyre_cas_control}, {@code vyre_load_data_byte},
 * {@code vyre_load_data_word}) and the globals {@code vyre_opcode}, {@code vyre_slot}, {@code vyre_tenant}.
 *
 * <p>The megakernel enables no 64-bit integer extension, so a u64 is a {@code uvec2} (x = low word,
 * y = high word) and its arithmetic is spelt out on 32-bit halves: carries with {@code uaddCarry} /
 * {@code usubBorrow}, products with {@code umulExtended}, and division as a 64-step restoring
 * division. u32 and i32 are held in {@code uint}; every shift amount stays below 32 and no division
 * ever has a zero divisor (not even in an unselected branch), so nothing depends on GLSL's undefined
 * cases. A u64 index with a non-zero high word becomes {@code 0xFFFFFFFF}, outside every buffer.
 */
final class GlslEmitter extends TextEmitter {

    @Override
    String type(Type t) {
        return switch (t) {
            case BOOL -> "bool";
            case U32, I32 -> "uint";
            case U64 -> "uvec2";
        };
    }

    @Override
    String word() {
        return "uint";
    }

    @Override
    boolean inlines(Type t) {
        return t != Type.U64;
    }

    @Override
    String constant(Expr.Const c) {
        return switch (c.type()) {
            case BOOL -> c.bits() != 0 ? "true" : "false";
            case U32, I32 -> u32(c.bits());
            case U64 -> "uvec2(" + u32(c.bits()) + ", " + u32(c.bits() >>> 32) + ")";
        };
    }

    @Override
    String context(ContextField field) {
        return switch (field) {
            case OPCODE -> "vyre_opcode";
            case SLOT -> "vyre_slot";
            case TENANT -> "vyre_tenant";
            case CONTROL_WORDS -> "uvec2(vyre_control_words(), 0u)";
            case DATA_BYTES -> "uvec2(vyre_data_bytes(), 0u)";
        };
    }

    @Override
    String arg(int index) {
        return "vyre_arg(" + index + "u)";
    }

    @Override
    String index(String operand, Type t) {
        if (t != Type.U64) {
            return operand;
        }
        String i = temp();
        line("uint " + i + " = " + operand + ".y != 0u ? 0xFFFFFFFFu : " + operand + ".x;");
        return i;
    }

    @Override
    String load(Memory memory, String index) {
        return switch (memory) {
            case CONTROL -> "vyre_load_control(" + index + ")";
            case DATA_BYTE -> "vyre_load_data_byte(" + index + ")";
            case DATA_WORD -> "vyre_load_data_word(" + index + ")";
        };
    }

    @Override
    String store(String index, String value) {
        return "vyre_store_control(" + index + ", " + value + ")";
    }

    @Override
    String atomicAdd(String index, String value) {
        return "vyre_atomic_add_control(" + index + ", " + value + ")";
    }

    @Override
    String compareAndSwap(String index, String expected, String desired) {
        return "vyre_cas_control(" + index + ", " + expected + ", " + desired + ")";
    }

    @Override
    String less(Type t, String a, String b) {
        return t == Type.I32 ? "int(" + a + ") < int(" + b + ")" : a + " < " + b;
    }

    @Override
    void unary(String r, UnaryOp op, Type t, String a) {
        switch (op) {
            case NOT -> declare(t, r, (t == Type.BOOL ? "!" : "~") + a);
            case NEG -> {
                if (t == Type.U64) {
                    subtract64(r, "uvec2(0u)", a);
                } else {
                    declare(t, r, "0u - " + a);
                }
            }
        }
    }

    @Override
    void binary(String r, BinaryOp op, Type t, Type countType, String a, String b) {
        if (t == Type.BOOL) {
            declare(t, r, a + switch (op) {
                case AND -> " && ";
                case OR -> " || ";
                default -> " != ";
            } + b);
            return;
        }
        String count = countType == Type.U64 ? b + ".x" : b;
        if (t == Type.U64) {
            binary64(r, op, a, b, count);
            return;
        }
        boolean signed = t == Type.I32;
        String v = switch (op) {
            case ADD -> a + " + " + b;
            case SUB -> a + " - " + b;
            case MUL -> a + " * " + b;
            case DIV -> signed ? signedDivision(a, b, false) : b + " == 0u ? 0u : " + a + " / max(" + b + ", 1u)";
            case REM -> signed ? signedDivision(a, b, true) : b + " == 0u ? 0u : " + a + " % max(" + b + ", 1u)";
            case AND -> a + " & " + b;
            case OR -> a + " | " + b;
            case XOR -> a + " ^ " + b;
            case SHL -> a + " << (" + count + " & 31u)";
            case SHR -> signed ? "uint(int(" + a + ") >> (" + count + " & 31u))" : a + " >> (" + count + " & 31u)";
            case MIN -> "(" + less(t, b, a) + ") ? " + b + " : " + a;
            case MAX -> "(" + less(t, a, b) + ") ? " + b + " : " + a;
        };
        declare(t, r, v);
    }

    /**
     * Signed division on magnitudes: no zero divisor, and MIN / -1 wraps to MIN.
     *
     * @return the result's text
     */
    private String signedDivision(String a, String b, boolean remainder) {
        String ma = temp();
        String mb = temp();
        String m = temp();
        line("uint " + ma + " = (" + a + " >> 31u) != 0u ? 0u - " + a + " : " + a + ";");
        line("uint " + mb + " = (" + b + " >> 31u) != 0u ? 0u - " + b + " : " + b + ";");
        line("uint " + m + " = " + mb + " == 0u ? 0u : " + ma + (remainder ? " % " : " / ") + "max(" + mb + ", 1u);");
        String negative = remainder ? "(" + a + " >> 31u) != 0u" : "((" + a + " ^ " + b + ") >> 31u) != 0u";
        return "(" + negative + ") ? 0u - " + m + " : " + m;
    }

    private void binary64(String r, BinaryOp op, String a, String b, String count) {
        switch (op) {
            case ADD -> {
                String c = temp();
                line("uint " + c + ";");
                line("uvec2 " + r + ";");
                line(r + ".x = uaddCarry(" + a + ".x, " + b + ".x, " + c + ");");
                line(r + ".y = " + a + ".y + " + b + ".y + " + c + ";");
            }
            case SUB -> subtract64(r, a, b);
            case MUL -> {
                String hi = temp();
                String lo = temp();
                line("uint " + hi + ";");
                line("uint " + lo + ";");
                line("umulExtended(" + a + ".x, " + b + ".x, " + hi + ", " + lo + ");");
                line("uvec2 " + r + " = uvec2(" + lo + ", " + hi + " + " + a + ".x * " + b + ".y + " + a + ".y * "
                        + b + ".x);");
            }
            case DIV, REM -> divide64(r, a, b, op == BinaryOp.REM);
            case AND -> declare(Type.U64, r, a + " & " + b);
            case OR -> declare(Type.U64, r, a + " | " + b);
            case XOR -> declare(Type.U64, r, a + " ^ " + b);
            case SHL, SHR -> {
                String s = temp();
                String k = temp();
                line("uint " + s + " = " + count + " & 63u;");
                line("uint " + k + " = " + s + " & 31u;");
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
                declare(Type.U64, r, s + " < 32u ? " + near + " : " + far);
            }
            case MIN -> declare(Type.U64, r, less64(b, a, false) + " ? " + b + " : " + a);
            case MAX -> declare(Type.U64, r, less64(a, b, false) + " ? " + b + " : " + a);
        }
    }

    private void subtract64(String r, String a, String b) {
        String c = temp();
        line("uint " + c + ";");
        line("uvec2 " + r + ";");
        line(r + ".x = usubBorrow(" + a + ".x, " + b + ".x, " + c + ");");
        line(r + ".y = " + a + ".y - " + b + ".y - " + c + ";");
    }

    /**
     * Restoring division, one quotient bit per step from bit 63 down; a zero divisor gives 0 and 0. Before
     * step {@code k} the partial remainder is at most {@code a >> (k + 1)}, below 2<sup>63</sup>, so
     * shifting it left never loses a bit.
     */
    private void divide64(String r, String a, String b, boolean remainder) {
        String q = temp();
        String m = temp();
        String k = temp();
        String borrow = temp();
        line("uvec2 " + q + " = uvec2(0u);");
        line("uvec2 " + m + " = uvec2(0u);");
        open("if (" + b + " != uvec2(0u)) {");
        open("for (int " + k + " = 63; " + k + " >= 0; --" + k + ") {");
        line(m + " = uvec2((" + m + ".x << 1u) | (((" + k + " >= 32 ? " + a + ".y : " + a + ".x) >> uint(" + k
                + " & 31)) & 1u), (" + m + ".y << 1u) | (" + m + ".x >> 31u));");
        open("if (!(" + less64(m, b, false) + ")) {");
        line("uint " + borrow + ";");
        line(m + ".x = usubBorrow(" + m + ".x, " + b + ".x, " + borrow + ");");
        line(m + ".y = " + m + ".y - " + b + ".y - " + borrow + ";");
        line("if (" + k + " >= 32) " + q + ".y |= 1u << uint(" + k + " & 31); else " + q + ".x |= 1u << uint(" + k
                + " & 31);");
        close("}");
        close("}");
        close("}");
        declare(Type.U64, r, remainder ? m : q);
    }

    /** @return a bool expression: {@code a < b} (or {@code a <= b}) for u64 halves */
    private static String less64(String a, String b, boolean orEqual) {
        return "(" + a + ".y < " + b + ".y || (" + a + ".y == " + b + ".y && " + a + ".x " + (orEqual ? "<=" : "<") + " "
                + b + ".x))";
    }

    @Override
    void compare(String r, CompareOp op, Type t, String a, String b) {
        String v;
        if (t == Type.U64) {
            v = switch (op) {
                case EQ -> a + " == " + b;
                case NE -> a + " != " + b;
                case LT -> less64(a, b, false);
                case LE -> less64(a, b, true);
                case GT -> less64(b, a, false);
                case GE -> less64(b, a, true);
            };
        } else {
            String x = t == Type.I32 ? "int(" + a + ")" : a;
            String y = t == Type.I32 ? "int(" + b + ")" : b;
            v = x + switch (op) {
                case EQ -> " == ";
                case NE -> " != ";
                case LT -> " < ";
                case LE -> " <= ";
                case GT -> " > ";
                case GE -> " >= ";
            } + y;
        }
        declare(Type.BOOL, r, v);
    }

    @Override
    void convert(String r, Type from, Type to, String a) {
        String v;
        if (from == Type.BOOL) {
            v = to == Type.U64 ? "uvec2(" + a + " ? 1u : 0u, 0u)" : a + " ? 1u : 0u";
        } else if (to == Type.U64) {
            v = switch (from) {
                case U32 -> "uvec2(" + a + ", 0u)";
                case I32 -> "uvec2(" + a + ", uint(int(" + a + ") >> 31))";
                default -> a;
            };
        } else {
            v = from == Type.U64 ? a + ".x" : a;
        }
        declare(to, r, v);
    }
}
