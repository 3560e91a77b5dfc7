package dev.vyre.uring;

import dev.vyre.protocol.PipelineException;

/**
 * The outcome of one TCP connection of a {@link SocketIngestServer}, reported once every chunk
 * it sent is DONE.
 *
 * @param source    the connection's name in chunk reports ({@code remote-address#id})
 * @param bytes     bytes received, staged, published and settled
 * @param chunks    chunk slots that reached DONE
 * @param verified  chunks whose device CRC matched the host's
 * @param error     what ended the connection abnormally (peer reset, stall), or null for a clean close
 */
public record ConnectionReport(String source, long bytes, long chunks, long verified, PipelineException error) {
}
