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
     * @return {@code value} as a byte count: digits with an optional K, M or G suffix (powers of 1,024), 1 .. 2^40
     * @throws IllegalArgumentException naming the option and the value, ending in a Fix
     */
    static long size(String option, String value) {
        String v = value.strip().toUpperCase(java.util.Locale.ROOT);
        int shift = v.endsWith("K") ? 10 : v.endsWith("M") ? 20 : v.endsWith("G") ? 30 : 0;
        String digits = shift == 0 ? v : v.substring(0, v.length() - 1);
        long n = number(option, digits, 1, (1L << 40) >> shift);
        return n << shift;
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

    /**
     * Parses {@code --name value} pairs ({@code --name=value} too); the names in {@code flags} take no value.
     *
     * @param known every name accepted, flags included
     * @return the values by name, in argument order (a flag maps to "")
     * @throws IllegalArgumentException for a stray argument, a missing value or an unknown name, ending in a Fix
     */
    static java.util.Map<String, String> options(String[] argv, java.util.List<String> known, java.util.List<String> flags) {
        java.util.Map<String, String> args = new java.util.LinkedHashMap<>();
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + a + "'. Fix: options look like --name value");
            }
            String key = a.substring(2);
            int eq = key.indexOf('=');
            String value;
            if (eq >= 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            } else if (flags.contains(key)) {
                value = "";
            } else if (i + 1 < argv.length) {
                value = argv[++i];
            } else {
                throw new IllegalArgumentException("option --" + key + " needs a value. Fix: pass --" + key + " VALUE");
            }
            if (!known.contains(key)) {
                throw new IllegalArgumentException("unknown option --" + key + ". Fix: use one of --"
                        + String.join(", --", known));
            }
            args.put(key, value);
        }
        return args;
    }
}
