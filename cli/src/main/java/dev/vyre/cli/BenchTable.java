package dev.vyre.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * The comparison table of {@code vyre bench}: one row per measurement with its API, mode, slots, slots/s,
 * latency percentiles (p50, p99, p99.9, max, where the mode measures latency, else "-") and whether
 * every result verified; a peer that cannot run here has a row that says why. Numbers in {@link Locale#ROOT}.
 */
final class BenchTable {

    /** The header's column names, in order. */
    static final List<String> COLUMNS = List.of("API", "mode", "slots", "slots/s", "p50", "p99", "p99.9", "max",
            "verified");
    private static final String FORMAT = "  %-22s %-16s %13s %14s %12s %12s %12s %12s  %s%n";

    private BenchTable() {
    }

    /** Prints the header and one line per row to {@code out}. */
    static void print(PrintWriter out, List<BenchRunner.Row> rows) {
        out.printf(Locale.ROOT, FORMAT, COLUMNS.toArray());
        for (BenchRunner.Row r : rows) {
            if (r.unavailable() != null) {
                out.printf(Locale.ROOT, "  %-22s %-16s  unavailable: %s%n", r.api(), r.mode(), r.unavailable());
                continue;
            }
            Histogram h = r.latency();
            out.printf(Locale.ROOT, FORMAT, r.api(), r.mode(), Formats.count(r.slots()), Formats.rate(r.slots(),
                    r.nanos() / 1e9), percentile(h, 50), percentile(h, 99), percentile(h, 99.9),
                    h == null ? "-" : Formats.micros(h.getMaxValue()), r.verified() ? "yes" : "NO");
        }
    }

    /** @return the latency at {@code p} as {@code 4.40 µs}, or {@code -} without a histogram */
    static String percentile(Histogram h, double p) {
        return h == null || h.getTotalCount() == 0 ? "-" : Formats.micros(h.getValueAtPercentile(p));
    }
}
