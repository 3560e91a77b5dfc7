package dev.vyre.cli;

import dev.vyre.api.BackendInfo;
import dev.vyre.api.Session;
import dev.vyre.api.SessionOptions;
import dev.vyre.api.Vyre;
import dev.vyre.protocol.SlotStatus;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vyre demo}: boots the best available backend, streams a mixed workload through the
 * persistent ring in waves, verifies every result against a host model after each wave, and
 * prints throughput and publish-to-DONE latency percentiles.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Stream a verified mixed workload (ATOMIC_ADD, STORE_U32, COMPARE_SWAP, LOAD_U32, PACKED, PRINTF,"
                + " BATCH_FENCE) through the persistent ring of the best available backend.")
final class DemoCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--seconds", defaultValue = "3", description = "how long to stream (default ${DEFAULT-VALUE})")
    private double seconds;

    @Option(names = "--backend", paramLabel = "NAME", description = "backend to use (default: the best available)")
    private String backend;

    @Option(names = "--slots", defaultValue = "1024", description = "ring slots, all in flight per wave (default ${DEFAULT-VALUE})")
    private int slots;

    @Option(names = "--workers", defaultValue = "0", description = "interpreter workers / lanes hint, 0 = backend default")
    private int workers;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (slots < 1 || slots > 65_536 || seconds <= 0) {
            err.println("--slots must be 1..65536 and --seconds positive. Fix: pass e.g. --slots 1024 --seconds 3");
            return 2;
        }
        BackendInfo chosen = Vyre.select(backend);
        DemoWorkload model = new DemoWorkload(slots);
        SessionOptions options = SessionOptions.builder().slotCount(slots).observableSlots(model.observable)
                .workers(workers).build();
        out.printf("vyre demo: backend %s on %s [%s]%n", chosen.name(), chosen.device(), chosen.driver());
        out.printf("  %d ring slots in flight, %d observable words, streaming for %.1f s%n", slots, model.observable,
                seconds);
        out.flush();
        Progress progress = new Progress(out, System.console() != null && System.console().isTerminal());
        LatencyHistogram latency = new LatencyHistogram();
        long[] publishedAt = new long[slots];
        int[] args = new int[12];
        String failure = null;
        long start;
        long end;
        int waves = 0;
        try (Vyre vyre = Vyre.open(chosen.name()); Session session = vyre.openSession(options)) {
            start = System.nanoTime();
            long deadline = start + (long) (seconds * 1e9);
            while (failure == null && System.nanoTime() < deadline) {
                for (int s = 0; s < slots; s++) {
                    int opcode = model.next(waves, s, args);
                    publishedAt[s] = System.nanoTime();
                    session.publish(s, 0, opcode, args, 12);
                }
                for (int s = 0; s < slots && failure == null; s++) {
                    if (session.slotStatus(s) != SlotStatus.DONE
                            && !session.awaitSlotStatus(s, SlotStatus.DONE, Duration.ofSeconds(10))) {
                        failure = "slot " + s + " of wave " + waves + " did not complete within 10 s (status "
                                + SlotStatus.name(session.slotStatus(s)) + ")";
                        break;
                    }
                    latency.record(System.nanoTime() - publishedAt[s]);
                }
                waves++;
                if (failure == null) {
                    failure = model.verify(session.controlSnapshot(), true);
                }
                progress.update(System.nanoTime() - start, model.executed, seconds);
            }
            end = System.nanoTime();
            if (failure == null) {
                failure = model.verifyLog(session.debugLogSnapshot());
            }
        }
        progress.finish();
        double elapsed = (end - start) / 1e9;
        out.printf("  %d slots in %d waves in %.2f s: %,.0f slots/s%n", model.executed, waves, elapsed,
                model.executed / elapsed);
        out.printf("  publish -> DONE observed (%d in flight): p50 %s  p99 %s  p99.9 %s  max %s%n", slots,
                micros(latency.percentile(50)), micros(latency.percentile(99)), micros(latency.percentile(99.9)),
                micros(latency.max()));
        if (failure != null) {
            out.println("  VERIFICATION FAILED: " + failure);
            out.flush();
            return 1;
        }
        out.printf("  verified: every result of every wave (%d ADD/STORE/CAS/LOAD/packed words per wave),"
                + " DONE_COUNT, metrics, epoch, %d PRINTF records%n", 6L * slots, Math.min(model.printfs, 64));
        out.flush();
        return 0;
    }

    private static String micros(long nanos) {
        return String.format("%.1f us", nanos / 1000.0);
    }

    /** A progress line: rewritten in place on a terminal, one line a second otherwise. */
    private static final class Progress {
        private final PrintWriter out;
        private final boolean tty;
        private long lastPrint;
        private boolean printed;

        Progress(PrintWriter out, boolean tty) {
            this.out = out;
            this.tty = tty;
        }

        void update(long elapsedNanos, long slots, double total) {
            if (elapsedNanos < 1_000_000_000L) {
                return;
            }
            long interval = tty ? 100_000_000L : 1_000_000_000L;
            if (elapsedNanos - lastPrint < interval) {
                return;
            }
            lastPrint = elapsedNanos;
            double s = elapsedNanos / 1e9;
            String line = String.format("  [%4.1f / %.1f s] %,d slots verified, %,.0f slots/s", s, total, slots,
                    slots / s);
            out.print(tty ? "\r" + line : line + System.lineSeparator());
            out.flush();
            printed = true;
        }

        void finish() {
            if (tty && printed) {
                out.println();
                out.flush();
            }
        }
    }
}
