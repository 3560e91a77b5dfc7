package dev.vyre.protocol;

import java.lang.foreign.MemorySegment;

/**
 * Control buffer encoder and scalar decoders.
 *
 * <p>u32 values are Java {@code int}s read as unsigned. Strict {@code try...} readers throw
 * {@link MisalignedByteLengthException} or {@link MissingWordException} (the observable reader
 * also {@link ByteLengthOverflowException}); lenient readers return 0 on any such error, even
 * when a misaligned buffer holds the word. Decoders read plain (a snapshot); they accept
 * segments at any address.
 */
public final class ControlCodec {

    private ControlCodec() {
    }

    /**
     * @return the encoded control buffer: {@code (160 + observableSlots) * 4} bytes, word 0 =
     *         shutdown, word 2 = 3, masks for tenants below {@code min(tenantCount, 29)},
     *         quotas for tenants below {@code min(tenantCount, 32)}
     * @throws ByteLengthOverflowException above {@link ProtocolLimits#MAX_ENCODED_OBSERVABLE_SLOTS}
     */
    public static byte[] encodeControl(boolean shutdown, int tenantCount, int observableSlots) {
        long len = checkedByteLen(observableSlots);
        byte[] out = new byte[(int) len];
        fill(MemorySegment.ofArray(out), shutdown, tenantCount);
        return out;
    }

    /**
     * Encodes into caller storage: bytes {@code [0, len)} of {@code dst} are overwritten, later
     * bytes are left alone. Validates first; on error {@code dst} is untouched.
     *
     * @return the number of bytes written
     * @throws ByteLengthOverflowException above the allocation cap
     * @throws IllegalArgumentException    when {@code dst} is shorter than the encoding
     */
    public static long encodeControlInto(boolean shutdown, int tenantCount, int observableSlots, MemorySegment dst) {
        long len = checkedByteLen(observableSlots);
        Texts.requireCapacity(dst, len, "control");
        MemorySegment out = dst.asSlice(0, len);
        out.fill((byte) 0);
        fill(out, shutdown, tenantCount);
        return len;
    }

    /** {@link #encodeControlInto(boolean, int, int, MemorySegment)} on a {@code byte[]}. */
    public static long encodeControlInto(boolean shutdown, int tenantCount, int observableSlots, byte[] dst) {
        return encodeControlInto(shutdown, tenantCount, observableSlots, MemorySegment.ofArray(dst));
    }

    private static long checkedByteLen(int observableSlots) {
        long obs = Integer.toUnsignedLong(observableSlots);
        if (obs > ProtocolLimits.MAX_ENCODED_OBSERVABLE_SLOTS) {
            throw new ByteLengthOverflowException("control", Texts.CONTROL_CAP);
        }
        return (ControlLayout.CONTROL_MIN_WORDS + obs) * Integer.BYTES;
    }

    private static void fill(MemorySegment out, boolean shutdown, int tenantCount) {
        if (shutdown) {
            Words.set(out, ControlLayout.SHUTDOWN, 1);
        }
        Words.set(out, ControlLayout.TENANT_BASE, ControlLayout.TENANT_MASK_BASE);
        long tenants = Integer.toUnsignedLong(tenantCount);
        long maskEnd = Math.min(ControlLayout.TENANT_MASK_BASE + tenants, ControlLayout.TENANT_QUOTA_BASE);
        for (long w = ControlLayout.TENANT_MASK_BASE; w < maskEnd; w++) {
            Words.set(out, w, 0xFFFF_FFFF);
        }
        long quotaEnd = Math.min(ControlLayout.TENANT_QUOTA_BASE + tenants, ControlLayout.TENANT_FAIRNESS_BASE);
        for (long w = ControlLayout.TENANT_QUOTA_BASE; w < quotaEnd; w++) {
            Words.set(out, w, ControlLayout.DEFAULT_TENANT_QUOTA);
        }
    }

    /** @return DONE_COUNT (word 1, unsigned) or 0 on a malformed buffer */
    public static int readDoneCount(MemorySegment control) {
        return lenientWord(control, ControlLayout.DONE_COUNT);
    }

    /** {@link #readDoneCount(MemorySegment)} on a {@code byte[]}. */
    public static int readDoneCount(byte[] control) {
        return readDoneCount(MemorySegment.ofArray(control));
    }

    /**
     * @return DONE_COUNT (word 1, unsigned)
     * @throws MisalignedByteLengthException when the length is not a multiple of 4
     * @throws MissingWordException          when word 1 is missing
     */
    public static int tryReadDoneCount(MemorySegment control) {
        return strictWord(control, ControlLayout.DONE_COUNT);
    }

    /** {@link #tryReadDoneCount(MemorySegment)} on a {@code byte[]}. */
    public static int tryReadDoneCount(byte[] control) {
        return tryReadDoneCount(MemorySegment.ofArray(control));
    }

    /** @return EPOCH (word 128, unsigned) or 0 on a malformed buffer */
    public static int readEpoch(MemorySegment control) {
        return lenientWord(control, ControlLayout.EPOCH);
    }

    /** {@link #readEpoch(MemorySegment)} on a {@code byte[]}. */
    public static int readEpoch(byte[] control) {
        return readEpoch(MemorySegment.ofArray(control));
    }

    /**
     * @return EPOCH (word 128, unsigned)
     * @throws MisalignedByteLengthException when the length is not a multiple of 4
     * @throws MissingWordException          when word 128 is missing
     */
    public static int tryReadEpoch(MemorySegment control) {
        return strictWord(control, ControlLayout.EPOCH);
    }

    /** {@link #tryReadEpoch(MemorySegment)} on a {@code byte[]}. */
    public static int tryReadEpoch(byte[] control) {
        return tryReadEpoch(MemorySegment.ofArray(control));
    }

    /** @return observable word {@code index} (word 160 + index, unsigned) or 0 on any error */
    public static int readObservable(MemorySegment control, int index) {
        try {
            return tryReadObservable(control, index);
        } catch (ProtocolException e) {
            return 0;
        }
    }

    /** {@link #readObservable(MemorySegment, int)} on a {@code byte[]}. */
    public static int readObservable(byte[] control, int index) {
        return readObservable(MemorySegment.ofArray(control), index);
    }

    /**
     * @param index observable index (unsigned)
     * @return observable word {@code index} (word 160 + index)
     * @throws ByteLengthOverflowException   when {@code 160 + index} overflows u32 (checked first)
     * @throws MisalignedByteLengthException when the length is not a multiple of 4
     * @throws MissingWordException          when the word is missing
     */
    public static int tryReadObservable(MemorySegment control, int index) {
        long word = ControlLayout.OBSERVABLE_BASE + Integer.toUnsignedLong(index);
        if (word > 0xFFFF_FFFFL) {
            throw new ByteLengthOverflowException("control",
                    "observable index overflows the protocol word offset; shard observable reads");
        }
        return strictWord(control, word);
    }

    /** {@link #tryReadObservable(MemorySegment, int)} on a {@code byte[]}. */
    public static int tryReadObservable(byte[] control, int index) {
        return tryReadObservable(MemorySegment.ofArray(control), index);
    }

    private static int lenientWord(MemorySegment control, long word) {
        long len = control.byteSize();
        if ((len & 3) != 0 || Words.offset(word + 1) > len) {
            return 0;
        }
        return Words.get(control, word);
    }

    private static int strictWord(MemorySegment control, long word) {
        long len = control.byteSize();
        if ((len & 3) != 0) {
            throw new MisalignedByteLengthException("control", len, Texts.WHOLE_WORDS);
        }
        if (Words.offset(word + 1) > len) {
            throw new MissingWordException("control", word, len, Texts.MATCHING_ENCODER);
        }
        return Words.get(control, word);
    }
}
