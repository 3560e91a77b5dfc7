package dev.vyre.conformance;

/** How one conformance case ended. */
public enum CaseStatus {
    /** Every comparison held. */
    PASSED,
    /** A buffer differed, a check failed, the case threw or timed out. */
    FAILED,
    /** The backend cannot run the case (unavailable, or lacks a capability); never counted as passed. */
    SKIPPED
}
