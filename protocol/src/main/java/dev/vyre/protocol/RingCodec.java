package dev.vyre.protocol;

import java.lang.foreign.MemorySegment;
import java.util.OptionalLong;

/** Ring buffer encoder and the DONE-slot counter. */
public final class RingCodec {

    private RingCodec() {
    }

    /**
     * @param slotCount ring slots (unsigned)
     * @return {@code slotCount * 64} zero bytes
     * @throws ByteLengthOverflowException above {@link ProtocolLimits#MAX_ENCODED_RING_SLOTS}
     */
    public static byte[] encodeEmptyRing(int slotCount) {
        return new byte[(int) checkedByteLen(slotCount)];
    }

    /**
     * Zeroes bytes {@code [0, slotCount * 64)} of {@code dst}; later bytes are left alone.
     * Validates first; on error {@code dst} is untouched.
     *
     * @return the number of bytes written
     * @throws ByteLengthOverflowException above the allocation cap
     * @throws IllegalArgumentException    when {@code dst} is shorter than the encoding
     */
    public static long encodeEmptyRingInto(int slotCount, MemorySegment dst) {
        long len = checkedByteLen(slotCount);
        Texts.requireCapacity(dst, len, "ring");
        dst.asSlice(0, len).fill((byte) 0);
        return len;
    }

    /** {@link #encodeEmptyRingInto(int, MemorySegment)} on a {@code byte[]}. */
    public static long encodeEmptyRingInto(int slotCount, byte[] dst) {
        return encodeEmptyRingInto(slotCount, MemorySegment.ofArray(dst));
    }

    static long checkedByteLen(int slotCount) {
        long n = Integer.toUnsignedLong(slotCount);
        if (n > ProtocolLimits.MAX_ENCODED_RING_SLOTS) {
            throw new ByteLengthOverflowException("ring", Texts.RING_CAP);
        }
        return n * SlotLayout.SLOT_BYTES;
    }

    /**
     * Lenient: counts slots {@code 0 .. itemCount} whose status word is DONE. No alignment
     * check; bytes after the counted slots are ignored.
     *
     * @param itemCount slots to inspect (unsigned)
     * @return the count, or empty when {@code itemCount} is 0 or the ring is shorter than
     *         {@code itemCount * 64} bytes
     */
    public static OptionalLong countDoneRingSlots(MemorySegment ring, int itemCount) {
        long n = Integer.toUnsignedLong(itemCount);
        if (n == 0 || ring.byteSize() < n * SlotLayout.SLOT_BYTES) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(countDone(ring, n));
    }

    /** {@link #countDoneRingSlots(MemorySegment, int)} on a {@code byte[]}. */
    public static OptionalLong countDoneRingSlots(byte[] ring, int itemCount) {
        return countDoneRingSlots(MemorySegment.ofArray(ring), itemCount);
    }

    /**
     * Strict: {@code itemCount == 0} gives 0 before any check.
     *
     * @throws MisalignedByteLengthException when the length is not a multiple of 4
     * @throws MissingWordException          when the ring is shorter than {@code itemCount * 64}
     */
    public static long tryCountDoneRingSlots(MemorySegment ring, int itemCount) {
        long n = Integer.toUnsignedLong(itemCount);
        if (n == 0) {
            return 0;
        }
        long len = ring.byteSize();
        if ((len & 3) != 0) {
            throw new MisalignedByteLengthException("ring", len, Texts.WHOLE_WORDS);
        }
        if (len < n * SlotLayout.SLOT_BYTES) {
            throw new MissingWordException("ring", n * SlotLayout.SLOT_WORDS, len,
                    "decode only full ring readbacks sized for the submitted megakernel item_count");
        }
        return countDone(ring, n);
    }

    /** {@link #tryCountDoneRingSlots(MemorySegment, int)} on a {@code byte[]}. */
    public static long tryCountDoneRingSlots(byte[] ring, int itemCount) {
        return tryCountDoneRingSlots(MemorySegment.ofArray(ring), itemCount);
    }

    private static long countDone(MemorySegment ring, long slots) {
        long done = 0;
        for (long s = 0; s < slots; s++) {
            if (Words.get(ring, s * SlotLayout.SLOT_WORDS + SlotLayout.STATUS_WORD) == SlotStatus.DONE) {
                done++;
            }
        }
        return done;
    }
}
