package dev.vyre.ir;

import java.util.Locale;
import org.apiguardian.api.API;

/** What a load reads. Indices are unsigned ({@link Type#U32} or {@link Type#U64}); an index outside the buffer reads 0. */
@API(status = API.Status.EXPERIMENTAL, since = "0.2")
public enum Memory {
    /** A control word (word index). */
    CONTROL,
    /** A data-buffer byte (byte index), zero-extended. */
    DATA_BYTE,
    /** A little-endian data-buffer word (word index {@code w}: bytes {@code 4w .. 4w+3}, all of which must lie inside the buffer). */
    DATA_WORD;

    /** @return the operator's code in the binary encoding (its ordinal) */
    public int code() {
        return ordinal();
    }

    /** @return the lower-case name used in messages and listings */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @return the operator with {@code code}, or null when none has it */
    static Memory ofCode(int code) {
        Memory[] all = values();
        return code >= 0 && code < all.length ? all[code] : null;
    }
}
