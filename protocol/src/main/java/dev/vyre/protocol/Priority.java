package dev.vyre.protocol;

/** Priority levels and scheduler thresholds. */
public final class Priority {
    public static final int CRITICAL = 0;
    public static final int HIGH = 1;
    public static final int NORMAL = 2;
    public static final int LOW = 3;
    public static final int IDLE = 4;
    public static final int LEVELS = 5;
    public static final int STARVATION_THRESHOLD = 16;
    public static final int TENANT_FAIRNESS_THRESHOLD = 64;

    private Priority() {
    }
}
