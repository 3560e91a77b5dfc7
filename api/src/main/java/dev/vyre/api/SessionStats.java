package dev.vyre.api;

import org.apiguardian.api.API;

/**
 * What a persistent session has cost so far. Read with {@link Session#stats()}; every figure comes
 * from counters the session keeps anyway or from the device's DONE_COUNT, so reading them costs the
 * publishing paths nothing.
 *
 * @param ageNanos                host wall time since the session opened
 * @param slotsCompleted          slots the interpreter finished (DONE_COUNT, wrapping at 2^32)
 * @param slotBytes               slot bytes the interpreter read: {@code 64 × slotsCompleted}
 * @param ioBytesServed           bytes of IO requests the host completed as served
 * @param readbackBytes           bytes copied out by snapshots
 * @param publishBatches          {@link Session#publishSlots} and non-empty {@link Session#flush()} calls
 * @param kernelLaunches          interpreter launches: 1 for the session's life
 * @param syncPoints              host waits on the device ({@code await*} calls)
 * @param residentResourceRows    resident buffer sets: 1
 * @param residentResourceHandles resident buffers: control, ring, debug log, IO queue, and data when present
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.3")
public record SessionStats(long ageNanos, long slotsCompleted, long slotBytes, long ioBytesServed, long readbackBytes,
                           long publishBatches, int kernelLaunches, long syncPoints, int residentResourceRows,
                           int residentResourceHandles) {

    /** @return bytes moved in both directions: slots, IO served and snapshots */
    public long bytesMoved() {
        return slotBytes + ioBytesServed + readbackBytes;
    }

    /** @return completed slots per second of the session's age, 0 at age 0 */
    public double slotsPerSecond() {
        return DispatchStats.perSecond(slotsCompleted, ageNanos);
    }

    /** @return {@link #bytesMoved()} per second of the session's age, 0 at age 0 */
    public double bytesMovedPerSecond() {
        return DispatchStats.perSecond(bytesMoved(), ageNanos);
    }
}
