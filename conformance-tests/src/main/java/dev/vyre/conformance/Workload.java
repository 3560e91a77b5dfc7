package dev.vyre.conformance;

import dev.vyre.api.Vyre;
import java.util.List;

/**
 * What a case does on one backend: runs its workload, checks the spec's golden expectations
 * (throwing {@link ConformanceFailure}), and returns the buffers it observed so the runner can
 * compare them with the oracle backend's.
 */
@FunctionalInterface
public interface Workload {

    /**
     * @return the observed snapshots, one per step, in a fixed order
     * @throws ConformanceFailure when a golden expectation does not hold
     * @throws CaseSkipped        when the backend cannot run this workload
     * @throws Exception          anything else: reported as a failure
     */
    List<Snapshot> run(Vyre vyre) throws Exception;
}
