package dev.vyre.cli;

import java.util.Locale;

/**
 * Every number format the commands print, in {@link Locale#ROOT}: counts with thousands separators
 * ({@code 12,345}), latencies in microseconds and durations in seconds with two decimals
 * ({@code 4.40 µs}, {@code 3.00 s}), rates per second ({@code 1,234,567}), and byte quantities: sizes
 * ({@code 12,345 bytes}), and rates and durations in the largest unit that keeps the figure at 1 or
 * more, so that a small but non-zero figure never reads {@code 0.00} ({@code 1.23 GB/s},
 * {@code 456.78 KB/s}, {@code 12.30 ms}; decimal units, 1 KB = 1,000 bytes).
 */
final class Formats {

    private static final String[] BYTE_RATE_UNITS = {"B/s", "KB/s", "MB/s", "GB/s", "TB/s"};

    private Formats() {
    }

    /** @return e.g. {@code 12,345} */
    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** @return e.g. {@code 4.40 µs} */
    static String micros(long nanos) {
        return String.format(Locale.ROOT, "%,.2f µs", nanos / 1e3);
    }

    /** @return e.g. {@code 3.00 s} */
    static String seconds(double seconds) {
        return String.format(Locale.ROOT, "%,.2f s", seconds);
    }

    /** @return {@code n / seconds}, rounded, with separators, e.g. {@code 1,234,567}; 0 for no time */
    static String rate(long n, double seconds) {
        return perSecond(seconds > 0 ? n / seconds : 0.0);
    }

    /** @return a rate already per second, rounded, with separators, e.g. {@code 1,234,567} */
    static String perSecond(double rate) {
        return String.format(Locale.ROOT, "%,.0f", rate);
    }

    /** @return e.g. {@code 41.23 M} for 41,234,567: millions with two decimals */
    static String millions(double n) {
        return String.format(Locale.ROOT, "%,.2f M", n / 1e6);
    }

    /** @return e.g. {@code 12,345 bytes}, {@code 1 byte} */
    static String bytes(long n) {
        return count(n) + (n == 1 ? " byte" : " bytes");
    }

    /** @return e.g. {@code 12.35 MB}, {@code 999 B}: decimal units, two decimals from 1 KB on */
    static String byteSize(long bytes) {
        if (bytes < 1000) {
            return bytes + " B";
        }
        double v = bytes;
        int unit = 0;
        while (unit + 1 < BYTE_RATE_UNITS.length && v >= 1000) {
            v /= 1000;
            unit++;
        }
        String name = BYTE_RATE_UNITS[unit];
        return String.format(Locale.ROOT, "%,.2f %s", v, name.substring(0, name.length() - 2));
    }

    /** @return {@code bytes / seconds} in the largest unit that keeps it at 1 or more; {@code 0 B/s} for none */
    static String byteRate(long bytes, double seconds) {
        if (bytes <= 0 || !(seconds > 0)) {
            return "0 B/s";
        }
        double v = bytes / seconds;
        int unit = 0;
        while (unit + 1 < BYTE_RATE_UNITS.length && v >= 1000) {
            v /= 1000;
            unit++;
        }
        if (unit == 0 && v < 0.01) {
            return "< 0.01 B/s";
        }
        return String.format(Locale.ROOT, "%,.2f %s", v, BYTE_RATE_UNITS[unit]);
    }

    /** @return e.g. {@code 1.23 s}, {@code 12.30 ms}, {@code 4.40 µs}, {@code 830 ns}, {@code 0 s} for none */
    static String duration(long nanos) {
        if (nanos <= 0) {
            return "0 s";
        }
        if (nanos >= 1_000_000_000L) {
            return seconds(nanos / 1e9);
        }
        if (nanos >= 1_000_000L) {
            return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
        }
        if (nanos >= 1_000L) {
            return micros(nanos);
        }
        return nanos + " ns";
    }
}
