package dev.vyre.cli;

import static dev.vyre.cli.Cli.assertOneLineError;
import static dev.vyre.cli.Cli.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.api.BackendDevice;
import dev.vyre.api.Vyre;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code --device N} on every command that opens a backend: a negative index or one the backend does not have
 * is a one-line usage error naming the devices {@code vyre backends} lists, before any work; an index it has
 * opens that device. The reference backend has exactly one device, index 0.
 */
class DeviceOptionTest {

    private static final List<String> COMMANDS = List.of("demo", "bench", "conform", "ingest", "scan", "replay");

    @TempDir
    static Path dir;

    /** @return the arguments of {@code command} on the reference backend with {@code --device device} */
    private static String[] args(String command, String device) throws IOException {
        List<String> a = new ArrayList<>(List.of(command));
        switch (command) {
            case "ingest" -> a.add(file("data.bin", "some bytes to ingest"));
            case "scan" -> a.addAll(List.of("--patterns", file("words.txt", "needle\n"), file("hay.txt", "a needle")));
            case "replay" -> a.add(file("run.vrri", "not read before the device is checked"));
            default -> {
            }
        }
        a.addAll(List.of("--backend", "reference", "--device", device));
        return a.toArray(String[]::new);
    }

    private static String file(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content);
        return p.toString();
    }

    @Test
    void theReferenceBackendHasExactlyDeviceZero() {
        List<BackendDevice> devices = Vyre.devices("reference");
        assertEquals(1, devices.size(), devices.toString());
        assertEquals(0, devices.getFirst().index());
    }

    @ParameterizedTest
    @ValueSource(strings = {"demo", "bench", "conform", "ingest", "scan", "replay"})
    void aDeviceTheBackendDoesNotHaveIsAUsageErrorNamingItsDevices(String command) throws IOException {
        Cli.Run r = run(args(command, "1"));
        assertOneLineError(r, 2, "vyre " + command);
        assertTrue(r.err().contains("--device 1: backend 'reference' has no device 1 (it has 1 device: 0 ("), r.both());
        assertTrue(r.err().contains("Fix: pass one of the indices `vyre backends` lists for reference: 0"), r.both());
        assertEquals("", r.out(), "nothing may run before the device is checked: " + r.both());
    }

    @ParameterizedTest
    @ValueSource(strings = {"demo", "bench", "conform", "ingest", "scan", "replay"})
    void aNegativeDeviceIsAUsageError(String command) throws IOException {
        Cli.Run r = run(args(command, "-1"));
        assertOneLineError(r, 2, "vyre " + command);
        assertTrue(r.err().contains("--device -1 is negative"), r.both());
        assertTrue(r.err().contains("`vyre backends`"), r.both());
        assertEquals("", r.out(), r.both());
    }

    @Test
    void everyCommandThatOpensABackendTakesTheOption() {
        CommandLine vyre = VyreCommand.commandLine(CliEnvironment.of(Map.of()));
        for (String command : COMMANDS) {
            assertTrue(vyre.getSubcommands().get(command).getCommandSpec().findOption("--device") != null, command);
        }
    }

    @Test
    void theDefaultBackendIsCheckedToo() {
        Cli.Run r = run(Map.of("VYRE_BACKEND", "reference"), "demo", "--device", "3", "--seconds", "0.1");
        assertOneLineError(r, 2, "vyre demo");
        assertTrue(r.err().contains("backend 'reference' has no device 3"), r.both());
    }

    @Test
    void deviceZeroRunsOnTheReferenceDevice() {
        Cli.Run demo = run("demo", "--backend", "reference", "--device", "0", "--seconds", "0.2", "--slots", "64");
        assertEquals(0, demo.exit(), demo.both());
        assertTrue(demo.out().contains("vyre demo: backend reference on "), demo.both());
        Cli.Run conform = run("conform", "--backend", "reference", "--device", "0", "--cases", "crc32c");
        assertEquals(0, conform.exit(), conform.both());
        assertTrue(conform.out().contains("== reference: "), conform.both()); // exit 0: a case passed, none failed
    }

    @Test
    void theRefusalListsEveryDevice() {
        CommandSpec demo = VyreCommand.commandLine(CliEnvironment.of(Map.of())).getSubcommands().get("demo")
                .getCommandSpec();
        List<BackendDevice> two = List.of(new BackendDevice("cuda", 0, true, "GPU A", "12.6", ""),
                new BackendDevice("cuda", 1, false, "", "", "lost. Fix: reboot"));
        DeviceOption.check(demo, "cuda", 1, two); // it exists, unavailable or not: opening it says why
        CommandLine.ParameterException e = assertThrows(CommandLine.ParameterException.class,
                () -> DeviceOption.check(demo, "cuda", 2, two));
        assertEquals("--device 2: backend 'cuda' has no device 2 (it has 2 devices: 0 (GPU A), 1 (unavailable))."
                + " Fix: pass one of the indices `vyre backends` lists for cuda: 0, 1", e.getMessage());
    }
}
