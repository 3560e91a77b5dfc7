package dev.vyre.cli;

import dev.vyre.api.DispatchResult;
import dev.vyre.api.Session;
import dev.vyre.protocol.SlotLayout;
import java.lang.foreign.ValueLayout;
import java.util.BitSet;

/**
 * The five protocol buffers of one replay side after an epoch (little-endian u32 words).
 *
 * @param control  control buffer
 * @param ring     ring
 * @param debugLog PRINTF debug log
 * @param ioQueue  IO queue
 * @param data     data buffer (empty when there is none)
 */
record ReplayState(byte[] control, byte[] ring, byte[] debugLog, byte[] ioQueue, byte[] data) {

    /** @return snapshots of a session's buffers */
    static ReplayState of(Session session) {
        byte[] data = session.dataBuffer().byteSize() == 0 ? new byte[0]
                : session.dataBuffer().toArray(ValueLayout.JAVA_BYTE);
        return new ReplayState(session.controlSnapshot(), session.ringSnapshot(), session.debugLogSnapshot(),
                session.ioQueueSnapshot(), data);
    }

    /**
     * @return a session's control, debug log and IO queue, its ring read only at {@code ringSlots} (every other
     *         slot zero) and no data buffer: the same as {@link #partial} of its whole state, read cheaply
     */
    static ReplayState partialOf(Session session, BitSet ringSlots) {
        return new ReplayState(session.controlSnapshot(), session.ringSnapshot(ringSlots), session.debugLogSnapshot(),
                session.ioQueueSnapshot(), new byte[0]);
    }

    /** @return this state with every ring slot outside {@code ringSlots} zeroed and no data buffer */
    ReplayState partial(BitSet ringSlots) {
        byte[] kept = new byte[ring.length];
        for (int slot = ringSlots.nextSetBit(0); slot >= 0 && (long) slot * SlotLayout.SLOT_BYTES < ring.length;
             slot = ringSlots.nextSetBit(slot + 1)) {
            int at = slot * SlotLayout.SLOT_BYTES;
            System.arraycopy(ring, at, kept, at, Math.min(SlotLayout.SLOT_BYTES, ring.length - at));
        }
        return new ReplayState(control, kept, debugLog, ioQueue, new byte[0]);
    }

    /** @return the buffers a one-pass dispatch returned */
    static ReplayState of(DispatchResult r) {
        return new ReplayState(r.control(), r.ring(), r.debugLog(), r.ioQueue(), r.data());
    }

    /** @return bytes a comparison of two states reads on each side */
    long bytes() {
        return (long) control.length + ring.length + debugLog.length + ioQueue.length + data.length;
    }
}
