package dev.vyre.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The patterns file format: one literal per line, escapes, CRLF, and every refusal with its line and a fix. */
class ScanPatternsTest {

    private static ScanPatterns parse(String text) throws ScanPatterns.Refusal {
        return ScanPatterns.parse("p.txt", text.getBytes(StandardCharsets.UTF_8));
    }

    private static ScanPatterns.Refusal refused(String text) {
        return assertThrows(ScanPatterns.Refusal.class, () -> parse(text));
    }

    @Test
    void oneLiteralPerLineWithEscapes() throws Exception {
        ScanPatterns p = parse("needle\nback\\\\slash\n\\x00\\xff\\x41\n\\n\\r\\t\\0\ntab\there\nlast-without-newline");
        assertEquals(6, p.size());
        assertArrayEquals("needle".getBytes(StandardCharsets.US_ASCII), p.get(0));
        assertArrayEquals("back\\slash".getBytes(StandardCharsets.US_ASCII), p.get(1));
        assertArrayEquals(new byte[] {0, (byte) 0xFF, 'A'}, p.get(2));
        assertArrayEquals(new byte[] {'\n', '\r', '\t', 0}, p.get(3));
        assertArrayEquals("tab\there".getBytes(StandardCharsets.US_ASCII), p.get(4));
        assertEquals(20, p.longest());
        assertEquals("\"back\\\\slash\"", p.shown(1));
        assertEquals("\"\\x00\\xffA\"", p.shown(2));
    }

    @Test
    void crlfLineEndsAndUtf8() throws Exception {
        ScanPatterns p = parse("one\r\ntwo\r\nç\r\n");
        assertEquals(3, p.size());
        assertArrayEquals("two".getBytes(StandardCharsets.US_ASCII), p.get(1));
        assertArrayEquals("ç".getBytes(StandardCharsets.UTF_8), p.get(2));
        assertEquals("\"\\xc3\\xa7\"", p.shown(2));
    }

    @Test
    void duplicatesAreSeparatePatterns() throws Exception {
        assertEquals(3, parse("x\nx\ny\n").size());
    }

    @Test
    void refusalsNameTheLineAndHaveAFix() {
        ScanPatterns.Refusal empty = refused("a\n\nb\n");
        assertTrue(empty.problem().contains("p.txt line 2 is empty"), empty.problem());
        assertTrue(empty.fix().contains("\\x20"), empty.fix());
        assertTrue(refused("a\n\r\n").problem().contains("line 2 is empty"));
        assertTrue(refused("ok\nbad\\q\n").problem().contains("line 2 has the unknown escape \\q at column 4"));
        assertTrue(refused("\\x4\n").problem().contains("\\x without two hex digits"));
        assertTrue(refused("\\xZZ\n").problem().contains("\\x without two hex digits"));
        assertTrue(refused("trailing\\").problem().contains("lone backslash"));
        assertTrue(refused("").problem().contains("holds no pattern"));
        assertTrue(refused("x".repeat(ScanPatterns.MAX_LENGTH + 1)).problem().contains("more than 4,096"));
        assertTrue(refused("a\n".repeat(ScanPatterns.MAX_PATTERNS + 1)).problem().contains("more than 100,000 patterns"));
    }

    @Test
    void randomPatternsAreDistinctAndSeeded() {
        ScanPatterns a = ScanPatterns.random(1000, 7);
        ScanPatterns b = ScanPatterns.random(1000, 7);
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i), b.get(i));
            assertTrue(a.get(i).length >= 4 && a.get(i).length <= 16);
            assertTrue(seen.add(new String(a.get(i), StandardCharsets.ISO_8859_1)));
        }
    }
}
