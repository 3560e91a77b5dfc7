package dev.vyre.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.api.Vyre;
import dev.vyre.protocol.ControlLayout;
import dev.vyre.spi.Backend;
import dev.vyre.spi.BackendProvider;
import dev.vyre.spi.Capabilities;
import dev.vyre.spi.PassRequest;
import dev.vyre.spi.PassResult;
import dev.vyre.spi.Probe;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The suite can fail: faulty backends (the reference backend behind an SPI wrapper whose dispatch or
 * session driver misbehaves), opened through the runtime like any backend, are caught and located.
 */
class RunnerDetectsFaultsTest {

    private static Vyre reference;

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

    /** Runs {@code c} on the reference backend wrapped with {@code wrap}, against the reference oracle. */
    private static CaseResult run(UnaryOperator<Backend> wrap, ConformanceCase c) {
        try (Vyre faulty = DelegatingBackend.open("faulty", wrap)) {
            return new ConformanceRunner(reference).runCase(faulty, c);
        }
    }

    /** @return a wrapper whose dispatch rewrites what the reference backend returned */
    private static UnaryOperator<Backend> dispatchFault(UnaryOperator<PassResult> fault) {
        return backend -> new DelegatingBackend(backend) {
            @Override
            public PassResult dispatch(PassRequest request) {
                return fault.apply(inner.dispatch(request));
            }
        };
    }

    @Test
    void aBackendThatCrashesInACustomOpcodeDispatchFailsInsteadOfSkipping() {
        CaseResult result = run(backend -> new DelegatingBackend(backend) {
            @Override
            public PassResult dispatch(PassRequest request) {
                if (!request.opcodes().isEmpty()) {
                    throw new dev.vyre.protocol.BackendException("the device faulted in a custom opcode",
                            "report this to the backend's author");
                }
                return inner.dispatch(request);
            }
        }, named("custom/one_pass"));
        assertEquals(CaseStatus.FAILED, result.status(), result.detail());
        assertTrue(result.detail().contains("the device faulted in a custom opcode"), result.detail());
    }

    @Test
    void aBackendWithoutTheDialectsIsSkippedWithTheRuntimesRefusal() {
        CaseResult result = run(backend -> new DelegatingBackend(backend) {
            @Override
            public Capabilities capabilities() {
                Capabilities c = inner.capabilities();
                return new Capabilities(c.maxSlots(), c.lanes(), c.placements(), c.dataBuffer(), c.maxDataBufferBytes(),
                        c.persistent(), java.util.Set.of("metal"));
            }
        }, named("custom/one_pass"));
        assertEquals(CaseStatus.SKIPPED, result.status(), result.detail());
        assertTrue(result.detail().contains("runs none of the dialects"), result.detail());
    }

    @Test
    void aStrayWriteOutsideTheExpectedWordsFailsWithItsLocation() {
        CaseResult result = run(dispatchFault(r -> {
            byte[] c = r.control().clone();
            Wire.setWord(c, 159, 1); // a store that wrapped to a low word
            return new PassResult(c, r.ring(), r.debugLog(), r.ioQueue(), r.data());
        }), named("hostile/crafted"));
        assertEquals(CaseStatus.FAILED, result.status(), result.detail());
        assertEquals(BufferKind.CONTROL, result.mismatch().buffer());
        assertEquals(159, result.mismatch().word());
        assertEquals(0, result.mismatch().expected());
        assertEquals(1, result.mismatch().actual());
        assertEquals("golden", result.mismatch().against());
    }

    @Test
    void aDroppedPrintfRecordFails() {
        CaseResult result = run(dispatchFault(r -> {
            byte[] d = r.debugLog().clone();
            Wire.setWord(d, 4, 0);
            return new PassResult(r.control(), r.ring(), d, r.ioQueue(), r.data());
        }), named("opcode/printf"));
        assertEquals(CaseStatus.FAILED, result.status());
        assertEquals(BufferKind.DEBUG_LOG, result.mismatch().buffer());
        assertEquals(4, result.mismatch().word());
    }

    @Test
    void aHungBackendFailsTheCaseInsteadOfTheRun() {
        ConformanceCase c = named("opcode/nop").withTimeout(Duration.ofMillis(300));
        CaseResult result = run(dispatchFault(r -> {
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return r;
        }), c);
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
        CaseResult result = run(backend -> new DelegatingBackend(backend) {
            @Override
            public Capabilities capabilities() {
                Capabilities c = inner.capabilities();
                return new Capabilities(c.maxSlots(), c.lanes(), c.placements(), false, 0, c.persistent(),
                        c.dialects());
            }
        }, named("data/dfa_step"));
        assertEquals(CaseStatus.SKIPPED, result.status());
        assertTrue(result.detail().contains("DATA_BUFFER"));
    }

    @Test
    void aSessionDriverWhoseDoneCountLagsFails() {
        // readControl lies: DONE_COUNT one behind the interpreter's, so the last slot never counts
        CaseResult result = run(backend -> DelegatingBackend.withDrivers(backend, d -> new DelegatingDriver(d) {
            @Override
            public int readControl(int word, boolean exact) {
                int value = inner.readControl(word, exact);
                return word == ControlLayout.DONE_COUNT ? value - 1 : value;
            }
        }), named("run/publish_slots_waves"));
        assertEquals(CaseStatus.FAILED, result.status(), result.detail());
        assertTrue(result.detail().contains("DONE_COUNT reached"), result.detail());
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
}
