package dev.vyre.ir;

import java.util.Locale;
import org.apiguardian.api.API;

/** Comparisons. Both operands have one type; the result is {@link Type#BOOL}. Ordering is unsigned for {@link Type#U32} and {@link Type#U64} and signed for {@link Type#I32}; only {@link #EQ} and {@link #NE} apply to bools. */
@API(status = API.Status.EXPERIMENTAL, since = "0.2")
public enum CompareOp {
    /** Equal. */
    EQ,
    /** Not equal. */
    NE,
    /** Less than. */
    LT,
    /** Less than or equal. */
    LE,
    /** Greater than. */
    GT,
    /** Greater than or equal. */
    GE;

    /** @return the operator's code in the binary encoding (its ordinal) */
    public int code() {
        return ordinal();
    }

    /** @return the lower-case name used in messages and listings */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @return the operator with {@code code}, or null when none has it */
    static CompareOp ofCode(int code) {
        CompareOp[] all = values();
        return code >= 0 && code < all.length ? all[code] : null;
    }
}
