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
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * Shutdown against a claim. Slots 0 and 1 hold published stores; the host requests shutdown while the interpreter
 * runs one pass (slot 0, then slot 1). The arbiter reads both statuses (r1, r2), DONE_COUNT (r3) and words
 * 160 and 161 (r4 = their sum).
 */
@JCStressTest
@Description("SHUTDOWN against a claim: a claimed slot always finishes, none is claimed after SHUTDOWN is seen")
@Outcome(id = "3, 3, 2, 3", expect = ACCEPTABLE, desc = "shutdown seen after both slots")
@Outcome(id = "3, 1, 1, 1", expect = ACCEPTABLE, desc = "shutdown seen between the slots")
@Outcome(id = "1, 1, 0, 0", expect = ACCEPTABLE, desc = "shutdown seen before the first claim")
@Outcome(expect = FORBIDDEN, desc = "a slot left CLAIMED, a slot claimed after SHUTDOWN was seen, or a lost count")
@State
public class ShutdownVsClaimTest {

    private final SteppedSession ring = Rings.open(2);
    private final Session session = ring.session();

    public ShutdownVsClaimTest() {
        session.publish(0, 0, STORE, 1, OBS, 0);
        session.publish(1, 0, STORE, 2, OBS + 1, 0);
    }

    @Actor
    public void interpreter() {
        ring.interpreterPass();
    }

    @Actor
    public void host() {
        session.requestShutdown();
    }

    @Arbiter
    public void arbiter(IIII_Result r) {
        r.r1 = session.slotStatus(0);
        r.r2 = session.slotStatus(1);
        r.r3 = (int) session.doneCount();
        r.r4 = session.controlWord(OBS) + session.controlWord(OBS + 1);
        ring.close();
    }
}
