package dev.vyre.protocol.replay;

import java.util.Objects;

/**
 * What is known about a slot that failed, stored in the tail of its replay record.
 * All-zero evidence ({@link #NONE}) means "no evidence": a record written by a plain append reads
 * back with {@link #NONE}.
 *
 * @param slotStatus       the slot's status word when the failure was observed (0 = unknown)
 * @param failureClass     the recovery classification
 * @param backendErrorCode the backend error's stable code (1001..1007, 1999), 0 = none
 * @param outputDigest     a digest of the slot's output bytes, 0 = none
 */
public record ReplayFailureEvidence(int slotStatus, FailureClass failureClass, int backendErrorCode,
                                    long outputDigest) {

    /** No evidence: every field zero. */
    public static final ReplayFailureEvidence NONE = new ReplayFailureEvidence(0, FailureClass.NONE, 0, 0);

    public ReplayFailureEvidence {
        Objects.requireNonNull(failureClass, "failureClass");
    }

    /** @return true when every field is zero, i.e. the record carries no evidence */
    public boolean isNone() {
        return slotStatus == 0 && failureClass == FailureClass.NONE && backendErrorCode == 0 && outputDigest == 0;
    }

    /** @return the evidence a record's four stored fields decode to ({@link #NONE} when all are zero) */
    static ReplayFailureEvidence decode(int slotStatus, int failureClass, int backendErrorCode, long outputDigest) {
        if (slotStatus == 0 && failureClass == 0 && backendErrorCode == 0 && outputDigest == 0) {
            return NONE;
        }
        return new ReplayFailureEvidence(slotStatus, FailureClass.of(failureClass), backendErrorCode, outputDigest);
    }
}
