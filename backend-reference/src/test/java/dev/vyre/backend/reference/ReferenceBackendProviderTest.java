package dev.vyre.backend.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.api.BackendInfo;
import dev.vyre.api.Vyre;
import dev.vyre.spi.Probe;
import java.util.List;
import java.util.Set;
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
        List<BackendInfo> found = Vyre.backends();
        assertTrue(found.stream().anyMatch(s -> s.name().equals("reference") && s.available()),
                found.toString());
        try (Vyre vyre = Vyre.open("reference")) {
            assertEquals("reference", vyre.name());
            assertTrue(vyre.features().persistent());
            assertEquals(Set.of("java"), vyre.features().dialects(), "custom opcodes with Java bodies");
            assertEquals(Set.of("HOST"), vyre.features().placements());
        }
    }
}
