package dev.vyre.api;

import java.util.Set;
import org.apiguardian.api.API;

/**
 * What an opened backend can do.
 *
 * @param maxSlots           largest ring a session or dispatch may use
 * @param lanes              executing lanes a session uses by default
 * @param persistent         whether {@link Vyre#openSession} is supported (otherwise one-pass
 *                           {@link Vyre#dispatch} only)
 * @param dataBuffer         whether a data buffer (binding 4) is supported
 * @param maxDataBufferBytes largest data buffer
 * @param dialects           custom-opcode body dialects it runs ({@code java}, {@code cuda-c}, {@code glsl}, ...)
 * @param placements         where it keeps session buffers ({@code HOST}, {@code HOST_MAPPED},
 *                           {@code DEVICE_MAPPED}, {@code DEVICE})
 * @param maxLoopIterations  most loop iterations one kernel invocation runs before the driver stops them
 *                           ({@link Long#MAX_VALUE}: no limit; Mesa's llvmpipe: 65,535); a custom opcode whose
 *                           body declares more is refused
 * @param isolation          whether it runs isolated sessions and dispatches (docs/PROTOCOL.md, "Isolated mode")
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2")
public record Features(int maxSlots, int lanes, boolean persistent, boolean dataBuffer, long maxDataBufferBytes,
                       Set<String> dialects, Set<String> placements, long maxLoopIterations,
                       boolean isolation) {
    public Features {
        dialects = Set.copyOf(dialects);
        placements = Set.copyOf(placements);
    }

    /** Features of a backend without isolated mode. */
    public Features(int maxSlots, int lanes, boolean persistent, boolean dataBuffer, long maxDataBufferBytes,
                    Set<String> dialects, Set<String> placements, long maxLoopIterations) {
        this(maxSlots, lanes, persistent, dataBuffer, maxDataBufferBytes, dialects, placements, maxLoopIterations,
                false);
    }

    /** Features of a backend without a loop-iteration limit. */
    public Features(int maxSlots, int lanes, boolean persistent, boolean dataBuffer, long maxDataBufferBytes,
                    Set<String> dialects, Set<String> placements) {
        this(maxSlots, lanes, persistent, dataBuffer, maxDataBufferBytes, dialects, placements, Long.MAX_VALUE);
    }
}
