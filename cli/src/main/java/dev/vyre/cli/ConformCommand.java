package dev.vyre.cli;

import dev.vyre.api.BackendInfo;
import dev.vyre.api.Vyre;
import dev.vyre.conformance.CaseResult;
import dev.vyre.conformance.CaseStatus;
import dev.vyre.conformance.ConformanceCase;
import dev.vyre.conformance.ConformanceRunner;
import dev.vyre.conformance.ConformanceSuite;
import dev.vyre.conformance.SuiteReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vyre conform}: the conformance suite outside Maven, with an optional JSON report. */
@Command(name = "conform", mixinStandardHelpOptions = true,
        description = "Run the conformance suite on one backend (default: every backend found) and compare it"
                + " with the reference backend and the protocol's golden vectors. Exits 1 on any failure.")
final class ConformCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--backend", paramLabel = "NAME", description = "backend to test (default: every provider found)")
    private String backend;

    @Option(names = "--report", paramLabel = "FILE.json", description = "write a JSON report (one object per backend"
            + " tested; an array when several)")
    private Path report;

    @Option(names = "--cases", paramLabel = "TEXT", description = "run only cases whose name contains TEXT")
    private String filter;

    @Option(names = "--verbose", description = "print every case, not only failures and skips")
    private boolean verbose;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        List<BackendInfo> statuses = Vyre.backends();
        List<BackendInfo> targets = new ArrayList<>();
        for (BackendInfo s : statuses) {
            if (backend == null || s.name().equals(backend.trim().toLowerCase(Locale.ROOT))) {
                targets.add(s);
            }
        }
        if (targets.isEmpty()) {
            spec.commandLine().getErr().println("no backend named '" + backend + "' is on the class path. Fix: pick one"
                    + " of: " + statuses.stream().map(BackendInfo::name).toList());
            return 2;
        }
        ConformanceSuite suite = ConformanceSuite.standard().filter(filter);
        List<SuiteReport> reports = new ArrayList<>();
        Vyre oracle = ConformanceRunner.openOracle();
        try {
            ConformanceRunner runner = new ConformanceRunner(oracle);
            for (BackendInfo target : targets) {
                out.printf("== %s: %s%n", target.name(), target.available()
                        ? target.device() + " [" + target.driver() + "]"
                        : "unavailable: " + target.reason());
                out.flush();
                boolean available = target.available();
                SuiteReport r = run(runner, target, suite.cases(), c -> print(out, c, available || verbose));
                if (!available) {
                    out.printf("  all %d cases SKIPPED (backend unavailable)%n", r.results().size());
                }
                reports.add(r);
            }
        } finally {
            if (oracle != null) {
                oracle.close();
            }
        }
        out.println();
        out.printf("%-12s %7s %7s %7s  %s%n", "BACKEND", "PASSED", "FAILED", "SKIPPED", "DEVICE");
        for (SuiteReport r : reports) {
            out.printf("%-12s %7d %7d %7d  %s%n", r.backend(), r.count(CaseStatus.PASSED), r.count(CaseStatus.FAILED),
                    r.count(CaseStatus.SKIPPED), r.device());
        }
        if (oracle == null) {
            out.println("note: the reference backend is not on the class path, so buffers were checked against the"
                    + " golden expectations only");
        }
        out.flush();
        if (report != null) {
            String json = reports.size() == 1 ? reports.get(0).toJson()
                    : "[\n" + String.join(",\n", reports.stream().map(SuiteReport::toJson).toList()) + "]\n";
            Path parent = report.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(report, json, StandardCharsets.UTF_8);
            out.println("report written to " + report);
            out.flush();
        }
        return reports.stream().allMatch(SuiteReport::noFailures) ? 0 : 1;
    }

    /**
     * Runs the cases on {@code target}, opened by name and closed afterwards; an unavailable backend
     * yields one SKIPPED result per case with its probe's reason.
     */
    private static SuiteReport run(ConformanceRunner runner, BackendInfo target, List<ConformanceCase> cases,
                                   Consumer<CaseResult> progress) {
        if (target.available()) {
            try (Vyre vyre = Vyre.open(target.name())) {
                return runner.run(vyre, target.driver(), cases, progress);
            }
        }
        Instant start = Instant.now();
        List<CaseResult> results = new ArrayList<>(cases.size());
        for (ConformanceCase c : cases) {
            CaseResult r = new CaseResult(c.name(), CaseStatus.SKIPPED,
                    "backend '" + target.name() + "' is unavailable: " + target.reason(), null, Duration.ZERO);
            results.add(r);
            progress.accept(r);
        }
        return new SuiteReport(target.name(), "-", "-", runner.oracle() == null ? "" : runner.oracle().name(), start,
                results);
    }

    private void print(PrintWriter out, CaseResult r, boolean show) {
        if (!show || r.status() == CaseStatus.PASSED && !verbose) {
            return;
        }
        out.printf("  %-7s %-48s %6d ms%s%n", r.status(), r.name(), r.time().toMillis(),
                r.detail().isEmpty() ? "" : "  " + r.detail());
        out.flush();
    }
}
