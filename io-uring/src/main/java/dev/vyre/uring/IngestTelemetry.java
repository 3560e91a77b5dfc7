package dev.vyre.uring;

/**
 * Counters of one pump or socket server since it opened.
 *
 * @param fixedBuffers       true when reads use READ_FIXED into the registered data buffer
 * @param registrationErrno  errno of a refused io_uring_register_buffers (0 when registered or not asked)
 * @param bytes              bytes staged and published
 * @param chunks             chunk slots published
 * @param verified           chunks whose device CRC matched the host's
 * @param mismatches         chunks whose device CRC did not match (bytes corrupted between host and device)
 * @param shortReads         short reads resubmitted for the rest
 * @param readErrors         reads (or connections) that failed with an error
 * @param backpressureWaits  times the pump (or a connection) waited for a staging region's slot to reach DONE
 * @param backpressureNanos  time during which the pump, or at least one connection, waited for a region (waits
 *                           that overlap count once, so this never exceeds the time since the pump or server opened)
 */
public record IngestTelemetry(boolean fixedBuffers, int registrationErrno, long bytes, long chunks, long verified,
                              long mismatches, long shortReads, long readErrors, long backpressureWaits,
                              long backpressureNanos) {
}
