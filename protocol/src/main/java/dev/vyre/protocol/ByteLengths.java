package dev.vyre.protocol;

import java.util.OptionalLong;

/**
 * Byte lengths of the protocol buffers and slot word arithmetic (vyre 0.6.3
 * {@code protocol/codec.rs} and {@code protocol.rs}). Counts are u32 values passed as
 * {@code int} and read as unsigned ({@code -1} means {@code 0xFFFFFFFF}); lengths and word
 * indices are returned as {@code long}.
 */
public final class ByteLengths {

    private ByteLengths() {
    }

    /**
     * @param observableSlots observable words after the fixed 160-word region (unsigned)
     * @return {@code (160 + observableSlots) * 4}, or empty above
     *         {@link ProtocolLimits#MAX_OBSERVABLE_SLOTS}
     */
    public static OptionalLong controlByteLen(int observableSlots) {
        long obs = Integer.toUnsignedLong(observableSlots);
        if (obs > ProtocolLimits.MAX_OBSERVABLE_SLOTS) {
            return OptionalLong.empty();
        }
        return OptionalLong.of((ControlLayout.CONTROL_MIN_WORDS + obs) * Integer.BYTES);
    }

    /**
     * @param slotCount ring slots (unsigned)
     * @return {@code slotCount * 64}, or empty above {@link ProtocolLimits#MAX_RING_SLOTS}
     */
    public static OptionalLong ringByteLen(int slotCount) {
        long n = Integer.toUnsignedLong(slotCount);
        if (n > ProtocolLimits.MAX_RING_SLOTS) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(n * SlotLayout.SLOT_BYTES);
    }

    /**
     * @param recordCapacity PRINTF records (unsigned)
     * @return {@code (1 + 4 * recordCapacity) * 4}, or empty above
     *         {@link ProtocolLimits#MAX_DEBUG_RECORDS}
     */
    public static OptionalLong debugLogByteLen(int recordCapacity) {
        long c = Integer.toUnsignedLong(recordCapacity);
        if (c > ProtocolLimits.MAX_DEBUG_RECORDS) {
            return OptionalLong.empty();
        }
        return OptionalLong.of((DebugLogLayout.RECORDS_BASE + DebugLogLayout.RECORD_WORDS * c) * Integer.BYTES);
    }

    /** @return the byte length of one ring slot (64) */
    public static long slotByteLen() {
        return SlotLayout.SLOT_BYTES;
    }

    /** @return the protocol word index {@code word} (unsigned) as a host index */
    public static long wordIndex(int word) {
        return Integer.toUnsignedLong(word);
    }

    /**
     * @param slot ring slot index (unsigned)
     * @return the word index of the slot's first word, {@code slot * 16}
     * @throws ByteLengthOverflowException when {@code slot * 16} does not fit a u32
     */
    public static long slotWordBase(int slot) {
        long base = Integer.toUnsignedLong(slot) * SlotLayout.SLOT_WORDS;
        if (base > 0xFFFF_FFFFL) {
            throw new ByteLengthOverflowException("ring",
                    "slot word base overflows the u32 protocol word ABI; shard the megakernel ring before host access");
        }
        return base;
    }

    /**
     * @param slot ring slot index (unsigned)
     * @param word slot-local word, below 16 (unsigned)
     * @return the absolute ring word index {@code slot * 16 + word}
     * @throws ByteLengthOverflowException when {@code word >= 16} or the slot base overflows
     */
    public static long slotWordIndex(int slot, int word) {
        if (Integer.compareUnsigned(word, SlotLayout.SLOT_WORDS) >= 0) {
            throw new ByteLengthOverflowException("slot",
                    "slot-local word is outside SLOT_WORDS; keep protocol constants within the slot layout");
        }
        return slotWordBase(slot) + word;
    }
}
