package dev.vyre.cli;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The literals {@code vyre scan} looks for, read from a patterns file: one literal per line, taken as
 * the line's bytes (UTF-8 text stays UTF-8), with these escapes:
 * <ul>
 *   <li>{@code \\} a backslash, {@code \n} LF, {@code \r} CR, {@code \t} TAB, {@code \0} NUL;</li>
 *   <li>{@code \xNN} the byte with hex value {@code NN} (exactly two hex digits).</li>
 * </ul>
 * Lines end at LF; a CR just before the LF is dropped (CRLF files), so a literal that ends in CR is
 * written {@code \r}. A last line without LF counts. An empty line, a backslash before any other
 * character, a line over {@value #MAX_LENGTH} bytes, more than {@value #MAX_PATTERNS} patterns or more
 * than {@value #MAX_TOTAL_BYTES} bytes in all are refused with the line number and a fix. The same
 * literal may appear twice; each line is a pattern of its own and both are counted.
 */
final class ScanPatterns {

    /** Most patterns a file may hold. */
    static final int MAX_PATTERNS = 100_000;
    /** Longest literal, in bytes. */
    static final int MAX_LENGTH = 4096;
    /** Most literal bytes in all. */
    static final int MAX_TOTAL_BYTES = 4 << 20;

    private final List<byte[]> literals;

    private ScanPatterns(List<byte[]> literals) {
        this.literals = List.copyOf(literals);
    }

    /** A patterns file that cannot be used: a problem (naming the line) and its fix. */
    static final class Refusal extends Exception {
        private static final long serialVersionUID = 1L;
        private final String fix;

        Refusal(String problem, String fix) {
            super(problem);
            this.fix = fix;
        }

        String problem() {
            return getMessage();
        }

        String fix() {
            return fix;
        }
    }

    /**
     * @param name    the file's name, for messages
     * @param content the file's bytes
     * @throws Refusal naming the first line that cannot be used, or a file with no pattern
     */
    static ScanPatterns parse(String name, byte[] content) throws Refusal {
        List<byte[]> out = new ArrayList<>();
        long total = 0;
        int line = 0;
        int at = 0;
        while (at < content.length) {
            line++;
            int end = at;
            while (end < content.length && content[end] != '\n') {
                end++;
            }
            int stop = end > at && content[end - 1] == '\r' ? end - 1 : end; // CRLF
            byte[] literal = unescape(name, line, content, at, stop);
            if (literal.length == 0) {
                throw new Refusal(name + " line " + line + " is empty, and an empty pattern matches everywhere",
                        "remove the empty line (write a literal space as \\x20, a NUL byte as \\0)");
            }
            if (literal.length > MAX_LENGTH) {
                throw new Refusal(name + " line " + line + " is a pattern of " + Formats.count(literal.length)
                        + " bytes, more than " + Formats.count(MAX_LENGTH), "split the file's long literals or search"
                        + " for a part of at most " + MAX_LENGTH + " bytes");
            }
            if (out.size() == MAX_PATTERNS) {
                throw new Refusal(name + " holds more than " + Formats.count(MAX_PATTERNS) + " patterns",
                        "split the patterns over several runs of vyre scan");
            }
            total += literal.length;
            if (total > MAX_TOTAL_BYTES) {
                throw new Refusal(name + " holds more than " + Formats.count(MAX_TOTAL_BYTES) + " bytes of patterns"
                        + " (at line " + line + ")", "split the patterns over several runs of vyre scan");
            }
            out.add(literal);
            at = end + 1;
        }
        if (out.isEmpty()) {
            throw new Refusal(name + " holds no pattern", "write one literal per line, e.g. printf 'needle\\n' > "
                    + name);
        }
        return new ScanPatterns(out);
    }

    private static byte[] unescape(String name, int line, byte[] content, int from, int to) throws Refusal {
        ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
        for (int i = from; i < to; i++) {
            byte b = content[i];
            if (b != '\\') {
                out.write(b);
                continue;
            }
            int column = i - from + 1;
            if (i + 1 >= to) {
                throw new Refusal(name + " line " + line + " ends in a lone backslash (column " + column + ")",
                        "write a backslash as \\\\");
            }
            byte e = content[++i];
            switch (e) {
                case '\\' -> out.write('\\');
                case 'n' -> out.write('\n');
                case 'r' -> out.write('\r');
                case 't' -> out.write('\t');
                case '0' -> out.write(0);
                case 'x' -> {
                    int hi = i + 1 < to ? Character.digit(content[i + 1], 16) : -1;
                    int lo = i + 2 < to ? Character.digit(content[i + 2], 16) : -1;
                    if (hi < 0 || lo < 0) {
                        throw new Refusal(name + " line " + line + " has \\x without two hex digits at column "
                                + column, "write a byte as \\x followed by exactly two hex digits, e.g. \\x00 or \\xff");
                    }
                    out.write(hi << 4 | lo);
                    i += 2;
                }
                default -> throw new Refusal(name + " line " + line + " has the unknown escape \\" + shown(e)
                        + " at column " + column, "use \\\\, \\n, \\r, \\t, \\0 or \\xNN (write a backslash as \\\\)");
            }
        }
        return out.toByteArray();
    }

    private static String shown(byte b) {
        return b >= 0x21 && b < 0x7F ? String.valueOf((char) b) : String.format(Locale.ROOT, "x%02x", b & 0xFF);
    }

    /**
     * {@code count} distinct lower-case ASCII literals of 4 .. 16 bytes, the same for the same seed: the
     * synthetic pattern set of {@code vyre scan --random-patterns}.
     */
    static ScanPatterns random(int count, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        java.util.Set<String> seen = new java.util.HashSet<>();
        List<byte[]> out = new ArrayList<>(count);
        while (out.size() < count) {
            byte[] p = new byte[4 + rnd.nextInt(13)];
            for (int i = 0; i < p.length; i++) {
                p[i] = (byte) ('a' + rnd.nextInt(26));
            }
            if (seen.add(new String(p, java.nio.charset.StandardCharsets.ISO_8859_1))) {
                out.add(p);
            }
        }
        return new ScanPatterns(out);
    }

    /** @return how many patterns */
    int size() {
        return literals.size();
    }

    /** @return pattern {@code i}'s bytes (do not modify) */
    byte[] get(int i) {
        return literals.get(i);
    }

    /** @return the longest literal's length */
    int longest() {
        int n = 0;
        for (byte[] p : literals) {
            n = Math.max(n, p.length);
        }
        return n;
    }

    /** @return pattern {@code i} as it prints: in quotes, printable ASCII as is, other bytes escaped as the file writes them */
    String shown(int i) {
        StringBuilder s = new StringBuilder("\"");
        for (byte b : literals.get(i)) {
            int v = b & 0xFF;
            switch (v) {
                case '\\' -> s.append("\\\\");
                case '"' -> s.append("\\x22");
                case '\n' -> s.append("\\n");
                case '\r' -> s.append("\\r");
                case '\t' -> s.append("\\t");
                default -> {
                    if (v >= 0x20 && v < 0x7F) {
                        s.append((char) v);
                    } else {
                        s.append(String.format(Locale.ROOT, "\\x%02x", v));
                    }
                }
            }
        }
        return s.append('"').toString();
    }
}
