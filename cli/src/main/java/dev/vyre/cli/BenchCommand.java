package dev.vyre.cli;

import dev.vyre.api.Session;
import dev.vyre.api.SessionOptions;
import dev.vyre.api.Vyre;
import dev.vyre.peer.LaunchPeers;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code vyre bench}: on one backend, the publish→DONE latency with one slot in flight, the throughput
 * of each publishing API with the ring kept full ({@code publish}, {@code publishDeferred}+{@code flush},
 * {@code publishSlots}) and the one-pass peer ({@code dispatch} per operation), every result verified
 * (see {@link BenchRunner}); then, with the session closed, the backend's launch-per-operation peers that
 * a {@link LaunchPeers} plugin provides (for CUDA: {@code cuLaunchKernel}+sync and a CUDA Graph
 * launch+sync of a one-slot kernel), or a row saying why they cannot run here; all printed as one
 * comparison table. {@code --hgrm} writes the latency
 * distribution in HdrHistogram's percentile format, {@code --html} a self-contained page with the
 * distribution plot and the table. Exit status: 0 when every measurement verified, 1 when one did not or
 * the backend failed, 2 for a usage error.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure publish->DONE latency and the throughput of each publishing API (publish,"
                + " publishDeferred+flush, publishSlots) against a one-pass dispatch per op and, on CUDA, a"
                + " cuLaunchKernel+sync and a CUDA Graph launch+sync per op; every result verified.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  vyre bench                                   the best backend, 1 s per measurement",
            "  vyre bench --backend reference --seconds 3 --html bench.html --hgrm latency.hgrm",
            "  vyre bench --backend cuda --seconds 2      with the launch+sync and CUDA Graph peers"})
final class BenchCommand implements Callable<Integer> {

    /** Measurements in a run before the peers: latency, three publishing APIs, the dispatch peer. */
    static final int MEASUREMENTS = 5;
    /** Observable words the increments spread over, at most. */
    static final int MAX_WORDS = 1024;

    @Spec
    private CommandSpec spec;

    @ParentCommand
    private VyreCommand parent;

    @Mixin
    private PersistentBackendOption backend;

    @Mixin
    private DeviceOption device;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "1",
            description = "time per measurement, 0.01..3600 (default ${DEFAULT-VALUE})")
    private double seconds;

    @Option(names = "--slots", paramLabel = "N", defaultValue = "1024",
            description = "ring slots kept in flight, 1..65536 (default ${DEFAULT-VALUE})")
    private int slots;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "256",
            description = "slots per flush and per publishSlots run, 1..--slots (default ${DEFAULT-VALUE})")
    private int batch;

    @Option(names = "--hgrm", paramLabel = "FILE",
            description = "write the publish->DONE latency distribution (HdrHistogram percentiles, µs) to FILE")
    private Path hgrm;

    @Option(names = "--html", paramLabel = "FILE",
            description = "write a self-contained HTML page (latency plot, throughput table) to FILE")
    private Path html;

    @Override
    public Integer call() {
        validate();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        CliEnvironment env = parent != null ? parent.environment() : CliEnvironment.system();
        int b = Math.min(batch, slots);
        int words = Math.min(slots, MAX_WORDS);
        Duration phase = Duration.ofNanos((long) (seconds * 1e9));
        List<BenchRunner.Row> rows = new ArrayList<>();
        String title;
        List<LaunchPeers> peers;
        try (ProgressLines progress = new ProgressLines(err, Progress.isTerminal(), phase)) {
            try (Vyre vyre = backend.open(device, env);
                 Session session = vyre.openSession(SessionOptions.builder().slotCount(slots).observableSlots(words)
                         .build())) {
                title = "backend " + vyre.name() + " on " + vyre.device().name() + " [" + vyre.device().driver() + "]";
                out.println("vyre bench: " + title);
                out.println("  " + Formats.count(slots) + " ring slots, " + Formats.seconds(seconds)
                        + " per measurement, every result verified");
                out.flush();
                peers = LaunchPeers.forBackend(vyre.name());
                if (!peers.isEmpty() && device.index() != null && device.index() != 0) {
                    // the launch peers open device 0: beside another device their rows would compare two GPUs
                    out.println("  launch peers skipped: they run on device 0, not on --device " + device.index());
                    peers = List.of();
                }
                progress.measurements(MEASUREMENTS + peers.stream().mapToInt(p -> p.peers().size()).sum());
                BenchRunner runner = new BenchRunner(vyre, session, slots, b, words, phase, progress);
                rows.add(runner.latency());
                if (rows.getLast().verified()) {
                    rows.add(runner.publish());
                }
                if (rows.getLast().verified()) {
                    rows.add(runner.deferred());
                }
                if (rows.getLast().verified()) {
                    rows.add(runner.publishSlots());
                }
                if (rows.getLast().verified()) {
                    rows.add(runner.dispatch());
                }
            }
            // the session and backend are closed: a peer may synchronize the whole device context
            if (rows.getLast().verified()) {
                rows.addAll(measurePeers(peers, phase, progress));
            }
        }
        BenchTable.print(out, rows);
        BenchRunner.Row failed = rows.stream().filter(r -> !r.verified()).findFirst().orElse(null);
        Histogram latency = rows.getFirst().latency();
        if (hgrm != null) {
            writeHgrm(hgrm, latency);
            out.println("  wrote " + hgrm + " (publish->DONE latency distribution, µs)");
        }
        if (html != null) {
            write(html, BenchHtml.render("vyre bench: " + title, Formats.count(slots) + " ring slots, "
                    + Formats.seconds(seconds) + " per measurement", rows), "--html");
            out.println("  wrote " + html);
        }
        out.flush();
        if (failed != null) {
            throw new CliFailure("verification failed in " + failed.api() + " (" + failed.mode() + "): "
                    + failed.failure(), "run `vyre conform --backend " + (backend.name() != null ? backend.name() : "NAME")
                    + "` to find the broken rule; these numbers are not valid");
        }
        return 0;
    }

    /**
     * Measures every peer of the backend ({@link LaunchPeers}): the same one-slot operation done with a
     * launch per operation. A peer set that cannot run here gives a row per peer that says why.
     */
    static List<BenchRunner.Row> measurePeers(List<LaunchPeers> sets, Duration phase, BenchRunner.Listener progress) {
        List<BenchRunner.Row> rows = new ArrayList<>();
        Duration warmup = Duration.ofNanos(Math.min(phase.toNanos() / 5, 500_000_000L));
        for (LaunchPeers set : sets) {
            try (set) {
                String why = set.open();
                for (LaunchPeers.Peer peer : set.peers()) {
                    if (why != null) {
                        rows.add(BenchRunner.Row.unavailable(peer.name(), peer.mode(), why));
                        continue;
                    }
                    progress.phase(peer.name());
                    Histogram h = BenchRunner.newHistogram();
                    long[] n = new long[1];
                    LaunchPeers.Measurement m = set.measure(peer, warmup, phase, nanos -> {
                        h.recordValue(nanos);
                        if ((++n[0] & 63) == 0) {
                            progress.progress(n[0]);
                        }
                    });
                    rows.add(new BenchRunner.Row(peer.name(), peer.mode(), m.operations(), m.nanos(), h, m.failure(),
                            null));
                    if (m.failure() != null) {
                        return rows;
                    }
                }
            }
        }
        return rows;
    }

    /** Every option, before any work. */
    private void validate() {
        if (!(seconds >= 0.01 && seconds <= 3600)) {
            throw UsageErrorHandler.error(spec, "--seconds " + seconds + " is not a time from 0.01 to 3600 s",
                    "pass e.g. --seconds 1");
        }
        if (slots < 1 || slots > 65_536) {
            throw UsageErrorHandler.error(spec, "--slots " + slots + " is outside 1..65536", "pass e.g. --slots 1024");
        }
        if (batch < 1 || batch > slots) {
            throw UsageErrorHandler.error(spec, "--batch " + batch + " is outside 1..--slots (" + slots + ")",
                    "pass e.g. --batch " + Math.min(256, slots));
        }
        if (hgrm != null && html != null && hgrm.toAbsolutePath().normalize().equals(html.toAbsolutePath().normalize())) {
            throw UsageErrorHandler.error(spec, "--hgrm and --html name the same file " + hgrm,
                    "pass two different files, e.g. --hgrm latency.hgrm --html bench.html");
        }
        if (hgrm != null) {
            OutputFile.check(spec, "--hgrm", hgrm, "build/latency.hgrm");
        }
        if (html != null) {
            OutputFile.check(spec, "--html", html, "build/bench.html");
        }
    }

    private static void writeHgrm(Path file, Histogram latency) {
        try (OutputStream os = Files.newOutputStream(file);
             PrintStream ps = new PrintStream(os, false, StandardCharsets.UTF_8)) {
            latency.outputPercentileDistribution(ps, 1000.0);
            ps.flush();
            if (ps.checkError()) {
                throw new IOException("write error");
            }
        } catch (IOException e) {
            throw new CliFailure("cannot write --hgrm " + file + ": " + OutputFile.describe(e),
                    "pass a writable path to --hgrm");
        }
    }

    private static void write(Path file, String text, String option) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CliFailure("cannot write " + option + " " + file + ": " + OutputFile.describe(e),
                    "pass a writable path to " + option);
        }
    }

    /** One {@link Progress} line per measurement, with the ETA of the whole run. */
    private static final class ProgressLines implements BenchRunner.Listener, AutoCloseable {
        private final PrintWriter err;
        private final boolean live;
        private final long phaseNanos;
        private int measurements = MEASUREMENTS;
        private Progress current;
        private int index;

        ProgressLines(PrintWriter err, boolean live, Duration phase) {
            this.err = err;
            this.live = live;
            this.phaseNanos = phase.toNanos();
        }

        /** Sets how many measurements the run makes, peers included. */
        void measurements(int n) {
            measurements = n;
        }

        @Override
        public void phase(String label) {
            close();
            index++;
            // each measurement runs its time plus a warm-up of at most a fifth of it
            long remaining = (measurements - index + 1) * (phaseNanos + Math.min(phaseNanos / 5, 500_000_000L));
            current = new Progress(err, live, String.format(Locale.ROOT, "[%d/%d] %s", index, measurements, label), 0,
                    "slots", System::nanoTime, System.nanoTime() + remaining);
        }

        @Override
        public void progress(long done) {
            if (current != null) {
                current.update(done);
            }
        }

        @Override
        public void close() {
            if (current != null) {
                current.close();
                current = null;
            }
        }
    }
}
