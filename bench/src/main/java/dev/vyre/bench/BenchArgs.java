package dev.vyre.bench;

/** Argument parsing shared by the bench mains: bounded numbers with one error text. */
final class BenchArgs {

    private BenchArgs() {
    }

    /**
     * @return {@code value} as an integer in {@code min..max} ({@code _} separators allowed)
     * @throws IllegalArgumentException naming the option, the value and the range, ending in a Fix
     */
    static long number(String option, String value, long min, long max) {
        try {
            long n = Long.parseLong(value.replace("_", ""));
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(option + " '" + value + "' is not an integer in " + min + ".." + max
                + ". Fix: pass one in that range");
    }

    /**
     * @return {@code value} as a number in {@code min..max}
     * @throws IllegalArgumentException naming the option, the value and the range, ending in a Fix
     */
    static double decimal(String option, String value, double min, double max) {
        try {
            double d = Double.parseDouble(value.replace("_", ""));
            if (d >= min && d <= max) {
                return d;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(option + " '" + value + "' is not a number in " + min + ".." + max
                + ". Fix: pass one in that range");
    }
}
