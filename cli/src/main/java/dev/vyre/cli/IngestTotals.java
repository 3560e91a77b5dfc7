package dev.vyre.cli;

import dev.vyre.uring.ChunkFailure;
import dev.vyre.uring.ChunkReport;
import dev.vyre.uring.IngestListener;
import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What {@code vyre ingest} has done so far: settled chunks, their bytes, verified chunks and CRC
 * mismatches, counted as chunks settle (on the pump's or the event loop's thread) and readable from
 * any thread, e.g. a shutdown hook after Ctrl-C. It also draws the progress line, prints each CRC
 * mismatch and each byte range that could not be read, and says when a streamed source keeps the run
 * waiting.
 */
final class IngestTotals implements IngestListener {

    private final PrintWriter err;
    private final Progress progress;
    private final String waitHint;
    private final long start = System.nanoTime();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong chunks = new AtomicLong();
    private final AtomicLong verified = new AtomicLong();
    private final AtomicLong mismatches = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();

    /**
     * @param err      where mismatches and wait notices go
     * @param progress the progress line, updated with the bytes settled so far
     * @param waitHint appended to a wait notice, e.g. {@code " (up to 30 s: --idle-timeout; Ctrl-C stops)"}
     */
    IngestTotals(PrintWriter err, Progress progress, String waitHint) {
        this.err = err;
        this.progress = progress;
        this.waitHint = waitHint;
    }

    @Override
    public void onChunk(ChunkReport chunk) {
        long total = bytes.addAndGet(chunk.length());
        chunks.incrementAndGet();
        if (chunk.verified()) {
            verified.incrementAndGet();
        } else {
            mismatches.incrementAndGet();
            progress.close();
            err.printf("  CRC MISMATCH: %s chunk %s at byte %s (%s): device 0x%08x, host 0x%08x%n", chunk.source(),
                    Formats.count(chunk.sequence()), Formats.count(chunk.sourceOffset()),
                    Formats.bytes(chunk.length()), chunk.deviceCrc(), chunk.hostCrc());
            err.flush();
        }
        progress.update(total);
    }

    /** Prints the failed range: one line with its offset, the errno and {@code Fix:}. */
    @Override
    public void onFailure(ChunkFailure failure) {
        failures.incrementAndGet();
        progress.close();
        err.println("  READ FAILED: " + OneLine.of(failure.error(), FailureHandler.DEFAULT_FIX));
        err.flush();
    }

    /** @return failed read ranges so far */
    long failures() {
        return failures.get();
    }

    @Override
    public void onWaiting(String source, String what) {
        progress.close();
        err.println("  waiting for " + what + " on " + source + waitHint);
        err.flush();
    }

    long bytes() {
        return bytes.get();
    }

    long chunks() {
        return chunks.get();
    }

    long verified() {
        return verified.get();
    }

    /** @return nanoseconds since these totals started */
    long elapsedNanos() {
        return System.nanoTime() - start;
    }

    /** @return e.g. {@code 12,345 bytes in 1.20 s (10.29 KB/s), 3 chunks, 3 verified, 0 CRC mismatches} */
    String line() {
        long nanos = elapsedNanos();
        long b = bytes.get();
        return Formats.bytes(b) + " in " + Formats.duration(nanos) + " (" + Formats.byteRate(b, nanos / 1e9) + "), "
                + Formats.count(chunks.get()) + " chunks, " + Formats.count(verified.get()) + " verified, "
                + Formats.count(mismatches.get()) + " CRC mismatches";
    }
}
