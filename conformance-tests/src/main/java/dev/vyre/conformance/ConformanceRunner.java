package dev.vyre.conformance;

import dev.vyre.api.Backends;
import dev.vyre.api.ProviderStatus;
import dev.vyre.spi.Backend;
import dev.vyre.spi.BackendProvider;
import dev.vyre.spi.Probe;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Runs conformance cases on a backend and compares what it observed with an oracle backend (the
 * reference backend, found by name through {@link java.util.ServiceLoader}) and with each case's
 * golden expectations. Needs no JUnit: {@code vyre conform} uses it directly.
 *
 * <p>Each case runs on its own daemon thread under the case's time limit, so a backend that hangs
 * (e.g. a MEMCPY that loops 2^32 times) fails that case instead of the whole run.
 */
public final class ConformanceRunner {

    /** Name of the oracle backend. */
    public static final String ORACLE_NAME = "reference";

    private final Backend oracle;

    /** @param oracle the backend whose buffers are the expected ones, or null for golden checks only */
    public ConformanceRunner(Backend oracle) {
        this.oracle = oracle;
    }

    /** @return the oracle, or null */
    public Backend oracle() {
        return oracle;
    }

    /**
     * Opens the reference backend found on the class path as the oracle.
     *
     * @return the opened oracle, or null when no provider named {@value #ORACLE_NAME} is available
     */
    public static Backend openOracle() {
        for (ProviderStatus status : Backends.discover()) {
            if (status.name().equals(ORACLE_NAME) && status.probe().available()) {
                return status.provider().open();
            }
        }
        return null;
    }

    /**
     * Runs {@code cases} on the provider's backend: an unavailable provider yields one SKIPPED
     * result per case with the probe's reason.
     */
    public SuiteReport run(BackendProvider provider, List<ConformanceCase> cases, Consumer<CaseResult> progress) {
        Probe probe = Backends.discover().stream()
                .filter(s -> s.provider().getClass() == provider.getClass()).map(ProviderStatus::probe)
                .findFirst().orElseGet(() -> safeProbe(provider));
        Instant start = Instant.now();
        if (!probe.available()) {
            List<CaseResult> results = new ArrayList<>();
            for (ConformanceCase c : cases) {
                CaseResult r = new CaseResult(c.name(), CaseStatus.SKIPPED,
                        "backend '" + provider.name() + "' is unavailable: " + probe.reason(), null, Duration.ZERO);
                results.add(r);
                progress.accept(r);
            }
            return new SuiteReport(provider.name(), "-", "-", oracleName(), start, results);
        }
        try (Backend backend = provider.open()) {
            return run(backend, probe.driver(), cases, progress);
        }
    }

    /** Runs {@code cases} on an opened backend. */
    public SuiteReport run(Backend backend, String driver, List<ConformanceCase> cases, Consumer<CaseResult> progress) {
        Instant start = Instant.now();
        List<CaseResult> results = new ArrayList<>(cases.size());
        for (ConformanceCase c : cases) {
            CaseResult r = runCase(backend, c);
            results.add(r);
            progress.accept(r);
        }
        String drv = driver == null || driver.isEmpty() ? backend.device().driver() : driver;
        return new SuiteReport(backend.name(), backend.device().name(), drv, oracleName(), start, results);
    }

    /** Runs one case on {@code backend} and, unless it is golden-only, on the oracle too. */
    public CaseResult runCase(Backend backend, ConformanceCase c) {
        Objects.requireNonNull(backend, "backend");
        long t0 = System.nanoTime();
        for (Requirement req : c.requirements()) {
            if (!req.metBy(backend.capabilities())) {
                return result(c, CaseStatus.SKIPPED, "backend '" + backend.name() + "' lacks capability " + req,
                        null, t0);
            }
        }
        try {
            List<Snapshot> actual = timed(c, backend);
            if (c.compareWithOracle() && oracle != null) {
                List<Snapshot> expected;
                try {
                    expected = timed(c, oracle);
                } catch (ConformanceFailure f) {
                    return result(c, CaseStatus.FAILED, "the oracle '" + oracle.name()
                            + "' itself fails the golden expectation: " + f.getMessage(), f.mismatch(), t0);
                }
                compare(expected, actual);
            }
            return result(c, CaseStatus.PASSED, "", null, t0);
        } catch (ConformanceFailure f) {
            return result(c, CaseStatus.FAILED, f.getMessage(), f.mismatch(), t0);
        } catch (CaseSkipped s) {
            return result(c, CaseStatus.SKIPPED, s.getMessage(), null, t0);
        } catch (TimeoutException e) {
            return result(c, CaseStatus.FAILED, "did not finish within " + c.timeout().toSeconds()
                    + " s (hung interpreter, or an unbounded loop over a hostile slot)", null, t0);
        } catch (Throwable t) {
            return result(c, CaseStatus.FAILED, "threw " + t, null, t0);
        }
    }

    private String oracleName() {
        return oracle == null ? "" : oracle.name();
    }

    private void compare(List<Snapshot> expected, List<Snapshot> actual) {
        if (expected.size() != actual.size()) {
            throw new ConformanceFailure("observed " + actual.size() + " snapshots, the oracle observed "
                    + expected.size());
        }
        for (int i = 0; i < expected.size(); i++) {
            Snapshot e = expected.get(i);
            Snapshot a = actual.get(i);
            Compare.exactly(a.step(), oracle.name(), e.buffers(), a.buffers(), a.exact());
        }
    }

    private static List<Snapshot> timed(ConformanceCase c, Backend backend) throws Throwable {
        FutureTask<List<Snapshot>> task = new FutureTask<>(() -> c.workload().run(backend));
        Thread thread = Thread.ofPlatform().daemon().name("vyre-conformance-" + c.name()).start(task);
        try {
            return task.get(c.timeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw e.getCause();
        } catch (TimeoutException e) {
            thread.interrupt();
            throw e;
        }
    }

    private static CaseResult result(ConformanceCase c, CaseStatus status, String detail, Mismatch m, long t0) {
        return new CaseResult(c.name(), status, detail, m, Duration.ofNanos(System.nanoTime() - t0));
    }

    private static Probe safeProbe(BackendProvider provider) {
        try {
            return provider.probe();
        } catch (Throwable t) {
            return Probe.unavailable("probe failed: " + t + ". Fix: check the backend's native libraries and driver");
        }
    }
}
