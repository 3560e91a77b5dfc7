package dev.vyre.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.spi.Backend;
import dev.vyre.spi.BackendProvider;
import dev.vyre.spi.Capabilities;
import dev.vyre.spi.DispatchRequest;
import dev.vyre.spi.DispatchResult;
import dev.vyre.spi.Probe;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The suite can fail: faulty backends (wrapping the reference backend) are caught and located. */
class RunnerDetectsFaultsTest {

    private static Backend reference;

    @BeforeAll
    static void open() {
        reference = ConformanceRunner.openOracle();
        assertNotNull(reference, "the reference backend is a test dependency of this module");
    }

    @AfterAll
    static void close() {
        reference.close();
    }

    private static ConformanceCase named(String name) {
        return ConformanceSuite.standard().cases().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void aStrayWriteOutsideTheExpectedWordsFailsWithItsLocation() {
        Backend faulty = new Wrapped(reference, r -> {
            byte[] c = r.control().clone();
            Wire.setWord(c, 159, 1); // a store that wrapped to a low word
            return new DispatchResult(c, r.ring(), r.debugLog(), r.ioQueue(), r.data());
        });
        CaseResult result = new ConformanceRunner(reference).runCase(faulty, named("hostile/crafted"));
        assertEquals(CaseStatus.FAILED, result.status(), result.detail());
        assertEquals(BufferKind.CONTROL, result.mismatch().buffer());
        assertEquals(159, result.mismatch().word());
        assertEquals(0, result.mismatch().expected());
        assertEquals(1, result.mismatch().actual());
        assertEquals("golden", result.mismatch().against());
    }

    @Test
    void aDroppedPrintfRecordFails() {
        Backend faulty = new Wrapped(reference, r -> {
            byte[] d = r.debugLog().clone();
            Wire.setWord(d, 4, 0);
            return new DispatchResult(r.control(), r.ring(), d, r.ioQueue(), r.data());
        });
        CaseResult result = new ConformanceRunner(reference).runCase(faulty, named("opcode/printf"));
        assertEquals(CaseStatus.FAILED, result.status());
        assertEquals(BufferKind.DEBUG_LOG, result.mismatch().buffer());
        assertEquals(4, result.mismatch().word());
    }

    @Test
    void aHungBackendFailsTheCaseInsteadOfTheRun() {
        Backend hung = new Wrapped(reference, r -> {
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return r;
        });
        ConformanceCase c = named("opcode/nop").withTimeout(Duration.ofMillis(300));
        CaseResult result = new ConformanceRunner(reference).runCase(hung, c);
        assertEquals(CaseStatus.FAILED, result.status());
        assertTrue(result.detail().contains("did not finish"), result.detail());
    }

    @Test
    void anUnavailableProviderIsSkippedWithItsReasonNeverPassed() {
        BackendProvider missing = new BackendProvider() {
            @Override
            public String name() {
                return "missing";
            }

            @Override
            public int priority() {
                return 5;
            }

            @Override
            public Probe probe() {
                return Probe.unavailable("no device here. Fix: run on a machine with one");
            }

            @Override
            public Backend open() {
                throw new AssertionError("must not be opened");
            }
        };
        SuiteReport report = new ConformanceRunner(reference).run(missing, ConformanceSuite.standard().cases(), r -> { });
        assertEquals(0, report.count(CaseStatus.PASSED));
        assertEquals(ConformanceSuite.standard().cases().size(), report.count(CaseStatus.SKIPPED));
        assertTrue(report.results().get(0).detail().contains("no device here. Fix:"));
    }

    @Test
    void aMissingCapabilitySkipsTheCase() {
        Backend noData = new Wrapped(reference, UnaryOperator.identity()) {
            @Override
            public Capabilities capabilities() {
                Capabilities c = reference.capabilities();
                return new Capabilities(c.maxSlots(), c.lanes(), c.memoryKinds(), false, 0, c.persistent(),
                        c.customOpcodes());
            }
        };
        CaseResult result = new ConformanceRunner(reference).runCase(noData, named("data/dfa_step"));
        assertEquals(CaseStatus.SKIPPED, result.status());
        assertTrue(result.detail().contains("DATA_BUFFER"));
    }

    @Test
    void theJsonReportNamesEveryCase() {
        List<ConformanceCase> cases = List.of(named("opcode/nop"), named("packed/m08_five_ops"));
        SuiteReport report = new ConformanceRunner(reference).run(reference, "", cases, r -> { });
        String json = report.toJson();
        assertTrue(json.contains("\"backend\": \"reference\""), json);
        assertTrue(json.contains("\"passed\": 2"), json);
        assertTrue(json.contains("\"name\": \"packed/m08_five_ops\", \"status\": \"PASSED\""), json);
    }

    /** Delegates to a backend and rewrites what {@link #dispatch} returns. */
    private static class Wrapped extends DelegatingBackend {
        private final UnaryOperator<DispatchResult> fault;

        Wrapped(Backend inner, UnaryOperator<DispatchResult> fault) {
            super(inner, "faulty");
            this.fault = fault;
        }

        @Override
        public DispatchResult dispatch(DispatchRequest request) {
            return fault.apply(inner.dispatch(request));
        }
    }
}
