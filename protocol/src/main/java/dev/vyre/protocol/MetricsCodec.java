package dev.vyre.protocol;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Per-opcode metric decoders (control words 96..127).
 * Entries are the non-zero counters in ascending opcode order. The {@code ...Into} forms write
 * packed entries ({@code opcode << 32 | count}, see {@link #pack}) into a caller-owned
 * {@code long[]} and return how many they wrote; 32 entries always suffice.
 */
public final class MetricsCodec {

    private MetricsCodec() {
    }

    /** @return {@code opcode << 32 | (count & 0xFFFFFFFF)} */
    public static long pack(int opcode, int count) {
        return ((long) opcode << 32) | Integer.toUnsignedLong(count);
    }

    /** @return the opcode of a packed entry */
    public static int opcodeOf(long packed) {
        return (int) (packed >>> 32);
    }

    /** @return the count of a packed entry (a u32 read as unsigned) */
    public static int countOf(long packed) {
        return (int) packed;
    }

    /**
     * Lenient: no alignment check; uses the whole words present after word 96 (at most 32);
     * returns an empty list when none are present.
     */
    public static List<MetricCount> readMetrics(MemorySegment control) {
        return collect(control, lenientWindow(control));
    }

    /** {@link #readMetrics(MemorySegment)} on a {@code byte[]}. */
    public static List<MetricCount> readMetrics(byte[] control) {
        return readMetrics(MemorySegment.ofArray(control));
    }

    /**
     * Lenient decode into caller storage.
     *
     * @return the number of packed entries written to {@code out}
     * @throws IllegalArgumentException when {@code out} cannot hold every non-zero entry
     */
    public static int readMetricsInto(MemorySegment control, long[] out) {
        return into(control, lenientWindow(control), out);
    }

    /** {@link #readMetricsInto(MemorySegment, long[])} on a {@code byte[]}. */
    public static int readMetricsInto(byte[] control, long[] out) {
        return readMetricsInto(MemorySegment.ofArray(control), out);
    }

    /**
     * Strict: all 32 metric words must be present.
     *
     * @throws MisalignedByteLengthException when the length is not a multiple of 4
     * @throws MissingWordException          naming the first missing metric word
     */
    public static List<MetricCount> tryReadMetrics(MemorySegment control) {
        return collect(control, strictWindow(control));
    }

    /** {@link #tryReadMetrics(MemorySegment)} on a {@code byte[]}. */
    public static List<MetricCount> tryReadMetrics(byte[] control) {
        return tryReadMetrics(MemorySegment.ofArray(control));
    }

    /** Strict decode into caller storage; see {@link #tryReadMetrics} and {@link #readMetricsInto}. */
    public static int tryReadMetricsInto(MemorySegment control, long[] out) {
        return into(control, strictWindow(control), out);
    }

    /** {@link #tryReadMetricsInto(MemorySegment, long[])} on a {@code byte[]}. */
    public static int tryReadMetricsInto(byte[] control, long[] out) {
        return tryReadMetricsInto(MemorySegment.ofArray(control), out);
    }

    private static int lenientWindow(MemorySegment control) {
        long avail = Words.count(control);
        if (avail <= ControlLayout.METRICS_BASE) {
            return 0;
        }
        return (int) Math.min(avail - ControlLayout.METRICS_BASE, ControlLayout.METRICS_SLOTS);
    }

    private static int strictWindow(MemorySegment control) {
        long len = control.byteSize();
        if ((len & 3) != 0) {
            throw new MisalignedByteLengthException("control", len, Texts.WHOLE_WORDS);
        }
        long avail = len >>> 2;
        long end = ControlLayout.METRICS_BASE + ControlLayout.METRICS_SLOTS;
        if (avail < end) {
            long firstMissing = Math.max(avail, ControlLayout.METRICS_BASE);
            throw new MissingWordException("control", firstMissing, len, Texts.MATCHING_CONTROL_ENCODER);
        }
        return ControlLayout.METRICS_SLOTS;
    }

    private static List<MetricCount> collect(MemorySegment control, int window) {
        List<MetricCount> out = new ArrayList<>(nonZero(control, window));
        for (int i = 0; i < window; i++) {
            int count = Words.get(control, ControlLayout.METRICS_BASE + i);
            if (count != 0) {
                out.add(new MetricCount(i, count));
            }
        }
        return out;
    }

    private static int into(MemorySegment control, int window, long[] out) {
        Texts.requireEntries(out.length, nonZero(control, window), "metric entries");
        int n = 0;
        for (int i = 0; i < window; i++) {
            int count = Words.get(control, ControlLayout.METRICS_BASE + i);
            if (count != 0) {
                out[n++] = pack(i, count);
            }
        }
        return n;
    }

    private static int nonZero(MemorySegment control, int window) {
        int n = 0;
        for (int i = 0; i < window; i++) {
            if (Words.get(control, ControlLayout.METRICS_BASE + i) != 0) {
                n++;
            }
        }
        return n;
    }
}
