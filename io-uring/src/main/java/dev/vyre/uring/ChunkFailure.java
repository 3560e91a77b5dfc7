package dev.vyre.uring;

import dev.vyre.protocol.PipelineException;

/**
 * A byte range of a source that could not be read (the device or file system returned an error for
 * it). The pump reports it and goes on with the next chunks: a bad range never hides the good ones.
 * When the read failed part-way, the bytes before the failure were published as a chunk of their own
 * and this range starts at the first byte that did not arrive.
 *
 * @param source       the file or device path
 * @param sequence     the index of the chunk the range belongs to, within its source
 * @param sourceOffset the first byte of the source that was not read
 * @param length       bytes from {@code sourceOffset} to the chunk's end that were not read
 * @param error        the failed read with its errno; its message ends with {@code Fix: ...}
 */
public record ChunkFailure(String source, long sequence, long sourceOffset, long length, PipelineException error) {
}
