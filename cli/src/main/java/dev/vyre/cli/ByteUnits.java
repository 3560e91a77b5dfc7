package dev.vyre.cli;

import java.util.Locale;

/**
 * Byte quantities as {@code vyre ingest} prints them, in {@link Locale#ROOT}: rates and durations with
 * two decimals in the largest unit that keeps the figure at 1 or more, so a small but non-zero figure
 * never reads {@code 0.00} ({@code 1.23 GB/s}, {@code 456.78 KB/s}, {@code 12.30 ms}); rates use
 * decimal units (1 KB = 1,000 bytes).
 */
final class ByteUnits {

    private static final String[] RATE_UNITS = {"B/s", "KB/s", "MB/s", "GB/s", "TB/s"};

    private ByteUnits() {
    }

    /** @return {@code bytes / seconds} in the largest unit that keeps it at 1 or more; {@code 0 B/s} for none */
    static String rate(long bytes, double seconds) {
        if (bytes <= 0 || !(seconds > 0)) {
            return "0 B/s";
        }
        double v = bytes / seconds;
        int unit = 0;
        while (unit + 1 < RATE_UNITS.length && v >= 1000) {
            v /= 1000;
            unit++;
        }
        if (unit == 0 && v < 0.01) {
            return "< 0.01 B/s";
        }
        return String.format(Locale.ROOT, "%,.2f %s", v, RATE_UNITS[unit]);
    }

    /** @return e.g. {@code 1.23 s}, {@code 12.30 ms}, {@code 4.40 µs}, {@code 0 s} for none */
    static String duration(long nanos) {
        if (nanos <= 0) {
            return "0 s";
        }
        if (nanos >= 1_000_000_000L) {
            return String.format(Locale.ROOT, "%,.2f s", nanos / 1e9);
        }
        if (nanos >= 1_000_000L) {
            return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
        }
        if (nanos >= 1_000L) {
            return String.format(Locale.ROOT, "%.2f µs", nanos / 1e3);
        }
        return nanos + " ns";
    }

    /** @return e.g. {@code 12,345 bytes}, {@code 1 byte} */
    static String bytes(long n) {
        return Formats.count(n) + (n == 1 ? " byte" : " bytes");
    }
}
