package dev.vyre.uring;

import dev.vyre.protocol.SyscallException;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Assumptions;

/**
 * Skips io_uring tests with the reason when the kernel refuses io_uring (seccomp, sysctl). In CI
 * ({@code CI} set) and on the build machine it must be available: then a refusal fails.
 */
final class UringSupport {
    private UringSupport() {
    }

    static void assumeAvailable() {
        String reason = null;
        try (UringFileReader r = new UringFileReader(MemorySegment.NULL, 1, false)) {
            return;
        } catch (SyscallException e) {
            reason = e.getMessage();
        }
        if (System.getenv("CI") != null) {
            throw new AssertionError("io_uring is unavailable in CI: " + reason);
        }
        Assumptions.abort("io_uring is unavailable here: " + reason);
    }
}
