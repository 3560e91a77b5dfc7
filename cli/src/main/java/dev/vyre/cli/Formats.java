package dev.vyre.cli;

import java.util.Locale;

/**
 * The number formats the commands print, in {@link Locale#ROOT}: counts with thousands separators
 * ({@code 12,345}), durations and rates with two decimals and their unit ({@code 4.40 µs},
 * {@code 3.00 s}, {@code 1,234,567 slots/s}).
 */
final class Formats {

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
        return String.format(Locale.ROOT, "%,.0f", seconds > 0 ? n / seconds : 0.0);
    }
}
