package dev.vyre.conformance;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.protocol.BackendException;
import dev.vyre.spi.Backend;
import dev.vyre.spi.BackendProvider;
import dev.vyre.spi.Probe;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/** An unavailable backend is a skip, unless -Dvyre.requireBackends names it: then the suite fails. */
class RequiredBackendTest {

    private static final BackendProvider ABSENT = new BackendProvider() {
        @Override
        public String name() {
            return "absentgpu";
        }

        @Override
        public int priority() {
            return 1;
        }

        @Override
        public Probe probe() {
            return Probe.unavailable("no absentgpu device here. Fix: run on a machine with one");
        }

        @Override
        public Backend open() {
            throw new BackendException("absentgpu cannot be opened", "run on a machine with one");
        }
    };

    @AfterEach
    void clear() {
        System.clearProperty(ConformanceTests.REQUIRE_PROPERTY);
    }

    private static DynamicTest onlyTest() {
        List<DynamicNode> nodes = ConformanceTests.forProvider(ABSENT).toList();
        DynamicContainer container = (DynamicContainer) nodes.getFirst();
        return (DynamicTest) container.getChildren().toList().getFirst();
    }

    @Test
    void anUnavailableBackendIsSkippedByDefault() {
        assertThrows(TestAbortedException.class, () -> onlyTest().getExecutable().execute());
    }

    @Test
    void aRequiredUnavailableBackendFailsTheSuite() {
        System.setProperty(ConformanceTests.REQUIRE_PROPERTY, "cuda, absentgpu");
        AssertionError e = assertThrows(AssertionError.class, () -> onlyTest().getExecutable().execute());
        assertTrue(e.getMessage().contains("required") && e.getMessage().contains("no absentgpu device"),
                e.getMessage());
    }
}
