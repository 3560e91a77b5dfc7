package dev.vyre.spi;

import dev.vyre.protocol.SlotImages;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotStatus;
import dev.vyre.protocol.Words;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.List;

/**
 * A running persistent interpreter. The host publishes slots into EMPTY or DONE ring slots;
 * the interpreter moves each authorised PUBLISHED slot to CLAIMED then DONE exactly once.
 *
 * <p>Publishing methods write the payload first and release-store the status word last, so
 * the interpreter never sees a half-written slot. Publishing to one slot from two threads at
 * once is the caller's error; disjoint slots may be published from any number of threads.
 * The {@code publish} methods allocate nothing.
 */
public interface PersistentSession extends AutoCloseable {

    /** @return the options the session was opened with */
    SessionOptions options();

    /** @return ring slots */
    default int slotCount() {
        return options().slotCount();
    }

    /**
     * Publishes one slot with up to three argument words (the rest are zeroed).
     *
     * @throws dev.vyre.protocol.QueueFullException when the slot index is out of range, the
     *         opcode is not publishable, or the slot is not EMPTY or DONE (nothing is written)
     */
    void publish(int slot, int tenant, int opcode, int arg0, int arg1, int arg2);

    /**
     * Publishes one slot with {@code argCount} argument words taken from {@code args}
     * (at most 12; the rest are zeroed). Same checks as the three-argument form.
     */
    void publish(int slot, int tenant, int opcode, int[] args, int argCount);

    /**
     * Publishes one slot like {@link #publish(int, int, int, int, int, int)} (same checks, same
     * bytes in the ring), but lets the backend delay telling the interpreter until {@link #flush()}
     * or its own batch limit, so that a stream of publications costs one notification per batch.
     * The slot may run at any time after this call and does run at the latest after the next
     * {@code flush()}. Use the deferred form from one thread at a time per session. The default
     * publishes at once.
     */
    default void publishDeferred(int slot, int tenant, int opcode, int arg0, int arg1, int arg2) {
        publish(slot, tenant, opcode, arg0, arg1, arg2);
    }

    /**
     * Makes every {@link #publishDeferred deferred} publication visible to the interpreter. Call it
     * before waiting on a deferred slot. The default does nothing (nothing is deferred).
     */
    default void flush() {
    }

    /**
     * Publishes a run of whole slots: the {@code count} 64-byte VIR0 slot images in {@code images}
     * (little-endian, each with status PUBLISHED and a publishable opcode, exactly the bytes the ring
     * slot will hold) go into ring slots {@code firstSlot .. firstSlot + count - 1} in order, stopping
     * at the first ring slot that is not EMPTY or DONE. Every image is checked before anything is
     * written. Backends copy the run with bulk stores and tell the interpreter once per run, so this is
     * the cheapest way for one thread to feed the ring. It first {@link #flush() flushes} the calling
     * thread's deferred publications; use it from one thread at a time per session. The default
     * writes each slot with {@link #writeRawSlot} (allocating one 16-word array per call).
     *
     * @param firstSlot the first ring slot of the run
     * @param images at least {@code count * 64} bytes of slot images
     * @param count slots in the run; {@code firstSlot + count} must not exceed {@link #slotCount()}
     * @return how many images were published, from the first on: {@code count}, or fewer when ring slot
     *         {@code firstSlot + result} was busy (0 when {@code firstSlot} itself is); the rest of the
     *         ring is untouched, so the caller publishes them again later
     * @throws dev.vyre.protocol.QueueFullException when the run leaves the ring, {@code images} is too
     *         short, or an image's status or opcode is wrong (nothing is written)
     */
    default int publishSlots(int firstSlot, MemorySegment images, int count) {
        SlotImages.check(slotCount(), firstSlot, images, count);
        flush();
        int[] words = new int[SlotLayout.SLOT_WORDS];
        for (int i = 0; i < count; i++) {
            if (!SlotStatus.isPublishable(slotStatus(firstSlot + i))) {
                return i;
            }
            MemorySegment.copy(images, Words.WORD_UNALIGNED, (long) i * SlotLayout.SLOT_BYTES, words, 0,
                    SlotLayout.SLOT_WORDS);
            writeRawSlot(firstSlot + i, words);
        }
        return count;
    }

    /**
     * Writes all 16 words of a slot verbatim, words 1..15 first and the status word last
     * (release). No validation of opcode or status: this is how tests put hostile slots on
     * the ring. The interpreter must stay within its buffers whatever the words hold.
     *
     * @param words exactly 16 words
     */
    void writeRawSlot(int slot, int[] words);

    /** @return the slot's status word (acquire) */
    int slotStatus(int slot);

    /** @return DONE_COUNT, control word 1, as an unsigned value */
    long doneCount();

    /**
     * Waits until {@link #slotStatus} equals {@code status}.
     *
     * @return true if it did before the timeout
     */
    boolean awaitSlotStatus(int slot, int status, Duration timeout);

    /**
     * Waits until {@link #doneCount()} reaches {@code target} (u32 compared as a distance
     * modulo 2^32, so a wrapping counter works).
     *
     * @return true if it did before the timeout
     */
    boolean awaitDoneCount(long target, Duration timeout);

    /** Writes a control word from the host (release): tenant masks, SHUTDOWN, ... */
    void writeControlWord(int word, int value);

    /**
     * Reads one control word (acquire), e.g. an observable result word {@code 160 + k} after its
     * slot is DONE. The default copies {@link #controlSnapshot()}; backends override it with a
     * direct read that allocates nothing.
     *
     * @return the word, or 0 when {@code word} is outside the control buffer
     */
    default int controlWord(long word) {
        byte[] control = controlSnapshot();
        if (word < 0 || word >= control.length / Integer.BYTES) {
            return 0;
        }
        int at = (int) word * Integer.BYTES;
        return (control[at] & 0xFF) | (control[at + 1] & 0xFF) << 8 | (control[at + 2] & 0xFF) << 16
                | (control[at + 3] & 0xFF) << 24;
    }

    /** @return a consistent-enough copy of the control buffer (each word read atomically) */
    byte[] controlSnapshot();

    /** @return a copy of the ring */
    byte[] ringSnapshot();

    /** @return a copy of the debug log */
    byte[] debugLogSnapshot();

    /** @return a copy of the IO queue */
    byte[] ioQueueSnapshot();

    /**
     * @return the host-visible data buffer (binding 4), or {@link MemorySegment#NULL} sized 0
     *         when the session has none. Bytes written here are visible to slots published after.
     */
    MemorySegment dataBuffer();

    /**
     * Claims every PUBLISHED IO request (PUBLISHED to CLAIMED with CAS) for a host IO service.
     *
     * @return the claimed requests, in slot order
     */
    List<IoRequestView> claimIoRequests();

    /** Completes a CLAIMED IO request with OK or ERROR. */
    void completeIoRequest(int ioSlot, boolean ok);

    /** Sets control word 0 so every lane stops; slots already claimed finish first. */
    void requestShutdown();

    /**
     * @return true once the interpreter has stopped (after SHUTDOWN), waiting up to {@code timeout}
     */
    boolean awaitTermination(Duration timeout);

    /**
     * @return true while the interpreter is running and making progress; a backend with a
     *         watchdog reports false for a stalled interpreter
     */
    boolean isAlive();

    /** Stops the interpreter (if running) and releases every resource; idempotent. */
    @Override
    void close();
}
