package dev.vyre.conformance;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Prints, when the test run ends, every test that was skipped (disabled, or aborted by an assumption
 * such as an unavailable backend or a capability a backend lacks) with its reason, grouped by the
 * container and the reason, so that {@code mvn verify} shows on the console why a conformance case did
 * not run, not only in the surefire XML. Registered through
 * {@code META-INF/services/org.junit.platform.launcher.TestExecutionListener}; prints nothing when
 * nothing was skipped.
 */
public final class SkipSummaryListener implements TestExecutionListener {

    /** The first line of the summary. */
    static final String HEADING = "Skipped tests and why";

    private final PrintStream out;
    private final Map<String, Map<String, List<String>>> skipped = new LinkedHashMap<>();
    private TestPlan plan;
    private int count;

    /** Prints to {@link System#out}; used by the service loader. */
    public SkipSummaryListener() {
        this(System.out);
    }

    /** Prints to {@code out}. */
    SkipSummaryListener(PrintStream out) {
        this.out = out;
    }

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        plan = testPlan;
        skipped.clear();
        count = 0;
    }

    @Override
    public void executionSkipped(TestIdentifier test, String reason) {
        record(test, reason == null || reason.isBlank() ? "disabled" : reason);
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
            String reason = result.getThrowable().map(Throwable::getMessage).filter(m -> !m.isBlank())
                    .orElse("aborted");
            record(test, reason.startsWith("Assumption failed: ") ? reason.substring(19) : reason);
        }
    }

    @Override
    public synchronized void testPlanExecutionFinished(TestPlan testPlan) {
        if (count == 0) {
            return;
        }
        StringBuilder sb = new StringBuilder();
        sb.append(System.lineSeparator()).append(HEADING).append(" (").append(count).append("):")
                .append(System.lineSeparator());
        for (Map.Entry<String, Map<String, List<String>>> container : skipped.entrySet()) {
            for (Map.Entry<String, List<String>> byReason : container.getValue().entrySet()) {
                List<String> names = byReason.getValue();
                sb.append("  ").append(container.getKey()).append(": ");
                if (names.size() == 1) {
                    sb.append(names.get(0)).append(" - ").append(firstLine(byReason.getKey()));
                } else {
                    sb.append(names.size()).append(" tests - ").append(firstLine(byReason.getKey()))
                            .append(System.lineSeparator()).append("      ").append(String.join(", ", names));
                }
                sb.append(System.lineSeparator());
            }
        }
        out.print(sb);
        out.flush();
    }

    private synchronized void record(TestIdentifier test, String reason) {
        String container = parentPath(test);
        skipped.computeIfAbsent(container, k -> new LinkedHashMap<>())
                .computeIfAbsent(reason, k -> new ArrayList<>()).add(test.getDisplayName());
        count++;
    }

    /** @return the display names of the test's containers below the engine, joined with " > " */
    private String parentPath(TestIdentifier test) {
        List<String> names = new ArrayList<>();
        Optional<TestIdentifier> parent = plan == null ? Optional.empty() : plan.getParent(test);
        while (parent.isPresent()) {
            TestIdentifier p = parent.get();
            Optional<TestIdentifier> grand = plan.getParent(p);
            if (grand.isEmpty()) {
                break; // the engine itself
            }
            names.addFirst(p.getDisplayName());
            parent = grand;
        }
        return names.isEmpty() ? "(top level)" : String.join(" > ", names);
    }

    private static String firstLine(String s) {
        int eol = s.indexOf('\n');
        return (eol < 0 ? s : s.substring(0, eol)).strip();
    }
}
