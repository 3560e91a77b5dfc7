package dev.vyre.protocol.replay;

import java.lang.foreign.MemorySegment;

/**
 * Where a session's publish paths record the slots they write: a {@link ReplayLog} directly, or an
 * {@link AsyncReplayRecorder} that queues them for a background thread. Every method allocates nothing;
 * records keep the order of the calls.
 */
public sealed interface SlotRecorder extends AutoCloseable permits ReplayLog, AsyncReplayRecorder {

    /** Records {@code [PUBLISHED, opcode, tenant, NORMAL, a0, a1, a2, 0 x 9]} published into ring slot {@code slot}. */
    void recordPublish(int slot, int tenant, int opcode, int a0, int a1, int a2);

    /** Records a slot published with {@code argCount} argument words from {@code args}, status PUBLISHED. */
    void recordPublish(int slot, int tenant, int opcode, int[] args, int argCount);

    /** Records {@code count} 64-byte slot images published into ring slots {@code firstSlot ..}. */
    void recordImages(int firstSlot, MemorySegment images, int count);

    /**
     * Writes {@code count} slot images into the ring and records them: the same records as
     * {@link #recordImages} followed by {@code write.write(firstSlot, images, count)}. The default records
     * first, then writes; a recorder that reads images from the ring ({@link #readImagesFrom}) queues only a
     * descriptor after the write. Either way a refused record leaves the ring unwritten.
     */
    default void recordImagesAndWrite(int firstSlot, MemorySegment images, int count, RingWrite write) {
        recordImagesAndWrite(firstSlot, images, count, true, write);
    }

    /**
     * {@link #recordImagesAndWrite(int, MemorySegment, int, RingWrite)} for images already checked by
     * {@code SlotImages.check}, which tells {@code mayBumpEpoch}: false lets a recorder skip its own look for
     * BATCH_FENCE and packed slots (a wrong false records wrong epochs).
     */
    default void recordImagesAndWrite(int firstSlot, MemorySegment images, int count, boolean mayBumpEpoch,
                                      RingWrite write) {
        recordImages(firstSlot, images, count);
        write.write(firstSlot, images, count);
    }

    /**
     * Lets the recorder read published images back from {@code ring} (host memory the host reads at cache
     * speed) instead of copying them on the publisher's thread. Only the status word of a ring slot may change
     * behind the recorder (the device's CLAIMED/DONE); the caller writes the ring's images only through
     * {@link #recordImagesAndWrite} or after the other {@code record...} calls. The default ignores it.
     */
    default void readImagesFrom(MemorySegment ring) {
    }

    /** How a session writes a run of checked slot images into its ring (one instance per session). */
    @FunctionalInterface
    interface RingWrite {
        void write(int firstSlot, MemorySegment images, int count);
    }

    /** Records a raw write of the 16 words {@code words} into ring slot {@code slot}. */
    void recordRaw(int slot, int[] words);

    /** Makes everything recorded so far durable: written to the log and forced to the device (fsync). */
    void sync();

    /** @return the log the records end up in */
    ReplayLog log();

    /** Records what is still pending, then closes the log; idempotent. */
    @Override
    void close();
}
