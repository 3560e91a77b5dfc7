package dev.vyre.uring;

import dev.vyre.protocol.PipelineException;
import java.util.List;

/**
 * The outcome of streaming one source (a file, a FIFO, standard input, a device).
 *
 * @param path     the source ({@code stdin} for standard input)
 * @param size     bytes the source was expected to hold when the ingest started (its size, at most the
 *                 byte limit), or {@link #UNKNOWN_SIZE} for a source read until its end
 * @param bytes    bytes read, published and settled (DONE)
 * @param chunks   chunk slots that reached DONE
 * @param verified chunks whose device CRC matched the host's
 * @param directIo true when the source was read with O_DIRECT
 * @param error    what went wrong (its message ends with {@code Fix: ...}), or null; when chunks failed to
 *                 read, a summary of {@link #failures()}
 * @param limited  true when the byte limit ended the read before the source ended
 * @param failures the byte ranges that could not be read, in the order they failed (the first
 *                 {@value #FAILURES_KEPT}; {@link IngestListener#onFailure} hears every one)
 * @param failedChunks chunks whose read failed, all of them
 */
public record FileReport(String path, long size, long bytes, long chunks, long verified, boolean directIo,
                         PipelineException error, boolean limited, List<ChunkFailure> failures, long failedChunks) {

    /** How many {@link #failures()} a report keeps at most. */
    public static final int FAILURES_KEPT = 1024;

    /** A report without failed chunks. */
    public FileReport(String path, long size, long bytes, long chunks, long verified, boolean directIo,
                      PipelineException error, boolean limited) {
        this(path, size, bytes, chunks, verified, directIo, error, limited, List.of(), 0);
    }

    /** Copies {@code failures}. */
    public FileReport {
        failures = List.copyOf(failures);
    }

    /** {@link #size()} of a source whose size is not known before it ends (a pipe, FIFO, device, pseudo file). */
    public static final long UNKNOWN_SIZE = -1;

    /** @return true when nothing failed and every expected byte arrived (a streamed source: up to its end or the limit) */
    public boolean ok() {
        return error == null && failedChunks == 0 && (size == UNKNOWN_SIZE || bytes == size);
    }

    /** @return true when the size was known before reading ({@link SourceKind#REGULAR} files, block devices) */
    public boolean sizeKnown() {
        return size != UNKNOWN_SIZE;
    }
}
