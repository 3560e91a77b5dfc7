package dev.vyre.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.api.BackendInfo;
import dev.vyre.api.Vyre;
import dev.vyre.spi.BackendProvider;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.CommandSpec;

/** How demo and ingest pick a backend that runs persistent sessions. */
class BackendChoiceTest {

    private static final CommandSpec DEMO = VyreCommand.commandLine(CliEnvironment.of(Map.of())).getSubcommands()
            .get("demo").getCommandSpec();

    /** @return the named providers, in this order, as if that were their priority order */
    private static Map<String, BackendProvider> providers(String... names) {
        Map<String, BackendProvider> all = new LinkedHashMap<>();
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
            all.put(p.name(), p);
        }
        Map<String, BackendProvider> chosen = new LinkedHashMap<>();
        for (String n : names) {
            chosen.put(n, all.get(n));
        }
        return chosen;
    }

    private static Vyre choose(Map<String, BackendProvider> providers, String requested, Map<String, String> env) {
        List<BackendInfo> found = providers.values().stream().map(Vyre::describe).toList();
        return BackendChoice.openPersistent(DEMO, requested, CliEnvironment.of(env), found,
                name -> Vyre.open(providers.get(name)));
    }

    @Test
    void theDefaultSkipsAHigherRankedBackendThatRunsOnePassOnly() {
        try (Vyre vyre = choose(providers(UnavailableTestProvider.NAME, OnePassTestProvider.NAME, "reference"), null,
                Map.of())) {
            assertEquals("reference", vyre.name());
            assertTrue(vyre.features().persistent());
        }
    }

    @Test
    void withNoPersistentBackendItSaysWhyForEach() {
        CliFailure f = assertThrows(CliFailure.class, () -> choose(providers(UnavailableTestProvider.NAME,
                OnePassTestProvider.NAME), null, Map.of()));
        String m = f.getMessage();
        assertTrue(m.startsWith("no backend here can run a persistent session, which vyre demo needs: "), m);
        assertTrue(m.contains("test-unavailable cannot run here (the test device is never present)"), m);
        assertTrue(m.contains("test-onepass on test one-pass device runs one-pass dispatches only"), m);
        assertEquals(1, Cli.count(m, "Fix:"), m);
    }

    @Test
    void theOptionWinsOverTheEnvironment() {
        try (Vyre vyre = choose(providers(OnePassTestProvider.NAME, "reference"), "reference",
                Map.of("VYRE_BACKEND", OnePassTestProvider.NAME))) {
            assertEquals("reference", vyre.name());
        }
        CliFailure f = assertThrows(CliFailure.class, () -> choose(providers(OnePassTestProvider.NAME, "reference"),
                null, Map.of("VYRE_BACKEND", OnePassTestProvider.NAME)));
        assertTrue(f.getMessage().startsWith("VYRE_BACKEND=test-onepass: backend 'test-onepass' on test one-pass"
                + " device runs one-pass dispatches only"), f.getMessage());
    }
}
