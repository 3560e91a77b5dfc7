package dev.vyre.protocol;

import java.lang.foreign.MemorySegment;

/**
 * Default priority partitions of the ring: five levels of
 * {@code total / 5} slots each, the remainder going to NORMAL (level 2); word 5 is the sentinel
 * {@code total}. The priority scheduler reads them from control words 129..134.
 */
public final class PriorityOffsets {

    /** Offsets per partition table: 5 levels and the sentinel. */
    public static final int WORDS = ControlLayout.PRIORITY_OFFSETS_SLOTS;

    static final String FIX_MISALIGNED =
            "control buffer byte length is not 4-byte aligned; rebuild it with Megakernel.encodeControl";
    static final String FIX_TOO_SMALL =
            "control buffer is too small for priority partition offsets; rebuild it with Megakernel.encodeControl";

    private PriorityOffsets() {
    }

    /** @return the six offsets for {@code totalSlots} (u32) slots */
    public static int[] defaultPriorityOffsets(int totalSlots) {
        return defaultPriorityOffsetsArray(totalSlots);
    }

    /** Same as {@link #defaultPriorityOffsets(int)}. */
    public static int[] tryDefaultPriorityOffsets(int totalSlots) {
        return defaultPriorityOffsetsArray(totalSlots);
    }

    /** @return the six offsets for {@code totalSlots} (u32) slots, as a fresh array */
    public static int[] defaultPriorityOffsetsArray(int totalSlots) {
        int[] out = new int[WORDS];
        defaultPriorityOffsetsInto(totalSlots, out);
        return out;
    }

    /**
     * Writes the six offsets into {@code out[0..6)} without allocating.
     *
     * @throws IllegalArgumentException when {@code out} has fewer than 6 elements
     */
    public static void defaultPriorityOffsetsInto(int totalSlots, int[] out) {
        if (out.length < WORDS) {
            throw new IllegalArgumentException("priority offsets need " + WORDS + " elements, got " + out.length
                    + ". Fix: pass an int[6].");
        }
        int base = Integer.divideUnsigned(totalSlots, Priority.LEVELS);
        int rem = Integer.remainderUnsigned(totalSlots, Priority.LEVELS);
        int cursor = 0;
        for (int p = 0; p < Priority.LEVELS; p++) {
            out[p] = cursor;
            cursor += base + (p == Priority.NORMAL ? rem : 0);
        }
        out[Priority.LEVELS] = cursor;
    }

    /**
     * Writes the default offsets for {@code totalSlots} into control words 129..134.
     *
     * <p>Unlike vyre 0.6.3 (which writes word by word and can fail after a partial write), this
     * checks that all six words fit before writing any: on an error the buffer is unchanged.
     *
     * @throws QueueFullException when the control length is not 4-byte aligned or the buffer
     *                            ends before word 134
     */
    public static void writeDefaultPriorityOffsets(MemorySegment control, int totalSlots) {
        long len = control.byteSize();
        if (len % Integer.BYTES != 0) {
            throw QueueFullException.submission(FIX_MISALIGNED);
        }
        if (Words.count(control) < (long) ControlLayout.PRIORITY_OFFSETS_BASE + WORDS) {
            throw QueueFullException.submission(FIX_TOO_SMALL);
        }
        int base = Integer.divideUnsigned(totalSlots, Priority.LEVELS);
        int rem = Integer.remainderUnsigned(totalSlots, Priority.LEVELS);
        int cursor = 0;
        for (int p = 0; p < Priority.LEVELS; p++) {
            Words.setRelease(control, ControlLayout.PRIORITY_OFFSETS_BASE + p, cursor);
            cursor += base + (p == Priority.NORMAL ? rem : 0);
        }
        Words.setRelease(control, ControlLayout.PRIORITY_OFFSETS_BASE + Priority.LEVELS, cursor);
    }

    /** {@link #writeDefaultPriorityOffsets(MemorySegment, int)} on a byte array. */
    public static void writeDefaultPriorityOffsets(byte[] control, int totalSlots) {
        writeDefaultPriorityOffsets(MemorySegment.ofArray(control), totalSlots);
    }
}
