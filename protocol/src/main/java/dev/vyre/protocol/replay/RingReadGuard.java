package dev.vyre.protocol.replay;

/**
 * Which images queued from a session's ring the drainers must have read before a publisher may write ring slots
 * again: the ring-reading recorder's rule "a later write of a ring slot waits until its previous image has been
 * read", kept per block of {@value #BLOCK_SLOTS} ring slots rather than per slot.
 *
 * <p>Each block remembers up to {@value #ENTRIES} queued writes into it (their slot range within the block and
 * the queue number after their last image), oldest first. A write that overlaps one of them must wait for that
 * one; writes of disjoint slots of one block (several publishers, or runs that do not start on a block) never
 * wait for each other. A block that overflows folds its oldest write into one value that every later write of
 * the block waits for: more waiting than needed, never less. Writes known to be read (their queue number is at
 * most the drainers' tail) are forgotten.
 *
 * <p>A run of 64 slots costs the publisher the bookkeeping of one or two blocks: a few loads and stores into arrays
 * of 60 bytes per 64 ring slots, which stay in the cache. Not thread-safe: the recorder's lock guards it.
 */
final class RingReadGuard {

    /** log2 of {@link #BLOCK_SLOTS}. */
    static final int BLOCK_SHIFT = 6;
    /** Ring slots per block. */
    static final int BLOCK_SLOTS = 1 << BLOCK_SHIFT;
    /** Queued writes a block remembers one by one. */
    static final int ENTRIES = 4;

    private final long ringSlots;
    /** Per block and entry: the queue number after the write's last image (entry {@code b * ENTRIES + i}). */
    private final long[] queueEnd;
    /** Per block and entry: the write's first slot within the block, and its end ({@code lo | hi << 8}). */
    private final int[] range;
    /** Per block: the index of its oldest entry (0 .. ENTRIES - 1) and its entry count ({@code first | count << 8}). */
    private final int[] entries;
    /** Per block: the queue number every write of the block waits for (folded entries), 0 when none. */
    private final long[] folded;

    RingReadGuard(long ringSlots) {
        this.ringSlots = ringSlots;
        int blocks = (int) ((ringSlots + BLOCK_SLOTS - 1) >>> BLOCK_SHIFT);
        this.queueEnd = new long[blocks * ENTRIES];
        this.range = new int[blocks * ENTRIES];
        this.entries = new int[blocks];
        this.folded = new long[blocks];
    }

    /** @return the slots of the guarded ring */
    long ringSlots() {
        return ringSlots;
    }

    /**
     * @param tailSeen a reading of the drainers' tail (every queue number below it is read); an older reading
     *                 only makes the answer larger
     * @return the queue number the drainers' tail must reach before ring slots {@code firstSlot .. + count - 1}
     *         (within the ring) may be written; at most {@code tailSeen} when they may be written now
     */
    long required(int firstSlot, int count, long tailSeen) {
        long need = 0;
        int end = firstSlot + count;
        for (int b = firstSlot >>> BLOCK_SHIFT, last = (end - 1) >>> BLOCK_SHIFT; count > 0 && b <= last; b++) {
            int base = b << BLOCK_SHIFT;
            int lo = Math.max(firstSlot, base) - base;
            int hi = Math.min(end, base + BLOCK_SLOTS) - base;
            need = Math.max(need, requiredInBlock(b, lo, hi, tailSeen));
        }
        return need;
    }

    /** The block part of {@link #required}: forgets what {@code tailSeen} shows read, then checks the rest. */
    private long requiredInBlock(int b, int lo, int hi, long tailSeen) {
        if (folded[b] <= tailSeen) {
            folded[b] = 0;
        }
        long need = folded[b];
        int state = entries[b];
        int first = state & 0xFF;
        int count = state >>> 8;
        while (count > 0 && queueEnd[b * ENTRIES + first] <= tailSeen) { // read, oldest first
            first = (first + 1) & (ENTRIES - 1);
            count--;
        }
        entries[b] = first | count << 8;
        for (int i = 0, e = first; i < count; i++, e = (e + 1) & (ENTRIES - 1)) {
            int r = range[b * ENTRIES + e];
            if ((r & 0xFF) < hi && lo < r >>> 8) { // overlaps
                need = Math.max(need, queueEnd[b * ENTRIES + e]);
            }
        }
        return need;
    }

    /**
     * Remembers that ring slots {@code firstSlot .. + count - 1} (within the ring) now hold queued images whose
     * queue numbers are below {@code end}, not yet read. Call it after {@link #required} allowed the write, in
     * queue order.
     */
    void queued(int firstSlot, int count, long end) {
        int stop = firstSlot + count;
        for (int b = firstSlot >>> BLOCK_SHIFT, last = (stop - 1) >>> BLOCK_SHIFT; count > 0 && b <= last; b++) {
            int base = b << BLOCK_SHIFT;
            int lo = Math.max(firstSlot, base) - base;
            int hi = Math.min(stop, base + BLOCK_SLOTS) - base;
            int state = entries[b];
            int first = state & 0xFF;
            int n = state >>> 8;
            if (n == ENTRIES) { // fold the oldest: every later write of the block waits for it
                folded[b] = Math.max(folded[b], queueEnd[b * ENTRIES + first]);
                first = (first + 1) & (ENTRIES - 1);
                n--;
            }
            int e = (first + n) & (ENTRIES - 1);
            queueEnd[b * ENTRIES + e] = end;
            range[b * ENTRIES + e] = lo | hi << 8;
            entries[b] = first | (n + 1) << 8;
        }
    }
}
