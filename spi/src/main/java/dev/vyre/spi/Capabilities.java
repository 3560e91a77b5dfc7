package dev.vyre.spi;

import java.util.Objects;
import java.util.Set;
import org.apiguardian.api.API;

/**
 * What a backend can do on its device. The runtime checks every request against it before the
 * backend sees the request.
 *
 * @param maxSlots           largest ring a session or dispatch may use
 * @param lanes              executing lanes (threads or GPU lanes) a session uses by default
 * @param placements         where the backend keeps session buffers
 * @param dataBuffer         whether sessions and dispatches may carry a data buffer (binding 4)
 * @param maxDataBufferBytes largest data buffer, 0 when {@code dataBuffer} is false
 * @param persistent         whether {@link Backend#openSession} runs a persistent interpreter
 * @param dialects           custom-opcode body dialects the backend compiles or runs (for example
 *                           {@code java}, {@code cuda-c}, {@code glsl}); empty when it runs no custom
 *                           opcodes
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2")
public record Capabilities(int maxSlots, int lanes, Set<Placement> placements, boolean dataBuffer,
                           long maxDataBufferBytes, boolean persistent, Set<String> dialects) {
    public Capabilities {
        placements = Set.copyOf(Objects.requireNonNull(placements, "placements"));
        dialects = Set.copyOf(Objects.requireNonNull(dialects, "dialects"));
    }

    /** @return true when custom opcodes with a body in one of {@link #dialects()} can be registered */
    public boolean customOpcodes() {
        return !dialects.isEmpty();
    }
}
