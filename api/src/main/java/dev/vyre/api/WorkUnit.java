package dev.vyre.api;

import org.apiguardian.api.API;

/**
 * One unit of a {@link DeviceGroup} run: slots {@code [first, first + count)} of the stream.
 *
 * @param index the unit's position in the run (results come back in this order)
 * @param first the stream index of its first slot
 * @param count its slots (at least 1)
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.3")
public record WorkUnit(int index, long first, long count) {
}
