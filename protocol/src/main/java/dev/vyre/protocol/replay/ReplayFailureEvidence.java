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
 * @param outputDigest     the first 8 bytes, little-endian, of the BLAKE3 hash of the slot's output bytes
 *                         ({@link #digestOf}), 0 = none
 */
public record ReplayFailureEvidence(int slotStatus, FailureClass failureClass, int backendErrorCode,
                                    long outputDigest) {

    /** No evidence: every field zero. */
    public static final ReplayFailureEvidence NONE = new ReplayFailureEvidence(0, FailureClass.NONE, 0, 0);

    public ReplayFailureEvidence {
        Objects.requireNonNull(failureClass, "failureClass");
    }

    /**
     * The evidence of a slot that failed with {@code error} ({@code from_backend_error}): its status, the
     * recovery class and stable code of {@code error} ({@link FailureClassifier}), and the digest of the
     * bytes the slot left behind.
     *
     * @param slotStatus the slot's status word when the failure was seen (0 = unknown)
     * @param error      the failure (null: class NONE, code 0)
     * @param output     the slot's output bytes, e.g. its 64-byte ring image (not modified)
     */
    public static ReplayFailureEvidence fromBackendError(int slotStatus, Throwable error, byte[] output) {
        Objects.requireNonNull(output, "output");
        return new ReplayFailureEvidence(slotStatus, FailureClassifier.classify(error),
                FailureClassifier.stableCode(error), digestOf(output));
    }

    /** @return the first 8 bytes of the BLAKE3 hash of {@code output}, read little-endian */
    public static long digestOf(byte[] output) {
        byte[] hash = new byte[Long.BYTES];
        Blake3.hash(output, 0, output.length, hash, 0, Long.BYTES);
        long digest = 0;
        for (int i = Long.BYTES - 1; i >= 0; i--) {
            digest = digest << 8 | (hash[i] & 0xFF);
        }
        return digest;
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
