package dev.vyre.cli;

import dev.vyre.api.Session;
import dev.vyre.api.SessionOptions;
import dev.vyre.api.SessionStats;
import dev.vyre.api.Vyre;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code vyre demo}: opens a backend that runs persistent sessions, streams a mixed workload through a
 * full ring in large {@link Session#publishSlots} runs ({@link DemoStream}), checks every slot and every
 * shared counter against a host model ({@link DemoWorkload}), and prints verified slots per second and
 * publish-to-DONE latency percentiles. Every argument is checked before the backend is opened; a run that
 * verified nothing, or any wrong result, is a failure. Ctrl-C stops the stream early: it drains, is
 * checked in full, and the totals are printed.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Stream a verified mixed workload (ATOMIC_ADD, STORE_U32, COMPARE_SWAP, LOAD_U32, PRINTF,"
                + " BATCH_FENCE; packed slots) through the persistent ring of the best available backend, in large"
                + " publishSlots runs with the ring kept full.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  vyre demo                    3 s on the best backend (a GPU: 65,536 slots, runs of 4,096)",
            "  vyre demo --backend cuda --seconds 5",
            "  vyre demo --backend reference --slots 4096 --batch 256 --jfr demo.jfr",
            "  vyre demo --backend cuda --record run.vrri   then: vyre replay run.vrri --backend vulkan"})
final class DemoCommand implements Callable<Integer> {

    /** Longest run {@code --seconds} accepts. */
    static final double MAX_SECONDS = 86_400;
    /** Largest ring {@code --slots} accepts. */
    static final int MAX_SLOTS = 65_536;
    /** Longest default run: {@code --slots / 16}, at most this. */
    static final int MAX_DEFAULT_BATCH = 4_096;
    /** Default ring slots per lane of the backend ({@code Features.lanes()}), at least one lane's worth. */
    static final int DEFAULT_SLOTS_PER_LANE = 1_024;
    /** How long Ctrl-C waits for the stream to drain, be checked and print its totals. */
    private static final long INTERRUPT_WAIT_SECONDS = 30;

    @Spec
    private CommandSpec spec;

    @ParentCommand
    private VyreCommand parent;

    @Option(names = "--seconds", defaultValue = "3", paramLabel = "S",
            description = "how long to stream, > 0 and at most 86400 (default ${DEFAULT-VALUE}); Ctrl-C stops early")
    private double seconds;

    @Mixin
    private PersistentBackendOption backend;

    @Mixin
    private DeviceOption device;

    @Option(names = "--slots", paramLabel = "N",
            description = "ring slots, kept full, 1..65536 (default 1024 per lane of the backend, at most 65536:"
                    + " 65536 on a GPU)")
    private Integer slots;

    @Option(names = "--batch", paramLabel = "N",
            description = "slots per publishSlots run, 1..--slots (default --slots / 16, at most 4096)")
    private Integer batch;

    @Option(names = "--workers", defaultValue = "0", paramLabel = "N",
            description = "interpreter workers / lanes hint, 0..--slots; 0 = backend default")
    private int workers;

    @Option(names = "--stats", description = "print the session's statistics at the end (Session.stats(): latency,"
            + " slots completed, bytes moved, launches, sync points, publish batches, resident resources)")
    private boolean stats;

    @Option(names = "--jfr", paramLabel = "FILE.jfr",
            description = "record the run with JDK Flight Recorder (default settings and the dev.vyre events) into FILE")
    private Path jfr;

    @Mixin
    private RecordOptions replayRecording;

    @Override
    public Integer call() {
        validate();
        CliEnvironment env = parent != null ? parent.environment() : CliEnvironment.system();
        Interrupt interrupt = new Interrupt(spec.commandLine().getOut());
        try {
            return stream(env, interrupt);
        } catch (RuntimeException e) {
            if (Interrupt.active()) { // after Ctrl-C the JVM exits once the hook returns: report before that
                return FailureHandler.report(e, spec.commandLine(), env.debug());
            }
            throw e;
        } finally {
            interrupt.close();
        }
    }

    private int stream(CliEnvironment env, Interrupt interrupt) {
        PrintWriter out = spec.commandLine().getOut();
        LatencyHistogram latency = new LatencyHistogram();
        DemoStream.Result result;
        SessionStats sessionStats = null;
        String backendName;
        int ring;
        int runLength;
        long jfrBytes = -1;
        JfrRecording recording = jfr == null ? null : JfrRecording.start(jfr, "vyre demo");
        try {
            try (Vyre vyre = backend.open(device, env)) {
                ring = slots != null ? slots : defaultSlots(vyre.features().lanes(), batch, workers);
                runLength = batch != null ? batch : defaultBatch(ring);
                DemoWorkload model = new DemoWorkload(ring);
                SessionOptions options = SessionOptions.builder().slotCount(ring).observableSlots(model.observable)
                        .workers(workers).replayLog(replayRecording.check()).build();
                try (Session session = vyre.openSession(options)) {
                    DemoStream stream = new DemoStream(session, model, runLength, latency);
                    backendName = vyre.name();
                    out.printf("vyre demo: backend %s on %s [%s]%n", vyre.name(), vyre.device().name(),
                            vyre.device().driver());
                    out.printf("  %s ring slots kept full, publishSlots runs of %s (%s runs a wave), %d slot kinds,"
                                    + " %s observable words; streaming for %s%n", Formats.count(ring),
                            Formats.count(runLength), Formats.count(stream.runs()), DemoWorkload.KINDS,
                            Formats.count(model.observable), Formats.seconds(seconds));
                    out.flush();
                    interrupt.watch(stream);
                    long nanos = (long) (seconds * 1e9);
                    try (Progress progress = Progress.until(spec.commandLine().getErr(), "demo", "slots",
                            System.nanoTime() + nanos)) {
                        result = stream.run(nanos, progress::update);
                    }
                    if (stats) {
                        sessionStats = session.stats();
                    }
                }
            }
            if (recording != null) {
                jfrBytes = recording.dump();
            }
        } finally {
            if (recording != null) {
                recording.close();
            }
        }
        report(out, result, latency, ring, runLength, jfrBytes);
        if (sessionStats != null) {
            printStats(out, sessionStats);
        }
        String recorded = replayRecording.summary();
        if (recorded != null) {
            out.println(recorded);
            out.flush();
        }
        if (result.failure() != null) {
            throw new CliFailure("verification failed on backend '" + backendName + "': " + result.failure(),
                    "the backend computed a wrong result; run `vyre conform --backend " + backendName + "` to find"
                            + " the failing case, and report it");
        }
        if (result.slots() == 0) {
            throw new CliFailure("no slot was verified", "stream for longer, e.g. --seconds 3");
        }
        out.printf("  verified: every slot ran once per publication (its own ATOMIC_ADD total; PRINTF slots by the"
                + " log cursor), every slot's last STORE/LOAD/COMPARE_SWAP result, DONE_COUNT, the opcode metrics,"
                + " EPOCH and the debug log; %s %s checked in full while streaming%n",
                Formats.count(result.spotChecks()), result.spotChecks() == 1 ? "run" : "runs");
        out.flush();
        return 0;
    }

    private void report(PrintWriter out, DemoStream.Result result, LatencyHistogram latency, int ring, int runLength,
                        long jfrBytes) {
        double elapsed = result.nanos() / 1e9;
        if (result.stopped()) {
            out.printf("  interrupted: stopped after %s by Ctrl-C, drained and checked%n", Formats.seconds(elapsed));
        }
        out.printf("  %s slots verified in %s waves in %s: %s verified slots/s (%s/s)%n", Formats.count(result.slots()),
                Formats.count(result.waves()), Formats.seconds(elapsed), Formats.rate(result.slots(), elapsed),
                Formats.millions(elapsed > 0 ? result.slots() / elapsed : 0));
        out.printf("  publish -> DONE per run of %s (seen in DONE_COUNT, up to %s in flight): p50 %s  p99 %s  p99.9 %s"
                        + "  max %s%n", Formats.count(runLength), Formats.count(ring),
                Formats.duration(latency.percentile(50)), Formats.duration(latency.percentile(99)),
                Formats.duration(latency.percentile(99.9)), Formats.duration(latency.max()));
        if (jfrBytes >= 0) {
            out.printf("  JFR recording written to %s (%s bytes)%n", jfr, Formats.count(jfrBytes));
        }
        out.flush();
    }

    /** The session's statistics, as {@code MegakernelDispatchStats} names them, exact counts. */
    private static void printStats(PrintWriter out, SessionStats s) {
        double age = s.ageNanos() / 1e9;
        out.printf("  stats: latency %s (session age), kernel launches %d, sync points %s, publish batches %s%n",
                Formats.duration(s.ageNanos()), s.kernelLaunches(), Formats.count(s.syncPoints()),
                Formats.count(s.publishBatches()));
        out.printf("  stats: slots completed %s (%s slots/s), bytes moved %s = slot bytes %s + IO served %s + readback"
                        + " %s (%s)%n", Formats.count(s.slotsCompleted()), Formats.perSecond(s.slotsPerSecond()),
                Formats.bytes(s.bytesMoved()), Formats.count(s.slotBytes()), Formats.count(s.ioBytesServed()),
                Formats.count(s.readbackBytes()), Formats.byteRate(s.bytesMoved(), age));
        out.printf("  stats: resident resources %d %s, %d handles%n", s.residentResourceRows(),
                s.residentResourceRows() == 1 ? "row" : "rows", s.residentResourceHandles());
        out.flush();
    }

    /**
     * Refuses a bad argument with a usage error before anything is opened. Without {@code --slots} the ring
     * is sized once the backend is open ({@link #defaultSlots}), never smaller than {@code --batch} or
     * {@code --workers}, so those are checked against the largest ring here.
     */
    private void validate() {
        if (!(seconds > 0) || seconds > MAX_SECONDS) { // also NaN
            throw UsageErrorHandler.error(spec, "--seconds " + format(seconds) + " is not a duration in (0, "
                    + (long) MAX_SECONDS + "] seconds", "pass a positive number of seconds, e.g. --seconds 3");
        }
        if (slots != null && (slots < 1 || slots > MAX_SLOTS)) {
            throw UsageErrorHandler.error(spec, "--slots " + slots + " is outside 1.." + MAX_SLOTS,
                    "pass a ring size in that range, e.g. --slots 65536");
        }
        int most = slots != null ? slots : MAX_SLOTS;
        String range = slots != null ? "1..--slots (" + slots + ")" : "1.." + MAX_SLOTS;
        if (batch != null && (batch < 1 || batch > most)) {
            throw UsageErrorHandler.error(spec, "--batch " + batch + " is outside " + range,
                    "pass a run length in that range, e.g. --batch " + defaultBatch(most));
        }
        if (workers < 0 || workers > most) {
            throw UsageErrorHandler.error(spec, "--workers " + workers + " is outside 0.." + most
                    + " (0 = the backend's default, at most one worker per ring slot)",
                    "pass a count in that range, e.g. --workers 0");
        }
        if (jfr != null) {
            OutputFile.check(spec, "--jfr", jfr, "build/demo.jfr");
        }
        replayRecording.check();
    }

    /**
     * @param lanes the backend's executing lanes ({@code Features.lanes()})
     * @return {@value #DEFAULT_SLOTS_PER_LANE} slots per lane, at most {@value #MAX_SLOTS} (a GPU's whole ring;
     *         a CPU interpreter scans its ring, so a small one suits it), and at least {@code batch} and
     *         {@code workers} when given
     */
    static int defaultSlots(int lanes, Integer batch, int workers) {
        long ring = Math.min(MAX_SLOTS, Math.max(1L, lanes) * DEFAULT_SLOTS_PER_LANE);
        return (int) Math.max(ring, Math.max(batch != null ? batch : 1, workers));
    }

    /** @return {@code slots / 16} (16 runs in flight), at least 1 and at most {@value #MAX_DEFAULT_BATCH} */
    static int defaultBatch(int slots) {
        return Math.max(1, Math.min(MAX_DEFAULT_BATCH, slots / 16));
    }

    private static String format(double v) {
        return Double.isNaN(v) ? "NaN" : Double.isInfinite(v) ? (v > 0 ? "Infinity" : "-Infinity")
                : String.valueOf(v);
    }

    /**
     * A shutdown hook for the run: on Ctrl-C (or SIGTERM) it asks the stream to stop, then waits until the
     * stream has drained, been checked and printed its totals ({@link #close()}); before the stream started
     * it prints that nothing was streamed yet. {@link #close()} takes the hook back when the run ends normally.
     */
    private static final class Interrupt implements AutoCloseable {
        private static volatile boolean active;
        private final PrintWriter out;
        private final Thread hook;
        private final CountDownLatch finished = new CountDownLatch(1);
        private volatile DemoStream stream;

        Interrupt(PrintWriter out) {
            this.out = out;
            this.hook = new Thread(this::interrupted, "vyre-demo-interrupted");
            Runtime.getRuntime().addShutdownHook(hook);
        }

        /** @return true once a Ctrl-C hook of this process has started */
        static boolean active() {
            return active;
        }

        void watch(DemoStream s) {
            stream = s;
        }

        private void interrupted() {
            active = true;
            DemoStream s = stream;
            if (s == null) {
                out.println("  interrupted before the stream started: nothing was streamed");
                out.flush();
                return;
            }
            s.stop();
            try {
                if (!finished.await(INTERRUPT_WAIT_SECONDS, TimeUnit.SECONDS)) {
                    out.println("  interrupted: " + Formats.count(s.publishedSoFar()) + " slots published; the drain"
                            + " and the final check did not finish within " + INTERRUPT_WAIT_SECONDS + " s");
                    out.flush();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() {
            finished.countDown();
            if (!active) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the JVM is exiting: the hook runs and returns at once
                }
            }
        }
    }
}
