package dev.vyre.backend.vulkan;

import dev.vyre.spi.QuietOutput;
import java.util.function.Supplier;
import org.lwjgl.system.Configuration;

/**
 * Keeps LWJGL's own messages off stderr while the provider probes for Vulkan.
 *
 * <p>When a native library cannot be loaded, {@code org.lwjgl.system.Library} prints a five-line
 * "[LWJGL] Failed to load a library" notice to {@code APIUtil.DEBUG_STREAM} before it throws. The
 * probe turns that failure into an unavailable {@code Probe} with a reason and a fix, so the notice is
 * noise on every command. LWJGL reads {@link Configuration#DEBUG_STREAM} once, when its
 * {@code APIUtil} class initialises; {@link #quietly(Supplier)} therefore installs, before the first
 * LWJGL call of the process, a stream that forwards to the current {@link System#err} except on a
 * thread that is inside {@link #quietly(Supplier)}.
 *
 * <p>Nothing is installed when the user asked LWJGL for diagnostics ({@code -Dorg.lwjgl.util.Debug},
 * {@code -Dorg.lwjgl.util.DebugLoader}) or chose a stream ({@code -Dorg.lwjgl.util.DebugStream}): their
 * choice wins and the notice is printed. If LWJGL was initialised before the first probe (by other code
 * in the same process), the stream cannot be replaced any more and the notice is printed as before.
 */
final class LwjglOutput {

    private static boolean installed;

    private LwjglOutput() {
    }

    /**
     * Runs {@code action} with LWJGL's messages on this thread discarded.
     *
     * @return what {@code action} returns; its exceptions propagate unchanged
     */
    static <T> T quietly(Supplier<T> action) {
        install();
        return QuietOutput.quietly(action);
    }

    /**
     * Installs the process-wide gate ({@link QuietOutput#gate()}) once, unless the user chose LWJGL
     * diagnostics or a stream, or another backend installed it already.
     */
    private static synchronized void install() {
        if (!installed) {
            installed = true;
            if (Configuration.DEBUG_STREAM.get() == null
                    && !Configuration.DEBUG.get(Boolean.FALSE)
                    && !Configuration.DEBUG_LOADER.get(Boolean.FALSE)) {
                Configuration.DEBUG_STREAM.set(QuietOutput.gate());
            }
        }
    }
}
