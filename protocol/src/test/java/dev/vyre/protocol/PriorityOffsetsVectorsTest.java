package dev.vyre.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** protocol-vectors.md §R. */
class PriorityOffsetsVectorsTest {

    private static final String QF = "io_uring submission queue at capacity. Fix: ";

    @Test
    void defaultOffsetsTable() {
        int[][] table = {
            {0, 0, 0, 0, 0, 0, 0},
            {1, 0, 0, 0, 1, 1, 1},
            {4, 0, 0, 0, 4, 4, 4},
            {5, 0, 1, 2, 3, 4, 5},
            {7, 0, 1, 2, 5, 6, 7},
            {10, 0, 2, 4, 6, 8, 10},
            {16, 0, 3, 6, 10, 13, 16},
            {64, 0, 12, 24, 40, 52, 64},
            {256, 0, 51, 102, 154, 205, 256},
            {1024, 0, 204, 408, 616, 820, 1024},
        };
        for (int[] row : table) {
            int[] expected = java.util.Arrays.copyOfRange(row, 1, 7);
            assertArrayEquals(expected, PriorityOffsets.defaultPriorityOffsets(row[0]), "total " + row[0]);
            assertArrayEquals(expected, PriorityOffsets.tryDefaultPriorityOffsets(row[0]));
            assertArrayEquals(expected, PriorityOffsets.defaultPriorityOffsetsArray(row[0]));
        }
        assertArrayEquals(new int[] {0, 858993459, 1717986918, (int) 2576980377L, (int) 3435973836L, 0xFFFF_FFFF},
                PriorityOffsets.defaultPriorityOffsets(0xFFFF_FFFF));
    }

    @Test
    void offsetsMatchTheModelForRandomTotals() {
        long seed = System.nanoTime();
        Random r = new Random(seed);
        int[] out = new int[6];
        for (int i = 0; i < 10_000; i++) {
            long total = r.nextLong(10_000_000L);
            PriorityOffsets.defaultPriorityOffsetsInto((int) total, out);
            long cursor = 0;
            for (int p = 0; p < 5; p++) {
                assertEquals(cursor, out[p], "seed " + seed);
                cursor += total / 5 + (p == 2 ? total % 5 : 0);
            }
            assertEquals(total, out[5], "seed " + seed);
        }
    }

    @Test
    void writeIntoControlTouchesOnlyWords129To134() {
        byte[] control = ControlCodec.encodeControl(false, 2, 0);
        Le.put(control, 1, 77);
        Le.put(control, 128, 5);
        byte[] before = control.clone();
        PriorityOffsets.writeDefaultPriorityOffsets(control, 10);
        assertArrayEquals(new int[] {0, 2, 4, 6, 8, 10}, Le.words(control, 129, 6));
        for (int i = 0; i < 160; i++) {
            if (i < 129 || i > 134) {
                assertEquals(Le.word(before, i), Le.word(control, i), "word " + i);
            }
        }
    }

    @Test
    void errorsWriteNothing() {
        for (int len : new int[] {520, 524, 536}) {
            byte[] control = new byte[len];
            java.util.Arrays.fill(control, (byte) 0x5A);
            byte[] before = control.clone();
            var e = assertThrows(QueueFullException.class,
                    () -> PriorityOffsets.writeDefaultPriorityOffsets(control, 10));
            assertEquals(QF + "control buffer is too small for priority partition offsets; rebuild it with "
                    + "Megakernel.encodeControl", e.getMessage());
            assertArrayEquals(before, control, "vyre writes words 129/130 of a 524-byte buffer; we write none");
        }
        byte[] odd = new byte[521];
        assertEquals(QF + "control buffer byte length is not 4-byte aligned; rebuild it with Megakernel.encodeControl",
                assertThrows(QueueFullException.class, () -> PriorityOffsets.writeDefaultPriorityOffsets(odd, 10))
                        .getMessage());
        byte[] exact = new byte[540];
        PriorityOffsets.writeDefaultPriorityOffsets(exact, 10);
        assertEquals(10, Le.word(exact, 134));
    }
}
