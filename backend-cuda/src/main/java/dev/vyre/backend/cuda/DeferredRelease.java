package dev.vyre.backend.cuda;

import java.util.ArrayList;
import java.util.List;

/**
 * When a device's memory and modules may be released. {@code cuMemFree}, {@code cuMemFreeHost} and
 * {@code cuModuleUnload} wait for every kernel of their context to finish, and a persistent megakernel
 * finishes only when its own session stops it; so freeing one session's buffers while another session's
 * megakernel runs in the same context would block forever. This ledger counts the persistent kernels
 * running in one context and holds releases back until that count is zero, then runs them in the order
 * they were asked for. A kernel that never finishes (its stop timed out) keeps the count above zero, so
 * what was held back stays allocated until the process exits, as that kernel's own buffers do.
 *
 * <p>Thread-safe. Releases run on the thread that brings the count to zero (or that asks for a release
 * while none runs), outside the ledger's lock, after {@code beforeRelease} (which makes the context
 * current).
 */
final class DeferredRelease {

    private final Runnable beforeRelease;
    private final List<AutoCloseable> held = new ArrayList<>();
    private int running;

    /** @param beforeRelease run before each batch of releases (makes the device's context current) */
    DeferredRelease(Runnable beforeRelease) {
        this.beforeRelease = beforeRelease;
    }

    /** A persistent kernel was launched in the context. */
    synchronized void kernelLaunched() {
        running++;
    }

    /** A persistent kernel counted by {@link #kernelLaunched()} has finished; runs what was held back if it was the last. */
    void kernelFinished() {
        List<AutoCloseable> now;
        synchronized (this) {
            if (running == 0) {
                throw new IllegalStateException("kernelFinished without a running kernel. Fix: call it once per"
                        + " kernelLaunched, after the kernel has finished");
            }
            running--;
            if (running > 0 || held.isEmpty()) {
                return;
            }
            now = new ArrayList<>(held);
            held.clear();
        }
        closeAll(now);
    }

    /**
     * Releases the resources now when no persistent kernel runs in the context, else when the last one
     * has finished. Null entries are skipped.
     */
    void release(AutoCloseable... resources) {
        List<AutoCloseable> now = new ArrayList<>(resources.length);
        synchronized (this) {
            for (AutoCloseable r : resources) {
                if (r != null) {
                    (running > 0 ? held : now).add(r);
                }
            }
        }
        closeAll(now);
    }

    /** @return persistent kernels counted as running */
    synchronized int running() {
        return running;
    }

    /** @return resources waiting for the running kernels to finish */
    synchronized int held() {
        return held.size();
    }

    private void closeAll(List<AutoCloseable> resources) {
        if (resources.isEmpty()) {
            return;
        }
        beforeRelease.run();
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception ignored) {
                // freeing returns a CUDA status code nothing can act on at this point
            }
        }
    }
}
