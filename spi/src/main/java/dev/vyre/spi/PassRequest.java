package dev.vyre.spi;

import dev.vyre.protocol.CustomOpcodes;
import dev.vyre.protocol.TenantIsolation;
import java.time.Duration;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * One validated pass for {@link Backend#dispatch}: the buffers are the runtime's own copies, shaped
 * as the protocol requires (control at least 640 bytes of whole words, ring whole 64-byte slots,
 * debug log 1028 bytes, IO queue 0 to 64 whole 32-byte slots), so the backend may use them as it
 * likes.
 *
 * @param control       control buffer
 * @param ring          ring
 * @param debugLog      debug log
 * @param ioQueue       IO queue
 * @param data          data buffer (binding 4), possibly empty
 * @param opcodes       custom opcodes, each with a body in one of the backend's dialects
 * @param ioWaitTimeout bound on a LOAD_MISS wait
 * @param isolation     isolated mode's windows (docs/PROTOCOL.md, "Isolated mode"), already checked against the
 *                      buffers; {@code null} for the default mode. Only passed to a backend whose
 *                      {@link Capabilities#isolation()} is true, which then returns the violation counters in
 *                      {@link PassResult#isolationViolations()}
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2")
public record PassRequest(byte[] control, byte[] ring, byte[] debugLog, byte[] ioQueue, byte[] data,
                          CustomOpcodes opcodes, Duration ioWaitTimeout, TenantIsolation isolation) {

    /** A pass in the default (not isolated) mode. */
    public PassRequest(byte[] control, byte[] ring, byte[] debugLog, byte[] ioQueue, byte[] data,
                       CustomOpcodes opcodes, Duration ioWaitTimeout) {
        this(control, ring, debugLog, ioQueue, data, opcodes, ioWaitTimeout, null);
    }

    public PassRequest {
        Objects.requireNonNull(control, "control");
        Objects.requireNonNull(ring, "ring");
        Objects.requireNonNull(debugLog, "debugLog");
        Objects.requireNonNull(ioQueue, "ioQueue");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(opcodes, "opcodes");
        Objects.requireNonNull(ioWaitTimeout, "ioWaitTimeout");
    }

    /** @return true in isolated mode */
    public boolean isolated() {
        return isolation != null;
    }

    /**
     * @return the isolation block ({@link TenantIsolation#BLOCK_WORDS} words) for these buffers
     * @throws IllegalStateException in the default mode
     */
    public int[] isolationBlock() {
        if (isolation == null) {
            throw new IllegalStateException("the pass is not isolated. Fix: check isolated() first");
        }
        return isolation.encode(control.length / 4 - 160L, data.length);
    }

    /** @return ring slots */
    public int slotCount() {
        return ring.length / 64;
    }
}
