package dev.vyre.stress;

import dev.vyre.api.SessionOptions;
import dev.vyre.backend.reference.SteppedSession;
import java.time.Duration;

/** Sessions for the tests: one stepped reference worker, a few slots, tenant 0 authorised. */
final class Rings {

    /** STORE_U32: {@code C[a1] = a0}. */
    static final int STORE = 1;
    /** First observable word. */
    static final int OBS = 160;
    static final int PUBLISHED = 1;
    static final int CLAIMED = 2;
    static final int DONE = 3;
    static final int FAULT = 7;

    private Rings() {
    }

    static SteppedSession open(int slots) {
        return open(slots, Duration.ofSeconds(5));
    }

    static SteppedSession open(int slots, Duration ioWait) {
        return SteppedSession.open(SessionOptions.builder().slotCount(slots).workers(1).observableSlots(16)
                .ioWaitTimeout(ioWait).build());
    }
}
