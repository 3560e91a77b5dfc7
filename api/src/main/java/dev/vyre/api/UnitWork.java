package dev.vyre.api;

import java.lang.foreign.MemorySegment;
import org.apiguardian.api.API;

/**
 * What a {@link DeviceGroup} runs: it encodes the slots of a unit and reads the unit's result back
 * from the session that ran it. A unit runs on one session at a time, and its result is taken from
 * exactly one run: when a device is lost mid-unit, the unit runs again from its first slot on another
 * session and only that run's result is kept. {@link #before} and {@link #after} are called on the
 * session's own thread, around every run of the unit, so {@code after} can compute a result as a
 * difference from what {@code before} saw.
 *
 * @param <R> a unit's result
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.3")
public interface UnitWork<R> {

    /**
     * Writes slot images ({@link Slots#encode}) for slots {@code [unit.first() + offset, ... + count)}.
     *
     * @param images exactly {@code count × 64} bytes
     */
    void encode(WorkUnit unit, long offset, int count, MemorySegment images);

    /** Called before the unit's first slot is published on {@code session}. The default does nothing. */
    default void before(Session session, WorkUnit unit) {
    }

    /** Called once every slot of the unit is DONE on {@code session}. @return the unit's result */
    R after(Session session, WorkUnit unit);
}
