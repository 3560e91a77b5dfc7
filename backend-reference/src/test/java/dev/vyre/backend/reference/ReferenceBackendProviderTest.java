package dev.vyre.backend.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.api.Backends;
import dev.vyre.api.ProviderStatus;
import dev.vyre.spi.Backend;
import dev.vyre.spi.MemoryKind;
import dev.vyre.spi.Probe;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReferenceBackendProviderTest {

    @Test
    void alwaysAvailableWithLowestPriority() {
        ReferenceBackendProvider provider = new ReferenceBackendProvider();
        Probe probe = provider.probe();
        assertTrue(probe.available());
        assertEquals("", probe.reason());
        assertTrue(probe.device().startsWith("Java "), probe.device());
        assertTrue(probe.device().endsWith(Runtime.getRuntime().availableProcessors() + " cores"), probe.device());
        assertEquals("reference", provider.name());
        assertEquals(0, provider.priority());
    }

    @Test
    void foundByServiceLoaderAndOpenedByName() {
        List<ProviderStatus> found = Backends.discover();
        assertTrue(found.stream().anyMatch(s -> s.name().equals("reference") && s.probe().available()),
                found.toString());
        try (Backend backend = Backends.open("reference")) {
            assertEquals("reference", backend.name());
            assertTrue(backend.capabilities().persistent());
            assertTrue(backend.capabilities().customOpcodes());
            assertEquals(java.util.Set.of(MemoryKind.HOST), backend.capabilities().memoryKinds());
        }
    }
}
