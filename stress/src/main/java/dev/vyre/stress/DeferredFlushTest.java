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
import org.openjdk.jcstress.infra.results.IIIII_Result;

/**
 * publishDeferred / flush on a recycled slot. Slot 0 already ran {@code STORE C[160] = 7} and is DONE. The host
 * publishes {@code STORE C[160] = 1} into it with {@code publishDeferred}, reads its status (r1) and word 160 (r2),
 * then flushes; the interpreter runs one pass meanwhile (r3 = 1 when it executed a slot). The arbiter runs one more
 * pass and reads word 160 (r4) and DONE_COUNT (r5).
 */
@JCStressTest
@Description("publishDeferred/flush: a deferred slot runs once with its new payload; its status reads exact")
@Outcome(id = "1, (1|7), [01], 1, 2", expect = ACCEPTABLE, desc = "host saw PUBLISHED")
@Outcome(id = "2, (1|7), 1, 1, 2", expect = ACCEPTABLE, desc = "host saw the interpreter's claim")
@Outcome(id = "3, 1, 1, 1, 2", expect = ACCEPTABLE, desc = "host saw DONE with the new effect")
@Outcome(expect = FORBIDDEN, desc = "the old payload ran, a stale DONE was read, or a slot ran twice or never")
@State
public class DeferredFlushTest {

    private final SteppedSession ring = Rings.open(1);
    private final Session session = ring.session();

    public DeferredFlushTest() {
        session.publish(0, 0, STORE, 7, OBS, 0);
        ring.interpreterPass();
    }

    @Actor
    public void interpreter(IIIII_Result r) {
        r.r3 = ring.interpreterPass() ? 1 : 0;
    }

    @Actor
    public void host(IIIII_Result r) {
        session.publishDeferred(0, 0, STORE, 1, OBS, 0);
        r.r1 = session.slotStatus(0);
        r.r2 = session.controlWord(OBS);
        session.flush();
    }

    @Arbiter
    public void arbiter(IIIII_Result r) {
        ring.interpreterPass();
        r.r4 = session.controlWord(OBS);
        r.r5 = (int) session.doneCount();
        ring.close();
    }
}
