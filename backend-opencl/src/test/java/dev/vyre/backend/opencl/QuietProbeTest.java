package dev.vyre.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.api.BackendInfo;
import dev.vyre.api.Vyre;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the probe in a child JVM where the OpenCL ICD loader cannot be found (LWJGL is told to load a
 * library name that does not exist): the probe must print nothing, and the backend list must still
 * say why OpenCL is unavailable.
 */
class QuietProbeTest {

    /** A library name no system has, so LWJGL searches every path, fails, and prints its notice. */
    private static final String MISSING_LOADER = "libOpenCL_vyre_missing_test.so.1";

    @TempDir
    Path dir;

    @Test
    void aMissingOpenClLoaderPrintsNothingAndTheReasonIsInTheBackendList() throws Exception {
        Child child = run();
        assertEquals(0, child.exit, child.toString());
        assertFalse(child.stderr.contains("[LWJGL]"), "the probe printed LWJGL's notice:\n" + child);
        assertTrue(child.stdout.contains("opencl unavailable"), child.toString());
        assertTrue(child.stdout.contains(MISSING_LOADER), "the reason names the library:\n" + child);
        assertTrue(child.stdout.contains("Fix: "), child.toString());
    }

    @Test
    void lwjglDiagnosticsTheUserAskedForAreStillPrinted() throws Exception {
        Child child = run("-Dorg.lwjgl.util.DebugLoader=true");
        assertEquals(0, child.exit, child.toString());
        assertTrue(child.stderr.contains("[LWJGL]"), "-Dorg.lwjgl.util.DebugLoader=true was silenced:\n" + child);
        assertTrue(child.stdout.contains("opencl unavailable"), child.toString());
    }

    private Child run(String... extraJvmOptions) throws IOException, InterruptedException {
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("-Dorg.lwjgl.opencl.libname=" + MISSING_LOADER);
        command.addAll(List.of(extraJvmOptions));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ListBackends.class.getName());
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().remove("VYRE_BACKEND");
        Process process = builder.start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the child JVM did not finish in 60 s: " + command);
        }
        return new Child(process.exitValue(), read(out), read(err));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record Child(int exit, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    /** The child: lists every backend on the class path, one line each (name, state, reason). */
    static final class ListBackends {
        private ListBackends() {
        }

        public static void main(String[] args) {
            for (BackendInfo info : Vyre.backends()) {
                System.out.println(info.name() + (info.available() ? " available " + info.device()
                        : " unavailable " + info.reason()));
            }
        }
    }
}
