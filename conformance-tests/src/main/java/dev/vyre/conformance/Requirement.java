package dev.vyre.conformance;

import dev.vyre.api.Features;
import dev.vyre.api.Vyre;
import java.util.Locale;

/** A feature a case needs; a backend without it reports the case as SKIPPED. */
public enum Requirement {
    /** {@link Features#persistent()}: persistent sessions. */
    PERSISTENT,
    /** {@link Features#dataBuffer()}: a data buffer (binding 4). */
    DATA_BUFFER,
    /** Custom opcodes: at least one body dialect in {@link Features#dialects()}. */
    CUSTOM_OPCODES,
    /**
     * More than 65,535 loop iterations in one invocation of the device's kernel. Mesa's llvmpipe (the CPU
     * Vulkan driver, lavapipe) ends every shader invocation's loops after 65,535 iterations in total, counted
     * over all its loops and over the lanes it runs together (gallivm's {@code LP_MAX_TGSI_LOOP_ITERATIONS}),
     * so a custom opcode that loops longer gives wrong results there without any error.
     */
    LONG_LOOPS;

    /** Device-name fragment of the drivers that cut loops at {@value #LOOP_LIMIT} iterations. */
    static final String LOOP_LIMITED_DEVICE = "llvmpipe";
    /** Loop iterations llvmpipe runs in one shader invocation. */
    static final int LOOP_LIMIT = 65_535;

    /** @return true when {@code features} provide this requirement ({@link #LONG_LOOPS} needs the device) */
    public boolean metBy(Features features) {
        return switch (this) {
            case PERSISTENT -> features.persistent();
            case DATA_BUFFER -> features.dataBuffer();
            case CUSTOM_OPCODES -> !features.dialects().isEmpty();
            case LONG_LOOPS -> true;
        };
    }

    /** @return true when the opened backend {@code vyre} provides this requirement */
    public boolean metBy(Vyre vyre) {
        if (this == LONG_LOOPS) {
            return !vyre.device().name().toLowerCase(Locale.ROOT).contains(LOOP_LIMITED_DEVICE);
        }
        return metBy(vyre.features());
    }

    /** @return why a backend that lacks this requirement skips a case */
    String lackedBy(Vyre vyre) {
        if (this == LONG_LOOPS) {
            return "its device '" + vyre.device().name() + "' (Mesa llvmpipe) stops a kernel invocation's loops after "
                    + LOOP_LIMIT + " iterations in total (LP_MAX_TGSI_LOOP_ITERATIONS), so longer IR loops give wrong"
                    + " results there; run the case on a GPU";
        }
        return "backend '" + vyre.name() + "' lacks capability " + this;
    }
}
