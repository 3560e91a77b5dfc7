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
    void usesTheClassNameOfAnExceptionWithoutMessage() {
        assertEquals("IllegalStateException. Fix: d", OneLine.of(new IllegalStateException(), "d"));
    }
}
