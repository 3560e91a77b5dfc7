package dev.vyre.conformance;

import dev.vyre.api.Session;
import dev.vyre.protocol.SlotStatus;
import java.time.Duration;

/** Helpers for persistent cases. */
final class Sessions {

    /** Bound on every wait of a persistent case (a correct backend needs a tiny fraction of it). */
    static final Duration WAIT = Duration.ofSeconds(20);

    private Sessions() {
    }

    /** Waits for {@code slot} to reach {@code status}, failing the case otherwise. */
    static void await(Session session, int slot, int status) {
        if (session.slotStatus(slot) != status && !session.awaitSlotStatus(slot, status, WAIT)) {
            throw new ConformanceFailure("slot " + slot + " did not reach " + SlotStatus.name(status) + " within "
                    + WAIT.toSeconds() + " s; it is " + SlotStatus.name(session.slotStatus(slot)));
        }
    }

    /** Waits for the interpreter to stop after SHUTDOWN, failing the case otherwise. */
    static void awaitStopped(Session session, String how) {
        if (!session.awaitTermination(WAIT)) {
            throw new ConformanceFailure("the interpreter did not stop within " + WAIT.toSeconds()
                    + " s after SHUTDOWN " + how);
        }
    }

    /** Requests SHUTDOWN, waits for the interpreter to stop, and returns its buffers. */
    static Buffers stop(Session session) {
        session.requestShutdown();
        awaitStopped(session, "by requestShutdown()");
        return Buffers.of(session);
    }
}
