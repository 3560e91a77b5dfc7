package dev.vyre.cli;

import dev.vyre.api.Session;
import dev.vyre.api.SessionOptions;
import dev.vyre.api.Vyre;
import dev.vyre.uring.ConnectionReport;
import dev.vyre.uring.FileIngestPump;
import dev.vyre.uring.FileReport;
import dev.vyre.uring.IngestOptions;
import dev.vyre.uring.IngestTelemetry;
import dev.vyre.uring.SocketIngestServer;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code vyre ingest FILE...} / {@code vyre ingest --listen PORT}: streams sources (io_uring READ_FIXED
 * into the data buffer for regular files and block devices, one {@code READ FAILED} line per range that
 * cannot be read; streaming reads to the end for FIFOs, pipes, standard input, character devices and
 * pseudo files) or TCP connections (netty io_uring) through a backend that runs persistent
 * sessions, one CRC32C slot per chunk, and checks each chunk's device CRC against the host's.
 *
 * <p>Every argument is checked before the backend is opened. Exit status: 0 when every source (or
 * connection) arrived whole and verified and at least one byte was ingested; 1 when a source or
 * connection failed, or nothing was ingested; 2 for a usage error. Ctrl-C prints the totals so far.
 * With {@code --listen}, the line {@code listening on HOST:PORT} and the {@code --ready-file} appear
 * only once the socket is bound.
 */
@Command(name = "ingest", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Stream files, FIFOs, standard input or TCP connections through io_uring into the backend's"
                + " data buffer; every chunk is checksummed by a CRC32C slot and verified against the host's CRC-32C.",
                "Regular files and block devices are read with io_uring READ_FIXED (a range that cannot be read is"
                        + " reported with its offset, and the rest is still read); sources of unknown size (FIFOs,"
                        + " pipes, '-' for standard input, character devices, /proc files) are read until they end."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  vyre ingest data.bin more.bin",
            "  some-producer | vyre ingest -",
            "  vyre ingest --max-bytes 1G /dev/zero",
            "  vyre ingest --listen 9000 --connections 1 --ready-file /tmp/vyre.ready &",
            "  until [ -e /tmp/vyre.ready ]; do sleep 0.1; done",
            "  cat data.bin > /dev/tcp/127.0.0.1/9000; wait $!"})
final class IngestCommand implements Callable<Integer> {

    /** Largest ring {@code --slots} accepts. */
    static final int MAX_SLOTS = SessionOptions.MAX_SLOTS;
    /** The staging area ({@code --slots} x {@code --chunk}) stays below this. */
    static final long MAX_STAGING = 1L << 31;

    @Spec
    private CommandSpec spec;

    @ParentCommand
    private VyreCommand parent;

    @Parameters(paramLabel = "FILE", arity = "0..*",
            description = "sources to stream, in order: files, FIFOs, devices, /proc files; '-' reads standard input")
    private List<String> files = List.of();

    @Mixin
    private PersistentBackendOption backend;

    @Mixin
    private DeviceOption device;

    /**
     * Default chunk and staging regions: 32 regions of 1 MiB keep the CUDA device's checksums from holding the reads
     * back (H100, 1 GB file, O_DIRECT, caches dropped: 1.92 / 2.01 GB/s against 1.63 / 1.27 with 16 regions and 1.5 /
     * 1.4 GB/s by dd iflag=direct, the same run; docs/PERFORMANCE.md, session 15); the reference backend reads at the
     * same rate with 16 or 32.
     */
    static final long DEFAULT_CHUNK = 1 << 20;
    static final int DEFAULT_SLOTS = 32;
    /**
     * The Vulkan backend's defaults, used when neither {@code --chunk} nor {@code --slots} is given: its shader
     * checksums a chunk on one lane, so it needs many chunks in flight (H100, 2 GiB file: 1.47-1.50 GB/s with
     * 64 KiB x 1,024, 51 MB/s with 1 MiB x 32; docs/PERFORMANCE.md).
     */
    static final long VULKAN_CHUNK = 64 << 10;
    static final int VULKAN_SLOTS = 1024;

    @Option(names = "--chunk", paramLabel = "BYTES", converter = ByteCount.class,
            description = "bytes per chunk / slot, 1..1G (K, M, G suffixes; default 1M, on Vulkan 64K)")
    private Long chunkOption;

    @Option(names = "--slots", paramLabel = "N",
            description = "staging regions = chunk slots in flight, 1..1048576, and --slots x --chunk below 2 GiB"
                    + " (default 32, on Vulkan 1024)")
    private Integer slotsOption;

    @Mixin
    private StreamSourceOptions sources;

    @Mixin
    private RecordOptions replayRecording;

    @Override
    public Integer call() {
        Plan plan = validate(Staging.of(null, chunkOption, slotsOption));
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int status;
        try (Vyre vyre = backend.open(device, parent.environment())) {
            plan = plan.on(Staging.of(vyre.name(), chunkOption, slotsOption));
            int slots = plan.staging().slots();
            SessionOptions session = SessionOptions.builder().slotCount(slots).observableSlots(slots)
                    .dataBufferBytes(slots * plan.staging().chunk()).replayLog(replayRecording.check()).build();
            status = run(vyre, session, plan, out, err);
        }
        String recorded = replayRecording.summary();
        if (recorded != null) {
            out.println(recorded + " (the file bytes are not in the log: a replay checksums a zeroed data buffer)");
            out.flush();
        }
        return status;
    }

    private int run(Vyre vyre, SessionOptions session, Plan plan, PrintWriter out, PrintWriter err) {
        int status;
        try (Session s = vyre.openSession(session)) {
            out.printf("vyre ingest: backend %s on %s, %s x %s-byte staging regions, CRC32C per chunk%n", vyre.name(),
                    vyre.device().name(), Formats.count(plan.staging().slots()), Formats.count(plan.staging().chunk()));
            out.flush();
            status = sources.listening() ? listen(s, plan, out, err) : files(s, plan, out, err);
        }
        return status;
    }

    /** Bytes per chunk and staging regions. */
    record Staging(long chunk, int slots) {
        /**
         * @param backend the backend's name, null before it is open
         * @return the options given, the missing ones from the defaults: the Vulkan backend's when neither is given
         */
        static Staging of(String backend, Long chunk, Integer slots) {
            if (chunk == null && slots == null && "vulkan".equals(backend)) {
                return new Staging(VULKAN_CHUNK, VULKAN_SLOTS);
            }
            return new Staging(chunk != null ? chunk : DEFAULT_CHUNK, slots != null ? slots : DEFAULT_SLOTS);
        }
    }

    /** Everything {@link #validate} resolved: the staging, the pump options, the ready file, the byte limit. */
    private record Plan(Staging staging, IngestOptions options, ReadyFile ready, long limit, long knownBytes) {
        /** @return this plan with {@code other} staging (the backend's defaults, once it is open) */
        Plan on(Staging other) {
            return other.equals(staging) ? this
                    : new Plan(other, options.withChunkBytes((int) other.chunk()), ready, limit, knownBytes);
        }
    }

    /** Checks every argument, with {@code staging} from the options given; nothing is opened before this returns. */
    private Plan validate(Staging staging) {
        long chunk = staging.chunk();
        int slots = staging.slots();
        if (sources.listening() == !files.isEmpty()) {
            throw UsageErrorHandler.error(spec, !sources.listening() ? "no source given" : "FILE arguments and"
                    + " --listen together", "pass either FILE... (e.g. vyre ingest data.bin) or --listen PORT (e.g."
                    + " vyre ingest --listen 9000)");
        }
        StreamSourceOptions.range(spec, "--chunk", chunk, 1, IngestOptions.MAX_CHUNK, "e.g. --chunk 1M");
        StreamSourceOptions.range(spec, "--slots", slots, 1, MAX_SLOTS, "e.g. --slots 16");
        if ((long) slots * chunk >= MAX_STAGING) {
            throw UsageErrorHandler.error(spec, "--slots " + Formats.count(slots) + " x --chunk " + Formats.count(chunk)
                    + " = " + Formats.count(slots * chunk) + " bytes of staging is not below 2 GiB",
                    "use fewer or smaller chunks, e.g. --slots 16 --chunk 1M");
        }
        IngestOptions options = sources.checkReading((int) chunk).build();
        if (sources.listening()) {
            return new Plan(staging, options, sources.checkListen("FILE"), Long.MAX_VALUE, 0);
        }
        long limit = sources.checkSources(files);
        return new Plan(staging, options, null, limit, StreamSourceOptions.knownBytes(files, limit));
    }

    private static String waitHint(IngestOptions options) {
        return options.idleTimeout().isZero() ? " (no time limit; Ctrl-C stops)"
                : " (up to " + Formats.duration(options.idleTimeout().toNanos()) + ", see --idle-timeout; Ctrl-C stops)";
    }

    private int files(Session s, Plan plan, PrintWriter out, PrintWriter err) {
        int failed = 0;
        long start = System.nanoTime();
        try (Progress progress = Progress.bytesOnTerminal(err, "ingest", plan.knownBytes());
             Interrupt interrupt = new Interrupt(out, progress, null)) {
            IngestTotals totals = new IngestTotals(err, progress, waitHint(plan.options()));
            interrupt.watch(totals);
            try (FileIngestPump pump = new FileIngestPump(s, plan.options(), totals)) {
                String into = pump.hostStaging() ? "host staging memory, each chunk then copied into the data buffer"
                        + (s.dataInDeviceMemory() ? " (device memory)" : "") : "the data buffer";
                out.printf("  reads: %s%n", pump.fixedBuffers() ? "READ_FIXED into " + into + " (registered)"
                        : "READ into " + into + " (buffer registration refused: errno "
                        + pump.telemetry().registrationErrno() + ")");
                out.flush();
                for (String f : files) {
                    long t0 = System.nanoTime();
                    FileReport r = StreamSourceOptions.read(pump, f, plan.limit());
                    progress.close();
                    boolean good = r.ok() && r.verified() == r.chunks();
                    out.printf("  %s: %s, %s chunks, %s verified%s, %s, %s  %s%n", r.path(), amount(r),
                            Formats.count(r.chunks()), Formats.count(r.verified()), r.directIo() ? " (O_DIRECT)" : "",
                            Formats.duration(System.nanoTime() - t0),
                            Formats.byteRate(r.bytes(), (System.nanoTime() - t0) / 1e9), good ? "OK" : "FAILED");
                    if (r.error() != null) {
                        out.println("    " + OneLine.of(r.error(), FailureHandler.DEFAULT_FIX));
                    }
                    out.flush();
                    failed += good ? 0 : 1;
                }
                summary(out, pump.telemetry(), totals, System.nanoTime() - start);
            }
            if (failed == 0 && totals.bytes() == 0) {
                throw new CliFailure("nothing was ingested: " + (files.size() == 1 ? "the source" : "all "
                        + files.size() + " sources") + " ended without a byte", "pass a non-empty file; for a FIFO,"
                        + " pipe or standard input, make sure its writer sends data before it closes");
            }
        }
        return failed == 0 ? 0 : 1;
    }

    /** @return e.g. {@code 196,613 of 196,613 bytes}, {@code 4,096 bytes (to the end of the stream)} */
    private static String amount(FileReport r) {
        String limited = r.limited() ? " (stopped at --max-bytes)" : "";
        if (r.sizeKnown()) {
            return Formats.count(r.bytes()) + " of " + Formats.bytes(r.size()) + limited;
        }
        return Formats.bytes(r.bytes()) + (r.limited() ? limited : r.error() == null ? " (to the end of the stream)"
                : "");
    }

    private int listen(Session s, Plan plan, PrintWriter out, PrintWriter err) {
        LinkedBlockingQueue<ConnectionReport> ended = new LinkedBlockingQueue<>();
        long start = System.nanoTime();
        StreamSourceOptions.Served served;
        try (Progress progress = Progress.bytesOnTerminal(err, "ingest", 0);
             Interrupt interrupt = new Interrupt(out, progress, plan.ready())) {
            IngestTotals totals = new IngestTotals(err, progress, "");
            interrupt.watch(totals);
            interrupt.connections(0);
            try (SocketIngestServer server = SocketIngestServer.listen(s, plan.options(), sources.host(),
                    sources.port(), totals, ended::add)) {
                served = sources.serve(server.port(), plan.ready(), ended, out, (r, seen) -> {
                    interrupt.connections(seen);
                    boolean good = r.error() == null && r.verified() == r.chunks();
                    out.printf("  %s: %s, %s chunks, %s verified  %s%n", r.source(), Formats.bytes(r.bytes()),
                            Formats.count(r.chunks()), Formats.count(r.verified()), good ? "OK" : "FAILED");
                    return good;
                });
                progress.close();
                summary(out, server.telemetry(), totals, System.nanoTime() - start);
            }
            if (served.failed() == 0 && totals.bytes() == 0) {
                int seen = served.connections();
                throw new CliFailure("nothing was ingested: " + seen + (seen == 1 ? " connection" : " connections")
                        + " ended without sending a byte", "send data before closing the connection");
            }
        }
        return served.failed() == 0 ? 0 : 1;
    }

    private static void summary(PrintWriter out, IngestTelemetry t, IngestTotals totals, long nanos) {
        out.printf("  total: %s in %s = %s; %s chunks, %s verified, %s CRC mismatches, %s short reads resubmitted,"
                        + " %s errors, %s back-pressure waits (%s)%n", Formats.bytes(t.bytes()), Formats.duration(nanos),
                Formats.byteRate(t.bytes(), nanos / 1e9), Formats.count(t.chunks()), Formats.count(t.verified()),
                Formats.count(t.mismatches()), Formats.count(t.shortReads()), Formats.count(t.readErrors()),
                Formats.count(t.backpressureWaits()), Formats.duration(t.backpressureNanos()));
        out.flush();
    }

    /**
     * A shutdown hook for the run: on Ctrl-C (or SIGTERM) it prints the totals so far and removes the
     * ready file; {@link #close()} takes it back when the run ends normally.
     */
    private static final class Interrupt implements AutoCloseable {
        private final PrintWriter out;
        private final Progress progress;
        private final ReadyFile ready;
        private final Thread hook;
        private volatile IngestTotals totals;
        private volatile int connections = -1;

        Interrupt(PrintWriter out, Progress progress, ReadyFile ready) {
            this.out = out;
            this.progress = progress;
            this.ready = ready;
            this.hook = new Thread(this::report, "vyre-ingest-interrupted");
            Runtime.getRuntime().addShutdownHook(hook);
        }

        void watch(IngestTotals t) {
            totals = t;
        }

        void connections(int n) {
            connections = n;
        }

        private void report() {
            IngestTotals t = totals;
            if (t != null) {
                out.println((progress.live() ? System.lineSeparator() : "") + "  interrupted: "
                        + (connections >= 0 ? Formats.count(connections) + " connections ended, " : "") + t.line()
                        + " so far");
                out.flush();
            }
            if (ready != null) {
                ready.remove();
            }
        }

        @Override
        public void close() {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is exiting: the hook reports
            }
        }
    }
}
