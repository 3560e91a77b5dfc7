package dev.vyre.ir;

import java.util.Locale;
import org.apiguardian.api.API;

/** Operators of one operand. {@link #NOT} is bitwise on integers and logical on {@link Type#BOOL}; {@link #NEG} is two's complement negation, wrapping (so {@code neg} of the minimum {@code i32} is itself). */
@API(status = API.Status.EXPERIMENTAL, since = "0.2")
public enum UnaryOp {
    /** Bitwise complement of an integer; logical negation of a bool. */
    NOT,
    /** {@code 0 - x}, wrapping; integers only. */
    NEG;

    /** @return the operator's code in the binary encoding (its ordinal) */
    public int code() {
        return ordinal();
    }

    /** @return the lower-case name used in messages and listings */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @return the operator with {@code code}, or null when none has it */
    static UnaryOp ofCode(int code) {
        UnaryOp[] all = values();
        return code >= 0 && code < all.length ? all[code] : null;
    }
}
