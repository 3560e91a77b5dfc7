package dev.vyre.cli;

import static dev.vyre.cli.Cli.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code vyre backends}: what each backend can do, and what a forced backend means. */
class BackendsCommandTest {

    @AfterEach
    void openNormally() {
        OnePassTestProvider.mode = OnePassTestProvider.Mode.OPEN;
    }

    private static String line(Cli.Run r, String name) {
        return r.out().lines().filter(l -> l.length() > 4 && l.substring(4).startsWith(name + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no line for " + name + ":\n" + r.out()));
    }

    @Test
    void showsWhetherEachAvailableBackendIsPersistentOrOnePass() {
        Cli.Run r = run("backends");
        assertEquals(0, r.exit(), r.both());
        assertTrue(r.out().lines().findFirst().orElse("").contains("MODE"), r.out());
        assertTrue(line(r, "reference").matches("\\*\\s+reference\\s+0\\s+available\\s+persistent\\s+.*\\[.*]"), r.out());
        assertTrue(line(r, OnePassTestProvider.NAME).matches("\\s+test-onepass\\s+-50\\s+available\\s+one-pass\\s+"
                + "test one-pass device \\[test driver 1]"), r.out());
        assertTrue(line(r, UnavailableTestProvider.NAME).contains("unavailable  -") && line(r,
                UnavailableTestProvider.NAME).contains(UnavailableTestProvider.REASON), r.out());
        assertTrue(r.out().contains("* = default for demo and ingest (reference)"), r.out());
        assertEquals("", r.err());
    }

    @Test
    void listsEveryDeviceOfEachAvailableBackendByIndex() {
        Cli.Run r = run("backends");
        assertEquals(0, r.exit(), r.both());
        assertTrue(r.out().contains("BACKEND      INDEX  STATUS"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("\\s+reference\\s+0\\s+available\\s+.*\\[.*]")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("\\s+test-onepass\\s+0\\s+available\\s+test one-pass"
                + " device \\[test driver 1]")), r.out());
        assertFalse(r.out().lines().anyMatch(l -> l.matches("\\s+" + UnavailableTestProvider.NAME + "\\s+0\\s+.*")),
                "an unavailable backend has no device lines:\n" + r.out());
    }

    @Test
    void aForcedBackendThatCannotRunIsSaidToBeSoAndNothingIsDefault() {
        Cli.Run r = run(Map.of("VYRE_BACKEND", UnavailableTestProvider.NAME), "backends");
        assertEquals(0, r.exit(), r.both());
        assertFalse(r.out().contains("no backend can run here"), r.out());
        assertTrue(r.out().contains("VYRE_BACKEND=" + UnavailableTestProvider.NAME + " cannot run here: the test device"
                + " is never present"), r.out());
        assertTrue(r.out().lines().noneMatch(l -> l.startsWith("*")), "nothing may be marked default:\n" + r.out());
        assertTrue(r.out().contains("the default would be reference"), r.out());
    }

    @Test
    void aForcedOnePassBackendIsNotMarkedDefaultForDemo() {
        Cli.Run r = run(Map.of("VYRE_BACKEND", OnePassTestProvider.NAME), "backends");
        assertTrue(r.out().contains("VYRE_BACKEND=test-onepass cannot run demo or ingest here: it runs one-pass"
                + " dispatches only"), r.out());
        assertTrue(r.out().lines().noneMatch(l -> l.startsWith("*")), r.out());
    }

    @Test
    void aForcedBackendThatRunsIsMarked() {
        Cli.Run r = run(Map.of("VYRE_BACKEND", "Reference"), "backends");
        assertTrue(line(r, "reference").startsWith("*"), r.out());
        assertTrue(r.out().contains("* = reference, forced by VYRE_BACKEND=reference"), r.out());
        Cli.Run unknown = run(Map.of("VYRE_BACKEND", "nosuch"), "backends");
        assertTrue(unknown.out().contains("VYRE_BACKEND=nosuch names no backend on the class path"), unknown.out());
    }

    @Test
    void aFailingOpenIsOneLineReasonInItsRow() {
        OnePassTestProvider.mode = OnePassTestProvider.Mode.FAIL;
        Cli.Run r = run("backends");
        assertEquals(0, r.exit(), r.both());
        String row = line(r, OnePassTestProvider.NAME);
        assertTrue(row.contains("  ?  ") && row.contains("opening it failed: backend error: the test device failed to"
                + " open"), r.out());
        assertFalse(r.out().contains("second line"), r.out());
    }

    @Test
    void aSlowOpenIsCutShort() {
        OnePassTestProvider.mode = OnePassTestProvider.Mode.SLOW;
        long t0 = System.nanoTime();
        BackendMode m = BackendMode.of(OnePassTestProvider.NAME, Duration.ofMillis(200));
        assertTrue(System.nanoTime() - t0 < 2_000_000_000L, "waited for the slow open");
        assertNull(m.features());
        assertEquals("?", m.label());
        assertTrue(m.problem().contains("took longer than"), m.problem());
    }
}
