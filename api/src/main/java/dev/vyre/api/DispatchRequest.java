package dev.vyre.api;

import dev.vyre.protocol.DebugLogLayout;
import dev.vyre.protocol.IoQueueLayout;
import dev.vyre.protocol.TenantIsolation;
import dev.vyre.protocol.QueueFullException;
import java.time.Duration;
import dev.vyre.protocol.CustomOpcodes;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * Buffers for one pass of {@link Vyre#dispatch}. Arrays are copied by the backend; the
 * caller's arrays are never modified.
 *
 * @param control       control buffer (at least 640 bytes, whole words)
 * @param ring          ring (whole 64-byte slots, at least one)
 * @param debugLog      debug log (exactly 1028 bytes)
 * @param ioQueue       IO queue (whole 32-byte slots, at most 64)
 * @param data          data buffer (binding 4), may be empty
 * @param opcodes       custom opcodes
 * @param ioWaitTimeout bound on a LOAD_MISS wait
 * @param isolation     isolated mode's windows (docs/PROTOCOL.md, "Isolated mode"), or {@code null} for the default
 *                      mode; the result then carries the per-tenant violation counters
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2")
public record DispatchRequest(byte[] control, byte[] ring, byte[] debugLog, byte[] ioQueue, byte[] data,
                              CustomOpcodes opcodes, Duration ioWaitTimeout, TenantIsolation isolation) {

    /** A pass in the default (not isolated) mode. */
    public DispatchRequest(byte[] control, byte[] ring, byte[] debugLog, byte[] ioQueue, byte[] data,
                           CustomOpcodes opcodes, Duration ioWaitTimeout) {
        this(control, ring, debugLog, ioQueue, data, opcodes, ioWaitTimeout, null);
    }

    public DispatchRequest {
        Objects.requireNonNull(control, "control");
        Objects.requireNonNull(ring, "ring");
        Objects.requireNonNull(debugLog, "debugLog");
        Objects.requireNonNull(ioQueue, "ioQueue");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(opcodes, "opcodes");
        Objects.requireNonNull(ioWaitTimeout, "ioWaitTimeout");
    }

    /**
     * The common case: no data buffer, no custom opcodes, an empty 64-slot IO queue and a
     * 10 ms LOAD_MISS bound (nobody serves IO during a one-pass dispatch unless the caller does).
     */
    public static DispatchRequest of(byte[] control, byte[] ring, byte[] debugLog) {
        return new DispatchRequest(control, ring, debugLog,
                new byte[IoQueueLayout.IO_SLOT_COUNT * IoQueueLayout.IO_SLOT_BYTES], new byte[0],
                CustomOpcodes.none(), Duration.ofMillis(10));
    }

    /** @return a copy with another data buffer */
    public DispatchRequest withData(byte[] newData) {
        return new DispatchRequest(control, ring, debugLog, ioQueue, newData, opcodes, ioWaitTimeout, isolation);
    }

    /** @return a copy with other custom opcodes */
    public DispatchRequest withOpcodes(CustomOpcodes newOpcodes) {
        return new DispatchRequest(control, ring, debugLog, ioQueue, data, newOpcodes, ioWaitTimeout, isolation);
    }

    /** @return a copy with another IO queue */
    public DispatchRequest withIoQueue(byte[] newIoQueue) {
        return new DispatchRequest(control, ring, debugLog, newIoQueue, data, opcodes, ioWaitTimeout, isolation);
    }

    /** @return a copy run in isolated mode with {@code windows} ({@code null}: the default mode) */
    public DispatchRequest withIsolation(TenantIsolation windows) {
        return new DispatchRequest(control, ring, debugLog, ioQueue, data, opcodes, ioWaitTimeout, windows);
    }

    /**
     * Checks the buffer shapes in the protocol's order (control, debug log, IO queue, ring).
     *
     * @throws dev.vyre.protocol.BackendException or {@link QueueFullException} naming the buffer
     */
    public void validate() {
        if (control.length < 640 || control.length % 4 != 0) {
            throw new dev.vyre.protocol.BackendException("megakernel control buffer has " + control.length
                    + " bytes, expected at least 640 bytes and 4-byte alignment",
                    "build it with Megakernel.encodeControl");
        }
        if (debugLog.length != DebugLogLayout.BUFFER_BYTES) {
            throw new dev.vyre.protocol.BackendException("megakernel debug-log buffer has " + debugLog.length
                    + " bytes, expected exactly 1028 bytes for 64 PRINTF records",
                    "build it with Megakernel.encodeEmptyDebugLog(64)");
        }
        if (ioQueue.length % 4 != 0) {
            throw new dev.vyre.protocol.BackendException("io_queue has " + ioQueue.length
                    + " bytes, which is not 4-byte aligned", "pass a whole u32 queue buffer");
        }
        if (ioQueue.length % IoQueueLayout.IO_SLOT_BYTES != 0) {
            throw new dev.vyre.protocol.BackendException("io_queue has " + ioQueue.length
                    + " bytes, which is not a multiple of slot size 32", "pass whole IO slots");
        }
        if (ioQueue.length / IoQueueLayout.IO_SLOT_BYTES > IoQueueLayout.IO_SLOT_COUNT) {
            throw QueueFullException.submission("io_queue byte view exceeds the compiled IO poll window of 64"
                    + " slots; split the queue or rebuild the megakernel with a larger IO_SLOT_COUNT");
        }
        if (ring.length == 0 || ring.length % 64 != 0) {
            throw new dev.vyre.protocol.BackendException("megakernel ring buffer has " + ring.length
                    + " bytes, expected a positive multiple of 64",
                    "build ring bytes with Megakernel.encodeEmptyRing(slotCount)");
        }
    }

    /** @return ring slots */
    public int slotCount() {
        return ring.length / 64;
    }
}
