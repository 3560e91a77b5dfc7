package dev.vyre.spi;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.function.Supplier;
import org.apiguardian.api.API;

/**
 * Keeps a native binding's own console notices off stderr while a provider probes, shared by every
 * backend of the process. A probe turns a missing native library into an unavailable {@link Probe}
 * with a reason; the binding's "failed to load" notice printed before it throws is noise on every
 * command.
 *
 * <p>Install {@link #gate()} once as the binding's diagnostic stream (for LWJGL:
 * {@code Configuration.DEBUG_STREAM}, before the binding's first call and only when the user asked for
 * no diagnostics of their own), and run native probes inside {@link #quietly(Supplier)}. The gate is one
 * instance per process, so whichever backend installs it first, it silences every backend's quiet
 * section and forwards everything else to the current {@link System#err}.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.3")
public final class QuietOutput {

    private static final ThreadLocal<Boolean> QUIET = ThreadLocal.withInitial(() -> Boolean.FALSE);
    private static final PrintStream GATE = new PrintStream(new Gate(), true, System.err.charset());

    private QuietOutput() {
    }

    /** @return the process-wide stream that forwards to {@link System#err} except inside {@link #quietly} */
    public static PrintStream gate() {
        return GATE;
    }

    /**
     * Runs {@code action} with the gate discarding what this thread writes to it.
     *
     * @return what {@code action} returns; its exceptions propagate unchanged
     */
    public static <T> T quietly(Supplier<T> action) {
        boolean outer = QUIET.get();
        QUIET.set(Boolean.TRUE);
        try {
            return action.get();
        } finally {
            QUIET.set(outer);
        }
    }

    private static final class Gate extends OutputStream {
        @Override
        public void write(int b) {
            if (!QUIET.get()) {
                System.err.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (!QUIET.get()) {
                System.err.write(b, off, len);
            }
        }

        @Override
        public void flush() {
            if (!QUIET.get()) {
                System.err.flush();
            }
        }
    }
}
