package dev.vyre.ir;

import java.util.Locale;
import org.apiguardian.api.API;

/**
 * Fields of the executing slot that a program reads (besides its argument words, read with
 * {@link Ir#arg(int)}). They are those of {@link dev.vyre.protocol.SlotContext}.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2")
public enum ContextField {
    /** The opcode being executed (the inner opcode for a packed op), {@link Type#U32}. */
    OPCODE(Type.U32),
    /** The ring slot index, {@link Type#U32}. */
    SLOT(Type.U32),
    /** The slot's tenant word, {@link Type#U32}. */
    TENANT(Type.U32),
    /** The control buffer's length in words, {@link Type#U64}. */
    CONTROL_WORDS(Type.U64),
    /** The data buffer's length in bytes (0 without one), {@link Type#U64}. */
    DATA_BYTES(Type.U64);

    private final Type type;

    ContextField(Type type) {
        this.type = type;
    }

    /** @return the type of the field's value */
    public Type type() {
        return type;
    }

    /** @return the field's code in the binary encoding (its ordinal) */
    public int code() {
        return ordinal();
    }

    /** @return the lower-case name used in messages and listings */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @return the field with {@code code}, or null when none has it */
    static ContextField ofCode(int code) {
        ContextField[] all = values();
        return code >= 0 && code < all.length ? all[code] : null;
    }
}
