package dev.vyre.api;

import org.apiguardian.api.API;

/**
 * What one one-pass dispatch cost, counted by the runtime around the backend call (the same
 * quantities for every backend). Bytes count the five buffers: control, ring, debug log, IO queue and
 * data.
 *
 * @param inputBytes               bytes handed to the backend
 * @param outputBytes              bytes read back
 * @param deviceAllocationEvents   buffers handed over and read back ({@code 2 × outputBuffers})
 * @param latencyNanos             host wall time of the dispatch, checks included
 * @param outputBuffers            buffers read back (5)
 * @param kernelLaunches           passes run: 1, or 2 when the pass was re-run after a device loss
 * @param syncPoints               host waits for the device (1 per pass)
 * @param recoveredAfterDeviceLoss whether the pass was re-run after a device loss
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.3")
public record DispatchStats(long inputBytes, long outputBytes, long deviceAllocationEvents, long latencyNanos,
                            int outputBuffers, int kernelLaunches, int syncPoints, boolean recoveredAfterDeviceLoss) {

    /** @return bytes read back (= {@link #outputBytes()}) */
    public long readbackBytes() {
        return outputBytes;
    }

    /** @return bytes moved in both directions */
    public long bytesMoved() {
        return inputBytes + outputBytes;
    }

    /** @return device bytes the pass needed (= {@link #bytesMoved()}) */
    public long deviceAllocationBytes() {
        return bytesMoved();
    }

    /** @return resident resource rows: 0, a one-pass dispatch keeps nothing resident */
    public int residentResourceRows() {
        return 0;
    }

    /** @return resident resource handles: 0 */
    public int residentResourceHandles() {
        return 0;
    }

    /** @return {@link #bytesMoved()} per second of {@link #latencyNanos()}, 0 when the latency is 0 */
    public double bytesMovedPerSecond() {
        return perSecond(bytesMoved(), latencyNanos);
    }

    /** @return {@link #inputBytes()} per second, 0 when the latency is 0 */
    public double inputBytesPerSecond() {
        return perSecond(inputBytes, latencyNanos);
    }

    /** @return {@link #outputBytes()} per second, 0 when the latency is 0 */
    public double outputBytesPerSecond() {
        return perSecond(outputBytes, latencyNanos);
    }

    static double perSecond(long amount, long nanos) {
        return nanos <= 0 ? 0 : amount * 1e9 / nanos;
    }
}
