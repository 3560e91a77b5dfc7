package dev.vyre.protocol;

/**
 * Slot counts per status across a ring snapshot; each count is
 * a u32.
 */
public record RingOccupancy(int empty, int published, int claimed, int done, int waitIo, int yieldCount,
                            int requeue, int fault, int unknown) {

    /** All zero. */
    public static final RingOccupancy ZERO = new RingOccupancy(0, 0, 0, 0, 0, 0, 0, 0, 0);

    private static final long U32_MAX = 0xFFFF_FFFFL;

    /** @return the sum of all nine counters, saturating at {@code 0xFFFFFFFF} */
    public long totalSlots() {
        return saturatingSum(empty, published, claimed, done, waitIo, yieldCount, requeue, fault, unknown);
    }

    /**
     * @return the active queue depth: published + claimed + waitIo + yield + requeue + fault +
     *         unknown, saturating at {@code 0xFFFFFFFF}
     */
    public long queueDepth() {
        return saturatingSum(published, claimed, waitIo, yieldCount, requeue, fault, unknown);
    }

    private static long saturatingSum(int... values) {
        long sum = 0;
        for (int v : values) {
            sum += Integer.toUnsignedLong(v);
        }
        return Math.min(sum, U32_MAX);
    }
}
