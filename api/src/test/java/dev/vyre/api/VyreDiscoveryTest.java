package dev.vyre.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.protocol.BackendException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Provider discovery and selection through {@link java.util.ServiceLoader}, with the four test
 * providers registered in {@code src/test/resources/META-INF/services}.
 */
class VyreDiscoveryTest {

    private static List<Providers.Found> found() {
        return Providers.discover(VyreDiscoveryTest.class.getClassLoader());
    }

    @AfterEach
    void clearProperty() {
        System.clearProperty(Vyre.PROPERTY);
    }

    @Test
    void discoversEveryRegisteredProviderRankedByPriority() {
        List<String> names = Vyre.backends().stream().map(BackendInfo::name).toList();
        assertEquals(List.of("throwingfake", "fastfake", "midfake", "slowfake"), names);
    }

    @Test
    void picksTheHighestPriorityAvailableProvider() {
        BackendInfo chosen = Providers.select(found(), null, null).info();
        assertEquals("midfake", chosen.name());
        assertEquals("midfake device", chosen.device());
        assertEquals("midfake", Vyre.select(null).name());
    }

    @Test
    void theSystemPropertyForcesABackend() {
        System.setProperty(Vyre.PROPERTY, " SlowFake ");
        assertEquals("slowfake", Providers.select(found(), null, null).info().name());
    }

    @Test
    void theEnvironmentVariableForcesABackendAndThePropertyWins() {
        assertEquals("slowfake", Providers.select(found(), null, "slowfake").info().name());
        assertEquals("slowfake", Providers.forcedName(null, "SLOWFAKE"));
        assertEquals("midfake", Providers.forcedName("midfake", "slowfake"));
        assertNull(Providers.forcedName(" ", ""));
        System.setProperty(Vyre.PROPERTY, "midfake");
        assertEquals("midfake", Providers.select(found(), null, "slowfake").info().name());
    }

    @Test
    void anExplicitNameWinsOverPropertyAndEnvironment() {
        System.setProperty(Vyre.PROPERTY, "midfake");
        assertEquals("slowfake", Providers.select(found(), "slowfake", "midfake").info().name());
    }

    @Test
    void anUnavailableProvidersReasonReachesTheErrorWithOneFix() {
        BackendException e = assertThrows(BackendException.class, () -> Providers.select(found(), "fastfake", null));
        assertTrue(e.getMessage().contains("no fake accelerator in this machine"), e.getMessage());
        assertTrue(e.getMessage().contains("fastfake"), e.getMessage());
        assertEquals(1, e.getMessage().split("Fix:", -1).length - 1, e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void anUnknownNameListsTheProviders() {
        BackendException e = assertThrows(BackendException.class, () -> Providers.select(found(), "nosuch", null));
        assertTrue(e.getMessage().contains("no backend named 'nosuch'"), e.getMessage());
        assertTrue(e.getMessage().contains("midfake"), e.getMessage());
        assertTrue(e.getMessage().contains("fastfake (unavailable)"), e.getMessage());
    }

    @Test
    void aProbeThatThrowsIsReportedUnavailable() {
        BackendInfo throwing = Vyre.backends().stream().filter(s -> s.name().equals("throwingfake"))
                .findFirst().orElseThrow();
        assertFalse(throwing.available());
        assertTrue(throwing.reason().contains("fake driver crashed while probing"), throwing.reason());
        assertTrue(throwing.reason().contains("Fix:"), throwing.reason());
    }

    @Test
    void noAvailableProviderNamesEveryReason() {
        List<Providers.Found> unavailable = found().stream().filter(f -> !f.info().available()).toList();
        BackendException e = assertThrows(BackendException.class, () -> Providers.select(unavailable, null, null));
        assertTrue(e.getMessage().contains("no backend can run here"), e.getMessage());
        assertTrue(e.getMessage().contains("no fake accelerator in this machine"), e.getMessage());
        assertTrue(e.getMessage().contains("fake driver crashed while probing"), e.getMessage());
        assertEquals(1, e.getMessage().split("Fix:", -1).length - 1, e.getMessage());
    }
}
