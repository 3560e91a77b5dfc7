package dev.vyre.cli;

import dev.vyre.api.DispatchResult;
import dev.vyre.api.Session;
import java.lang.foreign.ValueLayout;

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

    /** @return the buffers a one-pass dispatch returned */
    static ReplayState of(DispatchResult r) {
        return new ReplayState(r.control(), r.ring(), r.debugLog(), r.ioQueue(), r.data());
    }

    /** @return bytes a comparison of two states reads on each side */
    long bytes() {
        return (long) control.length + ring.length + debugLog.length + ioQueue.length + data.length;
    }
}
