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
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vyre conform}: the conformance suite outside Maven, with an optional JSON report. Every argument
 * is checked before a case runs: the backend name, the case filter (it must match a case), the report
 * path (it must be writable). Exit status: 0 when no case failed and at least one passed; 1 when a case
 * failed, a backend failed to open, the backend named by {@code --backend} cannot run here, or no case
 * could run at all; 2 for a usage error.
 */
@Command(name = "conform", mixinStandardHelpOptions = true,
        description = "Run the conformance suite on one backend (default: every backend found) and compare it"
                + " with the reference backend and the protocol's golden vectors. Exits 1 on any failure, and when"
                + " nothing could run.")
final class ConformCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--backend", paramLabel = "NAME", description = "backend to test (default: every provider found)")
    private String backend;

    @Mixin
    private DeviceOption device;

    @Option(names = "--report", paramLabel = "FILE.json", description = "write a JSON report (one object per backend"
            + " tested; an array when several)")
    private Path report;

    @Option(names = "--cases", paramLabel = "TEXT", description = "run only cases whose name contains TEXT"
            + " (see --list)")
    private String filter;

    @Option(names = "--list", description = "print the names of the cases (after --cases) and exit")
    private boolean list;

    @Option(names = "--verbose", description = "print every case, not only failures and skips")
    private boolean verbose;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        ConformanceSuite suite = ConformanceSuite.standard().filter(filter);
        if (suite.cases().isEmpty()) {
            throw UsageErrorHandler.error(spec, "--cases '" + filter + "' matches none of the "
                    + ConformanceSuite.standard().cases().size() + " case names",
                    "run `vyre conform --list` to see the case names, and pass a part of one");
        }
        if (list) {
            suite.cases().forEach(c -> out.println(c.name()));
            out.flush();
            return 0;
        }
        if (report != null) {
            OutputFile.check(spec, "--report", report, "build/conformance.json");
        }
        List<BackendInfo> targets = targets();
        for (BackendInfo target : targets) {
            if (target.available()) {
                device.check(target.name());
            }
        }
        List<SuiteReport> reports = new ArrayList<>();
        List<String> openFailures = new ArrayList<>();
        Vyre oracle = ConformanceRunner.openOracle();
        try {
            ConformanceRunner runner = new ConformanceRunner(oracle);
            for (BackendInfo target : targets) {
                out.printf("== %s: %s%n", target.name(), target.available()
                        ? target.device() + " [" + target.driver() + "]"
                        : "unavailable: " + target.reason());
                out.flush();
                boolean available = target.available();
                SuiteReport r;
                try (Progress progress = Progress.onTerminal(spec.commandLine().getErr(), "conform " + target.name(),
                        suite.cases().size(), "cases")) {
                    int[] done = {0};
                    r = run(runner, target, device, suite.cases(), c -> {
                        if (show(c, available || verbose)) {
                            progress.close(); // erase the live line before a case line
                            print(out, c);
                        }
                        progress.update(++done[0]);
                    });
                } catch (RuntimeException e) {
                    String line = OneLine.of(e, FailureHandler.DEFAULT_FIX);
                    out.println("  FAILED  could not open backend '" + target.name() + "': " + line);
                    openFailures.add(target.name() + ": " + line);
                    continue;
                }
                if (!available) {
                    out.printf(Locale.ROOT, "  all %,d cases SKIPPED (backend unavailable)%n", r.results().size());
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
            Files.writeString(report, json, StandardCharsets.UTF_8);
            out.println("report written to " + report);
            out.flush();
        }
        if (!openFailures.isEmpty()) {
            throw new CliFailure("backend " + String.join("; backend ", openFailures.stream()
                    .map(BackendChoice::withoutFix).toList()), BackendChoice.fixOf(openFailures.get(0),
                    "run `vyre backends` to see why"));
        }
        long passed = reports.stream().mapToLong(r -> r.count(CaseStatus.PASSED)).sum();
        long failed = reports.stream().mapToLong(r -> r.count(CaseStatus.FAILED)).sum();
        if (failed == 0 && passed == 0) {
            throw new CliFailure("no case could run: every one of the " + reports.stream()
                    .mapToLong(r -> r.results().size()).sum() + " cases was skipped" + firstSkip(reports),
                    "run on a backend that has what the cases need (`vyre backends` shows what each can do), or"
                            + " pick other cases with --cases");
        }
        return failed == 0 ? 0 : 1;
    }

    /**
     * @return the backends to test: the one named by {@code --backend} (a usage error when no provider
     *         has that name, a failure when it cannot run here), else every provider found
     */
    private List<BackendInfo> targets() {
        List<BackendInfo> found = Vyre.backends();
        if (backend == null) {
            if (found.isEmpty()) {
                throw new CliFailure("no backend provider is on the class path",
                        "put vyre-backend-reference (or another backend) on the class path");
            }
            return found;
        }
        String name = backend.trim().toLowerCase(Locale.ROOT);
        for (BackendInfo b : found) {
            if (b.name().equals(name)) {
                if (!b.available()) {
                    throw new CliFailure("backend '" + name + "' cannot run here, so no case ran: "
                            + BackendChoice.withoutFix(b.reason()),
                            BackendChoice.fixOf(b.reason(), "run `vyre backends` and pick an available backend"));
                }
                return List.of(b);
            }
        }
        throw UsageErrorHandler.error(spec, "no backend named '" + backend + "' is on the class path (found: "
                + String.join(", ", found.stream().map(BackendInfo::name).toList()) + ")",
                "pass one of those names, or run `vyre backends`");
    }

    private static String firstSkip(List<SuiteReport> reports) {
        for (SuiteReport r : reports) {
            for (CaseResult c : r.results()) {
                if (c.status() == CaseStatus.SKIPPED && !c.detail().isEmpty()) {
                    return " (" + r.backend() + ", " + c.name() + ": " + BackendChoice.withoutFix(c.detail()) + ")";
                }
            }
        }
        return "";
    }

    /**
     * Runs the cases on {@code target}, opened by name (on {@code --device} when given) and closed afterwards;
     * an unavailable backend yields one SKIPPED result per case with its probe's reason.
     */
    private static SuiteReport run(ConformanceRunner runner, BackendInfo target, DeviceOption device,
                                   List<ConformanceCase> cases, Consumer<CaseResult> progress) {
        if (target.available()) {
            try (Vyre vyre = device.open(target.name())) {
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

    private boolean show(CaseResult r, boolean show) {
        return show && (r.status() != CaseStatus.PASSED || verbose);
    }

    private static void print(PrintWriter out, CaseResult r) {
        out.printf(Locale.ROOT, "  %-7s %-48s %6d ms%s%n", r.status(), r.name(), r.time().toMillis(),
                r.detail().isEmpty() ? "" : "  " + r.detail());
        out.flush();
    }
}
