package dev.vyre.conformance;

import java.io.Serial;

/** Thrown by a case that cannot run on a backend; the runner reports it as SKIPPED with the reason. */
public final class CaseSkipped extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    /** @param reason why the case cannot run, shown in reports */
    public CaseSkipped(String reason) {
        super(reason);
    }
}
