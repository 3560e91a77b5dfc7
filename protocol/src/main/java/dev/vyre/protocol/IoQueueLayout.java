package dev.vyre.protocol;

/** Layout of the IO queue: up to 64 slots of 8 words. */
public final class IoQueueLayout {
    public static final int IO_SLOT_WORDS = 8;
    public static final int IO_SLOT_BYTES = IO_SLOT_WORDS * Integer.BYTES;
    /** Slots the interpreter polls (and the most an encoder produces). */
    public static final int IO_SLOT_COUNT = 64;
    public static final int OP_TYPE_WORD = 0;
    public static final int SRC_HANDLE_WORD = 1;
    public static final int DST_HANDLE_WORD = 2;
    public static final int OFFSET_LO_WORD = 3;
    public static final int OFFSET_HI_WORD = 4;
    public static final int BYTE_COUNT_WORD = 5;
    public static final int STATUS_WORD = 6;
    public static final int TAG_WORD = 7;

    /** {@code op_type} values. */
    public static final int OP_READ = 1;
    public static final int OP_WRITE = 2;
    public static final int OP_FENCE = 3;

    /** Completion statuses (other statuses reuse {@link SlotStatus} EMPTY..DONE). */
    public static final int STATUS_OK = 0x10;
    public static final int STATUS_ERROR = 0x11;

    private IoQueueLayout() {
    }
}
