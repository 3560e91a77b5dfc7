package dev.vyre.cli;

/**
 * A fixed-size log-linear histogram of nanosecond values (64 sub-buckets per power of two,
 * under 1.6 % error), so recording allocates nothing.
 */
final class LatencyHistogram {

    private static final int SUB_BITS = 6;
    private static final int SUB = 1 << SUB_BITS;
    private final long[] counts = new long[64 * SUB];
    private long total;
    private long max;

    /** Records one value (negative values count as 0). */
    void record(long nanos) {
        long v = Math.max(0, nanos);
        counts[index(v)]++;
        total++;
        max = Math.max(max, v);
    }

    /** @return recorded values */
    long count() {
        return total;
    }

    /** @return the largest recorded value */
    long max() {
        return max;
    }

    /** @return the value at {@code percentile} (0..100), as the upper edge of its bucket */
    long percentile(double percentile) {
        if (total == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(percentile / 100.0 * total);
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= Math.max(1, rank)) {
                return Math.min(upper(i), max);
            }
        }
        return max;
    }

    static int index(long v) {
        if (v < SUB) {
            return (int) v;
        }
        int exp = 63 - Long.numberOfLeadingZeros(v) - SUB_BITS + 1;
        int sub = (int) (v >>> exp) - SUB / 2;
        return SUB + (exp - 1) * (SUB / 2) + sub;
    }

    static long upper(int index) {
        if (index < SUB) {
            return index;
        }
        int rel = index - SUB;
        int exp = rel / (SUB / 2) + 1;
        long sub = rel % (SUB / 2) + SUB / 2;
        return ((sub + 1) << exp) - 1;
    }
}
