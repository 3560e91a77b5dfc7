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
 *                           {@code java}, {@code cuda-c}, {@code glsl}, {@value #IR_DIALECT}); empty when it
 *                           runs no custom opcodes. The runtime refuses, at {@code openSession} and
 *                           {@code dispatch} and before the backend sees it, a custom opcode with no body in
 *                           one of these dialects ({@link dev.vyre.protocol.UnsupportedFeatureException},
 *                           ending in {@code Fix:})
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2")
public record Capabilities(int maxSlots, int lanes, Set<Placement> placements, boolean dataBuffer,
                           long maxDataBufferBytes, boolean persistent, Set<String> dialects) {
    /**
     * The dialect of a body written in the opcode IR (module {@code vyre-ir}, {@code docs/IR.md}): the
     * program's canonical encoding ({@code Program.encode()}) as Base64 text (RFC 4648, no line breaks).
     * A backend that lowers the IR itself declares it; one that does not runs an IR opcode through a
     * lowering in a dialect it does declare ({@code java}, {@code cuda-c}, {@code glsl}), or refuses it.
     */
    public static final String IR_DIALECT = "vyre-ir";

    public Capabilities {
        placements = Set.copyOf(Objects.requireNonNull(placements, "placements"));
        dialects = Set.copyOf(Objects.requireNonNull(dialects, "dialects"));
    }

    /** @return true when the backend lowers opcode-IR bodies itself (it declares {@value #IR_DIALECT}) */
    public boolean lowersIr() {
        return dialects.contains(IR_DIALECT);
    }

    /** @return true when custom opcodes with a body in one of {@link #dialects()} can be registered */
    public boolean customOpcodes() {
        return !dialects.isEmpty();
    }
}
