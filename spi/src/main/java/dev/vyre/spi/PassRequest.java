package dev.vyre.spi;

import dev.vyre.protocol.CustomOpcodes;
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
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2")
public record PassRequest(byte[] control, byte[] ring, byte[] debugLog, byte[] ioQueue, byte[] data,
                          CustomOpcodes opcodes, Duration ioWaitTimeout) {

    public PassRequest {
        Objects.requireNonNull(control, "control");
        Objects.requireNonNull(ring, "ring");
        Objects.requireNonNull(debugLog, "debugLog");
        Objects.requireNonNull(ioQueue, "ioQueue");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(opcodes, "opcodes");
        Objects.requireNonNull(ioWaitTimeout, "ioWaitTimeout");
    }

    /** @return ring slots */
    public int slotCount() {
        return ring.length / 64;
    }
}
