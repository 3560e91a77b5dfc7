package dev.vyre.protocol;

/**
 * Host-side counters of one tenant.
 *
 * @param tenantId            tenant id
 * @param publishedCount      slots ever published through the tenant's handles
 * @param drainedCount        slots reported drained ({@link TenantHandle#noteDrained})
 * @param outstandingSlots    {@code published − drained}, saturating at 0
 * @param maxOutstandingSlots the outstanding-slot cap ({@link Long#MAX_VALUE} = unbounded)
 * @param quiesceCalls        quiesce calls recorded
 * @param quiesceTimeouts     quiesce calls that timed out
 * @param quiesceWaitNs       nanoseconds spent in quiesce
 */
public record TenantRuntimeCounters(int tenantId, long publishedCount, long drainedCount, long outstandingSlots,
                                    long maxOutstandingSlots, long quiesceCalls, long quiesceTimeouts,
                                    long quiesceWaitNs) {
}
