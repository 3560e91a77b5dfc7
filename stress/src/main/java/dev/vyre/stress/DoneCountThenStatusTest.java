package dev.vyre.stress;

import static dev.vyre.stress.Rings.OBS;
import static dev.vyre.stress.Rings.STORE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
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
 * DONE_COUNT against status visibility, count first (what a caller of {@code awaitDoneCount} does). Slot 0 holds a
 * published {@code STORE C[160] = 5}; the interpreter runs one pass; the host reads DONE_COUNT (r1), then word 160
 * (r2), then the slot's status (r3).
 */
@JCStressTest
@Description("DONE_COUNT then status: a count implies the effect and a claimed slot; DONE may follow the count")
@Outcome(id = "0, (0|5), [123]", expect = ACCEPTABLE, desc = "not counted yet")
@Outcome(id = "1, 5, 3", expect = ACCEPTABLE, desc = "counted and DONE")
@Outcome(id = "1, 5, 2", expect = ACCEPTABLE_INTERESTING,
        desc = "counted while the status still reads CLAIMED: DONE_COUNT is added before DONE is stored, so a slot"
                + " may be busy for a moment after awaitDoneCount returns")
@Outcome(expect = FORBIDDEN, desc = "a count without the slot's effect, or a count for a slot not yet claimed")
@State
public class DoneCountThenStatusTest {

    private final SteppedSession ring = Rings.open(1);
    private final Session session = ring.session();

    public DoneCountThenStatusTest() {
        session.publish(0, 0, STORE, 5, OBS, 0);
    }

    @Actor
    public void interpreter() {
        ring.interpreterPass();
    }

    @Actor
    public void host(III_Result r) {
        r.r1 = (int) session.doneCount();
        r.r2 = session.controlWord(OBS);
        r.r3 = session.slotStatus(0);
    }

    @Arbiter
    public void arbiter() {
        ring.close();
    }
}
