package dev.vyre.cli;

import dev.vyre.api.Session;
import dev.vyre.api.SessionOptions;
import dev.vyre.api.Vyre;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code vyre demo}: opens a backend that runs persistent sessions, streams a mixed workload through
 * the ring with {@link Session#publishSlots} ({@link DemoStream}), verifies every result against a host
 * model, and prints verified slots per second and publish-to-DONE latency percentiles. Every argument is
 * checked before the backend is opened; a run that verified nothing, or any wrong result, is a failure.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Stream a verified mixed workload (ATOMIC_ADD, STORE_U32, COMPARE_SWAP, LOAD_U32, PACKED, PRINTF,"
                + " BATCH_FENCE) through the persistent ring of the best available backend.")
final class DemoCommand implements Callable<Integer> {

    /** Longest run {@code --seconds} accepts. */
    static final double MAX_SECONDS = 86_400;
    /** Largest ring {@code --slots} accepts. */
    static final int MAX_SLOTS = 65_536;

    @Spec
    private CommandSpec spec;

    @ParentCommand
    private VyreCommand parent;

    @Option(names = "--seconds", defaultValue = "3", paramLabel = "S",
            description = "how long to stream, > 0 and at most 86400 (default ${DEFAULT-VALUE})")
    private double seconds;

    @Option(names = "--backend", paramLabel = "NAME", description = "backend to use (default: the best available"
            + " that runs persistent sessions)")
    private String backend;

    @Option(names = "--slots", defaultValue = "1024", paramLabel = "N",
            description = "ring slots, all in flight, 1..65536 (default ${DEFAULT-VALUE})")
    private int slots;

    @Option(names = "--workers", defaultValue = "0", paramLabel = "N",
            description = "interpreter workers / lanes hint, 0..--slots; 0 = backend default")
    private int workers;

    @Option(names = "--jfr", paramLabel = "FILE.jfr",
            description = "record the run with JDK Flight Recorder (default settings and the dev.vyre events) into FILE")
    private Path jfr;

    @Override
    public Integer call() {
        validate();
        PrintWriter out = spec.commandLine().getOut();
        DemoWorkload model = new DemoWorkload(slots);
        SessionOptions options = SessionOptions.builder().slotCount(slots).observableSlots(model.observable)
                .workers(workers).build();
        LatencyHistogram latency = new LatencyHistogram();
        DemoStream.Result result;
        String backendName;
        long jfrBytes = -1;
        JfrRecording recording = jfr == null ? null : JfrRecording.start(jfr, "vyre demo");
        try {
            try (Vyre vyre = BackendChoice.openPersistent(spec, backend, parent.environment());
                 Session session = vyre.openSession(options)) {
                DemoStream stream = new DemoStream(session, model, latency);
                backendName = vyre.name();
                out.printf("vyre demo: backend %s on %s [%s]%n", vyre.name(), vyre.device().name(),
                        vyre.device().driver());
                out.printf("  %s ring slots in flight in %d %s, published in runs of %d (publishSlots), %s observable"
                        + " words, streaming for %s%n", Formats.count(slots), stream.segments(),
                        stream.segments() == 1 ? "segment" : "segments", DemoStream.RUN_SLOTS,
                        Formats.count(model.observable), Formats.seconds(seconds));
                out.flush();
                long nanos = (long) (seconds * 1e9);
                try (Progress progress = Progress.until(spec.commandLine().getErr(), "demo", "verified slots",
                        System.nanoTime() + nanos)) {
                    result = stream.run(nanos, progress::update);
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
        double elapsed = result.nanos() / 1e9;
        out.printf("  %s slots verified in %s waves in %s: %s verified slots/s%n", Formats.count(result.slots()),
                Formats.count(result.waves()), Formats.seconds(elapsed), Formats.rate(result.slots(), elapsed));
        out.printf("  publish -> DONE observed (%s in flight): p50 %s  p99 %s  p99.9 %s  max %s%n", Formats.count(slots),
                Formats.micros(latency.percentile(50)), Formats.micros(latency.percentile(99)),
                Formats.micros(latency.percentile(99.9)), Formats.micros(latency.max()));
        if (jfrBytes >= 0) {
            out.printf("  JFR recording written to %s (%s bytes)%n", jfr, Formats.count(jfrBytes));
        }
        out.flush();
        if (result.failure() != null) {
            throw new CliFailure("verification failed on backend '" + backendName + "': " + result.failure(),
                    "the backend computed a wrong result; run `vyre conform --backend " + backendName + "` to find"
                            + " the failing case, and report it");
        }
        if (result.slots() == 0) {
            throw new CliFailure("no slot was verified", "stream for longer, e.g. --seconds 3");
        }
        out.printf("  verified: every result of every wave (%s ADD/STORE/CAS/LOAD/packed words per wave),"
                + " DONE_COUNT, metrics, epoch, %d PRINTF records%n", Formats.count(6L * slots),
                Math.min(model.printfs, 64));
        out.flush();
        return 0;
    }

    /** Refuses a bad argument with a usage error before anything is opened. */
    private void validate() {
        if (!(seconds > 0) || seconds > MAX_SECONDS) { // also NaN
            throw UsageErrorHandler.error(spec, "--seconds " + format(seconds) + " is not a duration in (0, "
                    + (long) MAX_SECONDS + "] seconds", "pass a positive number of seconds, e.g. --seconds 3");
        }
        if (slots < 1 || slots > MAX_SLOTS) {
            throw UsageErrorHandler.error(spec, "--slots " + slots + " is outside 1.." + MAX_SLOTS,
                    "pass a ring size in that range, e.g. --slots 1024");
        }
        if (workers < 0 || workers > slots) {
            throw UsageErrorHandler.error(spec, "--workers " + workers + " is outside 0.." + slots
                    + " (0 = the backend's default, at most one worker per ring slot)",
                    "pass a count in that range, e.g. --workers 0");
        }
        if (jfr != null) {
            OutputFile.check(spec, "--jfr", jfr, "build/demo.jfr");
        }
    }

    private static String format(double v) {
        return Double.isNaN(v) ? "NaN" : Double.isInfinite(v) ? (v > 0 ? "Infinity" : "-Infinity")
                : String.valueOf(v);
    }
}
