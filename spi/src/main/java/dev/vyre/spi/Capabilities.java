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
 * @param maxLoopIterations  most loop iterations one invocation of the backend's kernel runs, counted over
 *                           all its loops, before the driver silently stops them ({@link #UNLIMITED_LOOPS}
 *                           when the device has no such limit; Mesa's llvmpipe: 65,535). The runtime refuses
 *                           ({@link dev.vyre.protocol.UnsupportedFeatureException}) a custom opcode whose body
 *                           in one of {@code dialects} declares a larger loop-iteration bound (an IR lowering
 *                           declares it: docs/IR.md, "Loops and the per-slot budget"), instead of letting it
 *                           compute wrong results
 * @param isolation          whether the backend runs isolated sessions and passes (docs/PROTOCOL.md, "Isolated
 *                           mode"); the runtime refuses isolation on a backend without it
 *                           ({@link dev.vyre.protocol.UnsupportedFeatureException}) before the backend sees it
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2")
public record Capabilities(int maxSlots, int lanes, Set<Placement> placements, boolean dataBuffer,
                           long maxDataBufferBytes, boolean persistent, Set<String> dialects,
                           long maxLoopIterations, boolean isolation) {
    /**
     * The dialect of a body written in the opcode IR (module {@code vyre-ir}, {@code docs/IR.md}): the
     * program's canonical encoding ({@code Program.encode()}) as Base64 text (RFC 4648, no line breaks).
     * A backend that lowers the IR itself declares it; one that does not runs an IR opcode through a
     * lowering in a dialect it does declare ({@code java}, {@code cuda-c}, {@code glsl}), or refuses it.
     */
    public static final String IR_DIALECT = "vyre-ir";

    /** {@link #maxLoopIterations()} of a device that runs loops of any length. */
    public static final long UNLIMITED_LOOPS = Long.MAX_VALUE;

    public Capabilities {
        placements = Set.copyOf(Objects.requireNonNull(placements, "placements"));
        dialects = Set.copyOf(Objects.requireNonNull(dialects, "dialects"));
        if (maxLoopIterations < 1) {
            throw new IllegalArgumentException("maxLoopIterations " + maxLoopIterations + " is not positive. Fix: pass"
                    + " the device's limit, or Capabilities.UNLIMITED_LOOPS when it has none");
        }
    }

    /** Capabilities of a backend without isolated mode. */
    public Capabilities(int maxSlots, int lanes, Set<Placement> placements, boolean dataBuffer,
                        long maxDataBufferBytes, boolean persistent, Set<String> dialects, long maxLoopIterations) {
        this(maxSlots, lanes, placements, dataBuffer, maxDataBufferBytes, persistent, dialects, maxLoopIterations,
                false);
    }

    /** Capabilities of a device without a loop-iteration limit ({@link #UNLIMITED_LOOPS}), without isolated mode. */
    public Capabilities(int maxSlots, int lanes, Set<Placement> placements, boolean dataBuffer,
                        long maxDataBufferBytes, boolean persistent, Set<String> dialects) {
        this(maxSlots, lanes, placements, dataBuffer, maxDataBufferBytes, persistent, dialects, UNLIMITED_LOOPS);
    }

    /** @return true when the device stops loops after {@link #maxLoopIterations()} iterations */
    public boolean limitsLoops() {
        return maxLoopIterations != UNLIMITED_LOOPS;
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
