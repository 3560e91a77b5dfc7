package dev.vyre.conformance;

import java.io.Serial;

/** Thrown by a case when a backend's behaviour differs from the expectation. */
public final class ConformanceFailure extends AssertionError {

    @Serial
    private static final long serialVersionUID = 1L;

    /** The first differing word, or null for a failure that is not a buffer difference. */
    private final transient Mismatch mismatch;

    /** A buffer difference. */
    public ConformanceFailure(Mismatch mismatch) {
        super(mismatch.describe());
        this.mismatch = mismatch;
    }

    /** Any other failed check. */
    public ConformanceFailure(String message) {
        super(message);
        this.mismatch = null;
    }

    /** @return the first differing word, or null */
    public Mismatch mismatch() {
        return mismatch;
    }
}
