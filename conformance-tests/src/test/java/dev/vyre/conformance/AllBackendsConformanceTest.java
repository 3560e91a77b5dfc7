package dev.vyre.conformance;

import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/** Runs the standard suite on every backend {@link java.util.ServiceLoader} finds on the test class path. */
class AllBackendsConformanceTest {

    @TestFactory
    Stream<DynamicNode> everyBackend() {
        return ConformanceTests.forAllProviders();
    }
}
