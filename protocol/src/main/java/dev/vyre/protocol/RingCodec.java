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
     * @param itemCount slots to inspect, an unsigned 64-bit count (every {@code u64} is accepted;
     *                  the {@code int} overloads read their argument as unsigned 32-bit)
     * @return the count, or empty when {@code itemCount} is 0 or the ring is shorter than
     *         {@code itemCount * 64} bytes
     */
    public static OptionalLong countDoneRingSlots(MemorySegment ring, long itemCount) {
        if (itemCount == 0 || !holdsSlots(ring, itemCount)) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(countDone(ring, itemCount));
    }

    /** {@link #countDoneRingSlots(MemorySegment, long)} on a {@code byte[]}. */
    public static OptionalLong countDoneRingSlots(byte[] ring, long itemCount) {
        return countDoneRingSlots(MemorySegment.ofArray(ring), itemCount);
    }

    /** {@link #countDoneRingSlots(MemorySegment, long)} with a 32-bit unsigned {@code itemCount}. */
    public static OptionalLong countDoneRingSlots(MemorySegment ring, int itemCount) {
        return countDoneRingSlots(ring, Integer.toUnsignedLong(itemCount));
    }

    /** {@link #countDoneRingSlots(MemorySegment, int)} on a {@code byte[]}. */
    public static OptionalLong countDoneRingSlots(byte[] ring, int itemCount) {
        return countDoneRingSlots(MemorySegment.ofArray(ring), Integer.toUnsignedLong(itemCount));
    }

    /**
     * Strict: {@code itemCount == 0} gives 0 before any check.
     *
     * @throws MisalignedByteLengthException when the length is not a multiple of 4
     * @throws MissingWordException          when the ring is shorter than {@code itemCount * 64}
     */
    public static long tryCountDoneRingSlots(MemorySegment ring, long itemCount) {
        if (itemCount == 0) {
            return 0;
        }
        long len = ring.byteSize();
        if ((len & 3) != 0) {
            throw new MisalignedByteLengthException("ring", len, Texts.WHOLE_WORDS);
        }
        if (!holdsSlots(ring, itemCount)) {
            throw new MissingWordException("ring", missingWordIndex(itemCount), len,
                    "decode only full ring readbacks sized for the submitted megakernel item_count");
        }
        return countDone(ring, itemCount);
    }

    /** {@link #tryCountDoneRingSlots(MemorySegment, long)} on a {@code byte[]}. */
    public static long tryCountDoneRingSlots(byte[] ring, long itemCount) {
        return tryCountDoneRingSlots(MemorySegment.ofArray(ring), itemCount);
    }

    /** {@link #tryCountDoneRingSlots(MemorySegment, long)} with a 32-bit unsigned {@code itemCount}. */
    public static long tryCountDoneRingSlots(MemorySegment ring, int itemCount) {
        return tryCountDoneRingSlots(ring, Integer.toUnsignedLong(itemCount));
    }

    /** {@link #tryCountDoneRingSlots(MemorySegment, int)} on a {@code byte[]}. */
    public static long tryCountDoneRingSlots(byte[] ring, int itemCount) {
        return tryCountDoneRingSlots(MemorySegment.ofArray(ring), Integer.toUnsignedLong(itemCount));
    }

    /** @return whether {@code ring} holds {@code slots} (unsigned) whole slots, without overflow */
    private static boolean holdsSlots(MemorySegment ring, long slots) {
        return Long.compareUnsigned(slots, ring.byteSize() / SlotLayout.SLOT_BYTES) <= 0;
    }

    /**
     * The first word a ring of {@code slots} slots would need, {@code slots × 16}; counts whose
     * word index exceeds an unsigned 64-bit value report {@code 0xFFFF_FFFF_FFFF_FFFF} (read it
     * with {@link Long#toUnsignedString(long)}).
     */
    private static long missingWordIndex(long slots) {
        return Long.compareUnsigned(slots, -1L >>> 4) > 0 ? -1L : slots * SlotLayout.SLOT_WORDS;
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
