package dev.vyre.conformance;

import dev.vyre.api.BackendInfo;
import dev.vyre.api.Vyre;
import dev.vyre.spi.BackendProvider;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;

/**
 * JUnit 5 entry point for backend authors. Add {@code vyre-conformance-tests} (and
 * {@code vyre-backend-reference}, the oracle) as test dependencies and write:
 *
 * <pre>{@code
 * class MyBackendConformanceTest {
 *     @TestFactory
 *     Stream<DynamicNode> conformance() {
 *         return ConformanceTests.forProvider(new MyBackendProvider());
 *     }
 * }
 * }</pre>
 *
 * Every case becomes a dynamic test. The backend is opened with {@link Vyre#open(BackendProvider)}
 * and driven through the runtime, as users reach it. A provider whose probe says unavailable yields
 * one test that is <em>skipped</em> (aborted assumption) with the probe's reason, never a pass.
 */
public final class ConformanceTests {

    private ConformanceTests() {
    }

    /** @return one container per provider found by {@link java.util.ServiceLoader} */
    public static Stream<DynamicNode> forAllProviders() {
        List<BackendProvider> providers = Vyre.providers();
        if (providers.isEmpty()) {
            return Stream.of(DynamicTest.dynamicTest("no backend provider found", () -> Assumptions.abort(
                    "no BackendProvider on the test class path. Fix: add a backend module as a test dependency")));
        }
        List<Holder> holders = providers.stream().map(Holder::new).toList();
        List<ConformanceCase> cases = ConformanceSuite.standard().cases();
        return holders.stream().<DynamicNode>map(h -> container(h.provider, cases, h))
                .onClose(() -> holders.forEach(Holder::close));
    }

    /**
     * @return the whole standard suite for {@code provider}: one container whose tests are the
     *         cases; return it from a {@code @TestFactory}
     */
    public static Stream<DynamicNode> forProvider(BackendProvider provider) {
        return forProvider(provider, ConformanceSuite.standard().cases());
    }

    /** @return {@code cases} for {@code provider}, as one container */
    public static Stream<DynamicNode> forProvider(BackendProvider provider, List<ConformanceCase> cases) {
        Holder holder = new Holder(provider);
        return Stream.<DynamicNode>of(container(provider, cases, holder)).onClose(holder::close);
    }

    /**
     * System property naming backends that must run (comma-separated, e.g. {@code cuda,vulkan}): on a GPU
     * machine, an unavailable required backend fails the suite instead of being skipped.
     */
    public static final String REQUIRE_PROPERTY = "vyre.requireBackends";

    /** @return true when {@code name} is listed in {@value #REQUIRE_PROPERTY} */
    static boolean required(String name) {
        String list = System.getProperty(REQUIRE_PROPERTY, "");
        for (String wanted : list.split(",")) {
            if (wanted.strip().equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    private static DynamicContainer container(BackendProvider provider, List<ConformanceCase> cases, Holder holder) {
        BackendInfo info = Vyre.describe(provider);
        String title = info.name() + (info.available() ? " on " + info.device() : " (unavailable)");
        if (!info.available()) {
            if (required(info.name())) {
                return DynamicContainer.dynamicContainer(title, Stream.of(DynamicTest.dynamicTest(
                        "backend unavailable", () -> {
                            throw new AssertionError("backend '" + info.name() + "' is required by -D"
                                    + REQUIRE_PROPERTY + " but unavailable: " + info.reason());
                        })));
            }
            return DynamicContainer.dynamicContainer(title, Stream.of(DynamicTest.dynamicTest(
                    "backend unavailable", () -> Assumptions.abort("backend '" + info.name()
                            + "' is unavailable: " + info.reason()))));
        }
        Stream<DynamicNode> tests = cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            CaseResult r = holder.runner().runCase(holder.vyre(), c);
            switch (r.status()) {
                case PASSED -> {
                }
                case SKIPPED -> Assumptions.abort(r.detail());
                case FAILED -> throw new AssertionError(c.name() + ": " + r.detail());
            }
        }));
        return DynamicContainer.dynamicContainer(title, tests.onClose(holder::close));
    }

    /** Opens the backend and the oracle on first use, closes both when the container ends. */
    private static final class Holder {
        private final BackendProvider provider;
        private Vyre vyre;
        private Vyre oracle;
        private ConformanceRunner runner;

        Holder(BackendProvider provider) {
            this.provider = provider;
        }

        synchronized Vyre vyre() {
            if (vyre == null) {
                vyre = Vyre.open(provider);
            }
            return vyre;
        }

        synchronized ConformanceRunner runner() {
            if (runner == null) {
                oracle = ConformanceRunner.openOracle();
                runner = new ConformanceRunner(oracle);
            }
            return runner;
        }

        synchronized void close() {
            if (vyre != null) {
                vyre.close();
                vyre = null;
            }
            if (oracle != null) {
                oracle.close();
                oracle = null;
            }
        }
    }
}
