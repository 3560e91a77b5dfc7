package dev.vyre.conformance;

/** Finds the first differing word between two sets of buffers. */
public final class Compare {

    private Compare() {
    }

    /**
     * @return the first difference in {@code kind}, or null when the bytes are identical
     */
    public static Mismatch first(String step, String against, BufferKind kind, byte[] expected, byte[] actual) {
        if (expected.length != actual.length) {
            return new Mismatch(step, against, kind, -1, expected.length, actual.length, "");
        }
        for (int i = 0; i + 3 < expected.length; i += 4) {
            int e = Wire.word(expected, i / 4);
            int a = Wire.word(actual, i / 4);
            if (e != a) {
                return new Mismatch(step, against, kind, i / 4, Integer.toUnsignedLong(e), Integer.toUnsignedLong(a),
                        "");
            }
        }
        for (int i = expected.length & ~3; i < expected.length; i++) {
            if (expected[i] != actual[i]) {
                return new Mismatch(step, against, kind, i / 4, expected[i] & 0xFF, actual[i] & 0xFF, "trailing byte");
            }
        }
        return null;
    }

    /** Throws {@link ConformanceFailure} at the first difference in any of {@code kinds}. */
    public static void exactly(String step, String against, Buffers expected, Buffers actual,
                               Iterable<BufferKind> kinds) {
        for (BufferKind kind : kinds) {
            Mismatch m = first(step, against, kind, expected.get(kind), actual.get(kind));
            if (m != null) {
                throw new ConformanceFailure(m);
            }
        }
    }
}
