package dev.vyre.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The DFA against the naive search: whole walks, chunked walks with ownership by end offset, match lists. */
class ScanAutomatonTest {

    static ScanPatterns patterns(String... literals) throws ScanPatterns.Refusal {
        return ScanPatterns.parse("t", NaiveSearch.file(bytes(literals)).getBytes(StandardCharsets.US_ASCII));
    }

    static List<byte[]> bytes(String... literals) {
        List<byte[]> out = new ArrayList<>();
        for (String s : literals) {
            out.add(s.getBytes(StandardCharsets.ISO_8859_1));
        }
        return out;
    }

    static long[] walkCounts(ScanAutomaton a, byte[] data) {
        long[] hits = new long[a.outputStates];
        a.walk(data, 0, data.length, 0, hits);
        return a.patternCounts(hits);
    }

    @Test
    void overlappingOccurrencesAllCount() throws Exception {
        ScanAutomaton a = ScanAutomaton.build(patterns("aa"));
        assertArrayEquals(new long[] {3}, walkCounts(a, "aaaa".getBytes(StandardCharsets.US_ASCII)));
        ScanAutomaton nested = ScanAutomaton.build(patterns("a", "aa", "aaa", "abab"));
        assertArrayEquals(new long[] {6, 3, 2, 2}, walkCounts(nested, "aaaababab".getBytes(StandardCharsets.US_ASCII)));
        ScanAutomaton classic = ScanAutomaton.build(patterns("he", "she", "his", "hers"));
        assertArrayEquals(new long[] {2, 2, 1, 1}, walkCounts(classic, "ushers and his sheep".getBytes(
                StandardCharsets.US_ASCII)));
    }

    @Test
    void byteClassesAndRows() throws Exception {
        ScanAutomaton a = ScanAutomaton.build(patterns("ab", "b"));
        assertEquals(3, a.classes, "a, b and every other byte");
        assertEquals(0, a.classOf['z']);
        assertEquals(4, a.stride);
        List<String> all = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            all.add(String.valueOf((char) b));
        }
        ScanAutomaton every = ScanAutomaton.build(patterns(all.toArray(String[]::new)));
        assertEquals(256, every.classes, "every byte used: no class for others");
        byte[] data = new byte[4096];
        new Random(1).nextBytes(data);
        long[] counts = walkCounts(every, data);
        assertArrayEquals(NaiveSearch.counts(data, bytes(all.toArray(String[]::new))), counts);
    }

    @Test
    void randomSetsMatchTheNaiveSearch() throws Exception {
        Random rnd = new Random(42);
        for (int round = 0; round < 40; round++) {
            int alphabetSize = 2 + rnd.nextInt(round % 4 == 0 ? 254 : 4);
            byte[] alphabet = new byte[alphabetSize];
            for (int i = 0; i < alphabetSize; i++) {
                alphabet[i] = (byte) (round % 2 == 0 ? 'a' + i : rnd.nextInt(256));
            }
            List<byte[]> list = new ArrayList<>();
            int n = 1 + rnd.nextInt(30);
            for (int i = 0; i < n; i++) {
                byte[] p = new byte[1 + rnd.nextInt(8)];
                for (int k = 0; k < p.length; k++) {
                    p[k] = alphabet[rnd.nextInt(alphabetSize)];
                }
                list.add(p);
            }
            ScanPatterns p = ScanPatterns.parse("r", NaiveSearch.file(list).getBytes(StandardCharsets.US_ASCII));
            ScanAutomaton a = ScanAutomaton.build(p);
            byte[] data = NaiveSearch.planted(rnd, 2000 + rnd.nextInt(3000), alphabet, list, 50);
            long[] expected = NaiveSearch.counts(data, list);
            assertArrayEquals(expected, walkCounts(a, data), "round " + round);
            // chunks that overlap by longest - 1 and own the entries that end inside them count each once
            long[] hits = new long[a.outputStates];
            int lead = a.longest - 1;
            for (int at = 0; at < data.length;) {
                int len = 1 + rnd.nextInt(300);
                int end = Math.min(data.length, at + len);
                int from = Math.max(0, at - lead);
                a.walk(data, from, end, at - from, hits);
                at = end;
            }
            assertArrayEquals(expected, a.patternCounts(hits), "chunked, round " + round);
            // four interleaved quarters (the CPU peer's walk), whole and with a lead-in that is not counted
            long[] four = new long[a.outputStates];
            a.walk4(data, 0, data.length, 0, four);
            assertArrayEquals(expected, a.patternCounts(four), "walk4, round " + round);
            int cut = rnd.nextInt(data.length);
            int lead2 = Math.min(cut, a.longest - 1);
            long[] split = new long[a.outputStates];
            a.walk4(data, 0, cut, 0, split);
            a.walk4(data, cut - lead2, data.length, lead2, split);
            assertArrayEquals(expected, a.patternCounts(split), "walk4 split at " + cut + ", round " + round);
            // every match, from the entries
            List<long[]> found = new ArrayList<>();
            int st = 0;
            for (int i = 0; i < data.length; i++) {
                int e = a.rows[st + a.classOf[data[i] & 0xFF]];
                st = e & 0x7FFF_FFFF;
                if (e < 0) {
                    a.matchesAt(a.rows[st + a.classes], i, (start, pattern) -> found.add(new long[] {start, pattern}));
                }
            }
            found.sort((x, y) -> x[0] != y[0] ? Long.compare(x[0], y[0]) : Long.compare(x[1], y[1]));
            List<String> got = new ArrayList<>();
            for (long[] m : found) {
                got.add(m[0] + ":" + m[1]);
            }
            assertEquals(NaiveSearch.matches(data, list), got, "round " + round);
        }
    }

    @Test
    void aThousandPatterns() throws Exception {
        ScanPatterns p = ScanPatterns.random(1000, 3);
        ScanAutomaton a = ScanAutomaton.build(p);
        List<byte[]> list = NaiveSearch.list(p);
        byte[] data = NaiveSearch.planted(new Random(5), 200_000, "abcdefghijklmnopqrstuvwxyz ".getBytes(
                StandardCharsets.US_ASCII), list, 200);
        long[] expected = NaiveSearch.counts(data, list);
        assertArrayEquals(expected, walkCounts(a, data));
        assertTrue(ScanReport.sum(expected) >= 500, "the planted patterns are found");
    }

    @Test
    void tooLargeATableIsRefused() {
        List<byte[]> list = new ArrayList<>();
        Random rnd = new Random(9);
        for (int i = 0; i < 70; i++) { // about 287,000 states x 257 words
            byte[] b = new byte[ScanPatterns.MAX_LENGTH];
            rnd.nextBytes(b);
            list.add(b);
        }
        ScanAutomaton.TooLarge e = assertThrows(ScanAutomaton.TooLarge.class, () -> ScanAutomaton.build(
                ScanPatterns.parse("big", NaiveSearch.file(list).getBytes(StandardCharsets.US_ASCII))));
        assertTrue(e.getMessage().contains("more than 268,435,456"), e.getMessage());
    }
}
