package dev.vyre.ir;

import java.util.Locale;

/**
 * CUDA C (dialect {@code cuda-c}): statements for {@code __device__ void f(VyreCtx& ctx)} inside the
 * CUDA megakernel, using only its bounds-checked helpers ({@code vyre_arg}, {@code vyre_load_control},
 * {@code vyre_store_control}, {@code vyre_atomic_add_control}, {@code vyre_cas_control},
 * {@code vyre_load_data_byte}, {@code vyre_load_data_word}) and the {@code VyreCtx} fields
 * {@code opcode}, {@code slot}, {@code tenant}, {@code controlWords} and {@code dataBytes}.
 *
 * <p>u32 and i32 are held in {@code u32} so every add, subtract, multiply and left shift is unsigned
 * and wraps (signed overflow, undefined in C, never happens); signedness appears only where it matters
 * (compare, min/max, arithmetic shift, division) through {@code (int)} casts. Shift counts are masked,
 * and every division is guarded so none divides by zero or overflows.
 */
final class CudaEmitter extends TextEmitter {

    @Override
    String type(Type t) {
        return switch (t) {
            case BOOL -> "bool";
            case U32, I32 -> "u32";
            case U64 -> "u64";
        };
    }

    @Override
    String word() {
        return "u32";
    }

    @Override
    boolean inlines(Type t) {
        return true;
    }

    @Override
    String constant(Expr.Const c) {
        return switch (c.type()) {
            case BOOL -> c.bits() != 0 ? "true" : "false";
            case U32, I32 -> u32(c.bits());
            case U64 -> String.format(Locale.ROOT, "0x%016XULL", c.bits());
        };
    }

    @Override
    String context(ContextField field) {
        return switch (field) {
            case OPCODE -> "ctx.opcode";
            case SLOT -> "ctx.slot";
            case TENANT -> "ctx.tenant";
            case CONTROL_WORDS -> "(u64)ctx.controlWords";
            case DATA_BYTES -> "(u64)ctx.dataBytes";
        };
    }

    @Override
    String arg(int index) {
        return "vyre_arg(ctx, " + index + "u)";
    }

    @Override
    String index(String operand, Type t) {
        return t == Type.U64 ? operand : "(u64)" + operand;
    }

    @Override
    String load(Memory memory, String index) {
        return switch (memory) {
            case CONTROL -> "vyre_load_control(ctx, " + index + ")";
            case DATA_BYTE -> "vyre_load_data_byte(ctx, " + index + ")";
            case DATA_WORD -> "vyre_load_data_word(ctx, " + index + ")";
        };
    }

    @Override
    String store(String index, String value) {
        return "vyre_store_control(ctx, " + index + ", " + value + ")";
    }

    @Override
    String atomicAdd(String index, String value) {
        return "vyre_atomic_add_control(ctx, " + index + ", " + value + ")";
    }

    @Override
    String compareAndSwap(String index, String expected, String desired) {
        return "vyre_cas_control(ctx, " + index + ", " + expected + ", " + desired + ")";
    }

    @Override
    String less(Type t, String a, String b) {
        return t == Type.I32 ? "(int)" + a + " < (int)" + b : a + " < " + b;
    }

    @Override
    void unary(String r, UnaryOp op, Type t, String a) {
        String v = switch (op) {
            case NOT -> t == Type.BOOL ? "!" + a : "~" + a;
            case NEG -> (t == Type.U64 ? "0ULL - " : "0u - ") + a;
        };
        declare(t, r, v);
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
        String zero = t == Type.U64 ? "0ULL" : "0u";
        String count = countType == Type.U64 && t != Type.U64 ? "(u32)" + b : b;
        String mask = t == Type.U64 ? "63u" : "31u";
        boolean signed = t == Type.I32;
        String v = switch (op) {
            case ADD -> a + " + " + b;
            case SUB -> a + " - " + b;
            case MUL -> a + " * " + b;
            case DIV -> signed ? signedDivision(a, b, false) : "(" + b + " == " + zero + ") ? " + zero + " : " + a + " / " + b;
            case REM -> signed ? signedDivision(a, b, true) : "(" + b + " == " + zero + ") ? " + zero + " : " + a + " % " + b;
            case AND -> a + " & " + b;
            case OR -> a + " | " + b;
            case XOR -> a + " ^ " + b;
            case SHL -> a + " << (" + count + " & " + mask + ")";
            case SHR -> signed ? "(u32)((int)" + a + " >> (" + count + " & 31u))"
                    : a + " >> (" + count + " & " + mask + ")";
            case MIN -> "(" + less(t, b, a) + ") ? " + b + " : " + a;
            case MAX -> "(" + less(t, a, b) + ") ? " + b + " : " + a;
        };
        declare(t, r, v);
    }

    /**
     * Signed division on magnitudes: no division by zero, and MIN / -1 wraps to MIN.
     *
     * @return the result's text
     */
    private String signedDivision(String a, String b, boolean remainder) {
        String ma = temp();
        String mb = temp();
        String m = temp();
        line("u32 " + ma + " = (" + a + " >> 31) != 0u ? 0u - " + a + " : " + a + ";");
        line("u32 " + mb + " = (" + b + " >> 31) != 0u ? 0u - " + b + " : " + b + ";");
        line("u32 " + m + " = (" + mb + " == 0u) ? 0u : " + ma + (remainder ? " % " : " / ") + mb + ";");
        String negative = remainder ? "(" + a + " >> 31) != 0u" : "((" + a + " ^ " + b + ") >> 31) != 0u";
        return "(" + negative + ") ? 0u - " + m + " : " + m;
    }

    @Override
    void compare(String r, CompareOp op, Type t, String a, String b) {
        String x = t == Type.I32 ? "(int)" + a : a;
        String y = t == Type.I32 ? "(int)" + b : b;
        String sym = switch (op) {
            case EQ -> " == ";
            case NE -> " != ";
            case LT -> " < ";
            case LE -> " <= ";
            case GT -> " > ";
            case GE -> " >= ";
        };
        declare(Type.BOOL, r, x + sym + y);
    }

    @Override
    void convert(String r, Type from, Type to, String a) {
        String v;
        if (from == Type.BOOL) {
            v = a + (to == Type.U64 ? " ? 1ULL : 0ULL" : " ? 1u : 0u");
        } else if (to == Type.U64) {
            v = switch (from) {
                case U32 -> "(u64)" + a;
                case I32 -> "(u64)(long long)(int)" + a;
                default -> a;
            };
        } else {
            v = from == Type.U64 ? "(u32)" + a : a;
        }
        declare(to, r, v);
    }
}
