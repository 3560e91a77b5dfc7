package dev.vyre.protocol;

import static dev.vyre.protocol.IoQueueLayout.BYTE_COUNT_WORD;
import static dev.vyre.protocol.IoQueueLayout.DST_HANDLE_WORD;
import static dev.vyre.protocol.IoQueueLayout.IO_SLOT_BYTES;
import static dev.vyre.protocol.IoQueueLayout.IO_SLOT_COUNT;
import static dev.vyre.protocol.IoQueueLayout.IO_SLOT_WORDS;
import static dev.vyre.protocol.IoQueueLayout.OFFSET_HI_WORD;
import static dev.vyre.protocol.IoQueueLayout.OFFSET_LO_WORD;
import static dev.vyre.protocol.IoQueueLayout.OP_TYPE_WORD;
import static dev.vyre.protocol.IoQueueLayout.SRC_HANDLE_WORD;
import static dev.vyre.protocol.IoQueueLayout.STATUS_ERROR;
import static dev.vyre.protocol.IoQueueLayout.STATUS_OK;
import static dev.vyre.protocol.IoQueueLayout.STATUS_WORD;
import static dev.vyre.protocol.IoQueueLayout.TAG_WORD;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Host side of the IO queue (vyre {@code io/encode.rs}, {@code io/poll.rs}, {@code io/complete.rs}):
 * encoders, the byte-view validator, and the GPU-to-host request path
 * (poll → claim → complete).
 *
 * <p>State machine of one IO slot (status word 6): EMPTY → PUBLISHED (a LOAD_MISS lane, or
 * {@link MegakernelIoQueue}) → CLAIMED ({@link #claimIoRequestsInto}) → OK / ERROR
 * ({@link #completeIoRequestsBatch}) → EMPTY (the interpreter). Claim and complete use
 * compare-and-set on the status word, so they are safe against an interpreter running on the
 * same memory (a native segment); on a heap segment the CAS is emulated.
 *
 * <p>As in vyre, the plain forms are as strict as the {@code try} forms: every method here
 * throws a {@link PipelineException} on a malformed queue.
 */
public final class IoQueue {

    static final String FIX_ENCODE_ZERO = "io_queue requires at least one slot";
    static final String FIX_ENCODE_TOO_MANY = "io_queue exceeds the compiled IO poll window of 64 slots; "
            + "enlarge IO_SLOT_COUNT and rebuild the megakernel before encoding a larger queue";
    static final String FIX_VIEW_TOO_MANY = "io_queue byte view exceeds the compiled IO poll window of 64 slots; "
            + "split the queue or rebuild the megakernel with a larger IO_SLOT_COUNT";
    static final String FIX_COMPLETE_BOUNDS = "io_queue completion slot exceeds queue length; complete a valid slot id";
    static final String FIX_COMPLETE_NOT_CLAIMED = "io_queue completion requires a CLAIMED request; poll with "
            + "Megakernel.claimIoRequestsInto before completing so the same DMA is not completed without ownership";

    private IoQueue() {
    }

    // ---------------------------------------------------------------- encoders

    /** Same as {@link #tryEncodeEmptyIoQueue(int)}. */
    public static byte[] encodeEmptyIoQueue(int slotCount) {
        return tryEncodeEmptyIoQueue(slotCount);
    }

    /**
     * @param slotCount IO slots, 1..64 (u32)
     * @return {@code slotCount × 32} zero bytes
     * @throws QueueFullException when {@code slotCount} is 0 or above 64
     */
    public static byte[] tryEncodeEmptyIoQueue(int slotCount) {
        checkEncodeSlotCount(slotCount);
        return new byte[slotCount * IO_SLOT_BYTES];
    }

    /**
     * Zero-fills bytes {@code [0, slotCount × 32)} of a caller-owned segment (for example a
     * pinned, GPU-visible one); later bytes are left alone. Validates first; on an error
     * {@code dst} is untouched.
     *
     * @return the number of bytes written
     * @throws QueueFullException       when {@code slotCount} is 0 or above 64
     * @throws IllegalArgumentException when {@code dst} is shorter than the encoding
     */
    public static long tryEncodeEmptyIoQueueInto(int slotCount, MemorySegment dst) {
        checkEncodeSlotCount(slotCount);
        long len = (long) slotCount * IO_SLOT_BYTES;
        Texts.requireCapacity(dst, len, "io_queue");
        dst.asSlice(0, len).fill((byte) 0);
        return len;
    }

    /** {@link #tryEncodeEmptyIoQueueInto(int, MemorySegment)} on a {@code byte[]}. */
    public static long tryEncodeEmptyIoQueueInto(int slotCount, byte[] dst) {
        return tryEncodeEmptyIoQueueInto(slotCount, MemorySegment.ofArray(dst));
    }

    private static void checkEncodeSlotCount(int slotCount) {
        if (slotCount == 0) {
            throw QueueFullException.submission(FIX_ENCODE_ZERO);
        }
        if (Integer.compareUnsigned(slotCount, IO_SLOT_COUNT) > 0) {
            throw QueueFullException.submission(FIX_ENCODE_TOO_MANY);
        }
    }

    // ---------------------------------------------------------------- validation

    /**
     * Validates an IO queue byte view: whole u32 words, whole 32-byte slots, at most 64 slots.
     * A 0-byte queue is valid (no slots).
     *
     * @return the number of IO slots
     * @throws BackendException   on a misaligned or partial-slot length
     * @throws QueueFullException on more than 64 slots
     */
    public static int validateIoQueueBytes(MemorySegment queue) {
        long len = queue.byteSize();
        if (len % Integer.BYTES != 0) {
            throw new BackendException("io_queue has " + len + " bytes, which is not 4-byte aligned",
                    "pass a whole u32 queue buffer.");
        }
        if (len % IO_SLOT_BYTES != 0) {
            throw new BackendException("io_queue has " + len + " bytes, which is not a multiple of slot size "
                    + IO_SLOT_BYTES, "pass whole IO slots.");
        }
        long slots = len / IO_SLOT_BYTES;
        if (slots > IO_SLOT_COUNT) {
            throw QueueFullException.submission(FIX_VIEW_TOO_MANY);
        }
        return (int) slots;
    }

    /** {@link #validateIoQueueBytes(MemorySegment)} on a byte array. */
    public static int validateIoQueueBytes(byte[] queue) {
        return validateIoQueueBytes(MemorySegment.ofArray(queue));
    }

    // ---------------------------------------------------------------- poll

    /** Same as {@link #tryPollIoRequests(MemorySegment)}. */
    public static List<IoRequest> pollIoRequests(MemorySegment queue) {
        return tryPollIoRequests(queue);
    }

    /**
     * Lists every PUBLISHED request in ascending slot order without changing the queue.
     *
     * @throws PipelineException when the queue view is malformed ({@link #validateIoQueueBytes})
     */
    public static List<IoRequest> tryPollIoRequests(MemorySegment queue) {
        List<IoRequest> out = new ArrayList<>();
        tryPollIoRequestsInto(queue, out);
        return out;
    }

    /**
     * Like {@link #tryPollIoRequests(MemorySegment)} into caller-owned storage: validates, then
     * clears {@code out} and appends the requests (on a validation error {@code out} is untouched).
     *
     * @return the number of requests appended
     */
    public static int tryPollIoRequestsInto(MemorySegment queue, List<IoRequest> out) {
        int slots = validateIoQueueBytes(queue);
        out.clear();
        for (int q = 0; q < slots; q++) {
            long base = (long) q * IO_SLOT_WORDS;
            if (Words.getAcquire(queue, base + STATUS_WORD) == SlotStatus.PUBLISHED) {
                out.add(readRequest(queue, q));
            }
        }
        return out.size();
    }

    // ---------------------------------------------------------------- claim

    /** Same as {@link #tryClaimIoRequestsInto(MemorySegment, List)}. */
    public static int claimIoRequestsInto(MemorySegment queue, List<IoRequest> out) {
        return tryClaimIoRequestsInto(queue, out);
    }

    /**
     * Claims every PUBLISHED request (status PUBLISHED → CLAIMED by compare-and-set, so a request
     * is claimed once even against a concurrent claimer) and lists the claimed ones in ascending
     * slot order. A second claim returns nothing. Validates first; then clears {@code out}.
     *
     * @return the number of requests claimed
     * @throws PipelineException when the queue view is malformed
     */
    public static int tryClaimIoRequestsInto(MemorySegment queue, List<IoRequest> out) {
        int slots = validateIoQueueBytes(queue);
        out.clear();
        for (int q = 0; q < slots; q++) {
            long status = (long) q * IO_SLOT_WORDS + STATUS_WORD;
            if (Words.getAcquire(queue, status) == SlotStatus.PUBLISHED
                    && Words.compareAndSet(queue, status, SlotStatus.PUBLISHED, SlotStatus.CLAIMED)) {
                out.add(readRequest(queue, q));
            }
        }
        return out.size();
    }

    static IoRequest readRequest(MemorySegment queue, int q) {
        long base = (long) q * IO_SLOT_WORDS;
        long lo = Integer.toUnsignedLong(Words.get(queue, base + OFFSET_LO_WORD));
        long hi = Integer.toUnsignedLong(Words.get(queue, base + OFFSET_HI_WORD));
        return new IoRequest(q,
                Words.get(queue, base + OP_TYPE_WORD),
                Words.get(queue, base + SRC_HANDLE_WORD),
                Words.get(queue, base + DST_HANDLE_WORD),
                (hi << 32) | lo,
                Words.get(queue, base + BYTE_COUNT_WORD),
                Words.get(queue, base + TAG_WORD));
    }

    // ---------------------------------------------------------------- complete

    /** Same as {@link #tryCompleteIoRequest(MemorySegment, int, boolean)}. */
    public static void completeIoRequest(MemorySegment queue, int slot, boolean ok) {
        tryCompleteIoRequest(queue, slot, ok);
    }

    /** A batch of one: see {@link #tryCompleteIoRequestsBatch(MemorySegment, List)}. */
    public static void tryCompleteIoRequest(MemorySegment queue, int slot, boolean ok) {
        int slots = validateIoQueueBytes(queue);
        checkCompletable(queue, slots, slot);
        finish(queue, slot, ok, 1);
    }

    /** Same as {@link #tryCompleteIoRequestsBatch(MemorySegment, List)}. */
    public static void completeIoRequestsBatch(MemorySegment queue, List<IoOutcome> outcomes) {
        tryCompleteIoRequestsBatch(queue, outcomes);
    }

    /**
     * Completes claimed requests: every entry is validated first, in order (slot inside the
     * queue, status CLAIMED); if any entry fails nothing is written. Then each status word goes
     * CLAIMED → OK (0x10) or ERROR (0x11) by compare-and-set; only the status words change. As in
     * vyre, a slot listed twice ends with the later entry's status.
     *
     * <p>Race: if, between validation and the write, a request is no longer CLAIMED (the
     * interpreter took it back after its IO wait timed out and faulted the ring slot), that entry
     * is left alone, the remaining entries are still completed, and a {@link QueueFullException}
     * naming the first lost slot is thrown at the end.
     *
     * @throws PipelineException on a malformed queue, an out-of-range slot, a slot not CLAIMED,
     *                           or a request taken back during the call
     */
    public static void tryCompleteIoRequestsBatch(MemorySegment queue, List<IoOutcome> outcomes) {
        int slots = validateIoQueueBytes(queue);
        int n = outcomes.size();
        for (int i = 0; i < n; i++) {
            checkCompletable(queue, slots, outcomes.get(i).slot());
        }
        int lostSlot = -1;
        int lostStatus = 0;
        for (int i = 0; i < n; i++) {
            IoOutcome o = outcomes.get(i);
            long status = (long) o.slot() * IO_SLOT_WORDS + STATUS_WORD;
            int expected = SlotStatus.CLAIMED;
            for (int j = i - 1; j >= 0; j--) {
                IoOutcome earlier = outcomes.get(j);
                if (earlier.slot() == o.slot()) {
                    // vyre lets a later entry for the same slot overwrite an earlier one.
                    expected = earlier.ok() ? STATUS_OK : STATUS_ERROR;
                    break;
                }
            }
            int desired = o.ok() ? STATUS_OK : STATUS_ERROR;
            int prev = Words.compareAndExchange(queue, status, expected, desired);
            if (prev != expected && lostSlot < 0) {
                lostSlot = o.slot();
                lostStatus = prev;
            }
        }
        if (lostSlot >= 0) {
            throw takenBack(lostSlot, lostStatus, n);
        }
    }

    private static void finish(MemorySegment queue, int slot, boolean ok, int batchSize) {
        long status = (long) slot * IO_SLOT_WORDS + STATUS_WORD;
        int prev = Words.compareAndExchange(queue, status, SlotStatus.CLAIMED, ok ? STATUS_OK : STATUS_ERROR);
        if (prev != SlotStatus.CLAIMED) {
            throw takenBack(slot, prev, batchSize);
        }
    }

    static QueueFullException takenBack(int slot, int status, int batchSize) {
        String others = batchSize > 1 ? " (the other entries of this batch were completed)" : "";
        return QueueFullException.submission("io_queue slot " + slot + " is no longer CLAIMED (status "
                + statusName(status) + ")" + others + "; the request was taken back, e.g. the interpreter's IO wait "
                + "timed out and faulted its ring slot, so drop this completion and let the producer retry");
    }

    private static void checkCompletable(MemorySegment queue, int slots, int slot) {
        if (Integer.compareUnsigned(slot, slots) >= 0) {
            throw QueueFullException.submission(FIX_COMPLETE_BOUNDS);
        }
        if (Words.getAcquire(queue, (long) slot * IO_SLOT_WORDS + STATUS_WORD) != SlotStatus.CLAIMED) {
            throw QueueFullException.submission(FIX_COMPLETE_NOT_CLAIMED);
        }
    }

    /** @return a readable name for an IO status word ({@code OK}, {@code ERROR}, or the slot status name) */
    public static String statusName(int status) {
        return switch (status) {
            case STATUS_OK -> "OK";
            case STATUS_ERROR -> "ERROR";
            default -> SlotStatus.name(status);
        };
    }
}
