package dev.vyre.protocol;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Structured view of a control buffer.
 *
 * @param shutdown         word 0 is non-zero
 * @param doneCount        word 1 (u32)
 * @param epoch            word 128 (u32)
 * @param metrics          the non-zero per-opcode metrics {@code (i, word 96 + i)}, ascending
 * @param tenantFairness   words 64..95 (32 values)
 * @param priorityFairness words 136..140 (5 values)
 */
public record ControlSnapshot(boolean shutdown, int doneCount, int epoch, List<Metric> metrics,
                              int[] tenantFairness, int[] priorityFairness) {

    /**
     * One non-zero per-opcode metric.
     *
     * @param opcode the metric index (opcode below 32)
     * @param count  the counter (u32)
     */
    public record Metric(int opcode, int count) {
    }

    public ControlSnapshot {
        metrics = List.copyOf(metrics);
        tenantFairness = tenantFairness.clone();
        priorityFairness = priorityFairness.clone();
    }

    /** @return a copy of the 32 tenant fairness counters */
    @Override
    public int[] tenantFairness() {
        return tenantFairness.clone();
    }

    /** @return a copy of the 5 priority fairness counters */
    @Override
    public int[] priorityFairness() {
        return priorityFairness.clone();
    }

    int tenantFairness(int i) {
        return tenantFairness[i];
    }

    int priorityFairness(int i) {
        return priorityFairness[i];
    }

    /**
     * Decodes a control snapshot.
     *
     * @throws BackendException when the buffer is shorter than 640 bytes or not 4-byte aligned
     */
    public static ControlSnapshot tryDecode(MemorySegment control) {
        validate(control);
        List<Metric> metrics = new ArrayList<>();
        for (int i = 0; i < ControlLayout.METRICS_SLOTS; i++) {
            int count = Words.getAcquire(control, ControlLayout.METRICS_BASE + i);
            if (count != 0) {
                metrics.add(new Metric(i, count));
            }
        }
        int[] tenant = new int[ControlLayout.TENANT_FAIRNESS_SLOTS];
        for (int i = 0; i < tenant.length; i++) {
            tenant[i] = Words.getAcquire(control, ControlLayout.TENANT_FAIRNESS_BASE + i);
        }
        int[] priority = new int[ControlLayout.PRIORITY_FAIRNESS_SLOTS];
        for (int i = 0; i < priority.length; i++) {
            priority[i] = Words.getAcquire(control, ControlLayout.PRIORITY_FAIRNESS_BASE + i);
        }
        return new ControlSnapshot(Words.getAcquire(control, ControlLayout.SHUTDOWN) != 0,
                Words.getAcquire(control, ControlLayout.DONE_COUNT), Words.getAcquire(control, ControlLayout.EPOCH),
                metrics, tenant, priority);
    }

    /** {@link #tryDecode(MemorySegment)} on a byte array. */
    public static ControlSnapshot tryDecode(byte[] control) {
        return tryDecode(MemorySegment.ofArray(control));
    }

    static void validate(MemorySegment control) {
        long len = control.byteSize();
        if (len < ControlLayout.CONTROL_MIN_BYTES || len % Integer.BYTES != 0) {
            throw new BackendException("megakernel control snapshot has " + len + " bytes, expected at least "
                    + ControlLayout.CONTROL_MIN_BYTES + " and 4-byte alignment", "capture the full control buffer.");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ControlSnapshot c && shutdown == c.shutdown && doneCount == c.doneCount
                && epoch == c.epoch && metrics.equals(c.metrics) && Arrays.equals(tenantFairness, c.tenantFairness)
                && Arrays.equals(priorityFairness, c.priorityFairness);
    }

    @Override
    public int hashCode() {
        return ((Boolean.hashCode(shutdown) * 31 + doneCount) * 31 + epoch) * 31 + metrics.hashCode()
                + 7 * Arrays.hashCode(tenantFairness) + 13 * Arrays.hashCode(priorityFairness);
    }

    @Override
    public String toString() {
        return "ControlSnapshot[shutdown=" + shutdown + ", doneCount=" + Integer.toUnsignedString(doneCount)
                + ", epoch=" + Integer.toUnsignedString(epoch) + ", metrics=" + metrics + ", tenantFairness="
                + Arrays.toString(tenantFairness) + ", priorityFairness=" + Arrays.toString(priorityFairness) + "]";
    }
}
