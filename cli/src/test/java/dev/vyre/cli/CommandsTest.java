package dev.vyre.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The commands, run in-process through picocli against the reference backend. */
class CommandsTest {

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = VyreCommand.commandLine();
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        int exit = cmd.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void backendsListsTheReferenceBackendAsAvailableDefault() {
        Run r = run("backends");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("*") && l.contains("reference") && l.contains("available")),
                r.out());
    }

    @Test
    void conformRunsTheSuiteAndWritesAJsonReport(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("out/report.json");
        Run r = run("conform", "--backend", "reference", "--cases", "packed/", "--report", report.toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("reference"), r.out());
        String json = Files.readString(report);
        assertEquals("reference", string(json, "backend"));
        assertTrue(!string(json, "device").isEmpty() && !string(json, "driver").isEmpty(), json);
        assertTrue(string(json, "date").matches("\\d{4}-\\d\\d-\\d\\dT.*Z"), json);
        int passed = number(json, "passed");
        assertEquals(0, number(json, "failed"));
        assertEquals(0, number(json, "skipped"));
        assertTrue(passed >= 16, json);
        assertEquals(passed, count(json, "\"status\": \"PASSED\""));
        assertEquals(passed, count(json, "\"name\": \"packed/"));
    }

    @Test
    void conformRejectsAnUnknownBackend() {
        Run r = run("conform", "--backend", "nosuch");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("no backend named 'nosuch'"), r.err());
    }

    @Test
    void demoStreamsAndVerifies() {
        Run r = run("demo", "--seconds", "0.3", "--slots", "64");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("backend reference"), r.out());
        assertTrue(r.out().contains("verified: every slot ran once per publication"), r.out());
        assertTrue(r.out().contains("p99.9"), r.out());
    }

    private static String string(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\": \"([^\"]*)\"").matcher(json);
        assertTrue(m.find(), key + " missing in " + json);
        return m.group(1);
    }

    private static int number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\": (\\d+)").matcher(json);
        assertTrue(m.find(), key + " missing in " + json);
        return Integer.parseInt(m.group(1));
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void ingestStreamsFilesVerifiesEveryChunkAndFailsOnAMissingFile(@TempDir Path dir) throws Exception {
        byte[] bytes = new byte[3 * 65536 + 5];
        new java.util.Random(3).nextBytes(bytes);
        Path file = java.nio.file.Files.write(dir.resolve("data.bin"), bytes);
        Run ok = run("ingest", "--backend", "reference", "--chunk", "65536", "--slots", "2", file.toString());
        assertEquals(0, ok.exit(), ok.out() + ok.err());
        assertTrue(ok.out().contains("196,613 of 196,613 bytes, 4 chunks, 4 verified") && ok.out().contains("OK"),
                ok.out());
        Run missing = run("ingest", "--backend", "reference", file.toString(), dir.resolve("missing").toString());
        assertEquals(1, missing.exit(), missing.out());
        assertTrue(missing.out().contains("ENOENT") && missing.out().contains("Fix: check the path exists"),
                missing.out());
        assertEquals(2, run("ingest").exit(), "neither files nor --listen");
    }
}
