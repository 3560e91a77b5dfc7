package dev.vyre.protocol;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * Typed slots published at consecutive ring slots from {@code startSlot} (vyre's
 * {@code BatchDescriptor}); no fence is added.
 *
 * <p><b>Deliberate fix:</b> vyre 0.6.3 publishes item by item, so a failure on item {@code k}
 * leaves items {@code 0..k-1} published. Here every item is checked first, with vyre's checks
 * and texts, and nothing is written unless all pass. (Concurrent <em>host</em> publishers
 * writing the same slots must still be coordinated by the caller; the interpreter never writes
 * EMPTY or DONE slots, so it cannot invalidate a passed check.)
 *
 * @param startSlot first slot (u32)
 * @param items     slots in order
 */
public record BatchDescriptor(int startSlot, List<SlotDescriptor> items) {

    static final String FIX_OVERFLOW =
            "batch start plus item count overflows u32; split the descriptor batch before publishing";

    public BatchDescriptor {
        items = List.copyOf(items);
    }

    /** An empty batch. */
    public static BatchDescriptor empty(int startSlot) {
        return new BatchDescriptor(startSlot, List.of());
    }

    /**
     * Publishes every item, all or nothing.
     *
     * @return the number of slots written ({@code items.size()})
     * @throws QueueFullException when {@code startSlot + count − 1} overflows u32, or any item is
     *                            refused; the ring is then unchanged
     */
    public int publishInto(MemorySegment ring) {
        int count = items.size();
        if (count > 0 && Integer.toUnsignedLong(startSlot) + count - 1 > 0xFFFF_FFFFL) {
            throw QueueFullException.submission(FIX_OVERFLOW);
        }
        for (int i = 0; i < count; i++) {
            items.get(i).check(ring, startSlot + i);
        }
        for (int i = 0; i < count; i++) {
            items.get(i).publishInto(ring, startSlot + i);
        }
        return count;
    }

    /** {@link #publishInto(MemorySegment)} on a {@code byte[]} ring. */
    public int publishInto(byte[] ring) {
        return publishInto(MemorySegment.ofArray(ring));
    }
}
