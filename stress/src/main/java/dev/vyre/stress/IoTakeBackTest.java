package dev.vyre.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.vyre.api.Session;
import dev.vyre.backend.reference.SteppedSession;
import dev.vyre.protocol.IoRequest;
import dev.vyre.protocol.QueueFullException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIIII_Result;

/**
 * The IO queue: reserve, claim and complete against the interpreter's timeout take-back. Slot 0 holds a LOAD_MISS
 * (written raw: hosts cannot publish it). The interpreter runs one pass: it reserves an IO slot, publishes the READ
 * and waits {@value #WAIT_NANOS} ns for the host, then takes the request back and faults the slot. The host polls
 * the queue up to {@value #POLLS} times; when it claims the request (r1 = 1) it completes it OK (r2 = 1 accepted,
 * 0 refused as taken back; -1 when nothing was claimed). The arbiter reads the ring slot's status (r3), the IO
 * slot's status word (r4) and DONE_COUNT (r5).
 */
@JCStressTest
@Description("LOAD_MISS: a completion the host got accepted is never lost; a taken-back request never completes;"
        + " the IO slot always ends EMPTY")
@Outcome(id = "0, -1, 7, 0, 0", expect = ACCEPTABLE, desc = "timed out before the host claimed: FAULT")
@Outcome(id = "1, 1, 3, 0, 1", expect = ACCEPTABLE, desc = "claimed and completed in time: DONE")
@Outcome(id = "1, 0, 7, 0, 0", expect = ACCEPTABLE, desc = "claimed, then taken back at the timeout: FAULT,"
        + " and the host's completion was refused")
@Outcome(expect = FORBIDDEN, desc = "an accepted completion lost, a refused one that ran, or a leaked IO slot")
@State
public class IoTakeBackTest {

    static final long WAIT_NANOS = 20_000;
    static final int POLLS = 400;
    private static final int LOAD_MISS = 0xFFFD;
    private static final ValueLayout.OfInt WORD = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final SteppedSession ring = Rings.open(1, Duration.ofNanos(WAIT_NANOS));
    private final Session session = ring.session();

    public IoTakeBackTest() {
        int[] slot = new int[16];
        slot[0] = Rings.PUBLISHED;
        slot[1] = LOAD_MISS;
        slot[3] = 2;
        slot[4] = 77;
        session.writeRawSlot(0, slot);
    }

    @Actor
    public void interpreter() {
        ring.interpreterPass();
    }

    @Actor
    public void host(IIIII_Result r) {
        r.r2 = -1;
        for (int i = 0; i < POLLS; i++) {
            List<IoRequest> claimed = session.claimIoRequests();
            if (!claimed.isEmpty()) {
                r.r1 = claimed.size();
                try {
                    session.completeIoRequest(claimed.get(0).slotIdx(), true);
                    r.r2 = 1;
                } catch (QueueFullException e) {
                    r.r2 = 0;
                }
                return;
            }
            Thread.onSpinWait();
        }
    }

    @Arbiter
    public void arbiter(IIIII_Result r) {
        r.r3 = session.slotStatus(0);
        MemorySegment io = MemorySegment.ofArray(session.ioQueueSnapshot());
        int busy = 0;
        for (int q = 0; q < io.byteSize() / 32; q++) {
            busy |= io.get(WORD, 32L * q + 24);
        }
        r.r4 = busy;
        r.r5 = (int) session.doneCount();
        ring.close();
    }
}
