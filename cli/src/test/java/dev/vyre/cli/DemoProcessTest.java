package dev.vyre.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vyre demo} in its own JVM: Ctrl-C stops the stream, which drains, is checked, and prints its totals. */
class DemoProcessTest {

    @TempDir
    Path dir;

    private String read(String name) throws Exception {
        return Files.readString(dir.resolve(name), StandardCharsets.UTF_8);
    }

    @Test
    void ctrlCPrintsTheVerifiedTotalsSoFar() throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                VyreCommand.class.getName(), "demo", "--backend", "reference", "--seconds", "600", "--slots", "1024",
                "--workers", "1"));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().remove("VYRE_BACKEND");
        pb.environment().remove("VYRE_DEBUG");
        pb.redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile());
        Process p = pb.start();
        long t0 = System.nanoTime();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!read("out.txt").contains("streaming for")) {
                assertTrue(System.nanoTime() < deadline && p.isAlive(), "the demo did not start: " + read("out.txt")
                        + read("err.txt"));
                Thread.sleep(20);
            }
            Thread.sleep(500);
            Process kill = new ProcessBuilder("kill", "-INT", String.valueOf(p.pid())).start();
            assertTrue(kill.waitFor(10, TimeUnit.SECONDS));
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "vyre did not stop on SIGINT");
        } finally {
            p.destroyForcibly();
        }
        String out = read("out.txt");
        String both = out + "--- err:\n" + read("err.txt");
        assertEquals(130, p.exitValue(), "the exit status of SIGINT: " + both);
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(300), "stopped long before its 600 s");
        assertTrue(out.contains("  interrupted: stopped after ") && out.contains(" by Ctrl-C, drained and checked"), both);
        assertTrue(out.matches("(?s).*\\n  [1-9][0-9,]* slots verified in .*"), both);
        assertTrue(out.contains("verified: every slot ran once per publication"), both);
        assertEquals("", read("err.txt"), "no error and no progress line off a terminal");
    }
}
