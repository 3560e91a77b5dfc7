package dev.vyre.conformance;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * One conformance case: a named, order-independent workload with golden expectations.
 * Immutable; the {@code with...} methods return modified copies.
 */
public final class ConformanceCase {

    /** How a case drives the backend. */
    public enum Mode {
        /** {@link dev.vyre.api.Vyre#dispatch}: one pass over a pre-filled ring. */
        ONE_PASS,
        /** {@link dev.vyre.api.Vyre#openSession}: a persistent interpreter fed while it runs. */
        PERSISTENT
    }

    /** Time a case may take before it counts as hung. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private final String name;
    private final String description;
    private final Mode mode;
    private final Set<Requirement> requirements;
    private final boolean compareWithOracle;
    private final Duration timeout;
    private final Workload workload;

    private ConformanceCase(String name, String description, Mode mode, Set<Requirement> requirements,
                            boolean compareWithOracle, Duration timeout, Workload workload) {
        this.name = Objects.requireNonNull(name, "name");
        this.description = Objects.requireNonNull(description, "description");
        this.mode = Objects.requireNonNull(mode, "mode");
        this.requirements = Set.copyOf(requirements);
        this.compareWithOracle = compareWithOracle;
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.workload = Objects.requireNonNull(workload, "workload");
    }

    /** @return a one-pass case compared with the oracle */
    public static ConformanceCase onePass(String name, String description, Workload workload) {
        return new ConformanceCase(name, description, Mode.ONE_PASS, Set.of(), true, DEFAULT_TIMEOUT, workload);
    }

    /** @return a persistent-mode case compared with the oracle */
    public static ConformanceCase persistent(String name, String description, Workload workload) {
        return new ConformanceCase(name, description, Mode.PERSISTENT, EnumSet.of(Requirement.PERSISTENT), true,
                DEFAULT_TIMEOUT, workload);
    }

    /** @return a copy that also needs {@code more} */
    public ConformanceCase requires(Requirement... more) {
        EnumSet<Requirement> all = EnumSet.noneOf(Requirement.class);
        all.addAll(requirements);
        all.addAll(Set.of(more));
        return new ConformanceCase(name, description, mode, all, compareWithOracle, timeout, workload);
    }

    /**
     * @return a copy checked against its golden expectations only: for long workloads whose golden
     *         expectation already covers every byte of every buffer, running the oracle as well
     *         would only double the time
     */
    public ConformanceCase goldenOnly() {
        return new ConformanceCase(name, description, mode, requirements, false, timeout, workload);
    }

    /** @return a copy with another time limit */
    public ConformanceCase withTimeout(Duration newTimeout) {
        return new ConformanceCase(name, description, mode, requirements, compareWithOracle, newTimeout, workload);
    }

    /** @return unique, stable name (used by {@code vyre conform} and reports) */
    public String name() {
        return name;
    }

    /** @return one sentence: what it checks */
    public String description() {
        return description;
    }

    /** @return one-pass or persistent */
    public Mode mode() {
        return mode;
    }

    /** @return features the backend needs */
    public Set<Requirement> requirements() {
        return requirements;
    }

    /** @return whether the observed buffers are also compared with the oracle backend's */
    public boolean compareWithOracle() {
        return compareWithOracle;
    }

    /** @return how long the case may take before it is reported as hung */
    public Duration timeout() {
        return timeout;
    }

    /** @return the workload */
    public Workload workload() {
        return workload;
    }

    @Override
    public String toString() {
        return name;
    }
}
