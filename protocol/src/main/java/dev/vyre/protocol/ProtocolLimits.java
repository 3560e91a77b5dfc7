package dev.vyre.protocol;

/**
 * Size caps of the VIR0 v1 protocol. The protocol caps bound
 * what the u32 word ABI can address ({@code ...ByteLen} methods return empty above them); the
 * allocation caps bound what the encoders materialise (they throw
 * {@link ByteLengthOverflowException} above them). All values are unsigned u32 quantities held
 * in a {@code long}.
 */
public final class ProtocolLimits {
    /** Protocol cap on observable words: {@code 0xFFFFFFFF - 160}. */
    public static final long MAX_OBSERVABLE_SLOTS = 0xFFFF_FFFFL - ControlLayout.OBSERVABLE_BASE;
    /** Allocation cap on observable words for the control encoders. */
    public static final long MAX_ENCODED_OBSERVABLE_SLOTS = 1_048_576L;
    /** Protocol cap on ring slots: {@code 0xFFFFFFFF / 16}. */
    public static final long MAX_RING_SLOTS = 0xFFFF_FFFFL / SlotLayout.SLOT_WORDS;
    /** Allocation cap on ring slots for the ring encoders. */
    public static final long MAX_ENCODED_RING_SLOTS = 1_048_576L;
    /** Protocol cap on debug-log records: {@code 0xFFFFFFFF / 4}. */
    public static final long MAX_DEBUG_RECORDS = 0xFFFF_FFFFL / DebugLogLayout.RECORD_WORDS;
    /** Allocation cap on debug-log records for the debug-log encoders. */
    public static final long MAX_ENCODED_DEBUG_RECORDS = 1_048_576L;
    /** Most inner opcodes one packed slot may declare (its count is one byte). */
    public static final int MAX_PACKED_OPS = 255;

    private ProtocolLimits() {
    }
}
