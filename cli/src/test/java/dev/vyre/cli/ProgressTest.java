package dev.vyre.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The live progress line: drawn in place on a terminal, never otherwise. */
class ProgressTest {

    private long now;

    private Progress progress(StringWriter sink, boolean live, long total, long endAt) {
        return new Progress(new PrintWriter(sink, true), live, "ingest", total, "bytes", () -> now, endAt);
    }

    @Test
    void offATerminalNothingIsPrinted() {
        StringWriter sink = new StringWriter();
        try (Progress p = progress(sink, false, 100, Progress.NO_END)) {
            now += 2_000_000_000L;
            p.update(50);
        }
        assertEquals("", sink.toString());
    }

    @Test
    void onATerminalTheLineShowsDoneTotalRateAndEtaAndIsErasedAtTheEnd() {
        StringWriter sink = new StringWriter();
        try (Progress p = progress(sink, true, 1_000, Progress.NO_END)) {
            now += 2_000_000_000L;
            p.update(500);
            assertEquals("\r  ingest  500 / 1,000 bytes  250 bytes/s  ETA 2 s", sink.toString());
            now += 50_000_000L;
            p.update(600);
            assertEquals("\r  ingest  500 / 1,000 bytes  250 bytes/s  ETA 2 s", sink.toString(), "at most 10 draws/s");
            now += 50_000_000L;
            p.update(1_000);
            assertTrue(sink.toString().endsWith("\r  ingest  1,000 / 1,000 bytes  476 bytes/s  ETA 0 s"), sink.toString());
        }
        String all = sink.toString();
        assertTrue(all.endsWith("\r" + " ".repeat("  ingest  1,000 / 1,000 bytes  476 bytes/s  ETA 0 s".length()) + "\r"),
                all);
    }

    @Test
    void anUnknownTotalShowsTheRateAndATimeBoundedRunItsEta() {
        StringWriter sink = new StringWriter();
        Progress unknown = progress(sink, true, 0, Progress.NO_END);
        assertEquals("  ingest  3,000 bytes  1,500 bytes/s", unknown.line(3_000, 2_000_000_000L));
        Progress timed = progress(sink, true, 0, 65_000_000_000L);
        assertEquals("  ingest  3,000 bytes  1,500 bytes/s  ETA 1 min 03 s", timed.line(3_000, 2_000_000_000L));
    }

    @Test
    void bytesShowInDecimalUnits() {
        StringWriter sink = new StringWriter();
        Progress p = new Progress(new PrintWriter(sink, true), true, "ingest", 100_000_000L, "bytes", true, () -> now,
                Progress.NO_END);
        assertEquals("  ingest  12.35 MB / 100.00 MB  6.17 MB/s  ETA 15 s", p.line(12_345_678L, 2_000_000_000L));
        Progress unknown = new Progress(new PrintWriter(sink, true), true, "ingest", 0, "bytes", true, () -> now,
                Progress.NO_END);
        assertEquals("  ingest  999 B  499.50 B/s", unknown.line(999, 2_000_000_000L));
    }
}
