package dev.vyre.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link VyreCommand#main} in its own JVM: exit statuses and the real environment. */
class MainProcessTest {

    private record Exit(int status, String out, String err) {
    }

    private static Exit vyre(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                VyreCommand.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().remove("VYRE_BACKEND");
        pb.environment().remove("VYRE_DEBUG");
        pb.environment().putAll(env);
        File out = File.createTempFile("vyre-out", ".txt");
        File err = File.createTempFile("vyre-err", ".txt");
        pb.redirectOutput(out).redirectError(err);
        Process p = pb.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "vyre did not exit");
        Exit e = new Exit(p.exitValue(), java.nio.file.Files.readString(out.toPath(), StandardCharsets.UTF_8),
                java.nio.file.Files.readString(err.toPath(), StandardCharsets.UTF_8));
        out.delete();
        err.delete();
        return e;
    }

    @Test
    void aUsageErrorExits2WithOneLine() throws Exception {
        Exit e = vyre(Map.of(), "demo", "--seconds", "NaN");
        assertEquals(2, e.status(), e.err());
        assertEquals(1, e.err().strip().lines().count(), e.err());
        assertTrue(e.err().contains("Fix:"), e.err());
    }

    @Test
    void aForcedBackendThatCannotRunExits1WithOneLine() throws Exception {
        Exit e = vyre(Map.of("VYRE_BACKEND", UnavailableTestProvider.NAME), "demo", "--seconds", "0.1");
        assertEquals(1, e.status(), e.out() + e.err());
        assertEquals(1, e.err().strip().lines().count(), e.err());
        assertTrue(e.err().startsWith("vyre demo: VYRE_BACKEND=test-unavailable: backend 'test-unavailable' cannot"
                + " run here"), e.err());
        assertFalse(e.err().contains("\tat "), e.err());
    }

    @Test
    void vyreDebugAddsTheTrace() throws Exception {
        Exit e = vyre(Map.of("VYRE_BACKEND", UnavailableTestProvider.NAME, "VYRE_DEBUG", "1"), "demo");
        assertEquals(1, e.status());
        assertTrue(e.err().contains("\tat dev.vyre.cli."), e.err());
    }
}
