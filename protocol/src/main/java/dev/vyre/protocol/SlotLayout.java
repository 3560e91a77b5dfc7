package dev.vyre.protocol;

/** Layout of one 64-byte ring slot: 16 little-endian u32 words. */
public final class SlotLayout {
    /** Words per ring slot. */
    public static final int SLOT_WORDS = 16;
    /** Bytes per ring slot. */
    public static final int SLOT_BYTES = SLOT_WORDS * Integer.BYTES;
    /** Slot status word (CAS target); see {@link SlotStatus}. */
    public static final int STATUS_WORD = 0;
    /** Opcode word; see {@link Opcodes}. */
    public static final int OPCODE_WORD = 1;
    /** Tenant id word. */
    public static final int TENANT_WORD = 2;
    /** Priority word (written by publishers, never read by the interpreter). */
    public static final int PRIORITY_WORD = 3;
    /** First argument word. */
    public static final int ARG0_WORD = 4;
    /** Argument words per slot (words 4..15). */
    public static final int ARGS_PER_SLOT = 12;

    private SlotLayout() {
    }
}
