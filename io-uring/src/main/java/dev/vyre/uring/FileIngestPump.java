package dev.vyre.uring;

import dev.vyre.api.Session;
import dev.vyre.protocol.BackendException;
import dev.vyre.protocol.PipelineException;
import dev.vyre.protocol.SyscallException;
import dev.vyre.protocol.VyreArgumentException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Streams files into a session's data buffer with io_uring and publishes one slot per chunk.
 *
 * <p>For each chunk: take a staging region (its slot must be EMPTY or DONE — checked on the
 * slot's status word), read the chunk into it ({@code READ_FIXED} into the registered data
 * buffer, O_DIRECT when aligned), publish the slot ({@code CRC32C(offset, length, observable,
 * sequence)} by default), and when the slot is DONE compare its observable word with the host's
 * CRC-32C of the staged bytes and report the chunk. When every region is in use the pump waits
 * for a slot to reach DONE (back-pressure), at most the stall timeout.
 *
 * <p>A regular file with a size ({@link SourceKind#REGULAR}) and a block device (its capacity) are read
 * as that many bytes, in io_uring reads of known ranges. A range whose read fails with a media error
 * ({@code EIO}, {@code ENODATA}, {@code EBADMSG}, {@code EREMOTEIO}: a bad sector, ...) is reported as a
 * {@link ChunkFailure} with its offset, to {@link IngestListener#onFailure} at once and in
 * {@link FileReport#failures()}; the bytes read before the failure in that chunk are published, and the
 * chunks after it are still read. Any other read error ({@code EISDIR}, {@code EINVAL}, ...) says the
 * source cannot be read at all and ends it with {@link FileReport#error()}. Every other source — a FIFO, a
 * pipe, standard input, a character device, a pseudo file whose {@code stat} size is 0 ({@code /proc}) —
 * is read by streaming reads ({@code poll} + {@code read}) straight into the staging region until it
 * ends, or until the byte limit: a FIFO is opened without blocking, waits for its writer, and ends when
 * every writer closed.
 * A stream that delivers nothing for {@link IngestOptions#idleTimeout()} (when not zero) ends with an
 * error; {@link IngestListener#onWaiting} hears about every pause of a second or more.
 *
 * <p>Not thread-safe: call {@link #ingest} from one thread. {@link #close()} cancels and drains
 * in-flight reads before it returns, so the data buffer can be released afterwards.
 */
public final class FileIngestPump implements AutoCloseable, UringFileReader.Completion {

    private static final long REAP_WAIT_NANOS = 1_000_000L;
    /** The name standard input gets in reports. */
    public static final String STDIN = "stdin";
    private static final int POLL_SLICE_MILLIS = 100;
    private static final long WAIT_NOTICE_NANOS = 1_000_000_000L;

    private final IngestOptions options;
    private final IngestListener listener;
    private final StagingRegions regions;
    private final UringFileReader reader;
    private final Backoff backoff = new Backoff();
    private final boolean alignedForDirect;
    private final long[] regionFileOffset;
    private final long[] regionSequence;
    private final int[] regionExpected;
    private final int[] regionCarry;
    private final byte[] tail;
    private long readErrors;
    // per-file state, valid during ingest()
    private String path;
    private PipelineException fileError;
    private long fileBytes;
    private long fileChunks;
    private long fileVerified;
    private long truncatedAt;
    private final List<ChunkFailure> failures = new ArrayList<>();
    private long failedChunks;
    private long failedBytes;

    /**
     * @param session  a running session with a data buffer of at least one chunk
     * @param options  chunking, opcode, tenant, slot and observable ranges
     * @param listener receives every settled chunk
     * @throws SyscallException when io_uring cannot be set up here
     */
    public FileIngestPump(Session session, IngestOptions options, IngestListener listener) {
        this.options = options;
        this.listener = listener;
        IngestListener counting = chunk -> {
            if (chunk.verified()) {
                fileVerified++;
            }
            fileChunks++;
            fileBytes += chunk.length();
            listener.onChunk(chunk);
        };
        this.regions = new StagingRegions(session, options, counting);
        try {
            this.reader = new UringFileReader(regions.io(), Math.min(options.queueDepth(), regions.count()),
                    options.fixedBuffers());
        } catch (RuntimeException | Error e) {
            regions.close();
            throw e;
        }
        this.alignedForDirect = regions.io().address() % NativeFiles.DIRECT_ALIGNMENT == 0
                && options.chunkBytes() % NativeFiles.DIRECT_ALIGNMENT == 0;
        this.regionFileOffset = new long[regions.count()];
        this.regionSequence = new long[regions.count()];
        this.regionExpected = new int[regions.count()];
        this.regionCarry = new int[regions.count()];
        this.tail = new byte[options.overlapBytes()];
    }

    /** @return staging regions (= slots in flight at most) */
    public int regionCount() {
        return regions.count();
    }

    /** @return true when reads use READ_FIXED into the registered data buffer */
    public boolean fixedBuffers() {
        return reader.fixedBuffers();
    }

    /**
     * @return true when reads land in host memory and each chunk is copied into the data buffer before its
     *         slot is published ({@link IngestOptions#hostStaging()}, or a data buffer in device memory)
     */
    public boolean hostStaging() {
        return regions.hostStaging();
    }

    /** @return counters since the pump opened */
    public IngestTelemetry telemetry() {
        return regions.telemetry(reader.fixedBuffers(), reader.registrationErrno(), reader.shortReads(), readErrors);
    }

    /** Streams each file in turn. @return one report per file, in order */
    public List<FileReport> ingest(List<Path> files) {
        List<FileReport> reports = new ArrayList<>(files.size());
        for (Path file : files) {
            reports.add(ingest(file));
        }
        return reports;
    }

    /** Streams one source to its end: {@link #ingest(Path, long)} without a byte limit. */
    public FileReport ingest(Path file) {
        return ingest(file, Long.MAX_VALUE);
    }

    /**
     * Streams one source: every chunk is read, published, DONE and (for CRC32C) verified before this
     * returns. A failed read of a file or block device fails that chunk alone ({@link FileReport#failures()},
     * summed up in {@link FileReport#error()}) and the other chunks are still read; a file that shrinks while
     * it is read, a source that cannot be opened, a failed streaming read, or a stream idle for longer than
     * the idle timeout ends the source with {@link FileReport#error()}. Chunks read before a failure are
     * still published and settled: nothing is dropped silently.
     *
     * @param file     a regular file, FIFO, device or pseudo file
     * @param maxBytes read at most this many bytes ({@link Long#MAX_VALUE}: to the end)
     * @throws dev.vyre.protocol.QueueFullException when no slot reaches DONE within the stall timeout
     * @throws VyreArgumentException when {@code maxBytes} is not positive
     */
    public FileReport ingest(Path file, long maxBytes) {
        checkLimit(maxBytes);
        begin(file.toString());
        SourceKind kind = SourceKind.of(file);
        if (kind.streamed()) {
            int fd;
            try {
                fd = NativeFiles.openReadNonBlocking(file);
            } catch (SyscallException e) {
                readErrors++;
                return new FileReport(path, FileReport.UNKNOWN_SIZE, 0, 0, 0, false, e, false);
            }
            try {
                return stream(fd, kind == SourceKind.FIFO, maxBytes);
            } finally {
                NativeFiles.close(fd);
            }
        }
        boolean direct = options.directIo() && alignedForDirect;
        int fd;
        try {
            fd = NativeFiles.openRead(file, direct);
        } catch (SyscallException e) {
            if (!direct || e.errno() != Errno.EINVAL) {
                readErrors++;
                return new FileReport(path, 0, 0, 0, 0, false, e, false);
            }
            direct = false; // the file system refuses O_DIRECT (tmpfs, ...): read through the page cache
            try {
                fd = NativeFiles.openRead(file, false);
            } catch (SyscallException again) {
                readErrors++;
                return new FileReport(path, 0, 0, 0, 0, false, again, false);
            }
        }
        long size = 0;
        boolean limited = false;
        try {
            long whole;
            try {
                whole = kind == SourceKind.BLOCK_DEVICE ? NativeFiles.size(fd, file) : Files.size(file);
            } catch (SyscallException e) {
                readErrors++;
                return new FileReport(path, 0, 0, 0, 0, direct, e, false);
            }
            size = Math.min(whole, maxBytes);
            limited = size < whole;
            pump(fd, size, direct);
            regions.awaitSettled(backoff);
            if (truncatedAt != Long.MAX_VALUE && fileError == null) {
                fileError = new BackendException(path + " ended at byte " + truncatedAt + " while " + size
                        + " bytes were expected: the file was truncated during ingest",
                        "do not truncate files while they are being ingested; ingest it again");
            }
            if (failedChunks > 0 && fileError == null) {
                fileError = failedSummary(size);
            }
        } catch (IOException e) {
            readErrors++;
            fileError = new BackendException("cannot stat " + path + ": " + e.getMessage(),
                    "check the path and its permissions", e);
        } finally {
            if (reader.inFlight() > 0) {
                reader.cancelAll(this);
            }
            NativeFiles.close(fd);
        }
        return new FileReport(path, size, fileBytes, fileChunks, fileVerified, direct, fileError, limited, failures,
                failedChunks);
    }

    private BackendException failedSummary(long size) {
        ChunkFailure first = failures.get(0); // reads complete in any order: name the lowest offset
        for (ChunkFailure f : failures) {
            first = f.sourceOffset() < first.sourceOffset() ? f : first;
        }
        return new BackendException(failedChunks + (failedChunks == 1 ? " chunk" : " chunks") + " of " + path + " ("
                + failedBytes + " of " + size + " bytes) could not be read, the first at byte " + first.sourceOffset()
                + " (" + Errno.name(first.error() instanceof SyscallException e ? e.errno() : Errno.EIO) + "); the "
                + fileBytes + " other bytes were delivered in " + fileChunks + " chunks",
                "check the device (dmesg) and ingest the failed byte ranges again once it reads");
    }

    /**
     * Streams standard input (descriptor 0) until it ends or {@code maxBytes} arrived; the descriptor
     * stays open and its flags are not changed. Reports name it {@value #STDIN}.
     *
     * @throws dev.vyre.protocol.QueueFullException when no slot reaches DONE within the stall timeout
     * @throws VyreArgumentException when {@code maxBytes} is not positive
     */
    public FileReport ingestStandardInput(long maxBytes) {
        checkLimit(maxBytes);
        begin(STDIN);
        return stream(0, false, maxBytes);
    }

    private static void checkLimit(long maxBytes) {
        if (maxBytes < 1) {
            throw new VyreArgumentException("maxBytes", maxBytes + " is not positive",
                    "pass a positive byte count, or Long.MAX_VALUE to read to the end");
        }
    }

    private void begin(String name) {
        path = name;
        fileError = null;
        fileBytes = 0;
        fileChunks = 0;
        fileVerified = 0;
        truncatedAt = Long.MAX_VALUE;
        failures.clear();
        failedChunks = 0;
        failedBytes = 0;
    }

    /**
     * Reads {@code fd} chunk by chunk into staging regions until end of stream, an error, the idle
     * timeout or {@code maxBytes}; publishes every filled region and waits until all settled. With
     * overlap, each region first receives a copy of the last bytes staged before it (kept in
     * {@link #tail}, since the previous region may be reused meanwhile), and its new bytes follow.
     */
    private FileReport stream(int fd, boolean fifo, long maxBytes) {
        long total = 0;
        long seq = 0;
        boolean ended = false;
        long idleSince = System.nanoTime();
        boolean announced = false;
        long idleLimit = options.idleTimeout().toNanos();
        int kept = 0; // bytes of tail: the end of what was staged so far, at most overlapBytes
        try (StreamReads io = new StreamReads(fd)) {
            while (!ended && fileError == null && total < maxBytes) {
                int r = regions.tryAcquire();
                if (r < 0) {
                    awaitRegion();
                    idleSince = System.nanoTime(); // waiting for the device is not the source's idleness
                    continue;
                }
                int want = (int) Math.min(options.chunkBytes(), maxBytes - total);
                int carry = kept;
                if (carry > 0) {
                    regions.copyIn(r, tail, carry);
                }
                long at = regions.io().address() + regions.offset(r) + carry;
                int fill = 0;
                while (fill < want) {
                    int events = io.poll(POLL_SLICE_MILLIS);
                    if (events == 0 || events == -Errno.EINTR) {
                        regions.settleAll();
                        long idle = System.nanoTime() - idleSince;
                        if (!announced && idle >= WAIT_NOTICE_NANOS) {
                            announced = true;
                            listener.onWaiting(path, fifo && total + fill == 0 ? "a writer" : "data");
                        }
                        if (idleLimit > 0 && idle >= idleLimit) {
                            fileError = idle(fifo && total + fill == 0, total + fill);
                            break;
                        }
                        continue;
                    }
                    if (events < 0) {
                        fileError = readError("poll", -events, total + fill);
                        break;
                    }
                    long n = io.read(at + fill, want - fill);
                    if (n > 0) {
                        fill += (int) n;
                        idleSince = System.nanoTime();
                        announced = false;
                    } else if (n == 0) {
                        ended = true;
                        break;
                    } else if (n != -Errno.EAGAIN && n != -Errno.EINTR) {
                        fileError = readError("read", (int) -n, total + fill);
                        break;
                    }
                }
                if (fill > 0) {
                    kept = (int) Math.min(tail.length, (long) carry + fill);
                    regions.copyOut(r, carry + fill - kept, tail, kept);
                    regions.publish(r, fill, path, seq++, total, carry);
                    total += fill;
                } else {
                    regions.release(r);
                }
            }
        }
        if (fileError != null) {
            readErrors++;
        }
        regions.awaitSettled(backoff);
        boolean limited = !ended && fileError == null && total >= maxBytes;
        return new FileReport(path, FileReport.UNKNOWN_SIZE, fileBytes, fileChunks, fileVerified, false, fileError,
                limited);
    }

    private SyscallException readError(String call, int errno, long after) {
        return new SyscallException(call + "(" + path + ") after " + after + " bytes", errno, Errno.readFix(errno));
    }

    private SyscallException idle(boolean noWriter, long after) {
        long millis = options.idleTimeout().toMillis();
        String seconds = millis % 1000 == 0 ? String.valueOf(millis / 1000)
                : String.format(java.util.Locale.ROOT, "%.2f", millis / 1e3);
        String what = noWriter ? "no writer sent anything to the FIFO for " + seconds + " s (--idle-timeout)"
                : "nothing more arrived for " + seconds + " s (--idle-timeout)";
        return new SyscallException("read(" + path + ")" + (noWriter ? "" : " after " + after + " bytes"), Errno.ETIME, what,
                (noWriter ? "start the writer (e.g. cat data.bin > " + path + ")" : "check the program that writes it")
                        + ", or wait longer (vyre ingest --idle-timeout SECONDS, 0 waits without limit)");
    }

    private void pump(int fd, long size, boolean direct) {
        long next = 0;
        long seq = 0;
        while (true) {
            while (fileError == null && truncatedAt == Long.MAX_VALUE && next < size && reader.hasCapacity()) {
                int r = regions.tryAcquire();
                if (r < 0) {
                    break;
                }
                int len = (int) Math.min(options.chunkBytes(), size - next);
                // the overlap is read again from the file; O_DIRECT keeps the read's file offset aligned
                int carry = (int) Math.min(direct ? options.carryCapacity() : options.overlapBytes(), next);
                long request = direct ? roundUp(carry + len) : carry + len;
                regionFileOffset[r] = next;
                regionSequence[r] = seq++;
                regionExpected[r] = carry + len;
                regionCarry[r] = carry;
                reader.submitRead(fd, next - carry, regions.offset(r), request, carry + len, r);
                next += len;
            }
            if (reader.inFlight() > 0) {
                // The queued reads go to the kernel first; completions taken now refill at once. Only
                // then one host CRC, while the reads in flight and the device's checksums go on.
                if (reader.reap(this, 0) > 0 || regions.checksumNext()) {
                    continue;
                }
                reader.reap(this, REAP_WAIT_NANOS);
                continue;
            }
            if (fileError != null || truncatedAt != Long.MAX_VALUE || next >= size) {
                return;
            }
            awaitRegion();
        }
    }

    private void awaitRegion() {
        long start = System.nanoTime();
        long deadline = start + options.stallTimeout().toNanos();
        regions.backpressureWaits++;
        backoff.reset();
        try {
            while (regions.settleAll() == regions.count()) {
                if (regions.checksumNext()) {
                    continue;
                }
                if (System.nanoTime() - deadline >= 0) {
                    throw regions.stalled();
                }
                backoff.idle();
            }
            if (regions.allDead()) {
                throw new BackendException("every staging slot FAULTed; the opcode 0x"
                        + Integer.toHexString(options.opcode()) + " does not complete",
                        "use the CRC32C opcode or a custom opcode that ends in DONE");
            }
        } finally {
            regions.backpressureNanos += System.nanoTime() - start;
        }
    }

    private static long roundUp(long len) {
        return (len + NativeFiles.DIRECT_ALIGNMENT - 1) & -NativeFiles.DIRECT_ALIGNMENT;
    }

    /**
     * A finished read: its bytes (all of them, or those before a failure) are published; a failure is
     * reported for the rest of its chunk and the pump goes on with the next chunks.
     */
    @Override
    public void complete(long token, long bytes, int errno) {
        int r = (int) token;
        long at = regionFileOffset[r];
        int got = (int) Math.min(bytes, regionExpected[r]);
        int carry = regionCarry[r];
        long sequence = regionSequence[r];
        if (got > carry) {
            regions.publish(r, got - carry, path, sequence, at, carry);
        } else {
            regions.release(r);
        }
        if (errno != 0) {
            readErrors++;
            long from = Math.max(at, at - carry + got); // the overlap belongs to the previous chunk
            long end = at + regionExpected[r] - carry;
            String read = reader.fixedBuffers() ? "io_uring READ_FIXED" : "io_uring READ";
            if (Errno.rangeFault(errno)) {
                fail(new ChunkFailure(path, sequence, from, end - from, new SyscallException(read + " of " + path
                        + " bytes " + from + ".." + (end - 1) + " (chunk " + sequence + ")", errno,
                        Errno.readFix(errno))));
            } else if (fileError == null) { // the source cannot be read at all (EISDIR, EINVAL, ...): stop it
                fileError = new SyscallException(read + " of " + path + " at offset " + (at - carry) + " ("
                        + regionExpected[r] + " bytes)", errno, Errno.readFix(errno));
            }
            return;
        }
        if (got < regionExpected[r]) {
            readErrors++;
            // completions arrive in any order: keep the lowest end
            truncatedAt = Math.min(truncatedAt, at - carry + got);
        }
    }

    private void fail(ChunkFailure failure) {
        failedChunks++;
        failedBytes += failure.length();
        if (failures.size() < FileReport.FAILURES_KEPT) {
            failures.add(failure);
        }
        listener.onFailure(failure);
    }

    /** Cancels and drains in-flight reads, then tears the ring down; idempotent. */
    @Override
    public void close() {
        try {
            reader.close();
        } finally {
            regions.close();
        }
    }
}
