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
import dev.vyre.peer.LaunchPeers;
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

    @Test
    void theBackendsPeersAreMeasuredInTheSameRunAndShownInTheOneTable(@TempDir Path dir) throws Exception {
        TestLaunchPeers.backend = "reference";
        TestLaunchPeers.mode = TestLaunchPeers.Mode.MEASURED;
        TestLaunchPeers.CLOSED.set(0);
        try {
            Path html = dir.resolve("bench.html");
            Run r = run("--backend", "reference", "--seconds", "0.05", "--slots", "64", "--batch", "16",
                    "--html", html.toString());
            assertEquals(0, r.exit(), r.out() + r.err());
            List<String> lines = r.out().lines().toList();
            assertEquals(1, lines.stream().filter(l -> l.matches("\\s+API\\s+mode\\s+slots.*")).count(), "one table");
            int dispatch = indexOf(lines, "  dispatch ");
            int peer = indexOf(lines, "  test launch+sync ");
            assertTrue(dispatch > 0 && peer == dispatch + 1, "the peer's row follows the backend's rows:\n" + r.out());
            assertTrue(lines.get(peer).matches("\\s+test launch\\+sync\\s+1 op per launch\\s+[\\d,]+\\s+[\\d,]+\\s+"
                    + "[\\d.,]+ µs\\s+.*\\s+yes"), lines.get(peer));
            assertEquals(1, TestLaunchPeers.CLOSED.get(), "the plugin is closed after the run");
            assertTrue(Files.readString(html).contains("test launch+sync"), "the peer is in the page");
        } finally {
            TestLaunchPeers.backend = "no-backend";
        }
    }

    @Test
    void aPeerThatCannotRunHereSaysWhyAndNothingFails() {
        TestLaunchPeers.backend = "reference";
        TestLaunchPeers.mode = TestLaunchPeers.Mode.UNAVAILABLE;
        try {
            Run r = run("--backend", "reference", "--seconds", "0.05", "--slots", "64", "--batch", "16");
            assertEquals(0, r.exit(), r.out() + r.err());
            assertTrue(r.out().lines().anyMatch(l -> l.matches("\\s+test launch\\+sync\\s+1 op per launch\\s+"
                    + "unavailable: " + TestLaunchPeers.REASON)), r.out());
            assertFalse(r.out().contains("NO"), r.out());
            assertEquals("", r.err());
        } finally {
            TestLaunchPeers.backend = "no-backend";
            TestLaunchPeers.mode = TestLaunchPeers.Mode.MEASURED;
        }
    }

    @Test
    void aPeerWithAWrongResultFailsTheBench() {
        TestLaunchPeers.backend = "reference";
        TestLaunchPeers.mode = TestLaunchPeers.Mode.WRONG;
        try {
            Run r = run("--backend", "reference", "--seconds", "0.05", "--slots", "64", "--batch", "16");
            assertEquals(1, r.exit(), r.out() + r.err());
            assertTrue(r.err().startsWith("vyre bench: verification failed in test launch+sync (1 op per launch): the"
                    + " counter is "), r.err());
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith("  test launch+sync") && l.endsWith("NO")), r.out());
        } finally {
            TestLaunchPeers.backend = "no-backend";
            TestLaunchPeers.mode = TestLaunchPeers.Mode.MEASURED;
        }
    }

    /** The real CUDA plugin: measured and verified with a GPU; without one, each row says why and nothing fails. */
    @Test
    void theCudaPeersRunOrSayWhyNot() {
        List<LaunchPeers> cuda = LaunchPeers.forBackend("cuda");
        assertEquals(1, cuda.size(), "the CUDA plugin is on the CLI's class path");
        assertEquals(List.of("cuLaunchKernel+sync", "CUDA Graph launch+sync"),
                cuda.getFirst().peers().stream().map(LaunchPeers.Peer::name).toList());
        List<BenchRunner.Row> rows = BenchCommand.measurePeers(cuda, Duration.ofMillis(50), new BenchRunner.Listener() {
            @Override
            public void phase(String label) {
            }

            @Override
            public void progress(long slots) {
            }
        });
        assertEquals(2, rows.size());
        StringWriter table = new StringWriter();
        BenchTable.print(new PrintWriter(table, true), rows);
        for (BenchRunner.Row row : rows) {
            assertTrue(row.verified(), row.failure());
            if (row.unavailable() != null) {
                assertTrue(table.toString().contains(row.api()) && table.toString().contains("unavailable: "
                        + row.unavailable()), table.toString());
                assertFalse(row.unavailable().contains("\n"), row.unavailable());
            } else {
                assertTrue(row.slots() > 0 && row.latency().getTotalCount() == row.slots(), row.toString());
            }
        }
        assertTrue(LaunchPeers.forBackend("reference").isEmpty(), "no peers for the reference backend");
    }

    private static int indexOf(List<String> lines, String prefix) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }
}
