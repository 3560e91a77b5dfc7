package dev.vyre.protocol;

import java.lang.foreign.MemorySegment;

/**
 * Checks a run of whole slot images before it is published into a ring
 * ({@code Session.publishSlots}): {@code count} consecutive 64-byte VIR0 slots, little-endian,
 * each with status PUBLISHED and a publishable opcode, exactly the bytes the ring slots will hold.
 */
public final class SlotImages {

    /** Fix text: the run does not fit the ring. */
    public static final String RUN_BOUNDS = "the run of slot images must lie inside the ring (firstSlot >= 0,"
            + " count >= 0, firstSlot + count <= slot count); split a run that wraps into two calls";
    /** Fix text: the images segment is shorter than the run. */
    public static final String IMAGES_SHORT = "the images segment holds fewer than count 64-byte slot images;"
            + " pass a segment of at least count * 64 bytes";
    /** Fix text: an image's status word is not PUBLISHED. */
    public static final String IMAGE_STATUS = "every slot image must carry status PUBLISHED (1) in word 0;"
            + " encode the image as the ring slot should read once published";

    private SlotImages() {
    }

    /**
     * Checks the whole run; nothing is written by the caller when this throws.
     *
     * @return whether an image of the run is a BATCH_FENCE or a packed slot: the only ones that may advance EPOCH
     *         (a recorder that counts epochs skips its own look at the images when this is false)
     * @throws VyreArgumentException when the run leaves the ring, {@code images} is too short, or an
     *         image's status is not PUBLISHED or its opcode is not publishable
     */
    public static boolean check(int slotCount, int firstSlot, MemorySegment images, int count) {
        if (firstSlot < 0 || count < 0 || (long) firstSlot + count > slotCount) {
            throw new VyreArgumentException("firstSlot", "the run " + firstSlot + " + " + count
                    + " does not lie inside the ring of " + slotCount + " slots", RUN_BOUNDS);
        }
        if (images == null || images.byteSize() < (long) count * SlotLayout.SLOT_BYTES) {
            throw new VyreArgumentException("images", "the segment is too short for " + count + " slot images",
                    IMAGES_SHORT);
        }
        boolean mayBumpEpoch = false;
        for (int i = 0; i < count; i++) {
            long base = (long) i * SlotLayout.SLOT_WORDS;
            int opcode = Words.get(images, base + SlotLayout.OPCODE_WORD);
            mayBumpEpoch |= opcode == Opcodes.BATCH_FENCE || opcode == Opcodes.PACKED_SLOT;
            if (Words.get(images, base + SlotLayout.STATUS_WORD) != SlotStatus.PUBLISHED) {
                throw new VyreArgumentException("images", "slot image " + i + " has status "
                        + SlotStatus.name(Words.get(images, base + SlotLayout.STATUS_WORD)), IMAGE_STATUS);
            }
            if (!Opcodes.isPublishable(opcode)) {
                throw new VyreArgumentException("images", "slot image " + i + " has opcode 0x"
                        + Integer.toHexString(opcode)
                        + ", which is not publishable", "use a built-in opcode or a custom opcode in 0x8..0xFFEF or"
                        + " 0x10000..0x7FFFFFFF");
            }
        }
        return mayBumpEpoch;
    }
}
