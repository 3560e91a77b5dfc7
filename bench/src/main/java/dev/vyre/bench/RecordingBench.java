package dev.vyre.bench;

import dev.vyre.protocol.SlotImages;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotStatus;
import dev.vyre.protocol.Words;
import dev.vyre.protocol.replay.AsyncReplayRecorder;
import dev.vyre.protocol.replay.ReplayLog;
import dev.vyre.protocol.replay.ReplayLogFormat;
import dev.vyre.protocol.replay.ReplayRecord;
import dev.vyre.protocol.replay.SessionGeometry;
import dev.vyre.protocol.replay.SlotRecorder;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What recording costs the publishing thread, without a device: a publish-only harness that does what
 * {@code Session.publishSlots} does on the host for each run of slot images (encode the images, check them,
 * copy them into a ring-sized native segment, release-store the status words) with no recording, with a
 * {@link ReplayLog} written by the publishing thread ({@code direct}) and with an {@link AsyncReplayRecorder}
 * ({@code background/N}: {@code N} drain threads, {@code --drainers}) and, with {@code --ring-read}, with a background
 * recorder whose drainers read the images back from the ring ({@code ringread/N}, as a session with a host-memory ring
 * records {@code publishSlots}), in rounds of all of them in one process. It also times the recorders alone
 * ({@code recordImages} of the same runs, nothing else). Every recorded run is checked afterwards: the log must
 * hold the newest {@code min(capacity, recorded)} records, the newest with sequence number {@code recorded - 1}.
 *
 * <p>A GPU consumes the ring at a fixed rate ({@code --device-rate}, 86 M slots/s for CUDA {@code publishSlots}/64
 * on the H100), so what matters is whether the publisher's cost per slot with recording stays within
 * {@code 1 / device-rate}: the last lines give, for each variant, the publisher's own rate and the throughput
 * overhead it implies at that device rate, {@code 1 - min(rate, device) / min(unrecorded rate, device)}.
 * (The end-to-end figure with a device is RingBench {@code --record}.)
 *
 * <p>With {@code --pace RATE} the publish harness publishes at most {@code RATE} slots/s (as a device that takes
 * that many would let it), so drain threads that keep up at that rate never make the publisher wait, and each row
 * also gives the time spent inside the publish call (the ring write, with recording when recorded) per slot: the
 * publisher's own cost of recording, without the waits, on a machine with fewer cores than threads too.
 *
 * <pre>
 * java -cp ... dev.vyre.bench.RecordingBench [--seconds 2] [--rounds 3] [--run 64] [--ring 65536]
 *      [--capacity 1048576] [--format full|vrrl0001] [--dir /dev/shm] [--device-rate 86e6] [--drainers 1,2,4] [--ring-read] [--pace RATE]
 *      [--parts publish,alone]
 * </pre>
 * Exits 1 when a log does not hold what was recorded.
 */
public final class RecordingBench {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final double seconds;
    private final int rounds;
    private final int run;
    private final int ring;
    private final long capacity;
    private final ReplayLogFormat format;
    private final Path dir;
    private final double deviceRate;
    /** Most slots/s the publish harness publishes ({@code --pace}), or 0: as fast as it can. */
    private final double pace;
    /** Nanoseconds spent inside the publish calls of the current 100 ms window (paced runs only). */
    private long callNanos;
    /** The variants of a round: unrecorded, direct, then background/N for each drain thread count. */
    private final List<String> variants;
    /** Whether to run the publish harness rows and the recorder-alone rows ({@code --parts}). */
    private final boolean publishPart;
    private final boolean alonePart;
    private boolean logsRight = true;

    private RecordingBench(Map<String, String> args) {
        this.seconds = Double.parseDouble(args.getOrDefault("seconds", "2"));
        this.rounds = Integer.parseInt(args.getOrDefault("rounds", "3"));
        this.run = Integer.parseInt(args.getOrDefault("run", "64"));
        this.ring = Integer.parseInt(args.getOrDefault("ring", "65536"));
        this.capacity = Long.parseLong(args.getOrDefault("capacity", "1048576"));
        this.format = switch (args.getOrDefault("format", "full")) {
            case "full" -> ReplayLogFormat.FULL_IMAGE;
            case "vrrl0001" -> ReplayLogFormat.VRRL0001;
            default -> throw new IllegalArgumentException("--format takes full or vrrl0001. Fix: pass one of them");
        };
        Path shm = Path.of("/dev/shm");
        this.dir = Path.of(args.getOrDefault("dir", Files.isDirectory(shm) ? shm.toString()
                : System.getProperty("java.io.tmpdir")));
        this.deviceRate = Double.parseDouble(args.getOrDefault("device-rate", "86e6"));
        this.pace = Double.parseDouble(args.getOrDefault("pace", "0"));
        List<String> v = new java.util.ArrayList<>(List.of("unrecorded", "direct"));
        for (String d : args.getOrDefault("drainers", "1,2").split(",")) {
            int n = Integer.parseInt(d.strip());
            if (n < 1 || n > AsyncReplayRecorder.MAX_DRAIN_THREADS) {
                throw new IllegalArgumentException("--drainers takes drain thread counts of 1.."
                        + AsyncReplayRecorder.MAX_DRAIN_THREADS + ", not " + n + ". Fix: pass e.g. 1,2,4");
            }
            v.add("background/" + n);
            if (args.containsKey("ring-read")) {
                v.add("ringread/" + n);
            }
        }
        this.variants = List.copyOf(v);
        List<String> parts = List.of(args.getOrDefault("parts", "publish,alone").split(","));
        this.publishPart = parts.contains("publish");
        this.alonePart = parts.contains("alone");
        if (!publishPart && !alonePart || !List.of("publish", "alone").containsAll(parts)) {
            throw new IllegalArgumentException("--parts takes publish, alone or publish,alone. Fix: pass one of them");
        }
        if (seconds <= 0 || rounds < 1 || run < 1 || ring < run || ring % run != 0 || deviceRate <= 0 || pace < 0) {
            throw new IllegalArgumentException("need --seconds > 0, --rounds >= 1, 1 <= --run <= --ring with --ring a"
                    + " multiple of --run, --device-rate > 0, --pace >= 0. Fix: correct the option");
        }
    }

    public static void main(String[] argv) throws IOException {
        Map<String, String> args;
        try {
            args = BenchArgs.options(argv, List.of("seconds", "rounds", "run", "ring", "capacity", "format", "dir",
                    "device-rate", "drainers", "parts", "ring-read", "pace"), List.of("ring-read"));
        } catch (IllegalArgumentException e) {
            System.err.println("RecordingBench: " + e.getMessage());
            System.exit(2);
            return;
        }
        RecordingBench bench;
        try {
            bench = new RecordingBench(args);
        } catch (IllegalArgumentException e) { // NumberFormatException included
            System.err.println("RecordingBench: " + e.getMessage() + (e.getMessage().contains("Fix:") ? ""
                    : ". Fix: pass numbers where the usage says so"));
            System.exit(2);
            return;
        }
        bench.run(System.out);
        if (!bench.logsRight) {
            System.err.println("RecordingBench: a log did NOT hold what was recorded. Fix: see the LOG WRONG line");
            System.exit(1);
        }
    }

    private void run(PrintStream out) throws IOException {
        out.printf(Locale.ROOT, "RecordingBench: %s log of %d records in %s, runs of %d images on a %d-slot ring,"
                + " %.1f s per run, %d rounds, %d CPUs, %s%n", format.magic(), capacity, dir, run, ring, seconds,
                rounds, Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.version"));
        int count = variants.size();
        double[] bestPublish = new double[count];
        double[] bestAlone = new double[count];
        try (Arena arena = Arena.ofShared()) {
            MemorySegment images = arena.allocate((long) run * SlotLayout.SLOT_BYTES, 64);
            MemorySegment ringSegment = arena.allocate((long) ring * SlotLayout.SLOT_BYTES, 4096);
            for (int round = 1; round <= rounds; round++) {
                for (int v = 0; v < count && publishPart; v++) {
                    StringBuilder detail = new StringBuilder();
                    double rate = publish(variants.get(v), images, ringSegment, detail);
                    bestPublish[v] = Math.max(bestPublish[v], rate);
                    out.printf(Locale.ROOT, "publish harness, %-13s round %d: %8.2f M slots/s (%.2f ns/slot)%n%s",
                            variants.get(v), round, rate / 1e6, 1e9 / rate, detail);
                }
                for (int v = 1; v < count && alonePart; v++) {
                    if (variants.get(v).startsWith("ringread/")) {
                        continue; // recordImages alone copies, as background/N does
                    }
                    StringBuilder detail = new StringBuilder();
                    double rate = alone(variants.get(v), images, detail);
                    bestAlone[v] = Math.max(bestAlone[v], rate);
                    out.printf(Locale.ROOT, "recorder alone,  %-13s round %d: %8.2f M records/s (%.2f ns/record)%n%s",
                            variants.get(v), round, rate / 1e6, 1e9 / rate, detail);
                }
            }
        }
        double plainAtDevice = Math.min(bestPublish[0], deviceRate);
        for (int v = 1; v < count && publishPart; v++) {
            double raw = 100.0 * (1 - bestPublish[v] / bestPublish[0]);
            double atDevice = 100.0 * (1 - Math.min(bestPublish[v], deviceRate) / plainAtDevice);
            out.printf(Locale.ROOT, "recording overhead (publish harness, %s %s, best of %d): %.1f %% of the publisher's"
                    + " own rate (%.2f -> %.2f M slots/s); at a device rate of %.1f M slots/s: %.1f %%%s%n",
                    format.magic(), variants.get(v), rounds, raw, bestPublish[0] / 1e6, bestPublish[v] / 1e6,
                    deviceRate / 1e6, atDevice, bestAlone[v] > 0 ? String.format(Locale.ROOT,
                            "; recorder alone %.2f M records/s", bestAlone[v] / 1e6) : "");
        }
    }

    /** @return the median over 100 ms windows of the publish harness's slots/s with {@code variant}'s recorder */
    private double publish(String variant, MemorySegment images, MemorySegment ringSegment, StringBuilder out)
            throws IOException {
        SlotRecorder.RingWrite write = (first, source, n) -> {
            MemorySegment.copy(source, 0, ringSegment, (long) first * SlotLayout.SLOT_BYTES,
                    (long) n * SlotLayout.SLOT_BYTES);
            Words.setRelease(ringSegment, (long) first * SlotLayout.SLOT_WORDS, SlotStatus.PUBLISHED);
        };
        return timed(variant, out, ringSegment, (recorder, nanos) -> publishFor(recorder, images, write, nanos));
    }

    /** @return the median over 100 ms windows of {@code recordImages} alone, in records/s */
    private double alone(String variant, MemorySegment images, StringBuilder out) throws IOException {
        fill(images, 0);
        return timed(variant, out, null, (recorder, nanos) -> recordFor(recorder, images, nanos));
    }

    private interface Loop {
        /** Runs for about {@code nanos}; @return slots published or recorded */
        long run(SlotRecorder recorder, long nanos);
    }

    /**
     * Opens {@code variant}'s recorder, warms up for a quarter of the run, then runs {@code loop} in 100 ms windows
     * for {@link #seconds}; closes and checks the log. Prints the CPU time per slot of the calling thread and,
     * for the background recorder, of its drainer thread (on a loaded machine the wall-clock rates fall with
     * the share of a core the threads get, the CPU time per slot does not) into {@code out}, to follow the row.
     * @return the median window's rate per second
     */
    private double timed(String variant, StringBuilder out, MemorySegment ringSegment, Loop loop) throws IOException {
        Path file = dir.resolve("vyre-recording-bench-" + ProcessHandle.current().pid() + ".log");
        SlotRecorder recorder = open(variant, file);
        if (variant.startsWith("ringread/")) {
            recorder.readImagesFrom(ringSegment);
        }
        int windows = Math.max(1, (int) Math.round(seconds * 10));
        double[] rates = new double[windows];
        double[] cpu = new double[windows];
        double[] drainerCpu = new double[windows];
        double[] inCall = new double[windows];
        try {
            loop.run(recorder, (long) (seconds * 0.25e9));
            long[] drainer = drainerThreads();
            for (int w = 0; w < windows; w++) {
                long cpu0 = THREADS.getCurrentThreadCpuTime();
                long drainer0 = cpuTime(drainer);
                long t0 = System.nanoTime();
                callNanos = 0;
                long done = loop.run(recorder, 100_000_000L);
                rates[w] = done / ((System.nanoTime() - t0) / 1e9);
                inCall[w] = (double) callNanos / done;
                cpu[w] = (double) (THREADS.getCurrentThreadCpuTime() - cpu0) / done;
                drainerCpu[w] = (double) (cpuTime(drainer) - drainer0) / done;
            }
        } finally {
            close(recorder, file, out);
        }
        Arrays.sort(cpu);
        Arrays.sort(drainerCpu);
        Arrays.sort(inCall);
        if (pace > 0 && ringSegment != null) {
            out.append(String.format(Locale.ROOT, "  inside the publish call per slot, paced at %.1f M slots/s (best /"
                    + " median 100 ms window): %.2f / %.2f ns%n", pace / 1e6, inCall[0], inCall[windows / 2]));
        }
        out.append(String.format(Locale.ROOT, "  CPU time per slot (best / median 100 ms window): publishing thread"
                + " %.2f / %.2f ns%s%n",
                cpu[0], cpu[windows / 2], !variant.equals("unrecorded") && !variant.equals("direct")
                        ? String.format(Locale.ROOT,
                        ", drain threads together %.2f / %.2f ns", drainerCpu[0], drainerCpu[windows / 2]) : ""));
        Arrays.sort(rates);
        return rates[windows / 2];
    }

    /** @return the ids of the background recorder's drain threads (none for the other variants) */
    private static long[] drainerThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("vyre-replay-log "))
                .mapToLong(Thread::threadId).toArray();
    }

    /** @return the CPU time of {@code threads} together, in ns */
    private static long cpuTime(long[] threads) {
        long sum = 0;
        for (long t : threads) {
            sum += Math.max(0, THREADS.getThreadCpuTime(t));
        }
        return sum;
    }

    private SlotRecorder open(String variant, Path file) {
        if (variant.equals("unrecorded")) {
            return null;
        }
        ReplayLog log = ReplayLog.create(file, capacity, format, new SessionGeometry(ring, 1, ring, 0));
        if (!variant.startsWith("background/") && !variant.startsWith("ringread/")) {
            return log;
        }
        int drainers = Integer.parseInt(variant.substring(variant.indexOf('/') + 1));
        return drainers == 1 // the two-argument constructor also runs against an older protocol jar (old vs new)
                ? new AsyncReplayRecorder(log, AsyncReplayRecorder.DEFAULT_QUEUE_SLOTS)
                : new AsyncReplayRecorder(log, AsyncReplayRecorder.DEFAULT_QUEUE_SLOTS, drainers);
    }

    /** Closes the recorder, checks its log and deletes it. */
    private void close(SlotRecorder recorder, Path file, StringBuilder out) throws IOException {
        if (recorder == null) {
            return;
        }
        try {
            long waits = waits(recorder);
            recorder.close();
            if (waits > 0) {
                out.append(String.format(Locale.ROOT, "  (the publisher found the background queue full %d times)%n",
                        waits));
            }
            try (ReplayLog log = ReplayLog.read(file)) {
                long held = log.recordCount();
                long newest = log.newest().map(ReplayRecord::sequence).orElse(-1L);
                long written = format == ReplayLogFormat.FULL_IMAGE ? newest + 1 : -1;
                boolean right = format == ReplayLogFormat.FULL_IMAGE
                        ? held == Math.min(capacity, written) && written > 0 : held > 0;
                if (!right) {
                    logsRight = false;
                    out.append(String.format(Locale.ROOT, "LOG WRONG: %d records, newest sequence %d%n", held, newest));
                }
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** @return the background recorder's publisher waits; 0 for a direct log or a protocol jar without the count */
    private static long waits(SlotRecorder recorder) {
        try {
            return recorder instanceof AsyncReplayRecorder a ? a.publisherWaits() : 0;
        } catch (NoSuchMethodError e) { // an older protocol jar first on the class path, for an old-vs-new run
            return 0;
        }
    }

    /** Publishes runs for {@code nanos}; @return slots published */
    private long publishFor(SlotRecorder recorder, MemorySegment images, SlotRecorder.RingWrite write, long nanos) {
        long start = System.nanoTime();
        long end = start + nanos;
        long slots = 0;
        int slot = 0;
        double nanosPerRun = pace > 0 ? run * 1e9 / pace : 0;
        while (System.nanoTime() - end < 0) {
            for (int r = 0; r < 16; r++) {
                fill(images, slot);
                boolean mayBumpEpoch = SlotImages.check(ring, slot, images, run);
                long due = start + (long) ((slots / run) * nanosPerRun);
                while (nanosPerRun > 0 && System.nanoTime() - due < 0) {
                    Thread.onSpinWait();
                }
                long t0 = nanosPerRun > 0 ? System.nanoTime() : 0;
                if (recorder != null) { // records, then writes the ring (a ring-reading recorder: the other way round)
                    recorder.recordImagesAndWrite(slot, images, run, mayBumpEpoch, write);
                } else {
                    write.write(slot, images, run);
                }
                if (nanosPerRun > 0) {
                    callNanos += System.nanoTime() - t0;
                }
                slots += run;
                slot += run;
                if (slot == ring) {
                    slot = 0;
                }
            }
        }
        return slots;
    }

    /** Records runs for {@code nanos}; @return records written */
    private long recordFor(SlotRecorder recorder, MemorySegment images, long nanos) {
        long end = System.nanoTime() + nanos;
        long records = 0;
        int slot = 0;
        while (System.nanoTime() - end < 0) {
            for (int r = 0; r < 16; r++) {
                recorder.recordImages(slot, images, run);
                records += run;
                slot += run;
                if (slot == ring) {
                    slot = 0;
                }
            }
        }
        return records;
    }

    /** Encodes a run of ATOMIC_ADD images for ring slots {@code first ..}, as RingBench does per call. */
    private void fill(MemorySegment images, int first) {
        AtomicAddImages.encode(images, first, run);
    }
}
