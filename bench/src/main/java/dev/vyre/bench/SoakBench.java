package dev.vyre.bench;

import dev.vyre.api.Session;
import dev.vyre.api.SessionOptions;
import dev.vyre.api.Vyre;
import dev.vyre.protocol.SlotLayout;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A soak run: {@code --total} slots through {@code publishSlots} from {@code --publishers} threads, each
 * on its own disjoint range of the ring, every slot an ATOMIC_ADD of 1 into its own observable word.
 * Every {@code --sample} seconds one line gives the throughput of the interval (from DONE_COUNT), the
 * process's resident set (VmRSS); at the end every observable word must
 * equal the number of times its slot was published (every increment exactly once), throughput must not
 * decay (the mean of the last quarter of the steady-state samples, those taken while every publisher still
 * published, at least {@code 1 - --max-decay} of the first quarter's), and the resident set must not grow by more than {@code --max-rss-growth} MiB from the end of
 * the first quarter of the samples (the warm-up: heap sizing, JIT, class loading) to the largest sample of
 * the second half. Prints {@code PASS} or {@code FAIL: reason}; exits 0 only on PASS.
 *
 * <pre>
 * SoakBench [--backend NAME] [--total N] [--slots RING] [--batch N] [--publishers N] [--sample S]
 *           [--max-decay F] [--max-rss-growth MIB]
 * </pre>
 */
public final class SoakBench {

    /** What a soak run found. */
    record Result(long slots, double seconds, boolean exact, double firstQuarter, double lastQuarter,
                  long rssGrowthBytes, String verdict) {
        boolean passed() {
            return verdict.equals("PASS");
        }
    }

    /** The run ends early when DONE_COUNT has not moved for this long. */
    private static final long STALL_NANOS = 30_000_000_000L;

    private final String backend;
    /** Set when the run ends early; publishers waiting for a free slot then give up. */
    private volatile boolean stopped;
    private final long total;
    private final int ring;
    private final int batch;
    private final int publishers;
    private final double sampleSeconds;
    private final double maxDecay;
    private final long maxRssGrowth;

    SoakBench(String backend, long total, int ring, int batch, int publishers, double sampleSeconds, double maxDecay,
              long maxRssGrowthMiB) {
        if (total < 1 || ring < 1 || batch < 1 || publishers < 1 || publishers > ring || sampleSeconds <= 0
                || maxDecay < 0 || maxDecay >= 1 || maxRssGrowthMiB < 0) {
            throw new IllegalArgumentException("SoakBench needs --total >= 1, --slots >= 1, --batch >= 1,"
                    + " 1 <= --publishers <= --slots, --sample > 0, 0 <= --max-decay < 1, --max-rss-growth >= 0."
                    + " Fix: e.g. --total 1000000000 --slots 65536 --batch 64 --publishers 4");
        }
        this.backend = backend;
        this.total = total;
        this.ring = ring;
        this.batch = batch;
        this.publishers = publishers;
        this.sampleSeconds = sampleSeconds;
        this.maxDecay = maxDecay;
        this.maxRssGrowth = maxRssGrowthMiB << 20;
    }

    public static void main(String[] argv) {
        BenchMain.guard("SoakBench", () -> runSoakBench(argv));
    }

    private static void runSoakBench(String[] argv) throws Exception {
        Map<String, String> a = BenchArgs.options(argv, List.of("backend", "total", "slots", "batch", "publishers",
                "sample", "max-decay", "max-rss-growth"), List.of());
        Result r;
        try {
            SoakBench soak = new SoakBench(a.get("backend"), (long) Double.parseDouble(a.getOrDefault("total", "1e9")),
                    Integer.parseInt(a.getOrDefault("slots", "65536")), Integer.parseInt(a.getOrDefault("batch", "64")),
                    Integer.parseInt(a.getOrDefault("publishers", "1")),
                    Double.parseDouble(a.getOrDefault("sample", "1")),
                    Double.parseDouble(a.getOrDefault("max-decay", "0.10")),
                    Long.parseLong(a.getOrDefault("max-rss-growth", "64")));
            r = soak.run(System.out);
        } catch (IllegalArgumentException e) {
            System.err.println("SoakBench: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(r.passed() ? 0 : 1);
    }

    Result run(PrintStream out) {
        try (Vyre vyre = backend == null ? Vyre.open() : Vyre.open(backend);
             Session session = vyre.openSession(SessionOptions.builder().slotCount(ring).observableSlots(ring).build())) {
            out.printf(Locale.ROOT, "soak: %s on %s, %,d slots, ring %,d, runs of %d, %d publisher thread(s)%n",
                    vyre.name(), vyre.device().name(), total, ring, batch, publishers);
            out.println("| t (s) | slots done | M slots/s in interval | VmRSS MiB |");
            out.println("|---|---|---|---|");
            long[] published = new long[ring];
            AtomicLong claimed = new AtomicLong();
            List<Thread> threads = new ArrayList<>();
            List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            long start = System.nanoTime();
            long done0 = session.doneCount();
            for (int k = 0; k < publishers; k++) {
                int lo = (int) ((long) k * ring / publishers);
                int hi = (int) ((long) (k + 1) * ring / publishers);
                threads.add(Thread.ofPlatform().name("soak-publisher-" + k).start(() -> {
                    try {
                        publish(session, published, lo, hi, claimed);
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }));
            }
            List<Double> rates = new ArrayList<>();
            List<Long> rssSamples = new ArrayList<>();
            long done = 0;
            long lastDone = 0;
            int lastWord = (int) done0;
            long lastAt = start;
            long sampleNanos = (long) (sampleSeconds * 1e9);
            long progressAt = start;
            while (done < total && failures.isEmpty()) {
                sleepUntil(lastAt + sampleNanos, threads);
                long now = System.nanoTime();
                int word = (int) session.doneCount();
                done += Integer.toUnsignedLong(word - lastWord); // DONE_COUNT wraps at 2^32
                lastWord = word;
                double rate = (done - lastDone) / ((now - lastAt) / 1e9);
                long rss = residentBytes();
                rssSamples.add(rss);
                boolean steady = threads.stream().allMatch(Thread::isAlive); // else the run is winding down
                if (steady) {
                    rates.add(rate);
                }
                out.printf(Locale.ROOT, "| %.1f | %,d | %.2f%s | %d |%n", (now - start) / 1e9, done, rate / 1e6,
                        steady ? "" : " (a publisher had finished: not a steady-state sample)", rss >> 20);
                if (done != lastDone) {
                    progressAt = now;
                } else if (now - progressAt > STALL_NANOS) {
                    stopped = true; // nothing finished for a long time: the verdict below reports what is missing
                    break;
                }
                lastDone = done;
                lastAt = now;
            }
            for (Thread t : threads) {
                join(t);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (!failures.isEmpty()) {
                return verdict(out, new Result(done, seconds, false, 0, 0, 0,
                        "FAIL: a publisher failed: " + failures.getFirst()));
            }
            long publishedTotal = 0;
            for (long p : published) {
                publishedTotal += p;
            }
            boolean settled = session.awaitDoneCount(Integer.toUnsignedLong((int) (done0 + publishedTotal)),
                    Duration.ofSeconds(60));
            boolean exact = settled && exact(session.controlSnapshot(), published);
            double first = mean(rates, 0, Math.max(1, rates.size() / 4));
            double last = mean(rates, rates.size() - Math.max(1, rates.size() / 4), rates.size());
            long growth = 0;
            if (rssSamples.size() >= 4) {
                long warm = rssSamples.get(rssSamples.size() / 4);
                for (int i = rssSamples.size() / 2; i < rssSamples.size(); i++) {
                    growth = Math.max(growth, rssSamples.get(i) - warm);
                }
            }
            String verdict;
            if (!exact) {
                verdict = "FAIL: an increment is missing or doubled (" + publishedTotal + " published"
                        + (settled ? "" : ", DONE_COUNT never reached it") + ")";
            } else if (rates.size() >= 4 && last < first * (1 - maxDecay)) {
                verdict = String.format(Locale.ROOT, "FAIL: throughput decayed from %.2f to %.2f M slots/s", first / 1e6,
                        last / 1e6);
            } else if (growth > maxRssGrowth) {
                verdict = "FAIL: the resident set grew by " + (growth >> 20) + " MiB";
            } else {
                verdict = "PASS";
            }
            session.requestShutdown();
            return verdict(out, new Result(publishedTotal, seconds, exact, first, last, growth, verdict));
        }
    }

    private static Result verdict(PrintStream out, Result r) {
        out.printf(Locale.ROOT, "soak: %,d slots in %.1f s (%.2f M slots/s), every increment exactly once: %s;"
                        + " first/last quarter %.2f/%.2f M slots/s; VmRSS growth %d MiB%n%s%n", r.slots(), r.seconds(),
                r.slots() / r.seconds() / 1e6, r.exact() ? "yes" : "no", r.firstQuarter() / 1e6, r.lastQuarter() / 1e6,
                r.rssGrowthBytes() >> 20, r.verdict());
        return r;
    }

    /** One publisher: runs of images over slots {@code [lo, hi)} until {@code claimed} reaches the total. */
    private void publish(Session session, long[] published, int lo, int hi, AtomicLong claimed) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment images = arena.allocate((long) batch * SlotLayout.SLOT_BYTES, 64);
            int slot = lo;
            while (true) {
                int run = Math.min(batch, hi - slot);
                long first = claimed.getAndAdd(run);
                if (first >= total) {
                    return;
                }
                run = (int) Math.min(run, total - first);
                AtomicAddImages.encode(images, slot, run);
                int k = 0;
                MemorySegment rest = images; // re-sliced only after progress: a busy ring allocates nothing
                while (k < run) {
                    int n = session.publishSlots(slot + k, rest, run - k);
                    for (int i = 0; i < n; i++) {
                        published[slot + k + i]++;
                    }
                    k += n;
                    if (n > 0 && k < run) {
                        rest = images.asSlice((long) k * SlotLayout.SLOT_BYTES);
                    }
                    if (n == 0) {
                        if (stopped) {
                            return;
                        }
                        Thread.onSpinWait();
                    }
                }
                slot += run;
                if (slot == hi) {
                    slot = lo;
                }
            }
        }
    }

    private static boolean exact(byte[] control, long[] published) {
        ByteBuffer words = ByteBuffer.wrap(control).order(ByteOrder.LITTLE_ENDIAN);
        for (int s = 0; s < published.length; s++) {
            if (Integer.toUnsignedLong(words.getInt((160 + s) * 4)) != (published[s] & 0xFFFF_FFFFL)) {
                return false;
            }
        }
        return true;
    }

    private static double mean(List<Double> xs, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += xs.get(i);
        }
        return to > from ? sum / (to - from) : 0;
    }

    private static void sleepUntil(long deadline, List<Thread> threads) {
        while (System.nanoTime() < deadline && threads.stream().anyMatch(Thread::isAlive)) {
            try {
                Thread.sleep(Math.max(1, Math.min(50, (deadline - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** @return VmRSS of this process in bytes, from /proc/self/status (0 where there is none) */
    private static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) << 10;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }
}
