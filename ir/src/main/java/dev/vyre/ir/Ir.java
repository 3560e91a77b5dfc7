package dev.vyre.ir;

import dev.vyre.protocol.SlotLayout;
import org.apiguardian.api.API;

/**
 * Factories of {@link Expr expressions}. Each checks its operands' types and throws
 * {@link IrException} naming the node, with a {@code Fix:}, when they do not fit. Statements are added
 * through a {@link Block}; a {@link Program} is built with {@link Program#build}.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2")
public final class Ir {

    /** Number of argument words of a slot ({@code arg(0) .. arg(11)}). */
    public static final int ARGS = SlotLayout.ARGS_PER_SLOT;

    private Ir() {
    }

    /** @return the u32 constant with bit pattern {@code value} */
    public static Expr u32(int value) {
        return new Expr.Const(Type.U32, value);
    }

    /** @return the i32 constant {@code value} */
    public static Expr i32(int value) {
        return new Expr.Const(Type.I32, value);
    }

    /** @return the u64 constant with bit pattern {@code value} */
    public static Expr u64(long value) {
        return new Expr.Const(Type.U64, value);
    }

    /** @return the bool constant {@code value} */
    public static Expr bool(boolean value) {
        return new Expr.Const(Type.BOOL, value ? 1 : 0);
    }

    /** @return {@code a + b}, wrapping */
    public static Expr add(Expr a, Expr b) {
        return new Expr.Binary(BinaryOp.ADD, a, b);
    }

    /** @return {@code a - b}, wrapping */
    public static Expr sub(Expr a, Expr b) {
        return new Expr.Binary(BinaryOp.SUB, a, b);
    }

    /** @return {@code a * b}, wrapping (the low bits of the product) */
    public static Expr mul(Expr a, Expr b) {
        return new Expr.Binary(BinaryOp.MUL, a, b);
    }

    /** @return {@code a / b}; 0 when {@code b} is 0 */
    public static Expr div(Expr a, Expr b) {
        return new Expr.Binary(BinaryOp.DIV, a, b);
    }

    /** @return {@code a % b}; 0 when {@code b} is 0 */
    public static Expr rem(Expr a, Expr b) {
        return new Expr.Binary(BinaryOp.REM, a, b);
    }

    /** @return bitwise and of two integers, logical and of two bools */
    public static Expr and(Expr a, Expr b) {
        return new Expr.Binary(BinaryOp.AND, a, b);
    }

    /** @return bitwise or of two integers, logical or of two bools */
    public static Expr or(Expr a, Expr b) {
        return new Expr.Binary(BinaryOp.OR, a, b);
    }

    /** @return bitwise exclusive or of two integers, logical exclusive or of two bools */
    public static Expr xor(Expr a, Expr b) {
        return new Expr.Binary(BinaryOp.XOR, a, b);
    }

    /** @return {@code a << (count & 31)} (or {@code & 63} for a u64 {@code a}) */
    public static Expr shl(Expr a, Expr count) {
        return new Expr.Binary(BinaryOp.SHL, a, count);
    }

    /** @return {@code a >> (count & 31)} (or {@code & 63} for a u64 {@code a}); arithmetic for i32 */
    public static Expr shr(Expr a, Expr count) {
        return new Expr.Binary(BinaryOp.SHR, a, count);
    }

    /** @return the smaller operand (signed for i32, unsigned otherwise) */
    public static Expr min(Expr a, Expr b) {
        return new Expr.Binary(BinaryOp.MIN, a, b);
    }

    /** @return the larger operand (signed for i32, unsigned otherwise) */
    public static Expr max(Expr a, Expr b) {
        return new Expr.Binary(BinaryOp.MAX, a, b);
    }

    /** @return bitwise complement of an integer, negation of a bool */
    public static Expr not(Expr a) {
        return new Expr.Unary(UnaryOp.NOT, a);
    }

    /** @return {@code 0 - a}, wrapping */
    public static Expr neg(Expr a) {
        return new Expr.Unary(UnaryOp.NEG, a);
    }

    /** @return {@code a == b} */
    public static Expr eq(Expr a, Expr b) {
        return new Expr.Compare(CompareOp.EQ, a, b);
    }

    /** @return {@code a != b} */
    public static Expr ne(Expr a, Expr b) {
        return new Expr.Compare(CompareOp.NE, a, b);
    }

    /** @return {@code a < b} (signed for i32, unsigned otherwise) */
    public static Expr lt(Expr a, Expr b) {
        return new Expr.Compare(CompareOp.LT, a, b);
    }

    /** @return {@code a <= b} (signed for i32, unsigned otherwise) */
    public static Expr le(Expr a, Expr b) {
        return new Expr.Compare(CompareOp.LE, a, b);
    }

    /** @return {@code a > b} (signed for i32, unsigned otherwise) */
    public static Expr gt(Expr a, Expr b) {
        return new Expr.Compare(CompareOp.GT, a, b);
    }

    /** @return {@code a >= b} (signed for i32, unsigned otherwise) */
    public static Expr ge(Expr a, Expr b) {
        return new Expr.Compare(CompareOp.GE, a, b);
    }

    /** @return {@code condition ? ifTrue : ifFalse} */
    public static Expr select(Expr condition, Expr ifTrue, Expr ifFalse) {
        return new Expr.Select(condition, ifTrue, ifFalse);
    }

    /** @return {@code value} converted to {@code to}; see {@link Expr.Convert} */
    public static Expr convert(Type to, Expr value) {
        return new Expr.Convert(to, value);
    }

    /** @return {@code value} as u32 (see {@link Expr.Convert}) */
    public static Expr asU32(Expr value) {
        return convert(Type.U32, value);
    }

    /** @return {@code value} as i32 (see {@link Expr.Convert}) */
    public static Expr asI32(Expr value) {
        return convert(Type.I32, value);
    }

    /** @return {@code value} as u64: a u32 zero-extends, an i32 sign-extends */
    public static Expr asU64(Expr value) {
        return convert(Type.U64, value);
    }

    /** @return the opcode being executed (u32) */
    public static Expr opcode() {
        return new Expr.Context(ContextField.OPCODE);
    }

    /** @return the ring slot index (u32) */
    public static Expr slot() {
        return new Expr.Context(ContextField.SLOT);
    }

    /** @return the slot's tenant word (u32) */
    public static Expr tenant() {
        return new Expr.Context(ContextField.TENANT);
    }

    /** @return the control buffer's length in words (u64) */
    public static Expr controlWords() {
        return new Expr.Context(ContextField.CONTROL_WORDS);
    }

    /** @return the data buffer's length in bytes (u64, 0 without one) */
    public static Expr dataBytes() {
        return new Expr.Context(ContextField.DATA_BYTES);
    }

    /** @return argument word {@code index} (0..11), a u32 */
    public static Expr arg(int index) {
        return new Expr.Arg(index);
    }

    /** @return control word {@code index} (u32 or u64), 0 out of range */
    public static Expr loadControl(Expr index) {
        return new Expr.Load(Memory.CONTROL, index);
    }

    /** @return data byte {@code index} (u32 or u64) zero-extended, 0 out of range */
    public static Expr loadDataByte(Expr index) {
        return new Expr.Load(Memory.DATA_BYTE, index);
    }

    /** @return little-endian data word {@code index} (bytes {@code 4*index .. 4*index+3}), 0 unless all lie inside */
    public static Expr loadDataWord(Expr index) {
        return new Expr.Load(Memory.DATA_WORD, index);
    }
}
