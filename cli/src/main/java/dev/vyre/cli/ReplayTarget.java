package dev.vyre.cli;

import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.SlotStatus;
import dev.vyre.protocol.replay.ReplayRecord;
import dev.vyre.protocol.replay.SessionGeometry;
import java.util.BitSet;
import java.util.List;

/**
 * One side of a replay: a backend that re-executes a log's records from a fresh state. Every record's
 * image is written into its ring slot in log order; a ring slot recorded twice runs its first image
 * before the second is written; {@link #run} returns once every record it was given has run (or has
 * stayed unrun as long as the bound allows), so the state after it is what the records produce in that
 * order whatever the backend's parallelism.
 */
interface ReplayTarget extends AutoCloseable {

    /** @return the backend's name */
    String backend();

    /** @return the device, as {@code vyre backends} names it */
    String device();

    /** @return {@code persistent} or {@code one-pass} */
    String mode();

    /** Runs records {@code from .. to - 1} of {@code records}. */
    void run(List<ReplayRecord> records, int from, int to);

    /** @return the buffers now */
    ReplayState state();

    /**
     * @return the buffers now with the ring read only at {@code ringSlots} and no data buffer, exactly
     *         {@code state().partial(ringSlots)}; a side whose ring is slow to read reads only those slots
     */
    default ReplayState state(BitSet ringSlots) {
        return state().partial(ringSlots);
    }

    /** @return how many records did not finish within the wait bound (they are compared as they stand) */
    long stalls();

    @Override
    void close();

    /**
     * @return true when the interpreter is expected to run {@code r}: its image is PUBLISHED and its tenant
     *         is authorised by the mask table the session starts with (a slot of an unauthorised tenant stays
     *         PUBLISHED, as it did when it was recorded)
     */
    static boolean runs(ReplayRecord r, SessionGeometry geometry) {
        int tenant = r.tenantId();
        return r.status() == SlotStatus.PUBLISHED && tenant >= 0
                && tenant < Math.min(geometry.tenantCount(), ControlLayout.TENANT_MASK_SLOTS);
    }
}
