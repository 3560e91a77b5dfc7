package dev.vyre.protocol;

import static dev.vyre.protocol.IoQueueLayout.BYTE_COUNT_WORD;
import static dev.vyre.protocol.IoQueueLayout.DST_HANDLE_WORD;
import static dev.vyre.protocol.IoQueueLayout.IO_SLOT_BYTES;
import static dev.vyre.protocol.IoQueueLayout.IO_SLOT_COUNT;
import static dev.vyre.protocol.IoQueueLayout.IO_SLOT_WORDS;
import static dev.vyre.protocol.IoQueueLayout.OFFSET_HI_WORD;
import static dev.vyre.protocol.IoQueueLayout.OFFSET_LO_WORD;
import static dev.vyre.protocol.IoQueueLayout.OP_READ;
import static dev.vyre.protocol.IoQueueLayout.OP_TYPE_WORD;
import static dev.vyre.protocol.IoQueueLayout.SRC_HANDLE_WORD;
import static dev.vyre.protocol.IoQueueLayout.STATUS_WORD;
import static dev.vyre.protocol.IoQueueLayout.TAG_WORD;

import java.lang.foreign.MemorySegment;
import java.util.Optional;

/**
 * Host-to-GPU IO queue: the host publishes completion notices
 * ({@link #publishSlot}) or DMA-read requests ({@link #submitDmaRead}) into EMPTY slots and the
 * GPU recycles them. Backed by a heap array ({@link #MegakernelIoQueue(int)}) or by a
 * caller-owned segment ({@link #wrap(MemorySegment)}), e.g. pinned GPU-visible memory.
 *
 * <p>Publishing reserves the slot with a compare-and-set EMPTY → WAIT_IO (the interpreter's own
 * reservation, so a LOAD_MISS lane can never take the same slot), writes the payload, then
 * release-stores PUBLISHED. The final bytes are exactly vyre's. Safe for concurrent publishers
 * on distinct or equal slots.
 */
public final class MegakernelIoQueue {

    static final String FIX_NEW_ZERO = "MegakernelIoQueue requires at least one slot";
    static final String FIX_NEW_TOO_MANY = "MegakernelIoQueue exceeds the compiled IO poll window of 64 slots; "
            + "enlarge IO_SLOT_COUNT and rebuild the megakernel before publishing more than 64 completions";
    static final String FIX_PUBLISH_BOUNDS = "io_queue slot exceeds MegakernelIoQueue.slotCount(); "
            + "enlarge the queue or publish into a valid slot id";
    static final String FIX_PUBLISH_BUSY = "io_queue slot still in flight; wait for the GPU to recycle it before "
            + "publishing again";
    static final String FIX_SUBMIT_BOUNDS = "io_queue slot exceeds MegakernelIoQueue.slotCount(); "
            + "enlarge the queue or submit into a valid slot id";
    static final String FIX_SUBMIT_BUSY = "io_queue slot still in flight; wait for completion before submitting "
            + "a new request";

    private final MemorySegment words;
    private final int slotCount;

    /**
     * Allocates an all-EMPTY heap-backed queue.
     *
     * @param slotCount 1..64 (u32)
     * @throws QueueFullException for 0 or more than 64 slots
     */
    public MegakernelIoQueue(int slotCount) {
        this(MemorySegment.ofArray(new byte[checkSlotCount(slotCount) * IO_SLOT_BYTES]), slotCount);
    }

    private MegakernelIoQueue(MemorySegment words, int slotCount) {
        this.words = words;
        this.slotCount = slotCount;
    }

    /**
     * Uses a caller-owned queue segment as is (its bytes are not cleared).
     *
     * @throws PipelineException when the segment is not a valid IO queue view with 1..64 slots
     */
    public static MegakernelIoQueue wrap(MemorySegment queue) {
        int slots = IoQueue.validateIoQueueBytes(queue);
        return new MegakernelIoQueue(queue, checkSlotCount(slots));
    }

    private static int checkSlotCount(int slotCount) {
        if (slotCount == 0) {
            throw QueueFullException.submission(FIX_NEW_ZERO);
        }
        if (Integer.compareUnsigned(slotCount, IO_SLOT_COUNT) > 0) {
            throw QueueFullException.submission(FIX_NEW_TOO_MANY);
        }
        return slotCount;
    }

    /** @return the queue capacity in slots */
    public int slotCount() {
        return slotCount;
    }

    /** @return the live queue memory (for upload, readback or a backend binding) */
    public MemorySegment segment() {
        return words;
    }

    /** @return a copy of the queue bytes */
    public byte[] toByteArray() {
        return words.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
    }

    /**
     * Publishes a completion notice: words {@code [READ, 0, mappedSlot, 0, 0, byteCount, —, tag]},
     * then status PUBLISHED.
     *
     * @throws QueueFullException when {@code queueSlot} is out of range or the slot is not EMPTY
     */
    public void publishSlot(int queueSlot, int mappedSlot, int byteCount, int tag) {
        write(queueSlot, 0, mappedSlot, byteCount, tag, FIX_PUBLISH_BOUNDS, FIX_PUBLISH_BUSY);
    }

    /**
     * Submits a DMA-read request: words {@code [READ, src, dst, 0, 0, byteCount, —, tag]}, then
     * status PUBLISHED.
     *
     * @throws QueueFullException when {@code queueSlot} is out of range or the slot is not EMPTY
     */
    public void submitDmaRead(int queueSlot, int srcHandle, int dstHandle, int byteCount, int tag) {
        write(queueSlot, srcHandle, dstHandle, byteCount, tag, FIX_SUBMIT_BOUNDS, FIX_SUBMIT_BUSY);
    }

    private void write(int q, int src, int dst, int byteCount, int tag, String boundsFix, String busyFix) {
        if (Integer.compareUnsigned(q, slotCount) >= 0) {
            throw QueueFullException.submission(boundsFix);
        }
        long base = (long) q * IO_SLOT_WORDS;
        if (!Words.compareAndSet(words, base + STATUS_WORD, SlotStatus.EMPTY, SlotStatus.WAIT_IO)) {
            throw QueueFullException.submission(busyFix);
        }
        Words.set(words, base + OP_TYPE_WORD, OP_READ);
        Words.set(words, base + SRC_HANDLE_WORD, src);
        Words.set(words, base + DST_HANDLE_WORD, dst);
        Words.set(words, base + OFFSET_LO_WORD, 0);
        Words.set(words, base + OFFSET_HI_WORD, 0);
        Words.set(words, base + BYTE_COUNT_WORD, byteCount);
        Words.set(words, base + TAG_WORD, tag);
        Words.setRelease(words, base + STATUS_WORD, SlotStatus.PUBLISHED);
    }

    /**
     * @return the slot read back as a completion notice for any non-EMPTY status; empty for an
     *         EMPTY slot or an out-of-range index
     */
    public Optional<IoCompletion> completion(int queueSlot) {
        if (Integer.compareUnsigned(queueSlot, slotCount) >= 0) {
            return Optional.empty();
        }
        long base = (long) queueSlot * IO_SLOT_WORDS;
        if (Words.getAcquire(words, base + STATUS_WORD) == SlotStatus.EMPTY) {
            return Optional.empty();
        }
        return Optional.of(new IoCompletion(queueSlot, Words.get(words, base + DST_HANDLE_WORD),
                Words.get(words, base + BYTE_COUNT_WORD), Words.get(words, base + TAG_WORD)));
    }

    /** @return true only when the slot exists and its status is EMPTY */
    public boolean isRecycled(int queueSlot) {
        if (Integer.compareUnsigned(queueSlot, slotCount) >= 0) {
            return false;
        }
        return Words.getAcquire(words, (long) queueSlot * IO_SLOT_WORDS + STATUS_WORD) == SlotStatus.EMPTY;
    }
}
