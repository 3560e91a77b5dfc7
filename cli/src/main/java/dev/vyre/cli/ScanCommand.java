package dev.vyre.cli;

import dev.vyre.api.Session;
import dev.vyre.api.SessionOptions;
import dev.vyre.api.Vyre;
import dev.vyre.protocol.CustomOpcodes;
import dev.vyre.uring.ConnectionReport;
import dev.vyre.uring.FileIngestPump;
import dev.vyre.uring.FileReport;
import dev.vyre.uring.IngestOptions;
import dev.vyre.uring.SocketIngestServer;
import dev.vyre.uring.SourceKind;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
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
 * {@code vyre scan}: multi-pattern literal matching over files, standard input, FIFOs or TCP connections,
 * or over a resident data buffer (a benchmark). The patterns become an Aho-Corasick DFA
 * ({@link ScanAutomaton}) placed in the data buffer; io_uring streams the input into staging regions of
 * the same buffer ({@link FileIngestPump} / {@link SocketIngestServer}, with chunks that overlap by the
 * longest pattern minus 1); one IR opcode ({@link ScanProgram}) walks each chunk on the backend and counts
 * into control words. A CPU peer (the same DFA on every core) scans the same bytes in the same run, and
 * its counts must equal the device's.
 *
 * <p>Exit status: 0 when every source was scanned whole, at least one byte was scanned and the device's
 * counts are consistent (and equal to the peer's where it ran); 1 when a source failed, a chunk was
 * refused, nothing was scanned or the counts disagree; 2 for a usage error (bad patterns file included).
 */
@Command(name = "scan", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Count every occurrence of many literal patterns (Aho-Corasick, as one IR opcode on the backend)"
                + " in files, standard input, FIFOs or TCP connections streamed through io_uring, or in a resident"
                + " data buffer (--resident, a benchmark). A CPU peer scans the same bytes with the same DFA on every"
                + " core; its counts must equal the device's.",
            "Patterns file: one literal per line; escapes \\\\ \\n \\r \\t \\0 \\xNN; CRLF line ends are accepted;"
                + " empty lines are refused."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  printf 'needle\\nhay\\n' > words.txt",
            "  vyre scan --patterns words.txt data.bin more.bin",
            "  vyre scan --patterns words.txt --matches data.bin      offsets of every match",
            "  some-producer | vyre scan --patterns words.txt -",
            "  vyre scan --patterns words.txt --listen 9000 --connections 1",
            "  vyre scan --random-patterns 1000 --resident 512M   GB/s, no IO"})
final class ScanCommand implements Callable<Integer> {

    /** Default chunk: new bytes per slot. */
    static final int DEFAULT_CHUNK = 64 << 10;
    /**
     * Default chunk of {@code --resident}: each chunk is one slot walked by one GPU lane, so small chunks keep
     * enough lanes busy (H100, CUDA, 256 MiB, 1,024 worker warps: 4 KiB chunks 21.7 GB/s median, 64 KiB 8.7).
     */
    static final int DEFAULT_RESIDENT_CHUNK = 4 << 10;
    /** Default chunk with --matches (its log takes 2 control words per byte of chunk). */
    static final int DEFAULT_MATCHES_CHUNK = 16 << 10;
    /** Default staging regions (= slots in flight). */
    static final int DEFAULT_SLOTS = 64;
    /** Default staging regions with --matches. */
    static final int DEFAULT_MATCHES_SLOTS = 16;
    /** Largest data buffer: chunk offsets are 32-bit. */
    static final long MAX_DATA_BYTES = (1L << 32) - 4;
    /** Largest patterns file read. */
    static final long MAX_PATTERNS_FILE = 64L << 20;

    @Spec
    private CommandSpec spec;

    @ParentCommand
    private VyreCommand parent;

    @Parameters(paramLabel = "INPUT", arity = "0..*",
            description = "sources to scan, in order: files, FIFOs, devices; '-' reads standard input")
    private List<String> inputs = List.of();

    @Option(names = "--patterns", paramLabel = "FILE", description = "the literals to count, one per line")
    private Path patternsFile;

    @Option(names = "--random-patterns", paramLabel = "N",
            description = "instead of --patterns: N random lower-case literals of 4..16 bytes (see --seed)")
    private Integer randomPatterns;

    @Option(names = "--resident", paramLabel = "BYTES", converter = ByteCount.class,
            description = "benchmark: scan BYTES of synthetic text (planted patterns, see --seed) held in the data"
                    + " buffer, --passes times, with no IO")
    private Long resident;

    @Option(names = "--passes", defaultValue = "5", paramLabel = "N",
            description = "with --resident: passes over the buffer, 1..1000 (default ${DEFAULT-VALUE})")
    private int passes;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "N",
            description = "seed of --random-patterns and of the --resident text (default ${DEFAULT-VALUE})")
    private long seed;

    @Option(names = "--matches", description = "also print every match: SOURCE:OFFSET: #LINE LITERAL (slower: each"
            + " chunk's matches are read back from the control buffer)")
    private boolean matches;

    @Option(names = "--top", paramLabel = "N",
            description = "print the counts of the N most frequent patterns only (default: every pattern; 10 with"
                    + " --resident)")
    private Integer top;

    @Mixin
    private PersistentBackendOption backend;

    @Mixin
    private DeviceOption device;

    @Option(names = "--chunk", paramLabel = "BYTES", converter = ByteCount.class,
            description = "new bytes per chunk / slot, a multiple of 4 (default 64K; 16K with --matches; 4K with"
                    + " --resident); with the"
                    + " overlap at most " + ScanProgram.MAX_SLOT_BYTES + " bytes")
    private Long chunk;

    @Option(names = "--slots", paramLabel = "N",
            description = "staging regions = chunk slots in flight, 1..65536 (default 64; 16 with --matches)")
    private Integer slots;

    @Option(names = "--workers", defaultValue = "0", paramLabel = "N",
            description = "executing lanes hint for the backend (CUDA: worker warps; reference: threads);"
                    + " 0 = the backend's default, except " + CUDA_RESIDENT_WORKER_WARPS + " worker warps for a"
                    + " --resident scan on CUDA")
    private int workers;

    @Option(names = "--peer-threads", paramLabel = "N",
            description = "threads of the CPU peer (default: every core)")
    private Integer peerThreads;

    @Option(names = "--no-peer", description = "skip the CPU peer")
    private boolean noPeer;

    @Mixin
    private StreamSourceOptions sources;

    /**
     * Worker warps of a CUDA scan from a resident buffer when {@code --workers} is 0: every lane walks one chunk,
     * so the kernel's default of 64 warps leaves the GPU latency-bound (H100, 256 MiB, 1,000 patterns, 4 KiB
     * chunks: 64 warps 5.6 GB/s median, 256 15.1, 1,024 21.0, 4,096 20.8; docs/PERFORMANCE.md).
     */
    static final int CUDA_RESIDENT_WORKER_WARPS = 1024;

    /**
     * Worker warps of a CUDA scan of streamed input when {@code --workers} is 0: the 64 its figures were measured
     * with (docs/PERFORMANCE.md, "scan from a file"); the kernel's own default (32) is tuned for ring throughput.
     */
    static final int CUDA_STREAM_WORKER_WARPS = 64;

    /**
     * @return {@code options} with {@link #CUDA_RESIDENT_WORKER_WARPS} for a resident CUDA scan, and
     *         {@link #CUDA_STREAM_WORKER_WARPS} for a streamed one, left at the default
     */
    static SessionOptions withScanWorkers(SessionOptions o, String backendName) {
        if (o.workers() != 0 || !"cuda".equals(backendName)) {
            return o;
        }
        return o.toBuilder().workers(o.residentData() ? CUDA_RESIDENT_WORKER_WARPS : CUDA_STREAM_WORKER_WARPS).build();
    }

    /** Everything validation resolved before the backend opens. */
    private record Plan(ScanPatterns patterns, ScanAutomaton automaton, ScanTable table, SessionOptions session,
                        long tableAt, IngestOptions ingest, ScanResident.Chunks residentChunks, ReadyFile ready,
                        long limit, int peerThreads, int top) {
    }

    @Override
    public Integer call() {
        Plan plan = validate();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (Vyre vyre = backend.open(device, parent.environment());
             Session s = vyre.openSession(withScanWorkers(plan.session(), vyre.name()))) {
            if (s.options().residentRangeBytes() == 0) {
                plan.table().write(s.dataBuffer(), plan.tableAt()); // else the session opened with it in place
            }
            ScanAutomaton a = plan.automaton();
            out.printf("vyre scan: backend %s on %s; %s patterns (longest %s), DFA %s states x %d byte classes,"
                            + " table %s in the data buffer%n", vyre.name(), vyre.device().name(),
                    Formats.count(a.patternLength.length), Formats.bytes(a.longest), Formats.count(a.states),
                    a.classes, Formats.bytes(plan.table().bytes()));
            out.flush();
            if (plan.residentChunks() != null) {
                ScanResident.Chunks c = plan.residentChunks();
                out.printf("  resident: %s of synthetic text (seed %d), %s chunks of %s overlapping by %s, %d passes,"
                                + " workers %s%n", Formats.bytes(c.size()), seed, Formats.count(c.count()),
                        Formats.bytes(c.chunk()), Formats.bytes(c.carry()), passes,
                        s.options().workers() == 0 ? "the backend's default" : Formats.count(s.options().workers()));
                out.flush();
                return ScanResident.run(s, plan.table(), plan.patterns(), c, seed, passes, plan.peerThreads(), plan.top(),
                        out);
            }
            out.printf("  %s chunk slots in flight, each taking %s of new input, overlapping by %s (io_uring into the data"
                            + " buffer)%s%n",
                    Formats.count(plan.table().chunkWords()), Formats.bytes(plan.ingest().chunkBytes()),
                    Formats.bytes(plan.ingest().overlapBytes()), matches ? ", match offsets logged" : "");
            out.flush();
            return sources.listening() ? listen(s, plan, out, err) : files(s, plan, out, err);
        }
    }

    // ------------------------------------------------------------------ validation

    private Plan validate() {
        int modes = (inputs.isEmpty() ? 0 : 1) + (sources.listening() ? 1 : 0) + (resident != null ? 1 : 0);
        if (modes != 1) {
            throw UsageErrorHandler.error(spec, modes == 0 ? "no input given" : "more than one of INPUT..., --listen and"
                    + " --resident given", "pass either INPUT... (e.g. vyre scan --patterns words.txt data.bin),"
                    + " --listen PORT, or --resident BYTES");
        }
        ScanPatterns patterns = patterns();
        ScanAutomaton automaton;
        try {
            automaton = ScanAutomaton.build(patterns);
        } catch (ScanAutomaton.TooLarge e) {
            throw UsageErrorHandler.error(spec, e.getMessage(), "use fewer or shorter patterns, or split them over"
                    + " several runs");
        }
        if (peerThreads != null) {
            range("--peer-threads", peerThreads, 1, 4096, "e.g. --peer-threads 8");
        }
        int threads = noPeer ? 0 : peerThreads != null ? peerThreads : Runtime.getRuntime().availableProcessors();
        if (top != null) {
            range("--top", top, 1, Integer.MAX_VALUE, "e.g. --top 10");
        }
        range("--workers", workers, 0, 1 << 16, "e.g. --workers 512, or 0 for the backend default");
        if (resident != null) {
            return validateResident(patterns, automaton, threads);
        }
        return validateStreamed(patterns, automaton, threads);
    }

    private ScanPatterns patterns() {
        if ((patternsFile == null) == (randomPatterns == null)) {
            throw UsageErrorHandler.error(spec, patternsFile == null ? "no patterns given"
                    : "--patterns and --random-patterns together", "pass --patterns FILE (one literal per line), or"
                    + " --random-patterns N for a synthetic set");
        }
        if (randomPatterns != null) {
            range("--random-patterns", randomPatterns, 1, ScanPatterns.MAX_PATTERNS, "e.g. --random-patterns 1000");
            return ScanPatterns.random(randomPatterns, seed);
        }
        byte[] content;
        try {
            if (Files.isDirectory(patternsFile)) {
                throw UsageErrorHandler.error(spec, "--patterns " + patternsFile + " is a directory",
                        "pass a file with one literal per line");
            }
            if (Files.isRegularFile(patternsFile) && Files.size(patternsFile) > MAX_PATTERNS_FILE) {
                throw UsageErrorHandler.error(spec, "--patterns " + patternsFile + " is larger than "
                        + Formats.bytes(MAX_PATTERNS_FILE), "split the patterns over several runs");
            }
            content = Files.readAllBytes(patternsFile);
        } catch (IOException e) {
            throw UsageErrorHandler.error(spec, "--patterns " + patternsFile + " cannot be read: "
                    + OutputFile.describe(e), "pass an existing, readable file with one literal per line");
        }
        try {
            return ScanPatterns.parse(patternsFile.toString(), content);
        } catch (ScanPatterns.Refusal r) {
            throw UsageErrorHandler.error(spec, "--patterns " + r.problem(), r.fix());
        }
    }

    private void range(String option, long value, long min, long max, String example) {
        StreamSourceOptions.range(spec, option, value, min, max, example);
    }

    private void only(String option, String mode) {
        if (StreamSourceOptions.matched(spec, option)) {
            throw UsageErrorHandler.error(spec, option + " applies to " + mode + " only", "drop " + option);
        }
    }

    private Plan validateResident(ScanPatterns patterns, ScanAutomaton automaton, int threads) {
        for (String option : new String[] {"--listen", "--host", "--connections", "--ready-file", "--slots", "--depth",
            "--max-bytes", "--idle-timeout", "--no-direct", "--no-fixed"}) {
            only(option, "INPUT... or --listen");
        }
        if (matches) {
            throw UsageErrorHandler.error(spec, "--matches and --resident together", "drop --matches: the benchmark"
                    + " counts; scan a file with --matches for offsets");
        }
        if (noPeer) {
            throw UsageErrorHandler.error(spec, "--no-peer and --resident together", "drop --no-peer: the benchmark"
                    + " checks every device count against the CPU peer's");
        }
        range("--resident", resident, 1, MAX_DATA_BYTES / 2, "e.g. --resident 512M");
        range("--passes", passes, 1, 1000, "e.g. --passes 5");
        int chunkBytes = (int) Math.min(Integer.MAX_VALUE, chunk == null ? DEFAULT_RESIDENT_CHUNK : chunk);
        ScanResident.Chunks c = ScanResident.Chunks.of(resident, Math.max(chunkBytes, 4), automaton.longest);
        checkChunk(chunkBytes, c.carry(), "the overlap");
        if (c.count() > SessionOptions.MAX_SLOTS) {
            throw UsageErrorHandler.error(spec, "--resident " + Formats.count(resident) + " / --chunk "
                    + Formats.count(chunkBytes) + " = " + Formats.count(c.count()) + " chunks, more than the "
                    + Formats.count(SessionOptions.MAX_SLOTS) + " slots a ring holds", "pass a larger --chunk or a"
                    + " smaller --resident");
        }
        ScanTable table = new ScanTable(automaton, c.count(), 0, c.maxLength());
        long tableAt = (resident + 3) & ~3L;
        SessionOptions session = session(table, c.count(), tableAt);
        return new Plan(patterns, automaton, table, session, tableAt, null, c, null, 0, threads,
                top != null ? top : 10);
    }

    private void checkChunk(int chunkBytes, int carry, String what) {
        long most = ScanProgram.MAX_SLOT_BYTES - (long) carry;
        if (chunkBytes < 4 || chunkBytes % 4 != 0 || chunkBytes > most) {
            throw UsageErrorHandler.error(spec, "--chunk " + Formats.count(chunkBytes) + " is not a multiple of 4 in"
                    + " 4.." + Formats.count(most) + " (a slot walks at most " + Formats.count(ScanProgram.MAX_SLOT_BYTES)
                    + " bytes, " + what + " of " + Formats.count(carry) + " included)",
                    "pass e.g. --chunk " + Math.max(4, Math.min(DEFAULT_CHUNK, most & ~3L)));
        }
    }

    private SessionOptions session(ScanTable table, int ringSlots, long tableAt) {
        long observable = table.observableWords();
        if (observable > SessionOptions.MAX_OBSERVABLE_SLOTS) {
            throw UsageErrorHandler.error(spec, "the scan needs " + Formats.count(observable) + " observable control"
                    + " words (" + Formats.count(table.chunkWords()) + " chunk words, 2 per output state of the DFA"
                    + (table.logWords() > 0 ? ", " + Formats.count(table.logWords()) + " log words per chunk" : "")
                    + "), more than " + Formats.count(SessionOptions.MAX_OBSERVABLE_SLOTS), table.logWords() > 0
                    ? "use fewer or smaller chunks with --matches, e.g. --slots 16 --chunk 16K"
                    : "use fewer chunks (a larger --chunk) or fewer patterns");
        }
        long dataBytes = tableAt + table.bytes() + 4;
        if (dataBytes > MAX_DATA_BYTES) {
            throw UsageErrorHandler.error(spec, "the data buffer would be " + Formats.bytes(dataBytes)
                    + " (chunks and the DFA table), more than " + Formats.bytes(MAX_DATA_BYTES), "use fewer or smaller"
                    + " chunks, or fewer patterns");
        }
        SessionOptions.Builder b = SessionOptions.builder().slotCount(ringSlots).observableSlots((int) observable)
                .dataBufferBytes(dataBytes).workers(workers).opcodes(CustomOpcodes.of(ScanProgram.opcode()))
                .residentData(resident != null); // filled once, scanned many times; a stream keeps host memory
        if (resident == null && (tableAt & 3) == 0) {
            // the table (and the pointer word after it, the buffer's last) is written once and read for every byte of
            // every chunk: the device may keep its own copy while the chunks stream into host memory
            b.residentRange(tableAt, table.image(tableAt));
        }
        return b.build();
    }

    private Plan validateStreamed(ScanPatterns patterns, ScanAutomaton automaton, int threads) {
        only("--passes", "--resident");
        int regions = slots != null ? slots : matches ? DEFAULT_MATCHES_SLOTS : DEFAULT_SLOTS;
        range("--slots", regions, 1, 1 << 16, "e.g. --slots 64");
        long chunkBytes = chunk != null ? chunk : matches ? DEFAULT_MATCHES_CHUNK : DEFAULT_CHUNK;
        int overlap = automaton.longest - 1;
        IngestOptions probe = IngestOptions.builder().overlapBytes(overlap).build();
        checkChunk((int) Math.min(Integer.MAX_VALUE, chunkBytes), probe.carryCapacity(), "the overlap capacity");
        IngestOptions ingest = sources.checkReading((int) chunkBytes).opcode(ScanProgram.OPCODE).verify(false)
                .slotLimit(regions).overlapBytes(overlap).build();
        long stride = (long) ingest.carryCapacity() + chunkBytes;
        int logWords = matches ? (int) (2 * chunkBytes) : 0;
        ScanTable table = new ScanTable(automaton, regions, logWords, (int) stride);
        long tableAt = regions * stride;
        SessionOptions session = session(table, regions, tableAt);
        ReadyFile ready = null;
        long limit = Long.MAX_VALUE;
        if (sources.listening()) {
            ready = sources.checkListen("INPUT");
        } else {
            limit = sources.checkSources(inputs);
        }
        return new Plan(patterns, automaton, table, session, tableAt, ingest, null, ready, limit, threads,
                top != null ? top : 0);
    }

    // ------------------------------------------------------------------ files

    private int files(Session s, Plan plan, PrintWriter out, PrintWriter err) {
        int failed = 0;
        long start = System.nanoTime();
        ScanChunks chunks;
        try (Progress progress = Progress.onTerminal(err, "scan", 0, "bytes")) {
            chunks = new ScanChunks(s, plan.table(), plan.patterns(), out, matches, progress);
            try (FileIngestPump pump = new FileIngestPump(s, plan.ingest(), chunks)) {
                for (String f : inputs) {
                    long t0 = System.nanoTime();
                    FileReport r = StreamSourceOptions.read(pump, f, plan.limit());
                    progress.close();
                    chunks.sourceEnded(r.path());
                    long nanos = System.nanoTime() - t0;
                    boolean good = r.ok();
                    out.printf("  %s: %s, %s chunks, %s  %s%n", r.path(), Formats.bytes(r.bytes()),
                            Formats.count(r.chunks()), Formats.byteRate(r.bytes(), nanos / 1e9), good ? "OK" : "FAILED");
                    if (r.error() != null) {
                        out.println("    " + OneLine.of(r.error(), FailureHandler.DEFAULT_FIX));
                    }
                    out.flush();
                    failed += good ? 0 : 1;
                }
            }
        }
        long nanos = System.nanoTime() - start;
        long[] hits = settle(s, plan, chunks, out, "all " + inputs.size() + " sources ended without a byte",
                "pass a non-empty file; for a FIFO, pipe or standard input, make sure its writer sends data");
        out.printf("  device (%s): %s, streamed through io_uring%n", s.backendName(),
                ScanReport.rate(chunks.bytes(), nanos));
        peer(plan, hits, out);
        out.flush();
        return failed == 0 ? 0 : 1;
    }

    /**
     * Checks what the chunks and the counters say, prints the counts. @return each output state's entries
     *
     * @throws CliFailure when nothing was scanned, a chunk was refused or the counters disagree with the chunks
     */
    private long[] settle(Session s, Plan plan, ScanChunks chunks, PrintWriter out, String nothing, String fix) {
        if (chunks.bytes() == 0) {
            throw new CliFailure("nothing was scanned: " + nothing, fix);
        }
        if (chunks.refused() > 0) {
            throw new CliFailure("the scan opcode refused " + chunks.refused() + " chunks, the first " + chunks.firstRefusal(),
                    "report this: the pump's chunks are word-aligned and within the table's length limit");
        }
        long[] hits = plan.table().hits(s.controlSnapshot());
        long total = ScanReport.sum(hits);
        if (total != chunks.entries()) {
            throw new CliFailure("the counters hold " + total + " entries but the chunks reported " + chunks.entries(),
                    "report this with the backend and the patterns: counters and chunk words must agree");
        }
        ScanReport.counts(out, plan.patterns(), plan.automaton().patternCounts(hits), plan.top());
        if (matches) {
            out.printf("  %s match lines printed%n", Formats.count(chunks.printed()));
        }
        out.printf("  scanned %s in %s chunks%n", Formats.bytes(chunks.bytes()), Formats.count(chunks.chunks()));
        return hits;
    }

    /** The CPU peer over the regular files among the inputs, mapped into memory; compares its counts. */
    private void peer(Plan plan, long[] device, PrintWriter out) {
        if (plan.peerThreads() == 0) {
            out.println("  CPU peer: skipped (--no-peer)");
            return;
        }
        List<String> unread = new ArrayList<>();
        try (Arena arena = Arena.ofShared()) {
            List<MemorySegment> sources = new ArrayList<>();
            for (String f : inputs) {
                Path p = Path.of(f);
                if (f.equals("-") || SourceKind.of(p) != SourceKind.REGULAR) {
                    unread.add(f.equals("-") ? "standard input" : f);
                    continue;
                }
                try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
                    long size = Math.min(ch.size(), plan.limit());
                    sources.add(size == 0 ? MemorySegment.NULL : ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena));
                } catch (IOException e) {
                    unread.add(f);
                }
            }
            if (!unread.isEmpty()) {
                out.println("  CPU peer: skipped, " + String.join(", ", unread) + " cannot be read a second time");
                return;
            }
            ScanPeer.Result r = ScanPeer.scan(plan.automaton(), sources, plan.peerThreads());
            if (!Arrays.equals(r.hits(), device)) {
                throw new CliFailure("the CPU peer counted " + ScanReport.sum(r.hits()) + " entries, the device "
                        + ScanReport.sum(device) + " (a file changed while it was scanned, or the backend is wrong)",
                        "scan files that do not change; if they did not, report this with the backend and the patterns");
            }
            out.printf("  CPU peer (Java, %s, same DFA, from memory): %s; counts equal%n", ScanReport.threads(r.threads()),
                    ScanReport.rate(r.bytes(), r.nanos()));
        }
    }

    // ------------------------------------------------------------------ sockets

    private int listen(Session s, Plan plan, PrintWriter out, PrintWriter err) {
        LinkedBlockingQueue<ConnectionReport> ended = new LinkedBlockingQueue<>();
        long start = System.nanoTime();
        ScanChunks chunks;
        StreamSourceOptions.Served served;
        try (Progress progress = Progress.onTerminal(err, "scan", 0, "bytes")) {
            chunks = new ScanChunks(s, plan.table(), plan.patterns(), out, matches, progress);
            try (SocketIngestServer server = SocketIngestServer.listen(s, plan.ingest(), sources.host(),
                    sources.port(), chunks, ended::add)) {
                served = sources.serve(server.port(), plan.ready(), ended, out, (r, seen) -> {
                    chunks.sourceEnded(r.source());
                    boolean good = r.error() == null;
                    out.printf("  %s: %s, %s chunks  %s%n", r.source(), Formats.bytes(r.bytes()),
                            Formats.count(r.chunks()), good ? "OK" : "FAILED");
                    return good;
                });
                progress.close();
            }
        }
        int seen = served.connections();
        int failed = served.failed();
        long nanos = System.nanoTime() - start;
        settle(s, plan, chunks, out, seen + (seen == 1 ? " connection" : " connections") + " ended without sending a"
                + " byte", "send data before closing the connection");
        out.printf("  device (%s): %s, from %s through io_uring (connections' idle time included)%n", s.backendName(),
                ScanReport.rate(chunks.bytes(), nanos), seen == 1 ? "1 connection" : seen + " connections");
        out.println("  CPU peer: skipped, socket bytes cannot be read a second time");
        out.flush();
        return failed == 0 ? 0 : 1;
    }
}
