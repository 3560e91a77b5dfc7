package dev.vyre.api;

import java.util.Arrays;
import org.apiguardian.api.API;

/**
 * What {@link Recovery#rerun} did: the slots it re-ran, in the order it published them, and how they
 * ended on the recovery session.
 *
 * @param backendName the backend of the recovery session
 * @param slots       the ring slots re-run, in publish order (a copy)
 * @param done        slots that reached DONE
 * @param faulted     slots that reached FAULT
 * @param nanos       host wall time of the re-run, publishing and waiting
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.3")
public record RecoveryResult(String backendName, int[] slots, int done, int faulted, long nanos) {

    public RecoveryResult {
        slots = slots.clone();
    }

    /** @return the slots re-run, in publish order (a copy) */
    @Override
    public int[] slots() {
        return slots.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RecoveryResult r && backendName.equals(r.backendName) && Arrays.equals(slots, r.slots)
                && done == r.done && faulted == r.faulted && nanos == r.nanos;
    }

    @Override
    public int hashCode() {
        return 31 * backendName.hashCode() + Arrays.hashCode(slots);
    }

    @Override
    public String toString() {
        return "RecoveryResult[backend=" + backendName + ", slots=" + slots.length + ", done=" + done + ", faulted="
                + faulted + ", ms=" + nanos / 1_000_000 + "]";
    }
}
