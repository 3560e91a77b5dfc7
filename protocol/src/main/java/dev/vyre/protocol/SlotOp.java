package dev.vyre.protocol;

import java.util.Objects;

/**
 * One {@code (opcode, args)} item of {@link RingPublisher#batchPublish}. The array is used as
 * given (not copied); publishers check its length (at most 12) when they publish.
 *
 * @param opcode the slot opcode
 * @param args   the argument words
 */
public record SlotOp(int opcode, int[] args) {

    /** Requires non-null {@code args}. */
    public SlotOp {
        Objects.requireNonNull(args, "args");
    }

    /** @return an item with these argument words */
    public static SlotOp of(int opcode, int... args) {
        return new SlotOp(opcode, args);
    }
}
