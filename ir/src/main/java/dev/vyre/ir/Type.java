package dev.vyre.ir;

import org.apiguardian.api.API;

/**
 * The value types of the IR. Integers wrap modulo 2<sup>bits</sup>; {@link #BOOL} is the result of
 * comparisons and the condition of {@code select}, {@code if} and nothing else.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2")
public enum Type {
    /** Truth value: the result of a comparison. */
    BOOL(0, 1),
    /** Unsigned 32-bit integer: the type of control words, data words and slot fields. */
    U32(1, 32),
    /** Signed (two's complement) 32-bit integer. */
    I32(2, 32),
    /** Unsigned 64-bit integer. */
    U64(3, 64);

    private final int code;
    private final int bits;

    Type(int code, int bits) {
        this.code = code;
        this.bits = bits;
    }

    /** @return the type's code in the binary encoding */
    public int code() {
        return code;
    }

    /** @return the width in bits (1 for {@link #BOOL}) */
    public int bits() {
        return bits;
    }

    /** @return true for {@link #U32}, {@link #I32} and {@link #U64} */
    public boolean isInteger() {
        return this != BOOL;
    }

    /** @return true for the 32-bit integer types, {@link #U32} and {@link #I32} */
    public boolean isWord() {
        return bits == 32;
    }

    /** @return the lower-case name used in messages and listings */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** @return the type with {@code code}, or null when no type has it */
    static Type ofCode(int code) {
        for (Type t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }
}
