package dev.vyre.conformance;

import dev.vyre.api.BackendInfo;
import dev.vyre.api.Vyre;
import dev.vyre.spi.BackendProvider;
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
 * Runs conformance cases on a backend, opened through the runtime ({@link Vyre}) as users reach it,
 * and compares what it observed with an oracle (the reference backend, found by name through
 * {@link java.util.ServiceLoader}) and with each case's golden expectations. Needs no JUnit:
 * {@code vyre conform} uses it directly.
 *
 * <p>Each case runs on its own daemon thread under the case's time limit, so a backend that hangs
 * (e.g. a MEMCPY that loops 2^32 times) fails that case instead of the whole run.
 */
public final class ConformanceRunner {

    /** Name of the oracle backend. */
    public static final String ORACLE_NAME = "reference";

    private final Vyre oracle;

    /** @param oracle the backend whose buffers are the expected ones, or null for golden checks only */
    public ConformanceRunner(Vyre oracle) {
        this.oracle = oracle;
    }

    /** @return the oracle, or null */
    public Vyre oracle() {
        return oracle;
    }

    /**
     * Opens the reference backend found on the class path as the oracle; the caller closes it.
     *
     * @return the opened oracle, or null when no provider named {@value #ORACLE_NAME} is available
     */
    public static Vyre openOracle() {
        for (BackendProvider provider : Vyre.providers()) {
            if (ORACLE_NAME.equals(nameOf(provider))) {
                return Vyre.describe(provider).available() ? Vyre.open(provider) : null;
            }
        }
        return null;
    }

    /** @return the provider's name, or null when asking for it fails (the runtime reports such a provider) */
    private static String nameOf(BackendProvider provider) {
        try {
            return provider.name();
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    /**
     * Runs {@code cases} on the provider's backend, opened with {@link Vyre#open(BackendProvider)} and
     * closed afterwards: an unavailable provider yields one SKIPPED result per case with the probe's
     * reason.
     */
    public SuiteReport run(BackendProvider provider, List<ConformanceCase> cases, Consumer<CaseResult> progress) {
        BackendInfo info = Vyre.describe(provider);
        Instant start = Instant.now();
        if (!info.available()) {
            List<CaseResult> results = new ArrayList<>();
            for (ConformanceCase c : cases) {
                CaseResult r = new CaseResult(c.name(), CaseStatus.SKIPPED,
                        "backend '" + info.name() + "' is unavailable: " + info.reason(), null, Duration.ZERO);
                results.add(r);
                progress.accept(r);
            }
            return new SuiteReport(info.name(), "-", "-", oracleName(), start, results);
        }
        try (Vyre vyre = Vyre.open(provider)) {
            return run(vyre, info.driver(), cases, progress);
        }
    }

    /**
     * Runs {@code cases} on an opened backend.
     *
     * @param driver the driver text for the report, or empty for the device's
     */
    public SuiteReport run(Vyre vyre, String driver, List<ConformanceCase> cases, Consumer<CaseResult> progress) {
        Instant start = Instant.now();
        List<CaseResult> results = new ArrayList<>(cases.size());
        for (ConformanceCase c : cases) {
            CaseResult r = runCase(vyre, c);
            results.add(r);
            progress.accept(r);
        }
        String drv = driver == null || driver.isEmpty() ? vyre.device().driver() : driver;
        return new SuiteReport(vyre.name(), vyre.device().name(), drv, oracleName(), start, results);
    }

    /** Runs one case on {@code vyre} and, unless it is golden-only, on the oracle too. */
    public CaseResult runCase(Vyre vyre, ConformanceCase c) {
        Objects.requireNonNull(vyre, "vyre");
        long t0 = System.nanoTime();
        for (Requirement req : c.requirements()) {
            if (!req.metBy(vyre)) {
                return result(c, CaseStatus.SKIPPED, req.lackedBy(vyre), null, t0);
            }
        }
        try {
            List<Snapshot> actual = timed(c, vyre);
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

    private static List<Snapshot> timed(ConformanceCase c, Vyre vyre) throws Throwable {
        FutureTask<List<Snapshot>> task = new FutureTask<>(() -> c.workload().run(vyre));
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
}
