package dev.vyre.conformance;

import java.time.Duration;
import java.util.Objects;

/**
 * The result of one case on one backend.
 *
 * @param name     case name
 * @param status   passed, failed or skipped
 * @param detail   failure or skip reason (empty when passed)
 * @param mismatch the first differing word when the failure is a buffer difference, else null
 * @param time     wall time the case took
 */
public record CaseResult(String name, CaseStatus status, String detail, Mismatch mismatch, Duration time) {

    public CaseResult {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(time, "time");
    }

    /** @return true when passed */
    public boolean passed() {
        return status == CaseStatus.PASSED;
    }
}
