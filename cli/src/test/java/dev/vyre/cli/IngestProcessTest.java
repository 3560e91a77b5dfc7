package dev.vyre.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vyre ingest} in its own JVM, for what needs a process: standard input, a signal, and the
 * README's socket example run by bash.
 */
class IngestProcessTest {

    @TempDir
    Path dir;

    private static List<String> java(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                VyreCommand.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    private ProcessBuilder vyre(String... args) {
        ProcessBuilder pb = new ProcessBuilder(java(args));
        pb.environment().remove("VYRE_BACKEND");
        pb.environment().remove("VYRE_DEBUG");
        pb.redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile());
        return pb;
    }

    private String out() throws Exception {
        return Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8);
    }

    private String both() throws Exception {
        return out() + "--- err:\n" + Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8);
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void pipedStandardInputIsReadToItsEnd() throws Exception {
        Process p = vyre("ingest", "--backend", "reference", "--chunk", "64K", "-").start();
        try (OutputStream in = p.getOutputStream()) {
            byte[] data = random(250_000, 5);
            for (int at = 0; at < data.length; at += 10_000) {
                in.write(data, at, Math.min(10_000, data.length - at));
                in.flush();
            }
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "vyre did not exit");
        assertEquals(0, p.exitValue(), both());
        assertTrue(out().contains("stdin: 250,000 bytes (to the end of the stream), 4 chunks, 4 verified"), both());
    }

    @Test
    void emptyStandardInputIsAFailure() throws Exception {
        Process p = vyre("ingest", "--backend", "reference", "-").start();
        p.getOutputStream().close();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "vyre did not exit");
        assertEquals(1, p.exitValue(), both());
        assertTrue(both().contains("vyre ingest: nothing was ingested"), both());
    }

    @Test
    void ctrlCPrintsTheTotalsSoFarAndRemovesTheReadyFile() throws Exception {
        Path ready = dir.resolve("ready");
        Process p = vyre("ingest", "--backend", "reference", "--listen", "0", "--ready-file", ready.toString()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(ready)) {
                assertTrue(System.nanoTime() < deadline && p.isAlive(), "no ready file: " + both());
                Thread.sleep(20);
            }
            Process kill = new ProcessBuilder("kill", "-INT", String.valueOf(p.pid())).start();
            assertTrue(kill.waitFor(10, TimeUnit.SECONDS));
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "vyre did not stop on SIGINT");
        } finally {
            p.destroyForcibly();
        }
        assertTrue(out().contains("  interrupted: 0 connections ended, 0 bytes in "), both());
        assertFalse(Files.exists(ready), "the ready file is removed");
    }

    /** On a terminal (a pseudo-terminal made by script(1)) a long ingest draws its live progress line. */
    @Test
    void onATerminalALongIngestShowsALiveProgressLine() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")),
                "script(1) makes the pseudo-terminal");
        Path data = Files.write(dir.resolve("data.bin"), random(8_000_000, 7));
        StringBuilder command = new StringBuilder();
        for (String word : java("ingest", "--backend", "reference", "--chunk", "64K", data.toString())) {
            command.append('\'').append(word.replace("'", "'\\''")).append("' ");
        }
        Process p = new ProcessBuilder("/usr/bin/script", "-qec", command.toString(), "/dev/null")
                .redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile())
                .redirectInput(ProcessBuilder.Redirect.PIPE).start();
        try {
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "vyre did not exit: " + both());
        } finally {
            p.destroyForcibly();
        }
        assertEquals(0, p.exitValue(), both());
        String screen = out();
        assertTrue(screen.contains("\r  ingest  ") && screen.contains(" / 8.00 MB  ") && screen.contains("B/s"),
                "no progress line on the terminal: " + screen);
        assertTrue(screen.contains("8,000,000 of 8,000,000 bytes") && screen.contains("OK"), screen);
    }

    /** The README's example, as bash runs it: the client waits for the ready file, never for luck. */
    @Test
    void readmeSocketExampleWorks() throws Exception {
        Path data = Files.write(dir.resolve("data.bin"), random(3_000_000, 6));
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        StringBuilder vyre = new StringBuilder();
        for (String word : java()) {
            vyre.append('\'').append(word).append("' ");
        }
        String script = "set -e\n"
                + "cd '" + dir + "'\n"
                + "vyre() { " + vyre + "\"$@\"; }\n"
                + "vyre ingest --backend reference --listen " + port + " --connections 1 --ready-file ready &\n"
                + "until [ -e ready ]; do sleep 0.1; done\n"
                + "cat data.bin > /dev/tcp/127.0.0.1/" + port + "\n"
                + "wait $!\n";
        File out = dir.resolve("out.txt").toFile();
        Process p = new ProcessBuilder("bash", "-c", script).redirectOutput(out)
                .redirectError(dir.resolve("err.txt").toFile()).start();
        try {
            assertTrue(p.waitFor(90, TimeUnit.SECONDS), "the example did not finish: " + both());
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly); // a failed run leaves no waiting shell
            p.destroyForcibly();
        }
        assertEquals(0, p.exitValue(), both());
        assertTrue(out().contains("3,000,000 bytes, 3 chunks, 3 verified  OK"), both());
        assertTrue(data.toFile().exists());
    }
}
