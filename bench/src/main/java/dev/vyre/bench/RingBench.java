package dev.vyre.bench;

import dev.vyre.api.ReplayLogOptions;
import dev.vyre.api.Session;
import dev.vyre.api.SessionOptions;
import dev.vyre.api.Vyre;
import dev.vyre.conformance.JsonText;
import dev.vyre.ir.Ir;
import dev.vyre.ir.IrOpcodes;
import dev.vyre.ir.Program;
import dev.vyre.protocol.CustomOpcodes;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotStatus;
import dev.vyre.protocol.TenantIsolation;
import dev.vyre.protocol.replay.AsyncReplayRecorder;
import dev.vyre.protocol.replay.ReplayLog;
import dev.vyre.protocol.replay.ReplayLogFormat;
import dev.vyre.protocol.replay.ReplayRecord;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * End-to-end ring benchmark for any backend selected by name.
 *
 * <ul>
 *   <li>{@code latency}: publish one ATOMIC_ADD slot, spin on its status until DONE, repeat;
 *       HdrHistogram of the publish-to-DONE round trip after a warm-up, and a check that every increment
 *       landed.</li>
 *   <li>{@code throughput}: one publisher thread publishes ATOMIC_ADD slots to distinct
 *       observable words, recycling each slot once its status is DONE; sustained slots/s from
 *       DONE_COUNT over the measured interval, and a check that every increment landed. Run once
 *       per publishing API named in {@code --api} (peers in the same run):
 *       <ul>
 *         <li>{@code publish}: {@code slotStatus} then {@code publish()} per slot;</li>
 *         <li>{@code deferred}: {@code slotStatus} then {@code publishDeferred()} per slot and a
 *             {@code flush()} every {@code --batch} slots (and whenever the next slot is busy);</li>
 *         <li>{@code slots}: {@code publishSlots()} of runs of {@code --batch} slots; the publisher
 *             encodes every image of a run (status, opcode, tenant, priority, three arguments) into a
 *             reused off-heap buffer before each call; with {@code --publishers N} (default 1), N threads
 *             do so at once, thread k on slots {@code [k * slots / N, (k + 1) * slots / N)}.</li>
 *       </ul></li>
 * </ul>
 *
 * <p>{@code --opcode ir} runs every slot as {@link #IR_ADD}, an IR program registered as a custom opcode that
 * does what ATOMIC_ADD does (the same checks hold): the cost of a custom opcode against the built-in one
 * ({@code --opcode builtin}, the default). {@code --opcode builtin-with-ir} runs ATOMIC_ADD in sessions that
 * register {@link #IR_ADD} too: the built-in opcode in a kernel compiled with a custom opcode.
 *
 * <pre>
 * RingBench [--backend NAME] [--mode latency|throughput|both] [--workers N] [--publishers N] [--seconds S]
 *           [--warmup S] [--slots N] [--batch N] [--api publish,deferred,slots] [--isolation off|on|both]
 *           [--opcode builtin|ir|builtin-with-ir] [--json FILE]
 *           [--record FILE [--record-capacity N] [--record-format full|vrrl0001] [--record-rounds N]
 *            [--record-mode direct|background|both] [--record-drainers N,M..]]
 *           [--noise none,spin,cache:SIZE,write:SIZE[@GBPS]..]
 * </pre>
 * Without {@code --api}: {@code deferred} when {@code --batch} is above 0, else {@code publish}.
 *
 * <p>{@code --isolation on} opens every session in isolated mode (docs/PROTOCOL.md, "Isolated mode": tenant 0,
 * the only publisher, owns every observable word, so every slot passes the window checks the interpreter
 * then makes); {@code both} runs every measurement in the default mode, then isolated, in the same process,
 * and prints the isolated mode's overhead per measurement (p50 latency, slots/s). Default {@code off}.
 *
 * <p>{@code --record FILE}: each throughput run is paired with one, right after it and in the same process,
 * whose session records every published slot into a replay log at FILE ({@code SessionOptions.replayLog};
 * capacity 1,048,576 records by default, full-image format), written by the publishing thread ({@code direct})
 * and/or queued for a background recorder ({@code background}; {@code --record-mode}, default both), in
 * {@code --record-rounds} rounds (default 2) of one unrecorded run then the recorded ones (a background run per
 * drain thread count of {@code --record-drainers}, default {@code AsyncReplayRecorder.defaultDrainThreads()});
 * each recorded row
 * gives the overhead against the unrecorded run of its round and checks that the log holds the newest slots,
 * with sequence numbers that count every published slot; last lines compare the best run of each kind and, with
 * three or more rounds, give the median of the per-round overheads.
 *
 * <p>{@code --noise KIND,..} (without {@code --record}): each throughput run is repeated once per kind, in the
 * same process and in the order given, while a {@link MemoryNoise} thread loads the machine as a recorder's drain
 * thread would (a busy core, or a stream of stores to memory) without recording anything; each row gives its
 * change against the first kind's run ({@code none} first makes that the unloaded peer).
 */
public final class RingBench {

    private final String backendName;
    private final String mode;

    /** The custom opcode of {@code --opcode ir}: an IR program adding a0 to control word a1, as ATOMIC_ADD does. */
    static final int IR_ADD = 0x100;
    /** The opcode every slot runs: ATOMIC_ADD, or {@link #IR_ADD}. */
    private final int opcode;
    /** {@link #IR_ADD}'s registration with {@code --opcode ir}, else none. */
    private final CustomOpcodes customOpcodes;
    private final int workers;
    /** Publisher threads of the {@code slots} API, each on its own disjoint range of slots. */
    private final int publishers;
    private final double seconds;
    private final double warmup;
    private final int slots;
    private final Path json;
    /** Slots per flush ({@code deferred}) or per run ({@code slots}). */
    private final int batch;
    /** Publishing APIs to measure, one throughput run each. */
    private final List<String> apis;
    /** Where recorded throughput runs write their replay log; null for none. */
    private final ReplayLogOptions record;
    /** Rounds of (unrecorded, recorded...) runs per publishing API with {@code --record}. */
    private final int recordRounds;
    /** The recorded runs of a round: direct, background, or both. */
    private final List<ReplayLogOptions> recordVariants;
    /** {@link MemoryNoise} kinds, one throughput run each; empty for a plain run. */
    private final List<String> noises;

    /** Session modes to measure, in order: false = default, true = isolated (tenant 0 owns every observable word). */
    private final List<Boolean> isolationModes;
    /** The mode of the sessions being opened now. */
    private boolean isolated;

    private RingBench(Map<String, String> args) {
        this.backendName = args.get("backend");
        this.mode = args.getOrDefault("mode", "both");
        String opcodeChoice = args.getOrDefault("opcode", "builtin");
        if (!List.of("builtin", "ir", "builtin-with-ir").contains(opcodeChoice)) {
            throw new IllegalArgumentException("--opcode takes builtin, ir or builtin-with-ir, not " + opcodeChoice);
        }
        this.opcode = opcodeChoice.equals("ir") ? IR_ADD : Opcodes.ATOMIC_ADD;
        this.customOpcodes = opcodeChoice.equals("builtin") ? CustomOpcodes.none() : CustomOpcodes.of(
                IrOpcodes.irOpcode(IR_ADD, Program.build(b -> b.atomicAdd(Ir.asU64(Ir.arg(1)), Ir.arg(0)))));
        this.workers = (int) BenchArgs.number("--workers", args.getOrDefault("workers", "0"), 0, 1 << 16);
        this.publishers = (int) BenchArgs.number("--publishers", args.getOrDefault("publishers", "1"), 1, 256);
        this.seconds = BenchArgs.decimal("--seconds", args.getOrDefault("seconds", "5"), 0.001, 86_400);
        this.warmup = BenchArgs.decimal("--warmup", args.getOrDefault("warmup", "2"), 0, 3_600);
        this.slots = (int) BenchArgs.number("--slots", args.getOrDefault("slots", "1024"), 1, 1 << 24);
        this.json = args.containsKey("json") ? Path.of(args.get("json")) : null;
        this.batch = (int) BenchArgs.number("--batch", args.getOrDefault("batch", "0"), 0, 1 << 16);
        this.apis = List.of(args.getOrDefault("api", batch > 0 ? "deferred" : "publish").split(","));
        for (String api : apis) {
            if (!List.of("publish", "deferred", "slots").contains(api)) {
                throw new IllegalArgumentException("--api takes publish, deferred or slots (comma-separated), not "
                        + api);
            }
            if (!api.equals("publish") && batch <= 0) {
                throw new IllegalArgumentException("--api " + api + " needs --batch N with N > 0");
            }
        }
        this.record = args.containsKey("record") ? new ReplayLogOptions(Path.of(args.get("record")),
                BenchArgs.number("--record-capacity", args.getOrDefault("record-capacity", "1048576"), 1, 1L << 32),
                switch (args.getOrDefault("record-format", "full")) {
                    case "full" -> ReplayLogFormat.FULL_IMAGE;
                    case "vrrl0001" -> ReplayLogFormat.VRRL0001;
                    default -> throw new IllegalArgumentException("--record-format takes full or vrrl0001");
                }) : null;
        this.recordRounds = (int) BenchArgs.number("--record-rounds", args.getOrDefault("record-rounds", "2"), 1, 1000);
        this.isolationModes = switch (args.getOrDefault("isolation", "off")) {
            case "off" -> List.of(false);
            case "on" -> List.of(true);
            case "both" -> List.of(false, true);
            default -> throw new IllegalArgumentException("--isolation takes off, on or both, not "
                    + args.get("isolation"));
        };
        String recorder = args.getOrDefault("record-mode", "both");
        if (!List.of("direct", "background", "both").contains(recorder)) {
            throw new IllegalArgumentException("--record-mode takes direct, background or both, not " + recorder);
        }
        List<ReplayLogOptions> variants = new java.util.ArrayList<>();
        if (record != null) {
            if (!recorder.equals("background")) {
                variants.add(record);
            }
            if (!recorder.equals("direct")) {
                for (String d : args.getOrDefault("record-drainers",
                        String.valueOf(AsyncReplayRecorder.defaultDrainThreads())).split(",")) {
                    int n = Integer.parseInt(d.strip());
                    if (n < 1 || n > AsyncReplayRecorder.MAX_DRAIN_THREADS) {
                        throw new IllegalArgumentException("--record-drainers takes drain thread counts of 1.."
                                + AsyncReplayRecorder.MAX_DRAIN_THREADS + ", not " + n);
                    }
                    variants.add(record.withBackground(true).withDrainThreads(n));
                }
            }
        }
        this.recordVariants = List.copyOf(variants);
        this.noises = args.containsKey("noise") ? List.of(args.get("noise").split(",")) : List.of();
        for (String noise : noises) {
            MemoryNoise.start(noise).close(); // refuses a bad kind before any session opens
        }
        if (!noises.isEmpty() && record != null) {
            throw new IllegalArgumentException("--noise and --record measure different things; pass one of them");
        }
        if (recordRounds < 1) {
            throw new IllegalArgumentException("--record-rounds takes 1 or more");
        }
        if (!List.of("latency", "throughput", "both").contains(mode)) {
            throw new IllegalArgumentException("--mode must be latency, throughput or both, not " + mode);
        }
        if (publishers < 1 || publishers > 64 || publishers > slots) {
            throw new IllegalArgumentException("--publishers takes 1..min(64, --slots), not " + publishers);
        }
    }

    /** Entry point; see the class comment for the arguments. */
    public static void main(String[] argv) {
        BenchMain.guard("RingBench", () -> runRingBench(argv));
    }

    private static void runRingBench(String[] argv) throws IOException {
        Map<String, String> args = parse(argv); // NumberFormatException included: an argument error
        if (args.containsKey("help")) {
            System.out.println("usage: RingBench [--backend NAME] [--mode latency|throughput|both] [--workers N]"
                    + " [--publishers N] [--seconds S] [--warmup S] [--slots N] [--batch N] [--api publish,deferred,slots]"
                    + " [--isolation off|on|both] [--opcode builtin|ir|builtin-with-ir]"
                    + " [--json FILE] [--record FILE [--record-capacity N] [--record-format full|vrrl0001]"
                    + " [--record-rounds N] [--record-mode direct|background|both] [--record-drainers N,M..]]"
                    + " [--noise none,spin,cache:SIZE,write:SIZE[@GBPS]..]");
            return;
        }
        RingBench bench = new RingBench(args);
        if (!bench.run(System.out)) {
            System.err.println("RingBench: a run was NOT verified (an increment is missing or doubled)."
                    + " Fix: report the backend, its device and the table above; the backend lost or repeated slots");
            System.exit(1);
        }
    }

    private static Map<String, String> parse(String[] argv) {
        return BenchArgs.options(argv, OPTIONS, List.of("help"));
    }

    /** Every option {@link #parse} accepts. */
    private static final List<String> OPTIONS = List.of("help", "backend", "mode", "workers", "publishers", "seconds",
            "warmup", "slots", "batch", "api", "isolation", "opcode", "json", "record", "record-capacity", "record-format",
            "record-rounds", "record-mode", "record-drainers", "noise");

    /** @return true when every run was verified */
    private boolean run(PrintStream out) throws IOException {
        List<Map<String, Object>> results = new ArrayList<>();
        try (Vyre backend = Vyre.open(backendName)) {
            out.printf(Locale.ROOT, "backend %s on %s [%s]%n", backend.name(), backend.device().name(),
                    backend.device().driver());
            for (boolean iso : isolationModes) {
            isolated = iso;
            int first = results.size();
            if (iso) {
                out.println("isolated mode (tenant 0 owns every observable word):");
            }
            if (!mode.equals("throughput")) {
                results.add(latency(backend, out));
            }
            if (!mode.equals("latency")) {
                for (String api : apis) {
                    if (record == null && noises.isEmpty()) {
                        results.add(throughput(backend, api, null, out));
                        continue;
                    }
                    if (record == null) {
                        double unloaded = 0;
                        for (String noise : noises) {
                            Map<String, Object> r;
                            String load;
                            try (MemoryNoise running = MemoryNoise.start(noise)) {
                                r = throughput(backend, api, null, out);
                                running.close();
                                load = running.describe();
                            }
                            double q = ((Number) r.get("slots_per_second")).doubleValue();
                            unloaded = unloaded == 0 ? q : unloaded;
                            r.put("noise", load);
                            out.printf(Locale.ROOT, "noise %s (%s): %.2f M slots/s, %+.1f %% vs %s%n", load, api, q / 1e6,
                                    100.0 * (q / unloaded - 1), noises.getFirst());
                            results.add(r);
                        }
                        continue;
                    }
                    double bestPlain = 0;
                    double[] bestRecorded = new double[recordVariants.size()];
                    double[][] roundOverheads = new double[recordVariants.size()][recordRounds];
                    for (int round = 1; round <= recordRounds; round++) {
                        Map<String, Object> plain = throughput(backend, api, null, out);
                        double p = ((Number) plain.get("slots_per_second")).doubleValue();
                        bestPlain = Math.max(bestPlain, p);
                        results.add(plain);
                        for (int v = 0; v < recordVariants.size(); v++) {
                            ReplayLogOptions variant = recordVariants.get(v);
                            Map<String, Object> recorded = throughput(backend, api, variant, out);
                            double q = ((Number) recorded.get("slots_per_second")).doubleValue();
                            bestRecorded[v] = Math.max(bestRecorded[v], q);
                            double overhead = 100.0 * (1 - q / p);
                            roundOverheads[v][round - 1] = overhead;
                            recorded.put("overhead_pct", Math.round(overhead * 10) / 10.0);
                            recorded.put("summary", recorded.get("summary") + String.format(Locale.ROOT,
                                    "; recording overhead %.1f %% vs the unrecorded run of this round", overhead));
                            out.printf(Locale.ROOT, "recording overhead (%s, %s, round %d): %.1f %% (%.0f -> %.0f"
                                    + " slots/s)%n", api, recordLabel(variant), round, overhead, p, q);
                            results.add(recorded);
                        }
                    }
                    for (int v = 0; v < recordVariants.size(); v++) {
                        out.printf(Locale.ROOT, "recording overhead (%s, %s, best of %d each): %.1f %% (%.0f -> %.0f"
                                + " slots/s)%n", api, recordLabel(recordVariants.get(v)), recordRounds,
                                100.0 * (1 - bestRecorded[v] / bestPlain), bestPlain, bestRecorded[v]);
                        if (recordRounds > 2) {
                            double[] sorted = roundOverheads[v].clone();
                            Arrays.sort(sorted);
                            double median = recordRounds % 2 == 1 ? sorted[recordRounds / 2]
                                    : (sorted[recordRounds / 2 - 1] + sorted[recordRounds / 2]) / 2;
                            out.printf(Locale.ROOT, "recording overhead (%s, %s, median of %d rounds, each against its"
                                    + " own unrecorded run): %.1f %%%n", api, recordLabel(recordVariants.get(v)),
                                    recordRounds, median);
                        }
                    }
                }
            }
            for (int i = first; i < results.size(); i++) {
                results.get(i).put("isolation", iso ? "on" : "off");
            }
            }
            if (isolationModes.size() == 2) {
                printIsolationOverhead(results, out);
            }
            out.println();
            out.println("| backend | mode | api | batch | workers | slots | seconds | result |");
            out.println("|---|---|---|---|---|---|---|---|");
            for (Map<String, Object> r : results) {
                out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s |%n", backend.name(),
                        "on".equals(r.get("isolation")) ? r.get("mode") + " (isolated)" : r.get("mode"),
                        r.getOrDefault("api", "-"), r.getOrDefault("batch", "-"), r.get("workers"), r.get("slots"),
                        r.get("seconds"), r.get("summary"));
            }
            if (json != null) {
                writeJson(backend, results);
                out.println("wrote " + json);
            }
        }
        for (Map<String, Object> r : results) {
            if (Boolean.FALSE.equals(r.get("verified"))) {
                return false;
            }
        }
        return true;
    }

    private SessionOptions options() {
        return options(null);
    }

    private SessionOptions options(ReplayLogOptions replayLog) {
        return SessionOptions.builder().slotCount(slots).observableSlots(slots).workers(workers).replayLog(replayLog)
                .opcodes(customOpcodes)
                .isolation(isolated ? TenantIsolation.of(new TenantIsolation.Window(0, 0, slots, 0, 0)) : null)
                .build();
    }

    /**
     * Prints, for each measurement of the default mode, the isolated mode's overhead against the same measurement
     * of the isolated pass (same mode, API and replay-log variant, in order).
     */
    private static void printIsolationOverhead(List<Map<String, Object>> results, PrintStream out) {
        List<Map<String, Object>> off = results.stream().filter(r -> "off".equals(r.get("isolation"))).toList();
        List<Map<String, Object>> on = results.stream().filter(r -> "on".equals(r.get("isolation"))).toList();
        for (int i = 0; i < Math.min(off.size(), on.size()); i++) {
            Map<String, Object> a = off.get(i);
            Map<String, Object> b = on.get(i);
            if ("latency".equals(a.get("mode"))) {
                double p = ((Number) a.get("p50_us")).doubleValue();
                double q = ((Number) b.get("p50_us")).doubleValue();
                b.put("isolation_overhead_pct", Math.round(1000.0 * (q / p - 1)) / 10.0);
                out.printf(Locale.ROOT, "isolation overhead (latency p50): %+.1f %% (%.2f -> %.2f us)%n",
                        100.0 * (q / p - 1), p, q);
            } else {
                double p = ((Number) a.get("slots_per_second")).doubleValue();
                double q = ((Number) b.get("slots_per_second")).doubleValue();
                b.put("isolation_overhead_pct", Math.round(1000.0 * (1 - q / p)) / 10.0);
                out.printf(Locale.ROOT, "isolation overhead (throughput, %s, batch %s): %.1f %% (%.0f -> %.0f"
                        + " slots/s)%n", a.get("api"), a.get("batch"), 100.0 * (1 - q / p), p, q);
            }
        }
    }

    private Map<String, Object> latency(Vyre backend, PrintStream out) {
        Histogram histogram = new Histogram(60_000_000_000L, 3);
        long rounds;
        boolean verified;
        try (Session session = backend.openSession(options())) {
            long warm = runLatency(session, null, nanos(warmup));
            rounds = runLatency(session, histogram, nanos(seconds));
            long[] published = new long[slots];
            for (long run : new long[] {warm, rounds}) { // each run walks the ring from slot 0
                for (int k = 0; k < slots; k++) {
                    published[k] += run / slots + (k < run % slots ? 1 : 0);
                }
            }
            verified = verify(session, published);
            session.requestShutdown();
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("mode", "latency");
        r.put("workers", workers);
        r.put("slots", slots);
        r.put("seconds", seconds);
        r.put("round_trips", rounds);
        r.put("p50_us", micros(histogram.getValueAtPercentile(50)));
        r.put("p90_us", micros(histogram.getValueAtPercentile(90)));
        r.put("p99_us", micros(histogram.getValueAtPercentile(99)));
        r.put("p99_9_us", micros(histogram.getValueAtPercentile(99.9)));
        r.put("max_us", micros(histogram.getMaxValue()));
        r.put("mean_us", Math.round(histogram.getMean() / 10.0) / 100.0);
        r.put("verified", verified);
        r.put("summary", String.format(Locale.ROOT, "p50 %.2f us, p99 %.2f us, p99.9 %.2f us (max %.1f us, %d round trips,"
                        + " %s)", r.get("p50_us"), r.get("p99_us"), r.get("p99_9_us"), r.get("max_us"), rounds,
                verified ? "every increment verified" : "NOT verified"));
        out.println("latency: " + r.get("summary"));
        return r;
    }

    /** Publish one slot, spin until DONE, repeat; @return round trips */
    private long runLatency(Session session, Histogram histogram, long durationNanos) {
        long end = System.nanoTime() + durationNanos;
        long rounds = 0;
        int slot = 0;
        while (true) {
            long start = System.nanoTime();
            if (start - end >= 0) {
                return rounds;
            }
            session.publish(slot, 0, opcode, 1, 160 + slot, 0);
            while (session.slotStatus(slot) != SlotStatus.DONE) {
                Thread.onSpinWait();
                if (System.nanoTime() - end > 10_000_000_000L) {
                    throw new IllegalStateException("slot " + slot + " did not complete within 10 s; the backend"
                            + " is stalled. Fix: check the backend's interpreter (isAlive) and driver");
                }
            }
            long rtt = System.nanoTime() - start;
            if (histogram != null) {
                histogram.recordValue(rtt);
            }
            rounds++;
            slot = slot + 1 == slots ? 0 : slot + 1;
        }
    }

    private Map<String, Object> throughput(Vyre backend, String api, ReplayLogOptions replayLog, PrintStream out) {
        long completed;
        long elapsed;
        boolean verified;
        long total;
        long waits;
        try (Session session = backend.openSession(options(replayLog))) {
            long[] published = new long[slots];
            publishLoop(session, api, published, nanos(warmup));
            long done0 = session.doneCount();
            long t0 = System.nanoTime();
            publishLoop(session, api, published, nanos(seconds));
            long done1 = session.doneCount();
            elapsed = System.nanoTime() - t0;
            completed = (done1 - done0) & 0xFFFF_FFFFL;
            total = 0;
            for (long p : published) {
                total += p;
            }
            verified = session.awaitDoneCount(total, Duration.ofSeconds(30)) && verify(session, published);
            waits = session.replayRecorder().filter(AsyncReplayRecorder.class::isInstance)
                    .map(r -> ((AsyncReplayRecorder) r).publisherWaits()).orElse(-1L);
            session.requestShutdown();
        }
        double rate = completed / (elapsed / 1e9);
        String logCheck = replayLog == null ? null : checkLog(replayLog, total);
        if (logCheck != null && waits >= 0) {
            logCheck += String.format(Locale.ROOT, "; the publisher found the background queue full %d times", waits);
        }
        verified &= logCheck == null || logCheck.startsWith("log holds");
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("mode", "throughput");
        r.put("api", (replayLog == null ? api : api + "+record(" + recordLabel(replayLog) + ")")
                + (api.equals("slots") && publishers > 1 ? " x" + publishers + " threads" : ""));
        r.put("publishers", api.equals("slots") ? publishers : 1);
        r.put("batch", api.equals("publish") ? 0 : batch);
        r.put("workers", workers);
        r.put("slots", slots);
        r.put("seconds", seconds);
        r.put("slots_completed", completed);
        r.put("slots_per_second", Math.round(rate));
        r.put("verified", verified);
        if (logCheck != null) {
            r.put("replay_log", logCheck);
        }
        r.put("summary", String.format(Locale.ROOT, "%.2f M slots/s (%d slots, every increment %s)%s", rate / 1e6,
                completed, verified ? "verified" : "NOT verified", logCheck == null ? "" : "; " + logCheck));
        out.println("throughput (" + r.get("api") + (api.equals("publish") ? "" : ", batch " + batch) + "): "
                + r.get("summary"));
        return r;
    }

    /** @return e.g. {@code VRRI0001 direct}, {@code VRRL0001 background x4} (drain threads) */
    private static String recordLabel(ReplayLogOptions o) {
        return o.format().magic() + (o.background() ? " background x" + o.drainThreads() : " direct");
    }

    /**
     * @return {@code log holds ...} when the log holds the newest {@code min(capacity, published)} slots (and, in
     *         a full-image log, the newest one's sequence number is {@code published - 1}), else what is wrong
     */
    private static String checkLog(ReplayLogOptions replayLog, long published) {
        try (ReplayLog log = ReplayLog.read(replayLog.path())) {
            long held = log.recordCount();
            long expected = Math.min(published, log.capacity());
            long newest = log.newest().map(ReplayRecord::sequence).orElse(-1L);
            boolean sequenced = log.format() != ReplayLogFormat.FULL_IMAGE || newest == published - 1;
            return held == expected && sequenced
                    ? String.format(Locale.ROOT, "log holds the newest %d of %d published slots", held, published)
                    : String.format(Locale.ROOT, "LOG WRONG: %d records (expected %d), newest sequence %d (expected"
                            + " %d)", held, expected, newest, published - 1);
        }
    }

    /** One publisher, slots recycled by per-slot DONE status. */
    private void publishLoop(Session session, String api, long[] published, long durationNanos) {
        try {
            if (api.equals("slots")) {
                publishRunsUntil(session, published, durationNanos);
            } else {
                publishUntil(session, api.equals("deferred") ? batch : 0, published, durationNanos);
            }
        } finally {
            session.flush();
        }
    }

    /**
     * Runs of {@link #batch} slot images through {@code publishSlots}, each image encoded per call, from
     * {@link #publishers} threads on disjoint ranges of slots (the calling thread is publisher 0).
     */
    private void publishRunsUntil(Session session, long[] published, long durationNanos) {
        long end = System.nanoTime() + durationNanos;
        if (publishers == 1) {
            publishRange(session, published, 0, slots, end);
            return;
        }
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int k = 1; k < publishers; k++) {
            int lo = (int) ((long) k * slots / publishers);
            int hi = (int) ((long) (k + 1) * slots / publishers);
            Thread t = Thread.ofPlatform().name("publisher-" + k).start(() -> {
                try {
                    publishRange(session, published, lo, hi, end);
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            threads.add(t);
        }
        publishRange(session, published, 0, (int) ((long) slots / publishers), end);
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while joining publishers. Fix: do not interrupt RingBench");
            }
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("a publisher thread failed: " + failures.getFirst(), failures.getFirst());
        }
    }

    /** One publisher: runs of images over slots {@code [lo, hi)} until {@code end}. */
    private void publishRange(Session session, long[] published, int lo, int hi, long end) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment images = arena.allocate((long) batch * SlotLayout.SLOT_BYTES, 64);
            int slot = lo;
            while (System.nanoTime() - end < 0) {
                int run = Math.min(batch, hi - slot);
                AtomicAddImages.encode(images, slot, run, opcode);
                int k = session.publishSlots(slot, images, run);
                for (int i = 0; i < k; i++) {
                    published[slot + i]++;
                }
                slot += k;
                if (slot == hi) {
                    slot = lo;
                }
                if (k < run) {
                    Thread.onSpinWait();
                }
            }
        }
    }

    private void publishUntil(Session session, int batch, long[] published, long durationNanos) {
        long end = System.nanoTime() + durationNanos;
        int deferred = 0;
        int slot = 0;
        int n = slots;
        int check = 0;
        while (true) {
            if (++check == 256) {
                check = 0;
                if (System.nanoTime() - end >= 0) {
                    return;
                }
            }
            int status = session.slotStatus(slot);
            if (status == SlotStatus.DONE || status == SlotStatus.EMPTY) {
                if (batch > 0) {
                    session.publishDeferred(slot, 0, opcode, 1, 160 + slot, 0);
                    if (++deferred == batch) {
                        session.flush();
                        deferred = 0;
                    }
                } else {
                    session.publish(slot, 0, opcode, 1, 160 + slot, 0);
                }
                published[slot]++;
                slot = slot + 1 == n ? 0 : slot + 1;
            } else {
                if (deferred != 0) {
                    session.flush();
                    deferred = 0;
                }
                Thread.onSpinWait();
            }
        }
    }

    private boolean verify(Session session, long[] published) {
        byte[] control = session.controlSnapshot();
        java.nio.ByteBuffer words = java.nio.ByteBuffer.wrap(control).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int s = 0; s < published.length; s++) {
            if ((words.getInt((160 + s) * 4) & 0xFFFF_FFFFL) != (published[s] & 0xFFFF_FFFFL)) {
                return false;
            }
        }
        return true;
    }

    private void writeJson(Vyre backend, List<Map<String, Object>> results) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append("{\n  \"date\": ").append(JsonText.quote(Instant.now().toString()));
        sb.append(",\n  \"backend\": ").append(JsonText.quote(backend.name()));
        sb.append(",\n  \"device\": ").append(JsonText.quote(backend.device().name()));
        sb.append(",\n  \"driver\": ").append(JsonText.quote(backend.device().driver()));
        sb.append(",\n  \"java\": ").append(JsonText.quote(Runtime.version().toString()));
        sb.append(",\n  \"cpus\": ").append(Runtime.getRuntime().availableProcessors());
        sb.append(",\n  \"results\": [");
        for (int i = 0; i < results.size(); i++) {
            sb.append(i == 0 ? "\n    {" : ",\n    {");
            int k = 0;
            for (Map.Entry<String, Object> e : results.get(i).entrySet()) {
                sb.append(k++ == 0 ? "" : ", ").append(JsonText.quote(e.getKey())).append(": ");
                Object v = e.getValue();
                sb.append(v instanceof Number || v instanceof Boolean ? v.toString() : JsonText.quote(String.valueOf(v)));
            }
            sb.append('}');
        }
        sb.append("\n  ]\n}\n");
        Files.writeString(json, sb, StandardCharsets.UTF_8);
    }


    private static long nanos(double seconds) {
        return (long) (seconds * 1e9);
    }

    private static double micros(long nanos) {
        return Math.round(nanos / 10.0) / 100.0;
    }
}
