package dev.vyre.protocol.replay;

import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.VyreArgumentException;
import dev.vyre.protocol.Words;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Objects;

/**
 * One record of a replay log, decoded: the slot image that was published into ring slot
 * {@link #slotIndex()}, when, in which BATCH_FENCE epoch, and the failure evidence if any.
 *
 * <p>A full-image log ({@link ReplayLogFormat#FULL_IMAGE}) keeps the 16 words exactly as the ring slot
 * held them at publish ({@link #exact()} is true). A VRRL0001 log keeps opcode, tenant and argument words
 * 0..3; its image is rebuilt as every publisher writes one: status PUBLISHED, priority NORMAL (2),
 * argument words 4..11 zero ({@link #exact()} is false).
 *
 * @param sequence    the record's publish number since the log was created, from 0 (full-image logs);
 *                    -1 in a VRRL0001 log, which does not store it
 * @param timestampNs nanoseconds since the UNIX epoch at publish
 * @param slotIndex   the ring slot the image was published into
 * @param epoch       the BATCH_FENCE epoch: BATCH_FENCE slots published before this one
 * @param image       the 16 slot words (copied)
 * @param exact       true when {@code image} is the slot exactly as published
 * @param failure     failure evidence, {@link ReplayFailureEvidence#NONE} when there is none
 */
public record ReplayRecord(long sequence, long timestampNs, int slotIndex, int epoch, int[] image, boolean exact,
                           ReplayFailureEvidence failure) {

    public ReplayRecord {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(failure, "failure");
        if (image.length != SlotLayout.SLOT_WORDS) {
            throw new VyreArgumentException("image", "a slot image has 16 words, got " + image.length,
                    "pass the slot's 16 words (status, opcode, tenant, priority, 12 arguments)");
        }
        image = image.clone();
    }

    /** @return the 16 slot words (a copy) */
    @Override
    public int[] image() {
        return image.clone();
    }

    /** @return slot word {@code index} (0..15) */
    public int word(int index) {
        return image[index];
    }

    /** @return the status word of the image (PUBLISHED for everything but raw slot writes) */
    public int status() {
        return image[SlotLayout.STATUS_WORD];
    }

    /** @return the opcode, slot word 1 */
    public int opcode() {
        return image[SlotLayout.OPCODE_WORD];
    }

    /** @return the tenant id, slot word 2 */
    public int tenantId() {
        return image[SlotLayout.TENANT_WORD];
    }

    /** @return the 12 argument words (a copy; words 4..11 are zero when not {@link #exact()}) */
    public int[] args() {
        return Arrays.copyOfRange(image, SlotLayout.ARG0_WORD, SlotLayout.SLOT_WORDS);
    }

    /** @return true when the record carries failure evidence */
    public boolean hasFailure() {
        return !failure.isNone();
    }

    /** @return the record as a {@link RecordedSlot}: argument words 0..3 only */
    public RecordedSlot slot() {
        return new RecordedSlot(timestampNs, slotIndex, tenantId(), opcode(),
                Arrays.copyOfRange(image, SlotLayout.ARG0_WORD, SlotLayout.ARG0_WORD + RecordedSlot.ARGS), epoch);
    }

    /**
     * Writes the 16 image words, little-endian, at byte offset {@code offset} of {@code dst}, e.g. into a
     * buffer of slot images for {@code Session.publishSlots}.
     */
    public void writeImage(MemorySegment dst, long offset) {
        for (int w = 0; w < SlotLayout.SLOT_WORDS; w++) {
            dst.set(Words.WORD_UNALIGNED, offset + (long) w * Integer.BYTES, image[w]);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReplayRecord r && sequence == r.sequence && timestampNs == r.timestampNs
                && slotIndex == r.slotIndex && epoch == r.epoch && exact == r.exact && failure.equals(r.failure)
                && Arrays.equals(image, r.image);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sequence, timestampNs, slotIndex, epoch, exact, failure, Arrays.hashCode(image));
    }

    @Override
    public String toString() {
        return "ReplayRecord[sequence=" + sequence + ", timestampNs=" + timestampNs + ", slotIndex=" + slotIndex
                + ", epoch=" + epoch + ", image=" + Arrays.toString(image) + ", exact=" + exact + ", failure="
                + failure + "]";
    }
}
