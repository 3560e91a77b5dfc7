package dev.vyre.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    @Test
    void percentilesAreWithinTheBucketError() {
        LatencyHistogram h = new LatencyHistogram();
        for (long v = 1; v <= 100_000; v++) {
            h.record(v * 1000);
        }
        assertEquals(100_000, h.count());
        long p50 = h.percentile(50);
        long p99 = h.percentile(99);
        assertTrue(Math.abs(p50 - 50_000_000L) < 50_000_000L * 0.02, "p50 " + p50);
        assertTrue(Math.abs(p99 - 99_000_000L) < 99_000_000L * 0.02, "p99 " + p99);
        assertEquals(100_000_000L, h.percentile(100));
    }

    @Test
    void bucketsCoverEveryValueWithoutGaps() {
        for (long v = 0; v < 1_000_000; v += 7) {
            int i = LatencyHistogram.index(v);
            assertTrue(v <= LatencyHistogram.upper(i), "value " + v + " above its bucket");
            assertTrue(i == 0 || v > LatencyHistogram.upper(i - 1), "value " + v + " belongs to an earlier bucket");
        }
    }
}
