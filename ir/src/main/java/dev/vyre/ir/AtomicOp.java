package dev.vyre.ir;

import java.util.Locale;
import org.apiguardian.api.API;

/** Read-modify-write operations on one control word. Each returns the word's previous value; out of range it does nothing and returns 0 (the protocol's bounds rule). {@link #MIN} and {@link #MAX} compare unsigned for a {@link Type#U32} value and signed for an {@link Type#I32} value; they are lock-free compare-and-swap loops that write only when the word changes. */
@API(status = API.Status.EXPERIMENTAL, since = "0.2")
public enum AtomicOp {
    /** Adds the value, wrapping. */
    ADD,
    /** Writes {@code desired} when the word equals {@code expected}. */
    CAS,
    /** Keeps the smaller of the word and the value. */
    MIN,
    /** Keeps the larger of the word and the value. */
    MAX;

    /** @return the operator's code in the binary encoding (its ordinal) */
    public int code() {
        return ordinal();
    }

    /** @return the lower-case name used in messages and listings */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @return the operator with {@code code}, or null when none has it */
    static AtomicOp ofCode(int code) {
        AtomicOp[] all = values();
        return code >= 0 && code < all.length ? all[code] : null;
    }
}
