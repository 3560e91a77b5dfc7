package dev.vyre.spi;

import dev.vyre.protocol.CustomOpcodes;
import java.time.Duration;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * What the runtime asks a backend to open: already validated against the protocol's limits and
 * the backend's {@link Capabilities}.
 *
 * @param slotCount       ring slots (1 .. {@link Capabilities#maxSlots()})
 * @param tenantCount     tenants the initial control buffer authorises (ids 0 .. n-1)
 * @param observableSlots observable result words after control word 160
 * @param dataBufferBytes size of the data buffer (binding 4), 0 for none
 * @param workers         executing threads or lanes, 0 for the backend's default
 * @param opcodes         custom opcodes, each with a body in one of the backend's dialects
 * @param ioWaitTimeout   how long a LOAD_MISS waits for the host before its slot FAULTs
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2")
public record SessionSpec(int slotCount, int tenantCount, int observableSlots, long dataBufferBytes, int workers,
                          CustomOpcodes opcodes, Duration ioWaitTimeout) {

    public SessionSpec {
        Objects.requireNonNull(opcodes, "opcodes");
        Objects.requireNonNull(ioWaitTimeout, "ioWaitTimeout");
    }

    /** @return the control buffer length in bytes: {@code (160 + observableSlots) * 4} */
    public long controlBytes() {
        return (160L + observableSlots) * Integer.BYTES;
    }
}
