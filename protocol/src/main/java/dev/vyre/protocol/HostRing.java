package dev.vyre.protocol;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * In-process host ring: a plain ring buffer that producers fill with
 * already-encoded 64-byte slots. {@link #publish} is a raw copy with <b>no status check</b> (as
 * in vyre it can overwrite an in-flight slot); the status word is written last with release
 * ordering so a concurrent reader never sees PUBLISHED before the payload.
 */
public final class HostRing {

    /** Bytes per encoded slot. */
    public static final int SLOT_BYTES = SlotLayout.SLOT_BYTES;

    static final String BUFFER = "ring slot";

    private final MemorySegment ring;
    private final int slotCount;

    /**
     * Allocates {@code slotCount × 64} zero bytes (as {@code try_encode_empty_ring}).
     *
     * @param slotCount u32 slot count, at most 1048576
     * @throws ByteLengthOverflowException above the allocation cap
     */
    public HostRing(int slotCount) {
        this.ring = MemorySegment.ofArray(RingCodec.encodeEmptyRing(slotCount));
        this.slotCount = slotCount;
    }

    /** @return {@code "in-process-host"} */
    public String name() {
        return "in-process-host";
    }

    /** @return the number of slots */
    public int slotCount() {
        return slotCount;
    }

    /** @return the live ring memory */
    public MemorySegment segment() {
        return ring;
    }

    /** @return a copy of the ring bytes */
    public byte[] toByteArray() {
        return ring.toArray(ValueLayout.JAVA_BYTE);
    }

    /**
     * Copies one encoded slot into slot {@code slot}.
     *
     * @throws MisalignedByteLengthException when {@code encoded} is not exactly 64 bytes (checked first)
     * @throws MissingWordException          when {@code slot >= slotCount} (u32)
     */
    public void publish(int slot, byte[] encoded) {
        if (encoded.length != SLOT_BYTES) {
            throw new MisalignedByteLengthException(BUFFER, encoded.length,
                    "encoded slot must be exactly SLOT_BYTES (64) long");
        }
        long base = checkSlot(slot);
        MemorySegment src = MemorySegment.ofArray(encoded);
        MemorySegment.copy(src, Integer.BYTES, ring, Words.offset(base) + Integer.BYTES, SLOT_BYTES - Integer.BYTES);
        Words.setRelease(ring, base + SlotLayout.STATUS_WORD, Words.get(src, SlotLayout.STATUS_WORD));
    }

    /**
     * Copies slot {@code slot} into {@code out}.
     *
     * @throws MisalignedByteLengthException when {@code out} is not exactly 64 bytes (checked first)
     * @throws MissingWordException          when {@code slot >= slotCount} (u32)
     */
    public void readSlot(int slot, byte[] out) {
        if (out.length != SLOT_BYTES) {
            throw new MisalignedByteLengthException(BUFFER, out.length,
                    "out slice must be exactly SLOT_BYTES (64) long");
        }
        long base = checkSlot(slot);
        MemorySegment dst = MemorySegment.ofArray(out);
        Words.set(dst, SlotLayout.STATUS_WORD, Words.getAcquire(ring, base + SlotLayout.STATUS_WORD));
        MemorySegment.copy(ring, Words.offset(base) + Integer.BYTES, dst, Integer.BYTES, SLOT_BYTES - Integer.BYTES);
    }

    /** @return the number of slots whose status is DONE (u32) */
    public int tryDoneCount() {
        int done = 0;
        for (long s = 0; s < slotCount; s++) {
            if (Words.getAcquire(ring, s * SlotLayout.SLOT_WORDS) == SlotStatus.DONE) {
                done++;
            }
        }
        return done;
    }

    private long checkSlot(int slot) {
        long wordIndex = Integer.toUnsignedLong(slot) * SlotLayout.SLOT_WORDS;
        if (Integer.compareUnsigned(slot, slotCount) >= 0) {
            throw new MissingWordException(BUFFER, wordIndex, ring.byteSize(), "pass a slot index below the ring's slot count");
        }
        return wordIndex;
    }
}
