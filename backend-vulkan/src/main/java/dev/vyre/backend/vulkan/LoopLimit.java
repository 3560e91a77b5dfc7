package dev.vyre.backend.vulkan;

import dev.vyre.spi.Capabilities;
import java.util.Locale;

/**
 * The loop iterations a shader invocation runs on a device before its driver stops the loops. Mesa's
 * llvmpipe (lavapipe, the CPU Vulkan driver) ends every invocation's loops after 65,535 iterations in
 * total, counted over all its loops, without an error (gallivm's {@code LP_MAX_TGSI_LOOP_ITERATIONS}); the
 * GPU drivers have no such limit.
 */
final class LoopLimit {
    /** Loop iterations llvmpipe runs in one shader invocation. */
    static final long LLVMPIPE = 65_535;

    private LoopLimit() {
    }

    /** @return the limit of the device named {@code deviceName}, {@link Capabilities#UNLIMITED_LOOPS} when none */
    static long of(String deviceName) {
        return deviceName.toLowerCase(Locale.ROOT).contains("llvmpipe") ? LLVMPIPE : Capabilities.UNLIMITED_LOOPS;
    }
}
