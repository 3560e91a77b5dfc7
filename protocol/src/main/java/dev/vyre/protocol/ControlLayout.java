package dev.vyre.protocol;

/** Word indices of the control buffer (little-endian u32 words). */
public final class ControlLayout {
    /** Non-zero asks every lane to stop. */
    public static final int SHUTDOWN = 0;
    /** Executed-slot counter (u32, wraps). */
    public static final int DONE_COUNT = 1;
    /** Holds the word index of the tenant mask table (always 3 from the encoder). */
    public static final int TENANT_BASE = 2;
    /** First word of the tenant mask table (tenant t at word 3 + t). */
    public static final int TENANT_MASK_BASE = 3;
    /** Tenant ids below this have a mask word; higher ids are never authorised (deliberate fix 3). */
    public static final int TENANT_MASK_SLOTS = 29;
    /** First word of the tenant quota table. */
    public static final int TENANT_QUOTA_BASE = 32;
    /** Entries in the tenant quota table. */
    public static final int TENANT_QUOTA_SLOTS = 32;
    /** Quota value the encoder writes for each counted tenant. */
    public static final int DEFAULT_TENANT_QUOTA = 1_000_000;
    /** First tenant fairness counter. */
    public static final int TENANT_FAIRNESS_BASE = 64;
    /** Tenant fairness counters. */
    public static final int TENANT_FAIRNESS_SLOTS = 32;
    /** First per-opcode metric counter (opcode k at 96 + k, k below 32). */
    public static final int METRICS_BASE = TENANT_FAIRNESS_BASE + TENANT_FAIRNESS_SLOTS;
    /** Per-opcode metric counters. */
    public static final int METRICS_SLOTS = 32;
    /** Batch-fence epoch counter. */
    public static final int EPOCH = METRICS_BASE + METRICS_SLOTS;
    /** First priority partition start (levels 0..4, then the sentinel). */
    public static final int PRIORITY_OFFSETS_BASE = EPOCH + 1;
    /** Priority partition words: 5 levels and a sentinel. */
    public static final int PRIORITY_OFFSETS_SLOTS = 6;
    /** Priority starvation counter. */
    public static final int PRIORITY_STARVATION_COUNTER = PRIORITY_OFFSETS_BASE + PRIORITY_OFFSETS_SLOTS;
    /** First per-priority fairness counter. */
    public static final int PRIORITY_FAIRNESS_BASE = PRIORITY_STARVATION_COUNTER + 1;
    /** Per-priority fairness counters. */
    public static final int PRIORITY_FAIRNESS_SLOTS = 5;
    /** First word of the reserved range (141..159) that holds vyre-java's extensions. */
    public static final int RESERVED_BASE = PRIORITY_FAIRNESS_BASE + PRIORITY_FAIRNESS_SLOTS;
    /** First observable result word (observable k at 160 + k). */
    public static final int OBSERVABLE_BASE = 160;
    /** Minimum control buffer length in words. */
    public static final int CONTROL_MIN_WORDS = 160;
    /** Minimum control buffer length in bytes. */
    public static final int CONTROL_MIN_BYTES = CONTROL_MIN_WORDS * Integer.BYTES;

    private ControlLayout() {
    }
}
