package dev.vyre.conformance;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Buffers a case observed at one step, and which of them must equal the oracle's byte for byte.
 * Buffers left out of {@code exact} hold order-dependent content (e.g. PRINTF record order under
 * parallel execution); the case checks their order-free properties itself.
 *
 * @param step    step label, unique within the case
 * @param buffers the observed buffers
 * @param exact   buffers compared byte for byte with the oracle
 */
public record Snapshot(String step, Buffers buffers, Set<BufferKind> exact) {

    public Snapshot {
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(buffers, "buffers");
        exact = Set.copyOf(exact);
    }

    /** @return a snapshot whose every buffer is compared exactly */
    public static Snapshot exact(String step, Buffers buffers) {
        return new Snapshot(step, buffers, EnumSet.allOf(BufferKind.class));
    }
}
