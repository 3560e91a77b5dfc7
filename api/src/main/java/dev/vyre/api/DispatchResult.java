package dev.vyre.api;

import org.apiguardian.api.API;

/**
 * The buffers after one pass, in readback order, and what the pass cost.
 *
 * @param control  control buffer
 * @param ring     ring
 * @param debugLog debug log
 * @param ioQueue  IO queue
 * @param data     data buffer (unchanged by built-in opcodes)
 * @param stats    bytes, launches, waits and latency of the pass
 * @param isolationViolations in isolated mode, per-tenant violation counters after the pass (32 entries, tenant
 *                 {@code t} at {@code t}); empty in the default mode
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2")
public record DispatchResult(byte[] control, byte[] ring, byte[] debugLog, byte[] ioQueue, byte[] data,
                             DispatchStats stats, int[] isolationViolations) {

    /** The result of a pass in the default (not isolated) mode. */
    public DispatchResult(byte[] control, byte[] ring, byte[] debugLog, byte[] ioQueue, byte[] data,
                          DispatchStats stats) {
        this(control, ring, debugLog, ioQueue, data, stats, new int[0]);
    }
}
