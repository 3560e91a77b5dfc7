package dev.vyre.protocol;

/**
 * Decoded status word of a ring slot: one of the eight known
 * statuses ({@link Known}) or {@link Unknown} with the raw value.
 */
public sealed interface RingStatus permits RingStatus.Known, RingStatus.Unknown {

    RingStatus EMPTY = Known.EMPTY;
    RingStatus PUBLISHED = Known.PUBLISHED;
    RingStatus CLAIMED = Known.CLAIMED;
    RingStatus DONE = Known.DONE;
    RingStatus WAIT_IO = Known.WAIT_IO;
    RingStatus YIELD = Known.YIELD;
    RingStatus REQUEUE = Known.REQUEUE;
    RingStatus FAULT = Known.FAULT;

    /** @return the raw wire value */
    int raw();

    /** @return true for in-flight statuses: PUBLISHED, CLAIMED, WAIT_IO, YIELD, REQUEUE */
    boolean isActive();

    /** @return the status for a raw word */
    static RingStatus fromRaw(int raw) {
        return raw >= 0 && raw <= SlotStatus.FAULT ? Known.VALUES[raw] : new Unknown(raw);
    }

    /** The statuses of {@link SlotStatus}; {@code ordinal()} is the raw value. */
    enum Known implements RingStatus {
        EMPTY, PUBLISHED, CLAIMED, DONE, WAIT_IO, YIELD, REQUEUE, FAULT;

        private static final Known[] VALUES = values();

        @Override
        public int raw() {
            return ordinal();
        }

        @Override
        public boolean isActive() {
            return this == PUBLISHED || this == CLAIMED || this == WAIT_IO || this == YIELD || this == REQUEUE;
        }
    }

    /**
     * A status word outside 0..7.
     *
     * @param raw the raw value (u32)
     */
    record Unknown(int raw) implements RingStatus {
        @Override
        public boolean isActive() {
            return false;
        }

        @Override
        public String toString() {
            return "Unknown(" + Integer.toUnsignedString(raw) + ")";
        }
    }
}
