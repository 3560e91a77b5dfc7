package dev.vyre.protocol;

/**
 * Runtime counters derived from one telemetry snapshot.
 * u32 quantities are {@code long} in 0..2^32-1.
 *
 * @param totalSlots            ring slots in the snapshot
 * @param queueDepth            active queue depth ({@link RingOccupancy#queueDepth()})
 * @param gpuIdleSlots          EMPTY slots
 * @param gpuIdlePpm            {@code empty × 1e6 / total} (0 for an empty ring)
 * @param frontierDensityBps    {@code min(depth × 10000 / total, 65535)}
 * @param occupancyProxyBps     {@code (total − empty) × 10000 / total}
 * @param drainedSlots          DONE_COUNT of the control snapshot
 * @param unreclaimedDoneSlots  DONE slots in the ring
 * @param tenantFairnessTotal   sum of the 32 tenant fairness counters
 * @param tenantFairnessSkew    max − min over the non-zero tenant fairness counters (0 if none)
 * @param priorityFairnessTotal sum of the 5 priority fairness counters
 * @param requeueSlots          REQUEUE slots
 * @param faultSlots            FAULT slots
 */
public record RuntimeCounters(long totalSlots, long queueDepth, long gpuIdleSlots, long gpuIdlePpm,
                              int frontierDensityBps, int occupancyProxyBps, long drainedSlots,
                              long unreclaimedDoneSlots, long tenantFairnessTotal, long tenantFairnessSkew,
                              long priorityFairnessTotal, long requeueSlots, long faultSlots) {
}
