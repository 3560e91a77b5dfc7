package dev.vyre.protocol;

/** Ring slot status words (also the task states of the work-item view). */
public final class SlotStatus {
    public static final int EMPTY = 0;
    public static final int PUBLISHED = 1;
    public static final int CLAIMED = 2;
    public static final int DONE = 3;
    public static final int WAIT_IO = 4;
    public static final int YIELD = 5;
    public static final int REQUEUE = 6;
    public static final int FAULT = 7;

    private SlotStatus() {
    }

    /** @return a short upper-case name, or {@code UNKNOWN(n)} */
    public static String name(int status) {
        return switch (status) {
            case EMPTY -> "EMPTY";
            case PUBLISHED -> "PUBLISHED";
            case CLAIMED -> "CLAIMED";
            case DONE -> "DONE";
            case WAIT_IO -> "WAIT_IO";
            case YIELD -> "YIELD";
            case REQUEUE -> "REQUEUE";
            case FAULT -> "FAULT";
            default -> "UNKNOWN(" + Integer.toUnsignedString(status) + ")";
        };
    }

    /** @return true for the statuses a host may publish over: EMPTY and DONE */
    public static boolean isPublishable(int status) {
        return status == EMPTY || status == DONE;
    }
}
