package dev.vyre.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.vyre.spi.Backend;
import dev.vyre.spi.BackendProvider;
import dev.vyre.spi.Probe;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/** The summary of skipped tests that {@code mvn verify} prints at the end of the conformance run. */
class SkipSummaryListenerTest {

    @Test
    void printsEverySkippedTestWithItsReasonGroupedByContainerAndReason() {
        String summary = run(Fixture.class);
        assertTrue(summary.contains(SkipSummaryListener.HEADING + " (5):"), summary);
        assertTrue(summary.contains("nosuch (unavailable): backend unavailable - backend 'nosuch' is unavailable:"
                + " no device here. Fix: run it elsewhere"), summary);
        assertTrue(summary.contains("vulkan on llvmpipe: 2 tests - backend 'vulkan' lacks capability PERSISTENT"
                + System.lineSeparator() + "      persistent/a, persistent/b" + System.lineSeparator()), summary);
        assertTrue(summary.contains("vulkan on llvmpipe: data/x - no data buffer"), summary);
        assertTrue(summary.contains("disabledCase() - not on this machine"), summary);
        assertTrue(!summary.contains("opcode/passes"), summary);
    }

    @Test
    void printsNothingWhenNothingWasSkipped() {
        assertEquals("", run(NothingSkipped.class));
    }

    @Test
    void isRegisteredWithTheJUnitPlatform() {
        assertTrue(ServiceLoader.load(TestExecutionListener.class).stream()
                .anyMatch(p -> p.type() == SkipSummaryListener.class));
    }

    private static String run(Class<?> fixture) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Launcher launcher = LauncherFactory.create(LauncherConfig.builder()
                .enableTestExecutionListenerAutoRegistration(false)
                .addTestExecutionListeners(new SkipSummaryListener(out)).build());
        launcher.execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(fixture)).build());
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** Not run by surefire (a nested class): launched by the tests above. */
    static class Fixture {
        @TestFactory
        Stream<DynamicNode> unavailableBackend() {
            return ConformanceTests.forProvider(new Unavailable());
        }

        @TestFactory
        Stream<DynamicNode> cases() {
            return Stream.of(DynamicContainer.dynamicContainer("vulkan on llvmpipe", Stream.of(
                    DynamicTest.dynamicTest("persistent/a", () -> Assumptions.abort(
                            "backend 'vulkan' lacks capability PERSISTENT")),
                    DynamicTest.dynamicTest("persistent/b", () -> Assumptions.abort(
                            "backend 'vulkan' lacks capability PERSISTENT")),
                    DynamicTest.dynamicTest("data/x", () -> Assumptions.abort("no data buffer")),
                    DynamicTest.dynamicTest("opcode/passes", () -> { }))));
        }

        @Test
        @Disabled("not on this machine")
        void disabledCase() {
        }
    }

    /** Not run by surefire: launched by the tests above. */
    static class NothingSkipped {
        @Test
        void passes() {
        }
    }

    /** A provider whose probe says it cannot run. */
    private static final class Unavailable implements BackendProvider {
        @Override
        public String name() {
            return "nosuch";
        }

        @Override
        public int priority() {
            return 0;
        }

        @Override
        public Probe probe() {
            return Probe.unavailable("no device here. Fix: run it elsewhere");
        }

        @Override
        public Backend open() {
            throw new IllegalStateException("never opened");
        }
    }
}
