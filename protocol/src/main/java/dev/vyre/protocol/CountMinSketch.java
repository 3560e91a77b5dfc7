package dev.vyre.protocol;

import java.util.Arrays;

/**
 * Fixed-shape Count-Min sketch with the protocol's exact hashing:
 * {@code depth × width} unsigned 64-bit counters, row-major; the bucket of {@code key} in row
 * {@code r} is {@code r × width + splitmix64(key ^ (r × 0x9E3779B97F4A7C15)) mod width}
 * (unsigned, wrapping multiply). Not thread-safe.
 */
public final class CountMinSketch {

    static final String FIX_ZERO = "Count-Min sketch depth and width must be non-zero";
    static final String FIX_OVERFLOW =
            "Count-Min sketch dimensions overflowed host address space; reduce depth or width";
    /** Largest counter table a Java array can hold. */
    static final long MAX_COUNTERS = Integer.MAX_VALUE - 8;

    private static final long GOLDEN = 0x9E37_79B9_7F4A_7C15L;

    private int depth;
    private int width;
    private long[] counters;

    /**
     * @throws QueueFullException (queue {@code telemetry}) when a dimension is zero or the table
     *                            does not fit host memory
     */
    /**
     * @param depth hash rows, an unsigned 64-bit count (every {@code usize} is accepted)
     * @param width counters per row, an unsigned 64-bit count
     * @throws QueueFullException (queue {@code telemetry}) when a dimension is zero, or when
     *                            {@code depth × width} exceeds the largest Java array
     *                            ({@value #MAX_COUNTERS} counters), which is this host's address
     *                            space for one table
     */
    public CountMinSketch(long depth, long width) {
        this.counters = new long[checkedLength(depth, width)];
        this.depth = (int) depth;
        this.width = (int) width;
    }

    private static int checkedLength(long depth, long width) {
        if (depth == 0 || width == 0) {
            throw new QueueFullException("telemetry", FIX_ZERO);
        }
        if (Long.compareUnsigned(depth, MAX_COUNTERS) > 0 || Long.compareUnsigned(width, MAX_COUNTERS) > 0
                || depth * width > MAX_COUNTERS) {
            throw new QueueFullException("telemetry", FIX_OVERFLOW);
        }
        return (int) (depth * width);
    }

    /** splitmix64 finaliser, exactly as vyre. */
    public static long splitmix64(long value) {
        long v = value + GOLDEN;
        v = (v ^ (v >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        v = (v ^ (v >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return v ^ (v >>> 31);
    }

    /** @return the number of hash rows */
    public int depth() {
        return depth;
    }

    /** @return the counters per row */
    public int width() {
        return width;
    }

    /** @return a copy of the row-major counters (unsigned 64-bit values) */
    public long[] counters() {
        return counters.clone();
    }

    /** Zeroes every counter, keeping the shape. */
    public void clear() {
        Arrays.fill(counters, 0L);
    }

    /**
     * Changes the shape and zeroes the counters (reusing storage when the shape is unchanged).
     *
     * @throws QueueFullException as the constructor
     */
    public void resetShape(long newDepth, long newWidth) {
        int len = checkedLength(newDepth, newWidth);
        if (len == counters.length) {
            Arrays.fill(counters, 0L);
        } else {
            counters = new long[len];
        }
        depth = (int) newDepth;
        width = (int) newWidth;
    }

    /** @return the counter index of {@code key} (u32) in {@code row} */
    public int bucket(int row, int key) {
        long hash = splitmix64(Integer.toUnsignedLong(key) ^ ((long) row * GOLDEN));
        return row * width + (int) Long.remainderUnsigned(hash, width);
    }

    /**
     * Adds {@code amount} (unsigned) to the bucket of {@code key} in every row; checks every
     * row first, so an overflowing add changes nothing.
     *
     * @throws BackendException when a counter would pass 2^64 − 1
     */
    public void add(int key, long amount) {
        if (amount == 0) {
            return;
        }
        for (int row = 0; row < depth; row++) {
            long c = counters[bucket(row, key)];
            if (Long.compareUnsigned(c + amount, c) < 0) {
                throw new BackendException("Count-Min sketch counter overflowed for row " + row + ", key "
                        + Integer.toUnsignedString(key),
                        "snapshot and clear telemetry before counters reach 2^64 - 1.");
            }
        }
        for (int row = 0; row < depth; row++) {
            counters[bucket(row, key)] += amount;
        }
    }

    /** @return the minimum over rows of the bucket of {@code key}: never below the true count */
    public long estimate(int key) {
        long min = -1L;
        for (int row = 0; row < depth; row++) {
            long c = counters[bucket(row, key)];
            if (Long.compareUnsigned(c, min) < 0) {
                min = c;
            }
        }
        return depth == 0 ? 0 : min;
    }

    /**
     * Adds another sketch of the same shape into this one (checked first: on an error nothing
     * changes).
     *
     * @throws BackendException when the shapes differ or a counter would overflow
     */
    public void merge(CountMinSketch other) {
        if (depth != other.depth || width != other.width) {
            throw new BackendException("cannot merge Count-Min sketches with shapes " + depth + "x" + width + " and "
                    + other.depth + "x" + other.width, "construct telemetry sketches with the same dimensions.");
        }
        for (int i = 0; i < counters.length; i++) {
            if (Long.compareUnsigned(counters[i] + other.counters[i], counters[i]) < 0) {
                throw new BackendException("Count-Min sketch merge overflowed u64",
                        "merge and clear telemetry more frequently.");
            }
        }
        for (int i = 0; i < counters.length; i++) {
            counters[i] += other.counters[i];
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CountMinSketch s && depth == s.depth && width == s.width
                && Arrays.equals(counters, s.counters);
    }

    @Override
    public int hashCode() {
        return (depth * 31 + width) * 31 + Arrays.hashCode(counters);
    }

    @Override
    public String toString() {
        return "CountMinSketch[" + depth + "x" + width + "]";
    }
}
