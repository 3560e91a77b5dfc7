package dev.vyre.ir;

import java.util.Locale;
import org.apiguardian.api.API;

/**
 * Operators of two operands. Every result is defined for every input:
 * <ul>
 *   <li>{@link #ADD}, {@link #SUB}, {@link #MUL} wrap modulo 2<sup>bits</sup>;</li>
 *   <li>{@link #DIV} and {@link #REM} by zero give 0; signed division truncates toward zero, the
 *       remainder has the dividend's sign, and {@code MIN_I32 / -1} wraps to {@code MIN_I32}
 *       (remainder 0);</li>
 *   <li>{@link #SHL} and {@link #SHR} mask the count: {@code count & 31} for 32-bit values,
 *       {@code count & 63} for {@link Type#U64}. The count may have any integer type (its low bits are
 *       used). {@link #SHR} is logical for unsigned types and arithmetic for {@link Type#I32};</li>
 *   <li>{@link #MIN} and {@link #MAX} compare unsigned for unsigned types, signed for {@link Type#I32}.</li>
 * </ul>
 * {@link #AND}, {@link #OR} and {@link #XOR} also apply to two bools. All others need two integers of
 * one type (the shift count excepted).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2")
public enum BinaryOp {
    /** Sum, wrapping. */
    ADD,
    /** Difference, wrapping. */
    SUB,
    /** Product, wrapping (the low bits of the full product). */
    MUL,
    /** Quotient; 0 when the divisor is 0. */
    DIV,
    /** Remainder; 0 when the divisor is 0. */
    REM,
    /** Bitwise and (logical and on bools). */
    AND,
    /** Bitwise or (logical or on bools). */
    OR,
    /** Bitwise exclusive or (logical on bools). */
    XOR,
    /** Shift left by the masked count. */
    SHL,
    /** Shift right by the masked count (arithmetic for i32). */
    SHR,
    /** The smaller operand. */
    MIN,
    /** The larger operand. */
    MAX;

    /** @return the operator's code in the binary encoding (its ordinal) */
    public int code() {
        return ordinal();
    }

    /** @return the lower-case name used in messages and listings */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @return true for {@link #SHL} and {@link #SHR}, whose count may have another integer type */
    public boolean isShift() {
        return this == SHL || this == SHR;
    }

    /** @return true for {@link #AND}, {@link #OR} and {@link #XOR}, which also apply to bools */
    public boolean isBitwise() {
        return this == AND || this == OR || this == XOR;
    }

    /** @return the operator with {@code code}, or null when none has it */
    static BinaryOp ofCode(int code) {
        BinaryOp[] all = values();
        return code >= 0 && code < all.length ? all[code] : null;
    }
}
