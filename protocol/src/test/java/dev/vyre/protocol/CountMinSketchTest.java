package dev.vyre.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Count-Min sketch: vyre's hashing, estimates, shape checks. */
class CountMinSketchTest {

    @Test
    void splitmix64KnownValues() {
        // Reference values of the splitmix64 finaliser (seed 0 -> first output of SplitMix64).
        assertEquals(0xE220A8397B1DCDAFL, CountMinSketch.splitmix64(0));
        assertEquals(0x910A2DEC89025CC1L, CountMinSketch.splitmix64(1));
    }

    @Test
    void bucketFollowsTheFormula() {
        CountMinSketch s = new CountMinSketch(3, 64);
        for (int row = 0; row < 3; row++) {
            for (int key : new int[] {0, 1, 7, 99, -1}) {
                long h = CountMinSketch.splitmix64(Integer.toUnsignedLong(key) ^ (row * 0x9E3779B97F4A7C15L));
                assertEquals(row * 64 + (int) Long.remainderUnsigned(h, 64), s.bucket(row, key));
            }
        }
        s.add(7, 5);
        long[] counters = s.counters();
        long sum = 0;
        for (long c : counters) {
            sum += c;
        }
        assertEquals(15, sum);
        for (int row = 0; row < 3; row++) {
            assertEquals(5, counters[s.bucket(row, 7)]);
        }
    }

    @Test
    void estimatesNeverUnderCount() {
        CountMinSketch s = new CountMinSketch(4, 16);
        for (int i = 0; i < 5; i++) {
            s.add(7, 1);
        }
        s.add(99, 4);
        for (int k = 0; k < 200; k++) {
            s.add(k + 1000, 1);
        }
        assertTrue(s.estimate(7) >= 5);
        assertTrue(s.estimate(99) >= 4);
    }

    @Test
    void shapeErrorsMergeAndOverflow() {
        String zero = "io_uring telemetry queue at capacity. Fix: Count-Min sketch depth and width must be non-zero";
        assertEquals(zero, assertThrows(QueueFullException.class, () -> new CountMinSketch(0, 4)).getMessage());
        assertEquals(zero, assertThrows(QueueFullException.class, () -> new CountMinSketch(4, 0)).getMessage());
        var big = assertThrows(QueueFullException.class, () -> new CountMinSketch(Integer.MAX_VALUE, 2));
        assertTrue(big.getMessage().contains("overflow"));
        assertEquals("telemetry", big.queue());

        CountMinSketch a = new CountMinSketch(3, 64);
        CountMinSketch b = new CountMinSketch(3, 64);
        a.add(1, 2);
        b.add(1, 3);
        a.merge(b);
        assertEquals(5, a.estimate(1));
        assertThrows(BackendException.class, () -> a.merge(new CountMinSketch(4, 64)));

        CountMinSketch full = new CountMinSketch(2, 8);
        full.add(1, -1L);
        long[] before = full.counters();
        var over = assertThrows(BackendException.class, () -> full.add(1, 1));
        assertTrue(over.getMessage().contains("Fix: "));
        assertArrayEquals(before, full.counters());
        full.resetShape(2, 8);
        assertEquals(0, full.estimate(1));
    }
}
