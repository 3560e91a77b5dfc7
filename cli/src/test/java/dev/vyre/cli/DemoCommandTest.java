package dev.vyre.cli;

import static dev.vyre.cli.Cli.assertOneLineError;
import static dev.vyre.cli.Cli.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import jdk.jfr.EventType;
import jdk.jfr.FlightRecorder;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code vyre demo}: arguments refused up front, backends it cannot run on, and the verified stream. */
class DemoCommandTest {

    @ParameterizedTest
    @ValueSource(strings = {"NaN", "Infinity", "-Infinity", "0", "-1", "1e9"})
    void refusesASecondsValueThatIsNotAPositiveFiniteDuration(String seconds) {
        Cli.Run r = run("demo", "--seconds", seconds);
        assertOneLineError(r, 2, "vyre demo");
        assertTrue(r.err().contains("--seconds"), r.both());
        assertEquals("", r.out(), "nothing may run: " + r.both());
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "1000000", "65"})
    void refusesWorkersOutsideTheirRangeNamingIt(String workers) {
        Cli.Run r = run("demo", "--slots", "64", "--workers", workers);
        assertOneLineError(r, 2, "vyre demo");
        assertTrue(r.err().contains("--workers " + workers + " is outside 0..64"), r.both());
        assertFalse(r.err().contains("io_uring") || r.err().contains("capacity"), r.both());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-5", "65537"})
    void refusesSlotsOutsideTheirRange(String slots) {
        Cli.Run r = run("demo", "--slots", slots);
        assertOneLineError(r, 2, "vyre demo");
        assertTrue(r.err().contains("--slots " + slots + " is outside 1..65536"), r.both());
    }

    @Test
    void refusesAnUnknownBackend() {
        Cli.Run r = run("demo", "--backend", "nosuch");
        assertOneLineError(r, 2, "vyre demo");
        assertTrue(r.err().contains("no backend named 'nosuch'") && r.err().contains("reference"), r.both());
    }

    @Test
    void anUnavailableBackendIsOneLineWithItsReason() {
        Cli.Run r = run("demo", "--backend", UnavailableTestProvider.NAME, "--seconds", "0.1");
        assertOneLineError(r, 1, "vyre demo");
        assertTrue(r.err().contains("cannot run here: the test device is never present")
                && r.err().contains("Fix: pick another backend"), r.both());
    }

    @Test
    void aOnePassBackendIsOneLineSayingSo() {
        Cli.Run r = run("demo", "--backend", OnePassTestProvider.NAME, "--seconds", "0.1");
        assertOneLineError(r, 1, "vyre demo");
        assertTrue(r.err().contains("runs one-pass dispatches only") && r.err().contains("persistent"), r.both());
    }

    @Test
    void aBackendForcedByTheEnvironmentThatCannotRunIsOneLine() {
        Cli.Run r = run(Map.of("VYRE_BACKEND", UnavailableTestProvider.NAME), "demo", "--seconds", "0.1");
        assertOneLineError(r, 1, "vyre demo");
        assertTrue(r.err().contains("VYRE_BACKEND=" + UnavailableTestProvider.NAME), r.both());
        Cli.Run unknown = run(Map.of("VYRE_BACKEND", "nosuch"), "demo", "--seconds", "0.1");
        assertOneLineError(unknown, 1, "vyre demo");
        assertTrue(unknown.err().contains("VYRE_BACKEND=nosuch names no backend"), unknown.both());
    }

    @Test
    void streamsWithPublishSlotsAndVerifiesEveryResult() {
        Cli.Run r = run("demo", "--seconds", "0.3", "--slots", "200");
        assertEquals(0, r.exit(), r.both());
        assertTrue(r.out().contains("backend reference"), r.out());
        assertTrue(r.out().contains("200 ring slots kept full, publishSlots runs of 12 (17 runs a wave), 6 slot kinds"),
                r.out());
        assertTrue(r.out().matches("(?s).*\\n  [0-9,]+ slots verified in [0-9,]+ waves in [0-9.]+ s: [0-9,]+ verified"
                + " slots/s \\([0-9.,]+ M/s\\)\\n.*"), r.out());
        assertTrue(r.out().contains("publish -> DONE per run of 12 (seen in DONE_COUNT, up to 200 in flight): p50 ")
                && r.out().contains("p99.9"), r.out());
        assertTrue(r.out().contains("verified: every slot ran once per publication"), r.out());
        assertTrue(r.out().matches("(?s).*; [1-9][0-9,]* runs? checked in full while streaming\\n"), r.out());
    }

    @Test
    void withStatsPrintsTheSessionStatisticsConsistentWithTheRun() {
        Cli.Run r = run("demo", "--seconds", "0.3", "--slots", "200", "--batch", "20", "--stats");
        assertEquals(0, r.exit(), r.both());
        java.util.regex.Matcher verified = java.util.regex.Pattern.compile("\\n  ([0-9,]+) slots verified in ([0-9,]+)"
                + " waves").matcher(r.out());
        assertTrue(verified.find(), r.out());
        long slots = number(verified.group(1));
        long waves = number(verified.group(2));
        java.util.regex.Matcher first = java.util.regex.Pattern.compile("\\n  stats: latency ([0-9.,]+) (s|ms) \\(session"
                + " age\\), kernel launches ([0-9]+), sync points ([0-9,]+), publish batches ([0-9,]+)\\n").matcher(r.out());
        assertTrue(first.find(), r.out());
        double latencySeconds = Double.parseDouble(first.group(1).replace(",", "")) / (first.group(2).equals("s") ? 1 : 1e3);
        assertTrue(latencySeconds >= 0.3 && latencySeconds < 60, "the session lived through the 0.3 s stream: "
                + latencySeconds);
        assertEquals(1, number(first.group(3)), "one persistent interpreter launch");
        assertTrue(number(first.group(4)) >= 1, "the drain waited at least once");
        long batches = number(first.group(5));
        java.util.regex.Matcher second = java.util.regex.Pattern.compile("\\n  stats: slots completed ([0-9,]+) \\(([0-9,]+)"
                + " slots/s\\), bytes moved ([0-9,]+) bytes = slot bytes ([0-9,]+) \\+ IO served ([0-9,]+) \\+ readback"
                + " ([0-9,]+) \\(([0-9.,]+ [KMGT]?B/s)\\)\\n").matcher(r.out());
        assertTrue(second.find(), r.out());
        long completed = number(second.group(1));
        assertEquals(slots, completed, "DONE_COUNT equals the slots the demo verified");
        assertEquals(0, completed % 20, "whole runs of 20: " + completed);
        assertTrue(completed >= (waves - 1) * 200 && completed <= waves * 200, "waves of the 200-slot ring: " + completed);
        assertTrue(batches >= completed / 20 && batches <= completed, "a publishSlots call publishes 1..20 slots, each"
                + " run takes one when its slots are free: " + batches + " batches for " + completed + " slots");
        assertEquals(64 * completed, number(second.group(4)), "64 bytes per completed slot");
        assertEquals(0, number(second.group(5)), "the demo serves no IO");
        long readback = number(second.group(6));
        assertTrue(readback > 0 && readback % 4 == 0, "the full checks read snapshots back: " + readback);
        assertEquals(number(second.group(4)) + readback, number(second.group(3)), "bytes moved is the sum");
        assertTrue(r.out().contains("\n  stats: resident resources 1 row, 4 handles\n"), r.out());
    }

    @Test
    void withoutStatsPrintsNoStatistics() {
        Cli.Run r = run("demo", "--seconds", "0.1", "--slots", "64");
        assertEquals(0, r.exit(), r.both());
        assertFalse(r.out().contains("stats:"), r.out());
    }

    private static long number(String text) {
        return Long.parseLong(text.replace(",", ""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "3", "130"})
    void streamsRingsThatDoNotSplitEvenly(String slots) {
        Cli.Run r = run("demo", "--seconds", "0.1", "--slots", slots, "--workers", "1");
        assertEquals(0, r.exit(), r.both());
        assertTrue(r.out().contains("verified: every slot ran once per publication"), r.out());
    }

    @Test
    void runsOfTheGivenLengthIncludingARunOfTheWholeRing() {
        for (String[] args : List.of(new String[] {"--slots", "100", "--batch", "7"},
                new String[] {"--slots", "64", "--batch", "64"})) {
            Cli.Run r = run("demo", "--seconds", "0.1", "--workers", "1", args[0], args[1], args[2], args[3]);
            assertEquals(0, r.exit(), r.both());
            assertTrue(r.out().contains("publishSlots runs of " + args[3] + " "), r.out());
            assertTrue(r.out().contains("verified: every slot ran once per publication"), r.out());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "65"})
    void refusesABatchOutsideTheRing(String batch) {
        Cli.Run r = run("demo", "--slots", "64", "--batch", batch);
        assertOneLineError(r, 2, "vyre demo");
        assertTrue(r.err().contains("--batch " + batch + " is outside 1..--slots (64)"), r.both());
        assertEquals("", r.out(), "nothing may run: " + r.both());
    }

    @Test
    void theDefaultRingIs1024SlotsPerLaneAtMost65536AndHoldsTheGivenBatchAndWorkers() {
        assertEquals(65_536, DemoCommand.defaultSlots(33_792, null, 0), "a GPU: the whole ring");
        assertEquals(2_048, DemoCommand.defaultSlots(2, null, 0), "a 2-core reference interpreter");
        assertEquals(1_024, DemoCommand.defaultSlots(0, null, 0));
        assertEquals(5_000, DemoCommand.defaultSlots(2, 5_000, 0));
        assertEquals(3_000, DemoCommand.defaultSlots(1, 64, 3_000));
        int lanes;
        try (dev.vyre.api.Vyre reference = dev.vyre.api.Vyre.open("reference")) {
            lanes = reference.features().lanes();
        }
        Cli.Run r = run("demo", "--backend", "reference", "--seconds", "0.1");
        assertEquals(0, r.exit(), r.both());
        int ring = DemoCommand.defaultSlots(lanes, null, 0);
        assertTrue(r.out().contains("  " + String.format(java.util.Locale.ROOT, "%,d", ring) + " ring slots kept full,"
                + " publishSlots runs of " + String.format(java.util.Locale.ROOT, "%,d", DemoCommand.defaultBatch(ring))
                + " "), r.out());
    }

    @Test
    void withoutSlotsABatchOrWorkersAboveTheLargestRingAreRefused() {
        Cli.Run r = run("demo", "--batch", "70000");
        assertOneLineError(r, 2, "vyre demo");
        assertTrue(r.err().contains("--batch 70000 is outside 1..65536"), r.both());
        Cli.Run w = run("demo", "--workers", "70000");
        assertOneLineError(w, 2, "vyre demo");
        assertTrue(w.err().contains("--workers 70000 is outside 0..65536"), w.both());
    }

    @Test
    void theDefaultRunIsASixteenthOfTheRingAtMost4096() {
        assertEquals(4_096, DemoCommand.defaultBatch(65_536));
        assertEquals(4_096, DemoCommand.defaultBatch(65_535 + 1));
        assertEquals(64, DemoCommand.defaultBatch(1_024));
        assertEquals(1, DemoCommand.defaultBatch(3));
    }

    /** A backend that loses or repeats one slot fails the demo: one line, exit 1, the slot named. */
    @ParameterizedTest
    @ValueSource(strings = {"DROP", "DOUBLE"})
    void aBackendThatDropsOrDoublesASlotFailsTheDemo(String fault) {
        FaultyTestProvider.fault = FaultyTestProvider.Fault.valueOf(fault);
        FaultyTestProvider.INJECTED.set(0);
        try {
            Cli.Run r = run("demo", "--backend", FaultyTestProvider.NAME, "--seconds", "0.3", "--slots", "240",
                    "--batch", "24", "--workers", "1");
            assertEquals(1, FaultyTestProvider.INJECTED.get(), "the fault was injected once: " + r.both());
            assertOneLineError(r, 1, "vyre demo");
            assertTrue(r.err().contains("verification failed on backend 'test-faulty': ")
                    && r.err().contains("ring slot ") && r.err().contains("ATOMIC_ADD total"), r.both());
            assertFalse(r.out().contains("verified: every slot"), r.out());
        } finally {
            FaultyTestProvider.fault = FaultyTestProvider.Fault.NONE;
        }
    }

    @Test
    void recordsAFlightRecording(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("runs/demo.jfr");
        Cli.Run r = run("demo", "--seconds", "0.5", "--slots", "128", "--jfr", file.toString());
        assertEquals(0, r.exit(), r.both());
        assertTrue(r.out().contains("JFR recording written to " + file), r.out());
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        assertFalse(events.isEmpty(), "an empty recording");
        assertTrue(events.stream().anyMatch(e -> e.getEventType().getName().startsWith("jdk.")), "no JDK events");
        List<String> vyreTypes = FlightRecorder.getFlightRecorder().getEventTypes().stream().map(EventType::getName)
                .filter(n -> n.startsWith(JfrRecording.VYRE_EVENTS)).toList();
        if (vyreTypes.contains("dev.vyre.SessionOpen")) { // the runtime has its events: the demo's session is in it
            assertTrue(events.stream().anyMatch(e -> e.getEventType().getName().equals("dev.vyre.SessionOpen")),
                    "no dev.vyre.SessionOpen event");
        }
        if (vyreTypes.contains("dev.vyre.PublishBatch")) { // and it published with publishSlots
            assertTrue(events.stream().anyMatch(e -> e.getEventType().getName().equals("dev.vyre.PublishBatch")
                    && "publishSlots".equals(e.getString("api"))), "no publishSlots batch");
        }
    }

    @Test
    void refusesAnUnwritableJfrFileBeforeRunning(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        Cli.Run r = run("demo", "--seconds", "0.1", "--jfr", file.resolve("demo.jfr").toString());
        assertOneLineError(r, 2, "vyre demo");
        assertTrue(r.err().contains("--jfr"), r.both());
        assertEquals("", r.out(), "nothing may run: " + r.both());
        assertOneLineError(run("demo", "--jfr", dir.toString()), 2, "vyre demo");
    }
}
