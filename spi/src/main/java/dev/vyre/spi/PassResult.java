package dev.vyre.spi;

import java.util.Objects;
import org.apiguardian.api.API;

/**
 * The buffers after one pass, each as long as in the {@link PassRequest}.
 *
 * @param control  control buffer
 * @param ring     ring
 * @param debugLog debug log
 * @param ioQueue  IO queue
 * @param data     data buffer (unchanged by built-in opcodes)
 * @param isolationViolations in isolated mode the per-tenant violation counters after the pass
 *                 ({@link dev.vyre.protocol.TenantIsolation#TENANTS} entries, tenant {@code t} at {@code t}); empty
 *                 in the default mode
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2")
public record PassResult(byte[] control, byte[] ring, byte[] debugLog, byte[] ioQueue, byte[] data,
                         int[] isolationViolations) {

    /** The buffers after a pass in the default (not isolated) mode. */
    public PassResult(byte[] control, byte[] ring, byte[] debugLog, byte[] ioQueue, byte[] data) {
        this(control, ring, debugLog, ioQueue, data, new int[0]);
    }

    public PassResult {
        Objects.requireNonNull(isolationViolations, "isolationViolations");
        Objects.requireNonNull(control, "control");
        Objects.requireNonNull(ring, "ring");
        Objects.requireNonNull(debugLog, "debugLog");
        Objects.requireNonNull(ioQueue, "ioQueue");
        Objects.requireNonNull(data, "data");
    }
}
