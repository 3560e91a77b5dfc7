package dev.vyre.protocol.replay;

/**
 * The recovery classification of a failed slot, as a replay record stores it (u32 at record offset
 * 48 of a VRRL0001 record, 32 of a VRRI0001 record).
 */
public enum FailureClass {
    /** No failure (code 0). */
    NONE(0),
    /** The device or its context was lost (code 1); recovery reopens the device. */
    DEVICE_LOSS(1),
    /** A queue was full, memory ran out, or a wait timed out (code 2); retrying may succeed. */
    TRANSIENT_QUEUE(2),
    /** The program or request is wrong (code 3); retrying fails again. */
    PROGRAM_BUG(3),
    /** Anything else (code 4), and every code this enum does not know. */
    UNCLASSIFIED(4);

    private final int code;

    FailureClass(int code) {
        this.code = code;
    }

    /** @return the u32 the record stores */
    public int code() {
        return code;
    }

    /** @return the class of a stored code; an unknown code decodes as {@link #UNCLASSIFIED} */
    public static FailureClass of(int code) {
        return switch (code) {
            case 0 -> NONE;
            case 1 -> DEVICE_LOSS;
            case 2 -> TRANSIENT_QUEUE;
            case 3 -> PROGRAM_BUG;
            default -> UNCLASSIFIED;
        };
    }
}
