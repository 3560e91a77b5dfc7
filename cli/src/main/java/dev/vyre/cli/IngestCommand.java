package dev.vyre.cli;

import dev.vyre.api.BackendInfo;
import dev.vyre.api.Session;
import dev.vyre.api.SessionOptions;
import dev.vyre.api.Vyre;
import dev.vyre.uring.ChunkReport;
import dev.vyre.uring.ConnectionReport;
import dev.vyre.uring.FileIngestPump;
import dev.vyre.uring.FileReport;
import dev.vyre.uring.IngestListener;
import dev.vyre.uring.IngestOptions;
import dev.vyre.uring.IngestTelemetry;
import dev.vyre.uring.SocketIngestServer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vyre ingest FILE...} / {@code vyre ingest --listen PORT}: streams files (io_uring,
 * READ_FIXED into the data buffer) or a TCP socket (netty io_uring) through the selected
 * backend, one CRC32C slot per chunk, checks each chunk's device CRC against the host's and
 * prints throughput with progress.
 */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = "Stream files or a TCP socket through io_uring into the backend's data buffer; every chunk is"
                + " checksummed by a CRC32C slot and verified against the host's CRC-32C.")
final class IngestCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "FILE", arity = "0..*", description = "files to stream, in order")
    private List<Path> files = List.of();

    @Option(names = "--listen", paramLabel = "PORT", description = "listen for TCP connections on PORT instead (0 = any)")
    private Integer listen;

    @Option(names = "--host", defaultValue = "0.0.0.0", description = "address to listen on (default ${DEFAULT-VALUE})")
    private String host;

    @Option(names = "--connections", defaultValue = "0",
            description = "with --listen: stop after this many connections ended (0 = until interrupted)")
    private int connections;

    @Option(names = "--backend", paramLabel = "NAME", description = "backend to use (default: the best available)")
    private String backend;

    @Option(names = "--chunk", defaultValue = "1048576", description = "bytes per chunk / slot (default ${DEFAULT-VALUE})")
    private int chunk;

    @Option(names = "--slots", defaultValue = "16", description = "staging regions = chunk slots in flight (default ${DEFAULT-VALUE})")
    private int slots;

    @Option(names = "--depth", defaultValue = "16", description = "io_uring reads in flight (default ${DEFAULT-VALUE})")
    private int depth;

    @Option(names = "--no-direct", description = "read through the page cache even when O_DIRECT alignment holds")
    private boolean noDirect;

    @Option(names = "--no-fixed", description = "plain READ instead of READ_FIXED into the registered data buffer")
    private boolean noFixed;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if ((listen == null) == files.isEmpty()) {
            err.println("pass either FILE... or --listen PORT. Fix: vyre ingest data.bin, or vyre ingest --listen 9000");
            return 2;
        }
        if (slots < 1 || chunk < 1 || (long) slots * chunk > (1L << 31)) {
            err.println("--slots x --chunk must be 1 .. 2 GiB. Fix: e.g. --slots 16 --chunk 1048576");
            return 2;
        }
        BackendInfo chosen = Vyre.select(backend);
        SessionOptions session = SessionOptions.builder().slotCount(slots).observableSlots(slots)
                .dataBufferBytes((long) slots * chunk).build();
        IngestOptions options = IngestOptions.builder().chunkBytes(chunk).queueDepth(depth).directIo(!noDirect)
                .fixedBuffers(!noFixed).build();
        out.printf("vyre ingest: backend %s on %s, %d x %d-byte staging regions, CRC32C per chunk%n", chosen.name(),
                chosen.device(), slots, chunk);
        out.flush();
        Progress progress = new Progress(err);
        try (Vyre vyre = Vyre.open(chosen.name()); Session s = vyre.openSession(session)) {
            return listen != null ? listen(s, options, out, progress) : files(s, options, out, progress);
        }
    }

    private int files(Session s, IngestOptions options, PrintWriter out, Progress progress) {
        boolean ok = true;
        long start = System.nanoTime();
        long total = 0;
        try (FileIngestPump pump = new FileIngestPump(s, options, progress)) {
            out.printf("  reads: %s%n", pump.fixedBuffers() ? "READ_FIXED into the registered data buffer"
                    : "READ (buffer registration refused: errno " + pump.telemetry().registrationErrno() + ")");
            for (Path file : files) {
                long t0 = System.nanoTime();
                FileReport r = pump.ingest(file);
                progress.finishLine();
                double secs = (System.nanoTime() - t0) / 1e9;
                total += r.bytes();
                out.printf("  %s: %,d of %,d bytes, %d chunks, %d verified%s, %.3f s, %.2f GB/s%s%n", r.path(), r.bytes(),
                        r.size(), r.chunks(), r.verified(), r.directIo() ? " (O_DIRECT)" : "", secs,
                        r.bytes() / Math.max(secs, 1e-9) / 1e9, r.ok() && r.verified() == r.chunks() ? "  OK" : "  FAILED");
                if (r.error() != null) {
                    out.println("    " + r.error().getMessage());
                }
                ok &= r.ok() && r.verified() == r.chunks();
            }
            summary(out, pump.telemetry(), total, System.nanoTime() - start);
        } catch (RuntimeException e) {
            progress.finishLine();
            out.println("  ingest stopped: " + e.getMessage());
            return 1;
        }
        out.flush();
        return ok ? 0 : 1;
    }

    private int listen(Session s, IngestOptions options, PrintWriter out, Progress progress) {
        LinkedBlockingQueue<ConnectionReport> ended = new LinkedBlockingQueue<>();
        boolean ok = true;
        long start = System.nanoTime();
        try (SocketIngestServer server = SocketIngestServer.listen(s, options, host, listen, progress, ended::add)) {
            out.printf("  listening on %s:%d (netty io_uring)%n", host, server.port());
            out.flush();
            int seen = 0;
            while (connections == 0 || seen < connections) {
                ConnectionReport r = ended.poll(1, TimeUnit.SECONDS);
                if (r == null) {
                    continue;
                }
                seen++;
                progress.finishLine();
                boolean good = r.error() == null && r.verified() == r.chunks();
                out.printf("  %s: %,d bytes, %d chunks, %d verified  %s%n", r.source(), r.bytes(), r.chunks(),
                        r.verified(), good ? "OK" : "FAILED");
                if (r.error() != null) {
                    out.println("    " + r.error().getMessage());
                }
                out.flush();
                ok &= good;
            }
            summary(out, server.telemetry(), server.telemetry().bytes(), System.nanoTime() - start);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } catch (RuntimeException e) {
            out.println("  ingest stopped: " + e.getMessage());
            return 1;
        }
        out.flush();
        return ok ? 0 : 1;
    }

    private static void summary(PrintWriter out, IngestTelemetry t, long bytes, long nanos) {
        out.printf("  total: %,d bytes in %.3f s = %.2f GB/s; %d chunks, %d verified, %d CRC mismatches, %d short"
                        + " reads resubmitted, %d errors, %d back-pressure waits (%.1f ms)%n", bytes, nanos / 1e9,
                bytes / Math.max(nanos / 1e9, 1e-9) / 1e9, t.chunks(), t.verified(), t.mismatches(), t.shortReads(),
                t.readErrors(), t.backpressureWaits(), t.backpressureNanos() / 1e6);
    }

    /** Prints bytes and GB/s at most every 0.5 s; reports CRC mismatches as they happen. */
    private static final class Progress implements IngestListener {
        private final PrintWriter err;
        private final boolean terminal = System.console() != null;
        private final long start = System.nanoTime();
        private final AtomicLong bytes = new AtomicLong();
        private long lastPrint = System.nanoTime();
        private boolean lineOpen;

        Progress(PrintWriter err) {
            this.err = err;
        }

        @Override
        public synchronized void onChunk(ChunkReport chunk) {
            long total = bytes.addAndGet(chunk.length());
            if (!chunk.verified()) {
                finishLine();
                err.printf("  CRC MISMATCH: %s chunk %d at %d (%d bytes): device 0x%08x, host 0x%08x%n", chunk.source(),
                        chunk.sequence(), chunk.sourceOffset(), chunk.length(), chunk.deviceCrc(), chunk.hostCrc());
            }
            long now = System.nanoTime();
            if (now - lastPrint >= 500_000_000L) {
                lastPrint = now;
                double secs = (now - start) / 1e9;
                err.printf(terminal ? "\r  %,d bytes, %.2f GB/s   " : "  %,d bytes, %.2f GB/s%n", total, total / secs / 1e9);
                err.flush();
                lineOpen = terminal;
            }
        }

        synchronized void finishLine() {
            if (lineOpen) {
                err.println();
                lineOpen = false;
            }
        }
    }
}
