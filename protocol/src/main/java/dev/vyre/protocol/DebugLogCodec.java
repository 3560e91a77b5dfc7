package dev.vyre.protocol;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Debug-log (PRINTF channel) encoder and decoders. Word 0 is the cursor, the number of words reserved so
 * far (+4 per PRINTF, growing past capacity); record {@code r} is words {@code 1+4r .. 4+4r}.
 *
 * <p>The strict decoder is vyre's: any cursor beyond capacity or not a multiple of 4 rejects
 * the whole log. The lenient decoder applies deliberate fix 8: it returns every complete record
 * that fits and reports how many were dropped, where vyre returns nothing.
 *
 * <p>The {@code ...Into} forms write records into a caller-owned {@code int[]}, four words per
 * record ({@code fmtId, arg1, arg2, slotWordBase}), and return the number of records.
 */
public final class DebugLogCodec {

    private static final String CURSOR_CAPACITY = "debug-log cursor must stay within the encoded record capacity";
    private static final String CURSOR_WHOLE = "debug-log cursor must advance in whole PRINTF records";

    private DebugLogCodec() {
    }

    /**
     * @param recordCapacity records (unsigned)
     * @return {@code (1 + 4 * recordCapacity) * 4} zero bytes (cursor 0)
     * @throws ByteLengthOverflowException above {@link ProtocolLimits#MAX_ENCODED_DEBUG_RECORDS}
     */
    public static byte[] encodeEmptyDebugLog(int recordCapacity) {
        return new byte[(int) checkedByteLen(recordCapacity)];
    }

    /**
     * Zeroes bytes {@code [0, len)} of {@code dst}; validates first, {@code dst} untouched on error.
     *
     * @return the number of bytes written
     * @throws ByteLengthOverflowException above the allocation cap
     * @throws IllegalArgumentException    when {@code dst} is shorter than the encoding
     */
    public static long encodeEmptyDebugLogInto(int recordCapacity, MemorySegment dst) {
        long len = checkedByteLen(recordCapacity);
        Texts.requireCapacity(dst, len, "debug_log");
        dst.asSlice(0, len).fill((byte) 0);
        return len;
    }

    /** {@link #encodeEmptyDebugLogInto(int, MemorySegment)} on a {@code byte[]}. */
    public static long encodeEmptyDebugLogInto(int recordCapacity, byte[] dst) {
        return encodeEmptyDebugLogInto(recordCapacity, MemorySegment.ofArray(dst));
    }

    private static long checkedByteLen(int recordCapacity) {
        long c = Integer.toUnsignedLong(recordCapacity);
        if (c > ProtocolLimits.MAX_ENCODED_DEBUG_RECORDS) {
            throw new ByteLengthOverflowException("debug_log", Texts.DEBUG_CAP);
        }
        return (DebugLogLayout.RECORDS_BASE + DebugLogLayout.RECORD_WORDS * c) * Integer.BYTES;
    }

    /**
     * Strict decode.
     *
     * @throws MisalignedByteLengthException when the length is not a multiple of 4
     * @throws MissingWordException          when the log is empty, or the cursor is beyond the
     *                                       capacity or not a multiple of 4
     */
    public static List<DebugRecord> tryReadDebugLog(MemorySegment log) {
        int n = strictRecords(log);
        List<DebugRecord> out = new ArrayList<>(n);
        for (int r = 0; r < n; r++) {
            out.add(record(log, r));
        }
        return out;
    }

    /** {@link #tryReadDebugLog(MemorySegment)} on a {@code byte[]}. */
    public static List<DebugRecord> tryReadDebugLog(byte[] log) {
        return tryReadDebugLog(MemorySegment.ofArray(log));
    }

    /**
     * Strict decode into caller storage (4 words per record).
     *
     * @return the number of records written
     * @throws IllegalArgumentException when {@code out} cannot hold every record
     */
    public static int tryReadDebugLogInto(MemorySegment log, int[] out) {
        int n = strictRecords(log);
        copy(log, n, out);
        return n;
    }

    /** {@link #tryReadDebugLogInto(MemorySegment, int[])} on a {@code byte[]}. */
    public static int tryReadDebugLogInto(byte[] log, int[] out) {
        return tryReadDebugLogInto(MemorySegment.ofArray(log), out);
    }

    /**
     * Lenient decode (deliberate fix 8): an empty readout for an empty or misaligned log;
     * otherwise the first {@code min(cursor / 4, capacity)} records and the number of reserved
     * records that did not fit. A cursor that is not a multiple of 4 counts whole records only.
     */
    public static DebugLogReadout readDebugLog(MemorySegment log) {
        int n = lenientRecords(log);
        if (n < 0) {
            return DebugLogReadout.EMPTY;
        }
        List<DebugRecord> out = new ArrayList<>(n);
        for (int r = 0; r < n; r++) {
            out.add(record(log, r));
        }
        return new DebugLogReadout(out, droppedRecords(log));
    }

    /** {@link #readDebugLog(MemorySegment)} on a {@code byte[]}. */
    public static DebugLogReadout readDebugLog(byte[] log) {
        return readDebugLog(MemorySegment.ofArray(log));
    }

    /**
     * Lenient decode into caller storage (4 words per record); {@link #droppedRecords} tells how
     * many records did not fit the log.
     *
     * @return the number of records written (0 for an empty or misaligned log)
     * @throws IllegalArgumentException when {@code out} cannot hold every complete record
     */
    public static int readDebugLogInto(MemorySegment log, int[] out) {
        int n = lenientRecords(log);
        if (n <= 0) {
            return 0;
        }
        copy(log, n, out);
        return n;
    }

    /** {@link #readDebugLogInto(MemorySegment, int[])} on a {@code byte[]}. */
    public static int readDebugLogInto(byte[] log, int[] out) {
        return readDebugLogInto(MemorySegment.ofArray(log), out);
    }

    /**
     * @return PRINTF records reserved beyond the log's capacity ({@code cursor / 4} minus the
     *         records that fit); 0 for an empty or misaligned log
     */
    public static long droppedRecords(MemorySegment log) {
        int fit = lenientRecords(log);
        if (fit < 0) {
            return 0;
        }
        long reserved = Integer.toUnsignedLong(Words.get(log, DebugLogLayout.CURSOR_WORD)) / DebugLogLayout.RECORD_WORDS;
        return reserved - fit;
    }

    /** {@link #droppedRecords(MemorySegment)} on a {@code byte[]}. */
    public static long droppedRecords(byte[] log) {
        return droppedRecords(MemorySegment.ofArray(log));
    }

    /** @return the records a log of this length can hold, or -1 when it is empty or misaligned */
    private static int lenientRecords(MemorySegment log) {
        long len = log.byteSize();
        if ((len & 3) != 0 || len == 0) {
            return -1;
        }
        long capacity = ((len >>> 2) - 1) / DebugLogLayout.RECORD_WORDS;
        long reserved = Integer.toUnsignedLong(Words.get(log, DebugLogLayout.CURSOR_WORD)) / DebugLogLayout.RECORD_WORDS;
        return (int) Math.min(capacity, reserved);
    }

    private static int strictRecords(MemorySegment log) {
        long len = log.byteSize();
        if ((len & 3) != 0) {
            throw new MisalignedByteLengthException("debug_log", len, Texts.WHOLE_WORDS);
        }
        if (len == 0) {
            throw new MissingWordException("debug_log", 0, 0, Texts.MATCHING_ENCODER);
        }
        long capWords = (len >>> 2) - 1;
        long cursor = Integer.toUnsignedLong(Words.get(log, DebugLogLayout.CURSOR_WORD));
        if (cursor > capWords) {
            throw new MissingWordException("debug_log", 1 + cursor, len, CURSOR_CAPACITY);
        }
        if (cursor % DebugLogLayout.RECORD_WORDS != 0) {
            throw new MissingWordException("debug_log", 1 + cursor, len, CURSOR_WHOLE);
        }
        return (int) (cursor / DebugLogLayout.RECORD_WORDS);
    }

    private static DebugRecord record(MemorySegment log, int r) {
        long w = DebugLogLayout.RECORDS_BASE + (long) r * DebugLogLayout.RECORD_WORDS;
        return new DebugRecord(Words.get(log, w), Words.get(log, w + 1), Words.get(log, w + 2), Words.get(log, w + 3));
    }

    private static void copy(MemorySegment log, int records, int[] out) {
        Texts.requireEntries(out.length / DebugLogLayout.RECORD_WORDS, records, "debug records");
        int words = records * DebugLogLayout.RECORD_WORDS;
        for (int i = 0; i < words; i++) {
            out[i] = Words.get(log, DebugLogLayout.RECORDS_BASE + i);
        }
    }
}
