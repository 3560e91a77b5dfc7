package dev.vyre.cli;

import static dev.vyre.cli.Cli.assertOneLineError;
import static dev.vyre.cli.Cli.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.conformance.ConformanceSuite;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vyre conform}: arguments checked before the suite runs, and no exit 0 for no work. */
class ConformCommandTest {

    @Test
    void casesMatchingNothingIsAUsageErrorThatSaysHowToSeeTheNames() {
        Cli.Run r = run("conform", "--backend", "reference", "--cases", "no-such-case");
        assertOneLineError(r, 2, "vyre conform");
        assertTrue(r.err().contains("--cases 'no-such-case' matches none") && r.err().contains("vyre conform --list"),
                r.both());
        assertEquals("", r.out(), "nothing may run: " + r.both());
    }

    @Test
    void listPrintsTheCaseNames() {
        Cli.Run r = run("conform", "--list");
        assertEquals(0, r.exit(), r.both());
        assertEquals(ConformanceSuite.standard().cases().stream().map(c -> c.name()).toList(), r.out().lines().toList());
        Cli.Run some = run("conform", "--list", "--cases", "packed/");
        assertTrue(some.out().lines().allMatch(l -> l.startsWith("packed/")) && some.out().lines().count() > 1,
                some.out());
    }

    @Test
    void anUnavailableBackendRunsNothingAndExits1WithItsReason() {
        Cli.Run r = run("conform", "--backend", UnavailableTestProvider.NAME);
        assertOneLineError(r, 1, "vyre conform");
        assertTrue(r.err().contains("cannot run here, so no case ran: the test device is never present"), r.both());
        assertFalse(r.out().contains("PASSED"), r.out());
    }

    @Test
    void anUnknownBackendIsAUsageError() {
        Cli.Run r = run("conform", "--backend", "nosuch");
        assertOneLineError(r, 2, "vyre conform");
        assertTrue(r.err().contains("no backend named 'nosuch'"), r.both());
    }

    @Test
    void aRunInWhichEveryCaseWasSkippedIsAFailure() {
        Cli.Run r = run("conform", "--backend", OnePassTestProvider.NAME, "--cases", "persistent/");
        assertOneLineError(r, 1, "vyre conform");
        assertTrue(r.err().contains("no case could run") && r.err().contains("lacks capability PERSISTENT"), r.both());
    }

    @Test
    void aOnePassBackendRunsTheOnePassCases() {
        Cli.Run r = run("conform", "--backend", OnePassTestProvider.NAME, "--cases", "packed/");
        assertEquals(0, r.exit(), r.both());
        assertTrue(r.out().matches("(?s).*test-onepass\\s+16\\s+0\\s+0.*"), r.out());
    }

    @Test
    void anUnwritableReportFailsBeforeTheSuiteRuns(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        Cli.Run r = run("conform", "--backend", "reference", "--cases", "packed/", "--report",
                file.resolve("report.json").toString());
        assertOneLineError(r, 2, "vyre conform");
        assertTrue(r.err().contains("cannot write --report"), r.both());
        assertEquals("", r.out(), "the suite must not run: " + r.both());
        Cli.Run directory = run("conform", "--cases", "packed/", "--report", dir.toString());
        assertOneLineError(directory, 2, "vyre conform");
        assertTrue(directory.err().contains("is a directory"), directory.both());
    }

    @Test
    void aWritableReportPathIsCheckedWithoutLeavingAFileWhenTheRunIsRefused(@TempDir Path dir) {
        Path file = dir.resolve("new/report.json");
        Cli.Run r = run("conform", "--backend", UnavailableTestProvider.NAME, "--report", file.toString());
        assertEquals(1, r.exit(), r.both());
        assertFalse(Files.exists(file), "a report of nothing was left behind");
    }
}
