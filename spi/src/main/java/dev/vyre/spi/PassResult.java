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
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2")
public record PassResult(byte[] control, byte[] ring, byte[] debugLog, byte[] ioQueue, byte[] data) {
    public PassResult {
        Objects.requireNonNull(control, "control");
        Objects.requireNonNull(ring, "ring");
        Objects.requireNonNull(debugLog, "debugLog");
        Objects.requireNonNull(ioQueue, "ioQueue");
        Objects.requireNonNull(data, "data");
    }
}
