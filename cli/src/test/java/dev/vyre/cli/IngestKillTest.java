package dev.vyre.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code vyre ingest} killed mid-run (SIGKILL, SIGTERM), started as the CLI is: in its own JVM. While it
 * runs it holds the file open and an io_uring ring with the data buffer registered ({@code fdinfo}
 * {@code UserBufs}); once it is gone no process is left behind, no process holds the file or an io_uring
 * ring of it (the kernel frees a ring and unpins its registered buffers when its last descriptor closes),
 * and SIGTERM ends it non-zero with one line of totals and no stack trace.
 */
class IngestKillTest {

    @TempDir
    Path dir;

    private List<String> java(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "-Dvyre.test.marker=" + dir, VyreCommand.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    private String read(String name) throws IOException {
        return Files.readString(dir.resolve(name), StandardCharsets.UTF_8);
    }

    /** @return {@code /proc/PID/fd} link targets of {@code pid}, empty when it is gone */
    private static List<String> fds(long pid) {
        List<String> out = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    out.add(fd.getFileName() + " " + Files.readSymbolicLink(fd));
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        } catch (IOException e) {
            // the process is gone
        }
        return out;
    }

    /** @return the number of buffers registered with the io_uring ring behind {@code fd} of {@code pid}, -1 if unknown */
    private static int registeredBuffers(long pid, String fd) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/fdinfo/" + fd))) {
                if (line.startsWith("UserBufs:")) {
                    return Integer.parseInt(line.substring("UserBufs:".length()).trim());
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** @return every process (pid and what it holds) that has {@code file} open or runs with this test's marker */
    private List<String> holders(Path file) throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : (Iterable<Path>) procs::iterator) {
                String name = proc.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit) || name.equals(String.valueOf(ProcessHandle.current().pid()))) {
                    continue;
                }
                try {
                    String cmdline = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8);
                    if (cmdline.contains("-Dvyre.test.marker=" + dir)) {
                        found.add(name + " still runs: " + cmdline.replace('\0', ' '));
                    }
                } catch (IOException e) {
                    continue; // gone meanwhile
                }
                for (String fd : fds(Long.parseLong(name))) {
                    if (fd.endsWith(" " + file)) {
                        found.add(name + " holds " + fd);
                    }
                }
            }
        }
        return found;
    }

    @ParameterizedTest(name = "SIG{0}")
    @ValueSource(strings = {"KILL", "TERM"})
    void aKilledIngestLeavesNoProcessFileOrRingBehind(String signal) throws Exception {
        Path data = dir.resolve("endless.bin");
        try (RandomAccessFile f = new RandomAccessFile(data.toFile(), "rw")) {
            f.setLength(64L << 30); // sparse: 64 GiB of holes, more than a run reads before it is killed
        }
        Process p = new ProcessBuilder(java("ingest", "--backend", "reference", "--chunk", "4K", "--slots", "1",
                data.toString())).directory(dir.toFile()).redirectOutput(dir.resolve("out.txt").toFile())
                .redirectError(dir.resolve("err.txt").toFile()).start();
        List<ProcessHandle> family = new ArrayList<>();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            String ring = null;
            boolean fileOpen = false;
            while (ring == null || !fileOpen) {
                assertTrue(p.isAlive() && System.nanoTime() - deadline < 0, "the ingest never held the file and a"
                        + " ring with a registered buffer: " + read("out.txt") + read("err.txt"));
                ring = null;
                fileOpen = false;
                for (String fd : fds(p.pid())) {
                    if (fd.endsWith(" anon_inode:[io_uring]") && registeredBuffers(p.pid(), fd.split(" ")[0]) > 0) {
                        ring = fd;
                    }
                    fileOpen |= fd.endsWith(" " + data);
                }
                Thread.sleep(20);
            }
            Thread.sleep(300); // chunks stream
            assertTrue(p.isAlive(), "still ingesting when killed: " + read("out.txt"));
            p.descendants().forEach(family::add);
            family.add(p.toHandle());
            Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(p.pid())).start();
            assertTrue(kill.waitFor(10, TimeUnit.SECONDS));
            assertEquals(0, kill.exitValue());
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "vyre ingest did not end on SIG" + signal);
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        for (ProcessHandle h : family) {
            h.onExit().get(10, TimeUnit.SECONDS);
            assertFalse(h.isAlive(), "process " + h.pid() + " outlived the kill");
        }
        assertEquals(List.of(), fds(p.pid()), "the killed process is gone with every descriptor");
        assertEquals(List.of(), holders(data), "no process is left holding the file or running");
        String out = read("out.txt");
        String err = read("err.txt");
        assertFalse(err.contains("\tat ") || err.contains("Exception") || out.contains("Exception"), out + err);
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().startsWith("hs_err")), "the JVM crashed: " + out);
        }
        if (signal.equals("KILL")) {
            assertEquals(137, p.exitValue());
        } else {
            assertEquals(143, p.exitValue(), out + err);
            assertEquals(1, Cli.count(out, "interrupted:"), out);
            assertTrue(out.contains("  interrupted: ") && out.contains(" bytes in ") && out.contains(" so far"), out);
            assertEquals("", err.strip(), "nothing but the totals line: " + err);
        }
    }
}
