package dev.vyre.api;

import java.util.List;
import org.apiguardian.api.API;

/**
 * The outcome of a {@link DeviceGroup#run}: one result per unit, which member produced it, and the
 * members lost during the run.
 *
 * @param results      the result of unit {@code i} at index {@code i}
 * @param unitMember   the member (index into {@link DeviceGroup#sessions()}) that produced unit {@code i}
 * @param unitsPerMember units completed by each member
 * @param lost         for each member lost during the run, why; empty when none was
 * @param reruns       units run again after their member was lost
 * @param <R>          a unit's result
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.3")
public record GroupRun<R>(List<R> results, int[] unitMember, long[] unitsPerMember, List<String> lost, int reruns) {
}
