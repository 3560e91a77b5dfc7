package dev.vyre.peer;

import java.time.Duration;
import java.util.List;
import java.util.ServiceLoader;
import java.util.function.LongConsumer;

/**
 * The peers of one backend's persistent session: the same one-slot operation done the way a program
 * without a persistent kernel does it, one launch per operation (for CUDA: {@code cuLaunchKernel} then
 * synchronize, and a CUDA Graph launch then synchronize). {@code vyre bench} finds implementations with
 * {@link ServiceLoader} ({@link #forBackend}), measures each peer right after the backend's own rows and
 * shows them in the same table; a peer that cannot run here is shown with the reason.
 *
 * <p>Life cycle: {@link #open()} once, with no persistent session of the backend running (a peer may
 * synchronize the whole device context); then {@link #measure} per peer; then {@link #close()}. Not
 * thread-safe.
 */
public interface LaunchPeers extends AutoCloseable {

    /** @return the backend these peers stand beside, as {@code dev.vyre.api.Vyre} names it, e.g. {@code cuda} */
    String backend();

    /** @return the peers, in table order, whether or not they can run here */
    List<Peer> peers();

    /**
     * Finds the device and prepares every peer. Never throws for a machine that cannot run them.
     *
     * @return null when the peers can run, else why not, one line (e.g. {@code no CUDA driver here
     *         (libcuda.so.1 could not be loaded)})
     */
    String open();

    /**
     * Runs {@code peer} for {@code warmup}, then for {@code duration}, one operation at a time, and checks
     * every operation's result and the device's counters at the end.
     *
     * @param latencyNanos receives the round trip of every measured operation, in nanoseconds
     * @return the operations measured, their time, and null or the first wrong result
     * @throws IllegalStateException when {@link #open()} did not succeed
     */
    Measurement measure(Peer peer, Duration warmup, Duration duration, LongConsumer latencyNanos);

    /** Releases the device resources; safe to call when {@link #open()} failed or was never called. */
    @Override
    void close();

    /**
     * @return a new instance of every implementation on the class path (or module path) whose
     *         {@link #backend()} is {@code backend}; empty when there is none
     */
    static List<LaunchPeers> forBackend(String backend) {
        return ServiceLoader.load(LaunchPeers.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.backend().equals(backend)).toList();
    }

    /**
     * One peer.
     *
     * @param name what it does per operation, e.g. {@code cuLaunchKernel+sync}
     * @param mode how it is driven, e.g. {@code launch per op}
     */
    record Peer(String name, String mode) {
    }

    /**
     * A peer's measurement.
     *
     * @param operations operations measured (the warm-up excluded)
     * @param nanos      their total time
     * @param failure    null when every operation's result and the final counters were right, else the first
     *                   difference
     */
    record Measurement(long operations, long nanos, String failure) {
    }
}
