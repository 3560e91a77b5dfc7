package dev.vyre.spi;

import java.util.Objects;
import org.apiguardian.api.API;

/**
 * What a driver knows of its interpreter's health, for the runtime's watchdog.
 *
 * @param state            running, stalled or stopped
 * @param heartbeat        the interpreter's progress counter (a heartbeat or a loop count); -1 when it has none
 * @param sinceProgressNanos how long the heartbeat has not moved, in ns; 0 when unknown
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2")
public record Liveness(State state, long heartbeat, long sinceProgressNanos) {

    /** The interpreter's state. */
    @API(status = API.Status.EXPERIMENTAL, since = "0.2")
    public enum State {
        /** Running and making progress (or idle with a live heartbeat). */
        RUNNING,
        /** Still running, but its heartbeat has not moved within the driver's watchdog window. */
        STALLED,
        /** No longer running: it stopped after SHUTDOWN, or it failed. */
        STOPPED
    }

    private static final Liveness RUNNING = new Liveness(State.RUNNING, -1, 0);
    private static final Liveness STOPPED = new Liveness(State.STOPPED, -1, 0);

    public Liveness {
        Objects.requireNonNull(state, "state");
    }

    /** @return a running interpreter without a heartbeat */
    public static Liveness running() {
        return RUNNING;
    }

    /** @return a stopped interpreter */
    public static Liveness stopped() {
        return STOPPED;
    }
}
