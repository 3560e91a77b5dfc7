package dev.vyre.protocol;

import java.util.Objects;

/**
 * One inner op of a packed slot ({@link RingPublisher#publishPackedSlot}). The array is used as
 * given (not copied).
 *
 * @param opcode the inner opcode, one byte (0..255)
 * @param args   its argument words
 */
public record PackedOp(int opcode, int[] args) {

    /** Requires a one-byte opcode and non-null {@code args}. */
    public PackedOp {
        if (opcode < 0 || opcode > 0xFF) {
            throw new IllegalArgumentException("packed inner opcode " + opcode
                    + " does not fit one byte. Fix: use an inner opcode in 0..255");
        }
        Objects.requireNonNull(args, "args");
    }

    /** @return an inner op with these argument words */
    public static PackedOp of(int opcode, int... args) {
        return new PackedOp(opcode, args);
    }
}
