package dev.vyre.conformance;

import dev.vyre.api.Features;
import dev.vyre.api.Vyre;
import dev.vyre.ir.Program;

/** A feature a case needs; a backend without it reports the case as SKIPPED. */
public enum Requirement {
    /** {@link Features#persistent()}: persistent sessions. */
    PERSISTENT,
    /** {@link Features#dataBuffer()}: a data buffer (binding 4). */
    DATA_BUFFER,
    /** Custom opcodes: at least one body dialect in {@link Features#dialects()}. */
    CUSTOM_OPCODES,
    /**
     * Loops as long as the IR allows ({@link Program#WORK_BUDGET} iterations) in one invocation of the device's
     * kernel: {@link Features#maxLoopIterations()} at least that. Mesa's llvmpipe (the CPU Vulkan driver,
     * lavapipe) ends every shader invocation's loops after 65,535 iterations in total, counted over all its
     * loops and over the lanes it runs together (gallivm's {@code LP_MAX_TGSI_LOOP_ITERATIONS}), and its
     * backend declares that limit.
     */
    LONG_LOOPS,
    /** {@link Features#isolation()}: isolated mode (tenant windows). */
    ISOLATION;

    /** @return true when {@code features} provide this requirement */
    public boolean metBy(Features features) {
        return switch (this) {
            case PERSISTENT -> features.persistent();
            case DATA_BUFFER -> features.dataBuffer();
            case CUSTOM_OPCODES -> !features.dialects().isEmpty();
            case LONG_LOOPS -> features.maxLoopIterations() >= Program.WORK_BUDGET;
            case ISOLATION -> features.isolation();
        };
    }

    /** @return true when the opened backend {@code vyre} provides this requirement */
    public boolean metBy(Vyre vyre) {
        return metBy(vyre.features());
    }

    /** @return why a backend that lacks this requirement skips a case */
    String lackedBy(Vyre vyre) {
        if (this == LONG_LOOPS) {
            return "its device '" + vyre.device().name() + "' stops a kernel invocation's loops after "
                    + vyre.features().maxLoopIterations() + " iterations in total (Features.maxLoopIterations),"
                    + " so longer IR loops cannot run there; run the case on a GPU";
        }
        return "backend '" + vyre.name() + "' lacks capability " + this;
    }
}
