package dev.vyre.protocol;

import static dev.vyre.protocol.Bytes.assertError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Vectors §H (debug log) and §D (empty debug logs), plus deliberate fix 8 for the lenient decoder. */
class DebugLogVectorsTest {

    private static final String MATCHING = "decode only buffers produced by the matching megakernel protocol encoder";
    private static final String CAPACITY = "debug-log cursor must stay within the encoded record capacity";
    private static final String WHOLE_RECORDS = "debug-log cursor must advance in whole PRINTF records";

    private static byte[] log(int capacity, int cursor, int... recordWords) {
        byte[] b = DebugLogCodec.encodeEmptyDebugLog(capacity);
        Bytes.setWord(b, 0, cursor);
        for (int i = 0; i < recordWords.length; i++) {
            Bytes.setWord(b, 1 + i, recordWords[i]);
        }
        return b;
    }

    private static String missing(long w, long n, String fix) {
        return "debug_log is missing word " + w + " in " + n + " bytes. Fix: " + fix;
    }

    @Test
    void emptyDebugLogs() {
        int[][] v = {{0, 4}, {1, 20}, {2, 36}, {3, 52}, {4, 68}, {32, 516}, {64, 1028}};
        for (int[] c : v) {
            assertArrayEquals(new byte[c[1]], DebugLogCodec.encodeEmptyDebugLog(c[0]));
        }
        String cap = "debug_log byte length overflow. Fix: reduce debug-log record_capacity to the megakernel "
                + "allocation cap before encoding";
        assertError(ByteLengthOverflowException.class, cap, () -> DebugLogCodec.encodeEmptyDebugLog(1048577));
        assertError(ByteLengthOverflowException.class, cap, () -> DebugLogCodec.encodeEmptyDebugLog(-1));
        assertEquals(List.of(), DebugLogCodec.tryReadDebugLog(DebugLogCodec.encodeEmptyDebugLog(0)));

        byte[] dst = new byte[2000];
        Arrays.fill(dst, (byte) 0x77);
        assertEquals(1028, DebugLogCodec.encodeEmptyDebugLogInto(64, dst));
        assertArrayEquals(new byte[1028], Arrays.copyOf(dst, 1028));
        assertEquals((byte) 0x77, dst[1028]);
        byte[] before = dst.clone();
        assertError(ByteLengthOverflowException.class, cap, () -> DebugLogCodec.encodeEmptyDebugLogInto(-1, dst));
        assertArrayEquals(before, dst);
    }

    @Test
    void strictDecoderTable() {
        assertError(MissingWordException.class, missing(0, 0, MATCHING), () -> DebugLogCodec.tryReadDebugLog(new byte[0]));
        assertError(MisalignedByteLengthException.class, "debug_log has 3 bytes, not a whole number of u32 words. "
                + "Fix: pass whole u32 protocol words; do not decode partial DMA/readback buffers",
                () -> DebugLogCodec.tryReadDebugLog(new byte[3]));
        assertEquals(List.of(), DebugLogCodec.tryReadDebugLog(new byte[4]));
        assertError(MissingWordException.class, missing(5, 4, CAPACITY),
                () -> DebugLogCodec.tryReadDebugLog(log(0, 4)));
        assertError(MissingWordException.class, missing(4, 20, WHOLE_RECORDS),
                () -> DebugLogCodec.tryReadDebugLog(log(1, 3)));
        assertError(MissingWordException.class, missing(6, 20, CAPACITY),
                () -> DebugLogCodec.tryReadDebugLog(log(1, 5)));
        byte[] one = log(1, 4, 7, 1, 2, 48);
        assertArrayEquals(Bytes.hex("04000000 07000000 01000000 02000000 30000000"), one);
        assertEquals(List.of(new DebugRecord(7, 1, 2, 48)), DebugLogCodec.tryReadDebugLog(one));
        assertEquals(48, DebugLogCodec.tryReadDebugLog(one).get(0).slotWordBase());
        assertError(MisalignedByteLengthException.class, "debug_log has 21 bytes, not a whole number of u32 words. "
                + "Fix: pass whole u32 protocol words; do not decode partial DMA/readback buffers",
                () -> DebugLogCodec.tryReadDebugLog(Arrays.copyOf(one, 21)));
        byte[] two = log(3, 8, 11, 12, 13, 14, 21, 22, 23, 24);
        assertEquals(List.of(new DebugRecord(11, 12, 13, 14), new DebugRecord(21, 22, 23, 24)),
                DebugLogCodec.tryReadDebugLog(two));
        assertError(MissingWordException.class, missing(261, 1028, CAPACITY),
                () -> DebugLogCodec.tryReadDebugLog(full(260)));
        assertEquals(64, DebugLogCodec.tryReadDebugLog(full(256)).size());
        assertError(MissingWordException.class, missing(4294967296L, 1028, CAPACITY),
                () -> DebugLogCodec.tryReadDebugLog(full(-1)));
    }

    /** A 64-record log whose record r holds [r, r+1, r+2, 16r] and the given cursor. */
    private static byte[] full(int cursor) {
        byte[] b = DebugLogCodec.encodeEmptyDebugLog(64);
        Bytes.setWord(b, 0, cursor);
        for (int r = 0; r < 64; r++) {
            Bytes.setWord(b, 1 + 4 * r, r);
            Bytes.setWord(b, 2 + 4 * r, r + 1);
            Bytes.setWord(b, 3 + 4 * r, r + 2);
            Bytes.setWord(b, 4 + 4 * r, 16 * r);
        }
        return b;
    }

    @Test
    void strictIntoWritesFourWordsPerRecord() {
        byte[] two = log(3, 8, 11, 12, 13, 14, 21, 22, 23, 24);
        int[] out = new int[12];
        Arrays.fill(out, -5);
        assertEquals(2, DebugLogCodec.tryReadDebugLogInto(two, out));
        assertArrayEquals(new int[] {11, 12, 13, 14, 21, 22, 23, 24, -5, -5, -5, -5}, out);
        assertError(IllegalArgumentException.class, "output array holds 1 debug records but 2 were decoded. "
                + "Fix: pass an output array with room for 2 debug records",
                () -> DebugLogCodec.tryReadDebugLogInto(two, new int[7]));
    }

    @Test
    void lenientDecoderKeepsRecordsThatFitAndCountsDropped() {
        assertEquals(DebugLogReadout.EMPTY, DebugLogCodec.readDebugLog(new byte[0]));
        assertEquals(DebugLogReadout.EMPTY, DebugLogCodec.readDebugLog(new byte[3]));
        assertEquals(new DebugLogReadout(List.of(), 0), DebugLogCodec.readDebugLog(new byte[4]));
        // vyre: [] — fix 8: nothing fits, one record dropped
        assertEquals(new DebugLogReadout(List.of(), 1), DebugLogCodec.readDebugLog(log(0, 4)));
        assertEquals(new DebugLogReadout(List.of(), 0), DebugLogCodec.readDebugLog(log(1, 3)));
        // a cursor that is not a whole record counts whole records only
        assertEquals(new DebugLogReadout(List.of(new DebugRecord(7, 1, 2, 48)), 0),
                DebugLogCodec.readDebugLog(log(1, 5, 7, 1, 2, 48)));
        byte[] one = log(1, 4, 7, 1, 2, 48);
        assertEquals(new DebugLogReadout(List.of(new DebugRecord(7, 1, 2, 48)), 0), DebugLogCodec.readDebugLog(one));
        assertEquals(DebugLogReadout.EMPTY, DebugLogCodec.readDebugLog(Arrays.copyOf(one, 21)));

        DebugLogReadout overflow = DebugLogCodec.readDebugLog(full(260));
        assertEquals(64, overflow.records().size());
        assertEquals(1, overflow.droppedCount());
        assertEquals(true, overflow.overflowed());
        for (int r = 0; r < 64; r++) {
            assertEquals(new DebugRecord(r, r + 1, r + 2, 16 * r), overflow.records().get(r));
        }
        DebugLogReadout exact = DebugLogCodec.readDebugLog(full(256));
        assertEquals(64, exact.records().size());
        assertEquals(0, exact.droppedCount());
        assertEquals(1073741823L - 64, DebugLogCodec.readDebugLog(full(-1)).droppedCount());

        int[] out = new int[256];
        assertEquals(64, DebugLogCodec.readDebugLogInto(full(260), out));
        assertEquals(1, DebugLogCodec.droppedRecords(full(260)));
        assertEquals(63, out[252]);
        assertEquals(16 * 63, out[255]);
        assertEquals(0, DebugLogCodec.readDebugLogInto(new byte[3], new int[0]));
        assertEquals(0, DebugLogCodec.droppedRecords(new byte[3]));
    }

    @Test
    void printfRecordVector() {
        byte[] b = DebugLogCodec.encodeEmptyDebugLog(64);
        // PRINTF from slot 3 (slot base 48) with args [7, 1, 2], as the interpreter writes it
        Bytes.setWord(b, 0, 4);
        Bytes.setWord(b, 1, 7);
        Bytes.setWord(b, 2, 1);
        Bytes.setWord(b, 3, 2);
        Bytes.setWord(b, 4, 48);
        assertArrayEquals(Bytes.hex("04000000 07000000 01000000 02000000 30000000"), Arrays.copyOf(b, 20));
        assertEquals(List.of(new DebugRecord(7, new int[] {1, 2, 48})), DebugLogCodec.tryReadDebugLog(b));
    }
}
