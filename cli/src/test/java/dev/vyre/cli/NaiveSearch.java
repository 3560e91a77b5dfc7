package dev.vyre.cli;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The independent check of {@code vyre scan}: occurrences found with {@link String#indexOf} over the bytes
 * read as ISO-8859-1 (one char per byte), advancing one byte after each hit so overlapping occurrences
 * count ("aa" occurs 3 times in "aaaa"). Nothing here shares code with {@link ScanAutomaton}.
 */
final class NaiveSearch {

    private NaiveSearch() {
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    /** @return occurrences of each pattern in {@code data} */
    static long[] counts(byte[] data, List<byte[]> patterns) {
        String t = text(data);
        long[] counts = new long[patterns.size()];
        for (int i = 0; i < counts.length; i++) {
            String p = text(patterns.get(i));
            for (int at = t.indexOf(p); at >= 0; at = t.indexOf(p, at + 1)) {
                counts[i]++;
            }
        }
        return counts;
    }

    /** @return every occurrence as {@code "start:pattern"} (pattern 0-based), sorted by start then pattern */
    static List<String> matches(byte[] data, List<byte[]> patterns) {
        String t = text(data);
        List<long[]> found = new ArrayList<>();
        for (int i = 0; i < patterns.size(); i++) {
            String p = text(patterns.get(i));
            for (int at = t.indexOf(p); at >= 0; at = t.indexOf(p, at + 1)) {
                found.add(new long[] {at, i});
            }
        }
        found.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        List<String> out = new ArrayList<>(found.size());
        for (long[] m : found) {
            out.add(m[0] + ":" + m[1]);
        }
        return out;
    }

    static List<byte[]> list(ScanPatterns p) {
        List<byte[]> out = new ArrayList<>(p.size());
        for (int i = 0; i < p.size(); i++) {
            out.add(p.get(i));
        }
        return out;
    }

    /** @return {@code n} random bytes drawn from {@code alphabet}, with a random pattern planted every ~{@code every} bytes */
    static byte[] planted(Random rnd, int n, byte[] alphabet, List<byte[]> patterns, int every) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = alphabet[rnd.nextInt(alphabet.length)];
        }
        for (int k = 0; k < n / every; k++) {
            byte[] p = patterns.get(rnd.nextInt(patterns.size()));
            if (p.length <= n) {
                System.arraycopy(p, 0, b, rnd.nextInt(n - p.length + 1), p.length);
            }
        }
        return b;
    }

    /** @return the patterns file text for {@code patterns}: every byte written as \xNN */
    static String file(List<byte[]> patterns) {
        StringBuilder s = new StringBuilder();
        for (byte[] p : patterns) {
            for (byte x : p) {
                s.append(String.format("\\x%02x", x & 0xFF));
            }
            s.append('\n');
        }
        return s.toString();
    }
}
