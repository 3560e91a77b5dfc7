package dev.vyre.protocol;

import java.lang.foreign.MemorySegment;
import java.util.Optional;

/**
 * The LOAD_MISS slot encoding: words
 * {@code [PUBLISHED, 0xFFFD, tenant 0, priority 0, resourceId, prefetch ? 1 : 0, 0 x 10]}.
 * It is raw bytes: no opcode validation (host publishers refuse 0xFFFD).
 */
public final class LoadMissCodec {

    private LoadMissCodec() {
    }

    /** @return the 64-byte LOAD_MISS slot; never fails */
    public static byte[] encodeLoadMiss(int resourceId, boolean prefetch) {
        return tryEncodeLoadMiss(resourceId, prefetch);
    }

    /** @return the 64-byte LOAD_MISS slot */
    public static byte[] tryEncodeLoadMiss(int resourceId, boolean prefetch) {
        byte[] out = new byte[SlotLayout.SLOT_BYTES];
        write(MemorySegment.ofArray(out), resourceId, prefetch);
        return out;
    }

    /**
     * Writes the slot into bytes {@code [0, 64)} of {@code dst}.
     *
     * @return 64, the number of bytes written
     * @throws IllegalArgumentException when {@code dst} is shorter than 64 bytes (untouched)
     */
    public static long tryEncodeLoadMissInto(int resourceId, boolean prefetch, MemorySegment dst) {
        Texts.requireCapacity(dst, SlotLayout.SLOT_BYTES, "slot");
        MemorySegment out = dst.asSlice(0, SlotLayout.SLOT_BYTES);
        out.fill((byte) 0);
        write(out, resourceId, prefetch);
        return SlotLayout.SLOT_BYTES;
    }

    /** {@link #tryEncodeLoadMissInto(int, boolean, MemorySegment)} on a {@code byte[]}. */
    public static long tryEncodeLoadMissInto(int resourceId, boolean prefetch, byte[] dst) {
        return tryEncodeLoadMissInto(resourceId, prefetch, MemorySegment.ofArray(dst));
    }

    private static void write(MemorySegment out, int resourceId, boolean prefetch) {
        Words.set(out, SlotLayout.STATUS_WORD, SlotStatus.PUBLISHED);
        Words.set(out, SlotLayout.OPCODE_WORD, Opcodes.LOAD_MISS);
        Words.set(out, SlotLayout.ARG0_WORD, resourceId);
        Words.set(out, SlotLayout.ARG0_WORD + 1, prefetch ? 1 : 0);
    }

    /**
     * Decodes slot {@code slot} of a ring (any alignment, any length; the status word is
     * ignored).
     *
     * @return the request, or empty when {@code slot * 16} overflows u32, a needed word is
     *         missing, or the opcode word is not LOAD_MISS
     */
    public static Optional<LoadMiss> decodeLoadMiss(MemorySegment ring, int slot) {
        long base = Integer.toUnsignedLong(slot) * SlotLayout.SLOT_WORDS;
        if (base > 0xFFFF_FFFFL) {
            return Optional.empty();
        }
        long len = ring.byteSize();
        long opcodeWord = base + SlotLayout.OPCODE_WORD;
        if (Words.offset(opcodeWord + 1) > len || Words.get(ring, opcodeWord) != Opcodes.LOAD_MISS) {
            return Optional.empty();
        }
        long prefetchWord = base + SlotLayout.ARG0_WORD + 1;
        if (Words.offset(prefetchWord + 1) > len) {
            return Optional.empty();
        }
        return Optional.of(new LoadMiss(Words.get(ring, base + SlotLayout.ARG0_WORD),
                Words.get(ring, prefetchWord) != 0));
    }

    /** {@link #decodeLoadMiss(MemorySegment, int)} on a {@code byte[]}. */
    public static Optional<LoadMiss> decodeLoadMiss(byte[] ring, int slot) {
        return decodeLoadMiss(MemorySegment.ofArray(ring), slot);
    }

    /** Deprecated alias of {@link #encodeLoadMiss(int, boolean)}. */
    @Deprecated(since = "0.5.0")
    public static byte[] encodeExpertMiss(int resourceId, boolean prefetch) {
        return encodeLoadMiss(resourceId, prefetch);
    }

    /** Deprecated alias of {@link #decodeLoadMiss(MemorySegment, int)}. */
    @Deprecated(since = "0.5.0")
    public static Optional<LoadMiss> decodeExpertMiss(MemorySegment ring, int slot) {
        return decodeLoadMiss(ring, slot);
    }

    /** Deprecated alias of {@link #decodeLoadMiss(byte[], int)}. */
    @Deprecated(since = "0.5.0")
    public static Optional<LoadMiss> decodeExpertMiss(byte[] ring, int slot) {
        return decodeLoadMiss(ring, slot);
    }
}
