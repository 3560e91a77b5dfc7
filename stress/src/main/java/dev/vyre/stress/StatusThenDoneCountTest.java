package dev.vyre.stress;

import static dev.vyre.stress.Rings.OBS;
import static dev.vyre.stress.Rings.STORE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.vyre.api.Session;
import dev.vyre.backend.reference.SteppedSession;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * DONE_COUNT against status visibility, status first. Slot 0 holds a published {@code STORE C[160] = 5}; the
 * interpreter runs one pass; the host reads the slot's status (r1), then DONE_COUNT (r2), then word 160 (r3).
 */
@JCStressTest
@Description("status then DONE_COUNT: a DONE status implies its DONE_COUNT and its effect; a count implies the effect")
@Outcome(id = "[12], 0, (0|5)", expect = ACCEPTABLE, desc = "not counted yet")
@Outcome(id = "[12], 1, 5", expect = ACCEPTABLE, desc = "counted after the status read")
@Outcome(id = "3, 1, 5", expect = ACCEPTABLE, desc = "DONE, counted, effect visible")
@Outcome(expect = FORBIDDEN, desc = "DONE before its DONE_COUNT, or a count before the slot's effect")
@State
public class StatusThenDoneCountTest {

    private final SteppedSession ring = Rings.open(1);
    private final Session session = ring.session();

    public StatusThenDoneCountTest() {
        session.publish(0, 0, STORE, 5, OBS, 0);
    }

    @Actor
    public void interpreter() {
        ring.interpreterPass();
    }

    @Actor
    public void host(III_Result r) {
        r.r1 = session.slotStatus(0);
        r.r2 = (int) session.doneCount();
        r.r3 = session.controlWord(OBS);
    }

    @Arbiter
    public void arbiter() {
        ring.close();
    }
}
