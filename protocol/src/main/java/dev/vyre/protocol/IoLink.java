package dev.vyre.protocol;

import static dev.vyre.protocol.IoQueueLayout.IO_SLOT_COUNT;
import static dev.vyre.protocol.IoQueueLayout.IO_SLOT_WORDS;
import static dev.vyre.protocol.IoQueueLayout.STATUS_ERROR;
import static dev.vyre.protocol.IoQueueLayout.STATUS_OK;
import static dev.vyre.protocol.IoQueueLayout.STATUS_WORD;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Host side of the <em>split-ownership</em> IO handshake, for a device that shares no atomic
 * read-modify-write with the host (a GPU reaching host memory across PCIe without host-native atomics,
 * or the host reaching VRAM through a BAR mapping). No word is read-modify-written by both sides:
 *
 * <ul>
 *   <li>The device alone writes the IO queue (the request words and the status word: EMPTY → WAIT_IO →
 *       PUBLISHED → EMPTY) and the link's {@link #SEQUENCE_BASE sequence} and {@link #ACCEPTED_BASE
 *       accepted} words. Device lanes reserve IO slots among themselves in device memory.</li>
 *   <li>The host alone writes the link's {@link #COMPLETION_BASE completion} words, with plain release
 *       stores. Claims are host-only state (host threads serialise on this object's monitor).</li>
 *   <li>The device decides each request's fate alone: it accepts a completion whose sequence matches the
 *       request it waits for, or takes the request back when its wait bound elapses. A completion that
 *       lands after the take-back carries a stale sequence and is ignored; the host learns the decision
 *       from the accepted word and reports a take-back as {@link IoQueue}'s completion does.</li>
 * </ul>
 *
 * <p>Link layout, u32 words (each array on its own 256-byte run): {@code SEQUENCE_BASE + q} (device) the
 * sequence of the request last published in IO slot {@code q}, 1..2^31-1, never 0 once published;
 * {@code ACCEPTED_BASE + q} (device) the sequence of the last request whose completion the device accepted;
 * {@code COMPLETION_BASE + q} (host) {@code sequence << 1 | ok} of the host's last completion. All start 0.
 *
 * <p>What the host sees ({@link #overlay}) is what the shared-memory CAS handshake of {@link IoQueue} shows:
 * a PUBLISHED request the host claimed reads CLAIMED, a completed one OK or ERROR, until the device returns
 * the slot to EMPTY. The state table and every race are in docs/PROTOCOL.md ("IO queue without shared
 * atomics").
 */
public final class IoLink {

    /** Device-written: sequence of the request last published in IO slot q. */
    public static final int SEQUENCE_BASE = 0;
    /** Device-written: sequence of the last request whose completion the device accepted. */
    public static final int ACCEPTED_BASE = 64;
    /** Host-written: {@code sequence << 1 | ok} of the host's last completion. */
    public static final int COMPLETION_BASE = 128;
    /** Words of the link block. */
    public static final int WORDS = 192;
    /** Bytes of the link block. */
    public static final long BYTES = WORDS * (long) Integer.BYTES;
    /** Sequences are 31 bits, so {@code sequence << 1 | ok} fits one word. */
    public static final int SEQUENCE_MASK = 0x7FFF_FFFF;

    private static final long MIN_PARK_NANOS = 1_000L;
    private static final long MAX_PARK_NANOS = 100_000L;

    private final MemorySegment queue;
    private final MemorySegment link;
    private final int slots;
    private final long verdictWaitNanos;
    /** Sequence the host claimed per IO slot (0: none); guarded by this. */
    private final int[] claimed = new int[IO_SLOT_COUNT];
    /** Completion word the host wrote per IO slot (0: none); guarded by this. */
    private final int[] completed = new int[IO_SLOT_COUNT];

    /**
     * @param queue            the IO queue the device writes (whole 32-byte slots, at most 64)
     * @param link             the link block, at least {@link #BYTES} bytes, zero before the device starts
     * @param verdictWaitNanos how long a completion waits for the device's decision before it gives up with
     *                         a {@link BackendException}: at least the device's IO wait bound (the device
     *                         decides every request within it), plus slack for scheduling
     */
    public IoLink(MemorySegment queue, MemorySegment link, long verdictWaitNanos) {
        this.slots = IoQueue.validateIoQueueBytes(queue);
        if (link.byteSize() < BYTES) {
            throw new IllegalArgumentException("the IO link block has " + link.byteSize() + " bytes, it needs " + BYTES
                    + ". Fix: allocate IoLink.BYTES bytes for it");
        }
        this.queue = queue;
        this.link = link;
        this.verdictWaitNanos = verdictWaitNanos;
    }

    /** @return the sequence after {@code sequence}: 31 bits, skipping 0 */
    public static int nextSequence(int sequence) {
        int next = (sequence + 1) & SEQUENCE_MASK;
        return next == 0 ? 1 : next;
    }

    /** @return the completion word for {@code sequence}: {@code sequence << 1 | ok} */
    public static int completionWord(int sequence, boolean ok) {
        return sequence << 1 | (ok ? 1 : 0);
    }

    private int status(int q) {
        return Words.getAcquire(queue, (long) q * IO_SLOT_WORDS + STATUS_WORD);
    }

    private int sequence(int q) {
        return Words.getAcquire(link, SEQUENCE_BASE + q);
    }

    // ---------------------------------------------------------------- claim

    /**
     * Claims every PUBLISHED request not claimed yet and lists it, in ascending slot order (clears
     * {@code out} first). The request words are read between two reads of the status and the sequence, so
     * a request the device took back and replaced meanwhile is never listed with another request's words.
     *
     * @return the number of requests claimed
     */
    public synchronized int claimInto(List<IoRequest> out) {
        out.clear();
        for (int q = 0; q < slots; q++) {
            if (status(q) != SlotStatus.PUBLISHED) {
                continue;
            }
            int s = sequence(q);
            if (s == 0 || claimed[q] == s) {
                continue;
            }
            IoRequest request = IoQueue.readRequest(queue, q);
            VarHandle.acquireFence(); // the request words are read before the second look
            if (status(q) != SlotStatus.PUBLISHED || sequence(q) != s) {
                continue; // taken back (and perhaps replaced) while it was read
            }
            claimed[q] = s;
            out.add(request);
        }
        return out.size();
    }

    // ---------------------------------------------------------------- complete

    /** A batch of one: see {@link #complete(List)}. */
    public void complete(int slot, boolean ok) {
        complete(List.of(new IoOutcome(slot, ok)));
    }

    /**
     * Completes claimed requests, with {@link IoQueue#tryCompleteIoRequestsBatch}'s contract: every entry is
     * validated first (slot inside the queue, request CLAIMED by this host and not completed yet; vyre's
     * texts) and nothing is written on a failure; a slot listed twice ends with the later entry's outcome.
     * Then each completion word is written (release) and the call waits for the device's decision on each:
     * accepted, or taken back because its IO wait bound elapsed first. Entries the device accepted stay
     * completed; a {@link QueueFullException} naming the first taken-back slot is thrown at the end.
     *
     * @throws QueueFullException on an out-of-range slot, a slot not CLAIMED, or a request taken back
     * @throws BackendException   when the device decides nothing within the verdict wait (it stopped)
     */
    public synchronized void complete(List<IoOutcome> outcomes) {
        int n = outcomes.size();
        for (int i = 0; i < n; i++) {
            int slot = outcomes.get(i).slot();
            if (Integer.compareUnsigned(slot, slots) >= 0) {
                throw QueueFullException.submission(IoQueue.FIX_COMPLETE_BOUNDS);
            }
            if (effectiveStatus(slot) != SlotStatus.CLAIMED) {
                throw QueueFullException.submission(IoQueue.FIX_COMPLETE_NOT_CLAIMED);
            }
        }
        int[] written = new int[n];
        int count = 0;
        for (int i = 0; i < n; i++) {
            IoOutcome o = outcomes.get(i);
            if (laterEntryFor(outcomes, i)) {
                continue; // vyre lets a later entry for the same slot decide
            }
            int word = completionWord(claimed[o.slot()], o.ok());
            completed[o.slot()] = word;
            Words.setRelease(link, COMPLETION_BASE + o.slot(), word);
            written[count++] = o.slot();
        }
        // drains the store buffer, write-combining buffers included (a BAR mapping of VRAM is write-combined),
        // so the device sees the completions now rather than whenever the buffers happen to drain
        VarHandle.fullFence();
        int lostSlot = -1;
        for (int i = 0; i < count; i++) {
            int q = written[i];
            if (!awaitVerdict(q, completed[q] >>> 1) && lostSlot < 0) {
                lostSlot = q;
            }
        }
        if (lostSlot >= 0) {
            throw IoQueue.takenBack(lostSlot, SlotStatus.EMPTY, n);
        }
    }

    private static boolean laterEntryFor(List<IoOutcome> outcomes, int i) {
        int slot = outcomes.get(i).slot();
        for (int j = i + 1; j < outcomes.size(); j++) {
            if (outcomes.get(j).slot() == slot) {
                return true;
            }
        }
        return false;
    }

    /**
     * Waits until the device has decided request {@code sequence} of IO slot {@code q}. The device stores
     * ACCEPTED before it releases the slot's status EMPTY, and publishes a newer request only after that;
     * no newer completion of {@code q} can be accepted meanwhile, because the host writes completions only
     * while it holds this monitor. So once the request is over (status not PUBLISHED, or a newer sequence),
     * the accepted word says which way it went.
     *
     * @return true when the device accepted the completion, false when it took the request back
     */
    private boolean awaitVerdict(int q, int sequence) {
        long start = System.nanoTime();
        long park = 0;
        while (true) {
            if (Words.getAcquire(link, ACCEPTED_BASE + q) == sequence) {
                return true;
            }
            if (status(q) != SlotStatus.PUBLISHED || sequence(q) != sequence) {
                return Words.getAcquire(link, ACCEPTED_BASE + q) == sequence;
            }
            if (System.nanoTime() - start > verdictWaitNanos) {
                throw new BackendException("the device did not decide the completion of IO slot " + q + " within "
                        + verdictWaitNanos / 1_000_000 + " ms (longer than its IO wait bound): the interpreter has"
                        + " stopped or is stalled", "check the session's liveness and close it");
            }
            if (park == 0) {
                Thread.onSpinWait();
                if (System.nanoTime() - start > 20_000L) {
                    park = MIN_PARK_NANOS;
                }
            } else {
                LockSupport.parkNanos(park);
                park = Math.min(park << 1, MAX_PARK_NANOS);
            }
        }
    }

    // ---------------------------------------------------------------- what the host sees

    /**
     * @return the status of IO slot {@code q} as the shared-memory handshake would hold it: the device's
     *         status word, except that a PUBLISHED request reads OK or ERROR once this host completed it and
     *         CLAIMED once it claimed it
     */
    public synchronized int effectiveStatus(int q) {
        int raw = status(q);
        if (raw != SlotStatus.PUBLISHED) {
            return raw;
        }
        int s = sequence(q);
        if (s != 0 && completed[q] >>> 1 == s) {
            return (completed[q] & 1) != 0 ? STATUS_OK : STATUS_ERROR;
        }
        return s != 0 && claimed[q] == s ? SlotStatus.CLAIMED : raw;
    }

    /**
     * Rewrites the status words of {@code copy}, a snapshot of the IO queue taken just before, with what
     * this host has claimed and completed ({@link #effectiveStatus}), so a snapshot reads as it does on a
     * backend whose host and device share the status word.
     */
    public synchronized void overlay(MemorySegment copy) {
        for (int q = 0; q < slots; q++) {
            long at = (long) q * IO_SLOT_WORDS + STATUS_WORD;
            if (Words.get(copy, at) == SlotStatus.PUBLISHED) {
                int s = sequence(q);
                if (s != 0 && completed[q] >>> 1 == s) {
                    Words.set(copy, at, (completed[q] & 1) != 0 ? STATUS_OK : STATUS_ERROR);
                } else if (s != 0 && claimed[q] == s) {
                    Words.set(copy, at, SlotStatus.CLAIMED);
                }
            }
        }
    }
}
