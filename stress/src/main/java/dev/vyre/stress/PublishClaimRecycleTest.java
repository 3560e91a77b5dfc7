package dev.vyre.stress;

import static dev.vyre.stress.Rings.OBS;
import static dev.vyre.stress.Rings.STORE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.vyre.api.Session;
import dev.vyre.backend.reference.SteppedSession;
import dev.vyre.protocol.SlotBusyException;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIIII_Result;

/**
 * publish, claim, DONE, recycle. Slot 0 holds a published {@code STORE C[160] = 42}. The interpreter runs one pass;
 * the host reads the slot's status (r1) and then word 160 (r2), and publishes {@code STORE C[160] = 43} into the
 * same slot (r3 = 1 accepted, 0 refused as busy). The arbiter runs one more pass and reads DONE_COUNT (r4) and word
 * 160 (r5).
 */
@JCStressTest
@Description("publish -> claim -> DONE -> recycle: DONE carries the slot's effect, a DONE slot is recyclable")
@Outcome(id = "3, 42, 1, 2, 43", expect = ACCEPTABLE, desc = "host saw DONE with its effect and recycled the slot")
@Outcome(id = "[12], (0|42), 0, 1, 42", expect = ACCEPTABLE, desc = "host saw the slot in flight; recycle refused")
@Outcome(id = "[12], (0|42), 1, 2, 43", expect = ACCEPTABLE, desc = "slot went DONE between the read and the recycle")
@Outcome(expect = FORBIDDEN, desc = "DONE without its effect, a DONE slot refused, or an execution lost or repeated")
@State
public class PublishClaimRecycleTest {

    private final SteppedSession ring = Rings.open(1);
    private final Session session = ring.session();

    public PublishClaimRecycleTest() {
        session.publish(0, 0, STORE, 42, OBS, 0);
    }

    @Actor
    public void interpreter() {
        ring.interpreterPass();
    }

    @Actor
    public void host(IIIII_Result r) {
        r.r1 = session.slotStatus(0);
        r.r2 = session.controlWord(OBS);
        try {
            session.publish(0, 0, STORE, 43, OBS, 0);
            r.r3 = 1;
        } catch (SlotBusyException e) {
            r.r3 = 0;
        }
    }

    @Arbiter
    public void arbiter(IIIII_Result r) {
        ring.interpreterPass();
        r.r4 = (int) session.doneCount();
        r.r5 = session.controlWord(OBS);
        ring.close();
    }
}
