package dev.vyre.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.api.Session;
import dev.vyre.api.SessionOptions;
import dev.vyre.api.Slots;
import dev.vyre.api.Vyre;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** {@code vyre bench} on the reference backend, with short measurements. */
class BenchCommandTest {

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = VyreCommand.commandLine(CliEnvironment.of(Map.of()));
        if (!cmd.getSubcommands().containsKey("bench")) {
            cmd.addSubcommand("bench", new BenchCommand());
        }
        cmd.setParameterExceptionHandler(new UsageErrorHandler());
        cmd.setExecutionExceptionHandler(new FailureHandler(CliEnvironment.of(Map.of())));
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        String[] full = new String[args.length + 1];
        full[0] = "bench";
        System.arraycopy(args, 0, full, 1, args.length);
        int exit = cmd.execute(full);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void measuresEveryApiVerifiedAndWritesTheHgrmAndHtmlFiles(@TempDir Path dir) throws Exception {
        Path hgrm = dir.resolve("out/latency.hgrm");
        Path html = dir.resolve("out/bench.html");
        Run r = run("--backend", "reference", "--seconds", "0.05", "--slots", "64", "--batch", "16",
                "--hgrm", hgrm.toString(), "--html", html.toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        assertEquals("", r.err(), "no progress line off a terminal");
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.getFirst().startsWith("vyre bench: backend reference on "), r.out());
        assertTrue(lines.stream().anyMatch(l -> l.matches("\\s+API\\s+mode\\s+slots\\s+slots/s\\s+p50\\s+p99\\s+p99\\.9"
                + "\\s+max\\s+verified")), r.out());
        for (String row : List.of("publish +1 in flight", "publish +ring of 64", "publishDeferred\\+flush +flush per 16",
                "publishSlots +runs of 16", "dispatch +one pass per op")) {
            assertTrue(lines.stream().anyMatch(l -> l.matches("\\s+" + row + "\\s+[\\d,]+\\s+[\\d,]+\\s.*\\s+yes")),
                    row + " in\n" + r.out());
        }
        assertTrue(lines.stream().anyMatch(l -> l.contains("1 in flight") && l.contains(" µs")), r.out());
        assertFalse(r.out().contains("NO"), r.out());

        String distribution = Files.readString(hgrm);
        assertTrue(distribution.contains("Value     Percentile TotalCount 1/(1-Percentile)"), distribution);
        assertTrue(distribution.contains("#[Mean") && distribution.contains("#[Max"), distribution);

        String page = Files.readString(html);
        assertTrue(page.startsWith("<!DOCTYPE html>"), page);
        assertTrue(page.contains("<svg") && page.contains("<polyline"), "an inline SVG plot");
        assertTrue(page.contains("<table>") && page.contains("publishSlots") && page.contains("publishDeferred+flush")
                && page.contains("dispatch"), page);
        assertFalse(page.contains("<script") || page.contains("src=") || page.contains("<link"), "self-contained");
    }

    @ParameterizedTest
    @ValueSource(strings = {"--seconds=NaN", "--seconds=Infinity", "--seconds=0", "--seconds=-1", "--seconds=x",
            "--slots=0", "--slots=70000", "--batch=0", "--batch=65", "--backend=nosuch", "--nosuch"})
    void aBadOptionIsOneLineWithAFixAndExit2BeforeAnyWork(String option) {
        Run r = run("--slots", "64", option);
        assertEquals(2, r.exit(), r.out() + r.err());
        assertEquals("", r.out(), "no work was started");
        List<String> lines = r.err().lines().toList();
        assertEquals(1, lines.size(), r.err());
        assertTrue(lines.getFirst().contains("Fix: "), r.err());
        assertEquals(lines.getFirst().indexOf("Fix:"), lines.getFirst().lastIndexOf("Fix:"), r.err());
    }

    @Test
    void unwritableOrCollidingOutputFilesAreUsageErrors(@TempDir Path dir) throws Exception {
        Path blocker = Files.writeString(dir.resolve("file"), "x");
        for (String[] args : List.of(new String[] {"--hgrm", dir.toString()},
                new String[] {"--html", blocker.resolve("sub/bench.html").toString()},
                new String[] {"--hgrm", dir.resolve("a").toString(), "--html", dir.resolve("a").toString()})) {
            Run r = run(args);
            assertEquals(2, r.exit(), String.join(" ", args) + ": " + r.out() + r.err());
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().contains("Fix: "), r.err());
            assertEquals("", r.out());
        }
    }

    @Test
    void aWrongResultFailsVerification() {
        try (Vyre vyre = Vyre.open("reference");
             Session session = vyre.openSession(SessionOptions.builder().slotCount(16).observableSlots(16).build())) {
            BenchRunner runner = new BenchRunner(vyre, session, 16, 4, 16, Duration.ofMillis(20), new BenchRunner.Listener() {
                @Override
                public void phase(String label) {
                }

                @Override
                public void progress(long slots) {
                }
            });
            BenchRunner.Row ok = runner.latency();
            assertNull(ok.failure(), ok.failure());
            assertTrue(ok.slots() > 0 && ok.latency().getTotalCount() == ok.slots());
            session.writeControlWord(Slots.observable(3), 12345);   // a result the workload did not produce
            BenchRunner.Row bad = runner.publishSlots();
            assertNotNull(bad.failure());
            assertTrue(bad.failure().contains("observable word 3"), bad.failure());
            assertFalse(bad.verified());
        }
    }
}
