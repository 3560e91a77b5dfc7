package dev.vyre.conformance;

import dev.vyre.api.DispatchRequest;
import dev.vyre.api.DispatchResult;
import dev.vyre.api.Session;
import java.util.Objects;

/**
 * The five protocol buffers at one point in time, as byte arrays (little-endian u32 words).
 *
 * @param control  control buffer
 * @param ring     ring
 * @param debugLog debug log
 * @param ioQueue  IO queue
 * @param data     data buffer (empty when there is none)
 */
public record Buffers(byte[] control, byte[] ring, byte[] debugLog, byte[] ioQueue, byte[] data) {

    public Buffers {
        Objects.requireNonNull(control, "control");
        Objects.requireNonNull(ring, "ring");
        Objects.requireNonNull(debugLog, "debugLog");
        Objects.requireNonNull(ioQueue, "ioQueue");
        Objects.requireNonNull(data, "data");
    }

    /** @return the buffers a one-pass dispatch returned */
    public static Buffers of(DispatchResult result) {
        return new Buffers(result.control(), result.ring(), result.debugLog(), result.ioQueue(), result.data());
    }

    /** @return the input buffers of a dispatch (copies) */
    public static Buffers of(DispatchRequest request) {
        return new Buffers(request.control().clone(), request.ring().clone(), request.debugLog().clone(),
                request.ioQueue().clone(), request.data().clone());
    }

    /** @return snapshots of a session's buffers (the data buffer copied from its segment) */
    public static Buffers of(Session session) {
        byte[] data = session.dataBuffer().byteSize() == 0 ? new byte[0]
                : session.dataBuffer().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        return new Buffers(session.controlSnapshot(), session.ringSnapshot(), session.debugLogSnapshot(),
                session.ioQueueSnapshot(), data);
    }

    /** @return the bytes of {@code kind} (not a copy) */
    public byte[] get(BufferKind kind) {
        return switch (kind) {
            case CONTROL -> control;
            case RING -> ring;
            case DEBUG_LOG -> debugLog;
            case IO_QUEUE -> ioQueue;
            case DATA -> data;
        };
    }

    /** @return a deep copy */
    public Buffers copy() {
        return new Buffers(control.clone(), ring.clone(), debugLog.clone(), ioQueue.clone(), data.clone());
    }

    /** @return control word {@code index} */
    public int control(int index) {
        return Wire.word(control, index);
    }

    /** @return the status word of ring slot {@code slot} */
    public int slotStatus(int slot) {
        return Wire.word(ring, slot * 16);
    }
}
