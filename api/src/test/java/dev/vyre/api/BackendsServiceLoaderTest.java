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
class BackendsServiceLoaderTest {

    @AfterEach
    void clearProperty() {
        System.clearProperty(Backends.PROPERTY);
    }

    @Test
    void discoversEveryRegisteredProviderRankedByPriority() {
        List<String> names = Backends.discover().stream().map(ProviderStatus::name).toList();
        assertEquals(List.of("throwingfake", "fastfake", "midfake", "slowfake"), names);
    }

    @Test
    void picksTheHighestPriorityAvailableProvider() {
        ProviderStatus chosen = Backends.select(Backends.discover(), null, null);
        assertEquals("midfake", chosen.name());
        assertEquals("midfake device", chosen.probe().device());
    }

    @Test
    void theSystemPropertyForcesABackend() {
        System.setProperty(Backends.PROPERTY, " SlowFake ");
        assertEquals("slowfake", Backends.select(Backends.discover(), null, null).name());
    }

    @Test
    void theEnvironmentVariableForcesABackendAndThePropertyWins() {
        assertEquals("slowfake", Backends.select(Backends.discover(), null, "slowfake").name());
        assertEquals("slowfake", Backends.forcedName(null, "SLOWFAKE"));
        assertEquals("midfake", Backends.forcedName("midfake", "slowfake"));
        assertNull(Backends.forcedName(" ", ""));
        System.setProperty(Backends.PROPERTY, "midfake");
        assertEquals("midfake", Backends.select(Backends.discover(), null, "slowfake").name());
    }

    @Test
    void anExplicitNameWinsOverPropertyAndEnvironment() {
        System.setProperty(Backends.PROPERTY, "midfake");
        assertEquals("slowfake", Backends.select(Backends.discover(), "slowfake", "midfake").name());
    }

    @Test
    void anUnavailableProvidersReasonReachesTheError() {
        BackendException e = assertThrows(BackendException.class,
                () -> Backends.select(Backends.discover(), "fastfake", null));
        assertTrue(e.getMessage().contains("no fake accelerator in this machine. Fix: plug one in"), e.getMessage());
        assertTrue(e.getMessage().contains("fastfake"), e.getMessage());
    }

    @Test
    void anUnknownNameListsTheProviders() {
        BackendException e = assertThrows(BackendException.class,
                () -> Backends.select(Backends.discover(), "nosuch", null));
        assertTrue(e.getMessage().contains("no backend named 'nosuch'"), e.getMessage());
        assertTrue(e.getMessage().contains("midfake (priority 10): available on midfake device"), e.getMessage());
    }

    @Test
    void aProbeThatThrowsIsReportedUnavailable() {
        ProviderStatus throwing = Backends.discover().stream().filter(s -> s.name().equals("throwingfake"))
                .findFirst().orElseThrow();
        assertFalse(throwing.probe().available());
        assertTrue(throwing.probe().reason().contains("fake driver crashed while probing"), throwing.probe().reason());
        assertTrue(throwing.probe().reason().contains("Fix:"), throwing.probe().reason());
    }

    @Test
    void noAvailableProviderNamesEveryReason() {
        List<ProviderStatus> unavailable = Backends.discover().stream().filter(s -> !s.probe().available()).toList();
        BackendException e = assertThrows(BackendException.class, () -> Backends.select(unavailable, null, null));
        assertTrue(e.getMessage().contains("no backend can run here"), e.getMessage());
        assertTrue(e.getMessage().contains("plug one in"), e.getMessage());
    }
}
