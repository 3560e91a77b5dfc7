package dev.vyre.uring;

import dev.vyre.protocol.PipelineException;

/**
 * The outcome of streaming one file.
 *
 * @param path       the file
 * @param size       its size when the ingest started
 * @param bytes      bytes read, published and settled (DONE)
 * @param chunks     chunk slots that reached DONE
 * @param verified   chunks whose device CRC matched the host's
 * @param directIo   true when the file was read with O_DIRECT
 * @param error      what went wrong (its message ends with {@code Fix: ...}), or null
 */
public record FileReport(String path, long size, long bytes, long chunks, long verified, boolean directIo,
                         PipelineException error) {

    /** @return true when every byte arrived and every chunk verified (or verification was off and nothing failed) */
    public boolean ok() {
        return error == null && bytes == size;
    }
}
