package dev.vyre.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;

/** Prints what {@code vyre scan} found: per-pattern counts and the throughput lines. */
final class ScanReport {

    private ScanReport() {
    }

    /**
     * Prints one line per pattern, {@code COUNT  #LINE LITERAL}: every pattern in file order
     * ({@code top == 0}), or the {@code top} most frequent.
     */
    static void counts(PrintWriter out, ScanPatterns patterns, long[] counts, int top) {
        int n = counts.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        if (top > 0) {
            Arrays.sort(order, Comparator.<Integer>comparingLong(i -> -counts[i]).thenComparingInt(i -> i));
        }
        int shown = top > 0 ? Math.min(top, n) : n;
        long total = 0;
        int matched = 0;
        for (long c : counts) {
            total += c;
            matched += c > 0 ? 1 : 0;
        }
        out.printf("  counts (every occurrence, overlapping ones included)%s:%n",
                top > 0 && shown < n ? ", the " + shown + " most frequent of " + Formats.count(n) + " patterns" : "");
        for (int k = 0; k < shown; k++) {
            int i = order[k];
            out.printf(Locale.ROOT, "  %,15d  #%d %s%n", counts[i], i + 1, patterns.shown(i));
        }
        out.printf("  total: %s matches of %s patterns; %s patterns matched, %s did not%n", Formats.count(total),
                Formats.count(n), Formats.count(matched), Formats.count(n - matched));
    }

    /** @return e.g. {@code 1,073,741,824 bytes in 102.30 ms = 10.50 GB/s} */
    static String rate(long bytes, long nanos) {
        return Formats.bytes(bytes) + " in " + Formats.duration(nanos) + " = " + Formats.byteRate(bytes, nanos / 1e9);
    }

    /** @return {@code 1 thread}, {@code 16 threads} */
    static String threads(int n) {
        return n == 1 ? "1 thread" : n + " threads";
    }

    /** @return per-pattern counts as a sum, for a one-line check */
    static long sum(long[] values) {
        long s = 0;
        for (long v : values) {
            s += v;
        }
        return s;
    }
}
