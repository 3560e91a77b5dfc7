package dev.vyre.conformance;

/**
 * The first difference between what a backend produced and what was expected.
 *
 * @param step     which snapshot of the case (e.g. {@code dispatch}, {@code after shutdown})
 * @param against  {@code golden} (the spec's expectation) or the oracle's name (e.g. {@code reference})
 * @param buffer   which buffer differs
 * @param word     u32 word index of the first difference, or -1 for a length difference
 * @param expected expected word (or length in bytes when {@code word} is -1)
 * @param actual   actual word (or length in bytes when {@code word} is -1)
 * @param note     extra explanation, may be empty
 */
public record Mismatch(String step, String against, BufferKind buffer, long word, long expected, long actual,
                       String note) {

    /** @return one line, e.g. {@code CONTROL word 161: expected 0x0000abcd, actual 0x00000000 (vs golden, step dispatch)} */
    public String describe() {
        String where = word < 0
                ? buffer + " length: expected " + expected + " bytes, actual " + actual + " bytes"
                : buffer + " word " + word + ": expected 0x" + hex(expected) + ", actual 0x" + hex(actual);
        return where + " (vs " + against + ", step " + step + ")" + (note.isEmpty() ? "" : "; " + note);
    }

    private static String hex(long value) {
        String s = Long.toHexString(value & 0xFFFFFFFFL);
        return "0".repeat(Math.max(0, 8 - s.length())) + s;
    }
}
