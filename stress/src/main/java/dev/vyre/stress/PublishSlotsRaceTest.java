package dev.vyre.stress;

import static dev.vyre.stress.Rings.OBS;
import static dev.vyre.stress.Rings.STORE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.vyre.api.Session;
import dev.vyre.backend.reference.SteppedSession;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIIII_Result;

/**
 * publishSlots racing a claimer. Slot 0 is DONE ({@code STORE C[160] = 7} ran); slot 1 holds a published, not yet
 * run {@code STORE C[161] = 8}. The host publishes a run of two images, {@code STORE C[160] = 1} and
 * {@code STORE C[161] = 2}, with {@code publishSlots} (r1 = images published); the interpreter runs one pass
 * (r2 = 1 when it executed a slot). The arbiter runs one more pass and reads words 160 (r3), 161 (r4) and
 * DONE_COUNT (r5).
 */
@JCStressTest
@Description("publishSlots racing a claimer: it stops at a busy slot, never overwrites one, and every image runs whole")
@Outcome(id = "1, [01], 1, 8, 3", expect = ACCEPTABLE, desc = "slot 1 was still busy: one image published")
@Outcome(id = "2, 1, 1, 2, 4", expect = ACCEPTABLE, desc = "slot 1 ran first: both images published")
@Outcome(expect = FORBIDDEN, desc = "a busy slot overwritten, a stale payload run, or a slot run twice or never")
@State
public class PublishSlotsRaceTest {

    private static final ValueLayout.OfInt WORD = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final SteppedSession ring = Rings.open(2);
    private final Session session = ring.session();
    private final MemorySegment images = Arena.ofAuto().allocate(128, 64);

    public PublishSlotsRaceTest() {
        session.publish(0, 0, STORE, 7, OBS, 0);
        ring.interpreterPass();
        session.publish(1, 0, STORE, 8, OBS + 1, 0);
        image(0, 1, OBS);
        image(1, 2, OBS + 1);
    }

    private void image(int i, int value, int word) {
        long at = 64L * i;
        images.set(WORD, at, 1);          // PUBLISHED
        images.set(WORD, at + 4, STORE);
        images.set(WORD, at + 8, 0);      // tenant
        images.set(WORD, at + 12, 2);     // priority NORMAL
        images.set(WORD, at + 16, value);
        images.set(WORD, at + 20, word);
    }

    @Actor
    public void interpreter(IIIII_Result r) {
        r.r2 = ring.interpreterPass() ? 1 : 0;
    }

    @Actor
    public void host(IIIII_Result r) {
        r.r1 = session.publishSlots(0, images, 2);
    }

    @Arbiter
    public void arbiter(IIIII_Result r) {
        ring.interpreterPass();
        r.r3 = session.controlWord(OBS);
        r.r4 = session.controlWord(OBS + 1);
        r.r5 = (int) session.doneCount();
        ring.close();
    }
}
