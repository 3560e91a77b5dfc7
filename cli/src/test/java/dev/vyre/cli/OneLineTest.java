package dev.vyre.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class OneLineTest {

    @Test
    void keepsAMessageWithOneFix() {
        assertEquals("disk full. Fix: free some space", OneLine.of("disk full. Fix: free some space", "x"));
    }

    @Test
    void addsTheDefaultFixWhenThereIsNone() {
        assertEquals("disk full. Fix: try again", OneLine.of("disk full.", "try again"));
        assertEquals("failed. Fix: try again", OneLine.of((String) null, "try again"));
    }

    @Test
    void keepsTheFirstLineOnly() {
        assertEquals("first. Fix: d", OneLine.of("first\nsecond. Fix: there", "d"));
    }

    @Test
    void mergesRepeatedFixesIntoOne() {
        assertEquals("backend 'cuda' cannot run here: no libcuda. Fix: install the driver; or pick another backend",
                OneLine.of("backend 'cuda' cannot run here: no libcuda. Fix: install the driver. Fix: pick another"
                        + " backend", "d"));
    }

    @Test
    void escapesControlCharactersOfAnEchoedValue() {
        // Found by CliArgumentsFuzzTest (fuzz/): picocli echoes a bad value, and a CRLF script's "10\r" put a
        // carriage return inside the one line.
        assertEquals("Invalid value for option '--slots': '10\\r' is not an int. Fix: d",
                OneLine.of("Invalid value for option '--slots': '10\r' is not an int.", "d"));
        assertEquals("a\\u0000b\\u2028c\\u0085d\te. Fix: f", OneLine.of("a\u0000b\u2028c\u0085d\te", "f"));
    }

    @Test
    void usesTheClassNameOfAnExceptionWithoutMessage() {
        assertEquals("IllegalStateException. Fix: d", OneLine.of(new IllegalStateException(), "d"));
    }
}
