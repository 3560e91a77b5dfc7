package dev.vyre.conformance;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The results of one suite run on one backend.
 *
 * @param backend backend name
 * @param device  device name ({@code -} when unavailable)
 * @param driver  driver / runtime version ({@code -} when unavailable)
 * @param oracle  name of the oracle the buffers were compared with, or empty
 * @param date    when the run started
 * @param results one result per case, in suite order
 */
public record SuiteReport(String backend, String device, String driver, String oracle, Instant date,
                          List<CaseResult> results) {

    public SuiteReport {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(driver, "driver");
        Objects.requireNonNull(oracle, "oracle");
        Objects.requireNonNull(date, "date");
        results = List.copyOf(results);
    }

    /** @return how many cases ended with {@code status} */
    public long count(CaseStatus status) {
        return results.stream().filter(r -> r.status() == status).count();
    }

    /** @return true when no case failed (skipped cases are not failures, and not passes) */
    public boolean noFailures() {
        return count(CaseStatus.FAILED) == 0;
    }

    /**
     * @return the report as JSON: backend, device, driver, oracle, date, the build that ran it ({@link BuildInfo}:
     *         commit, commitDirty, buildTime, version), counts, and one entry per
     *         case with its status, time, detail and (for buffer differences) the first differing word
     */
    public String toJson() {
        StringBuilder sb = new StringBuilder(4096);
        sb.append("{\n");
        field(sb, 1, "backend", backend).append(",\n");
        field(sb, 1, "device", device).append(",\n");
        field(sb, 1, "driver", driver).append(",\n");
        field(sb, 1, "oracle", oracle).append(",\n");
        field(sb, 1, "date", date.toString()).append(",\n");
        BuildInfo build = BuildInfo.current();
        field(sb, 1, "commit", build.commit()).append(",\n");
        field(sb, 1, "commitDirty", build.dirty()).append(",\n");
        field(sb, 1, "buildTime", build.buildTime()).append(",\n");
        field(sb, 1, "version", build.version()).append(",\n");
        sb.append("  \"passed\": ").append(count(CaseStatus.PASSED)).append(",\n");
        sb.append("  \"failed\": ").append(count(CaseStatus.FAILED)).append(",\n");
        sb.append("  \"skipped\": ").append(count(CaseStatus.SKIPPED)).append(",\n");
        sb.append("  \"cases\": [");
        for (int i = 0; i < results.size(); i++) {
            CaseResult r = results.get(i);
            sb.append(i == 0 ? "\n" : ",\n").append("    {");
            sb.append("\"name\": ").append(JsonText.quote(r.name()));
            sb.append(", \"status\": ").append(JsonText.quote(r.status().name()));
            sb.append(", \"millis\": ").append(r.time().toMillis());
            if (!r.detail().isEmpty()) {
                sb.append(", \"detail\": ").append(JsonText.quote(r.detail()));
            }
            Mismatch m = r.mismatch();
            if (m != null) {
                sb.append(", \"firstDifference\": {\"step\": ").append(JsonText.quote(m.step()))
                        .append(", \"against\": ").append(JsonText.quote(m.against()))
                        .append(", \"buffer\": ").append(JsonText.quote(m.buffer().name()))
                        .append(", \"word\": ").append(m.word())
                        .append(", \"expected\": ").append(m.expected())
                        .append(", \"actual\": ").append(m.actual()).append('}');
            }
            sb.append('}');
        }
        sb.append(results.isEmpty() ? "]\n" : "\n  ]\n").append("}\n");
        return sb.toString();
    }

    private static StringBuilder field(StringBuilder sb, int indent, String name, String value) {
        return sb.append("  ".repeat(indent)).append(JsonText.quote(name)).append(": ").append(JsonText.quote(value));
    }
}
