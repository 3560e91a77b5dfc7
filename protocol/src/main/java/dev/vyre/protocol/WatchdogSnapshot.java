package dev.vyre.protocol;

/**
 * Health view computed from two telemetry snapshots.
 *
 * @param doneDelta      DONE_COUNT increase since the previous snapshot
 * @param queueDepth     current active queue depth
 * @param faultSlots     current FAULT slots
 * @param requeueSlots   current REQUEUE slots
 * @param gpuIdlePpm     current idle slots in parts per million
 * @param suspectedStall work is queued, nothing drained, and nothing faulted
 */
public record WatchdogSnapshot(long doneDelta, long queueDepth, long faultSlots, long requeueSlots,
                               long gpuIdlePpm, boolean suspectedStall) {
}
