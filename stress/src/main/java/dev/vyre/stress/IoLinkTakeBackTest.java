package dev.vyre.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.vyre.protocol.IoLink;
import dev.vyre.protocol.IoQueueLayout;
import dev.vyre.protocol.IoRequest;
import dev.vyre.protocol.QueueFullException;
import dev.vyre.protocol.Words;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * The IO handshake without shared atomics ({@link IoLink}, the host side GPU sessions use): claim and complete
 * against the executor's take-back. The executor actor runs one LOAD_MISS exactly as the CUDA, Vulkan and OpenCL
 * kernels do (publish with sequence 1, poll COMPLETION for {@value #WAIT_NANOS} ns, accept or take back, EMPTY).
 * The host polls up to {@value #POLLS} times; when it claims the request (r1 = 1) it completes it OK (r2 = 1
 * accepted, 0 reported taken back; -1 when nothing was claimed). The arbiter reads the executor's result (r3:
 * DONE 3, FAULT 7) and the IO slot's status word (r4).
 */
@JCStressTest
@Description("IO link: a completion the host was told is accepted is never lost; a completion reported taken back"
        + " never ran; the IO slot always ends EMPTY; no word is written by both sides")
@Outcome(id = "0, -1, 7, 0", expect = ACCEPTABLE, desc = "timed out before the host claimed: FAULT")
@Outcome(id = "1, 1, 3, 0", expect = ACCEPTABLE, desc = "claimed and completed in time: DONE")
@Outcome(id = "1, 0, 7, 0", expect = ACCEPTABLE, desc = "claimed, then taken back at the bound: FAULT, and the"
        + " host was told so")
@Outcome(expect = FORBIDDEN, desc = "an accepted completion lost, a refused one that ran, or a leaked IO slot")
@State
public class IoLinkTakeBackTest {

    static final long WAIT_NANOS = 20_000;
    static final int POLLS = 400;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment queue = arena.allocate((long) IoQueueLayout.IO_SLOT_BYTES, 64);
    private final MemorySegment link = arena.allocate(IoLink.BYTES, 64);
    private final IoLink ioLink = new IoLink(queue, link, 5_000_000_000L);
    private final List<IoRequest> claimed = new ArrayList<>(1);
    private int result;

    /** The executor side of one LOAD_MISS in IO slot 0 (reserved: the only lane), as the kernels run it. */
    @Actor
    public void executor() {
        int sequence = IoLink.nextSequence(0);
        Words.setRelease(queue, IoQueueLayout.STATUS_WORD, 4 /* WAIT_IO */);
        VarHandle.storeStoreFence();
        Words.set(queue, IoQueueLayout.OP_TYPE_WORD, IoQueueLayout.OP_READ);
        Words.set(queue, IoQueueLayout.SRC_HANDLE_WORD, 77);
        Words.set(queue, IoQueueLayout.DST_HANDLE_WORD, 77);
        Words.set(queue, IoQueueLayout.TAG_WORD, 77);
        Words.set(link, IoLink.SEQUENCE_BASE, sequence);
        Words.setRelease(queue, IoQueueLayout.STATUS_WORD, Rings.PUBLISHED);
        long deadline = System.nanoTime() + WAIT_NANOS;
        int outcome;
        while (true) {
            int word = Words.getAcquire(link, IoLink.COMPLETION_BASE);
            if (word >>> 1 == sequence) {
                Words.set(link, IoLink.ACCEPTED_BASE, sequence);
                outcome = (word & 1) != 0 ? Rings.DONE : Rings.FAULT;
                break;
            }
            if (System.nanoTime() > deadline) {
                outcome = Rings.FAULT;
                break;
            }
            Thread.onSpinWait();
        }
        Words.setRelease(queue, IoQueueLayout.STATUS_WORD, 0 /* EMPTY */);
        result = outcome;
    }

    @Actor
    public void host(IIII_Result r) {
        r.r2 = -1;
        for (int i = 0; i < POLLS; i++) {
            if (ioLink.claimInto(claimed) != 0) {
                r.r1 = claimed.size();
                try {
                    ioLink.complete(claimed.get(0).slotIdx(), true);
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
    public void arbiter(IIII_Result r) {
        r.r3 = result;
        r.r4 = Words.getAcquire(queue, IoQueueLayout.STATUS_WORD);
        arena.close();
    }
}
