package dev.vyre.bench;

import dev.vyre.api.Session;
import dev.vyre.api.SessionOptions;
import dev.vyre.api.Vyre;
import dev.vyre.uring.FileIngestPump;
import dev.vyre.uring.FileReport;
import dev.vyre.uring.IngestListener;
import dev.vyre.uring.IngestOptions;
import dev.vyre.uring.NativeFiles;
import dev.vyre.uring.UringFileReader;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * io_uring ingest throughput, same file, same run: a plain {@code FileChannel} read loop, fio
 * (io_uring engine, registered buffers; once with fio's own malloc buffers and, when the system has
 * enough free hugetlb pages, once with {@code --mem=shmhuge}), the raw {@link UringFileReader}
 * (READ_FIXED into native memory; once with the buffer's pages left as 4 KiB pages, once backed by
 * huge pages as the reader does by default) and the whole {@link FileIngestPump} (READ_FIXED into
 * the backend's data buffer, one CRC32C slot per chunk, every chunk verified). Two modes: page
 * cache (file read once before, buffered reads) and disk (O_DIRECT, page cache dropped before each
 * run when permitted). The raw reader's buffer is 4096-aligned like a session's data buffer.
 *
 * <pre>
 * java -cp ... dev.vyre.bench.IngestBench [--backend reference|cuda|vulkan] [--file PATH] [--size-mib 2048]
 *      [--chunk 1048576] [--depth 32] [--slots 16] [--runs 3] [--fio fio] [--modes cache,disk]
 * </pre>
 * For the huge-page fio peer reserve hugetlb pages first (root): {@code echo 64 > /proc/sys/vm/nr_hugepages}.
 * Prints one line per measurement (best and median of the runs) and a table last; "% of fio" is
 * against the faster of the two fio figures of the mode.
 */
public final class IngestBench {

    private String backend = "reference";
    private Path file;
    private long sizeMib = 2048;
    private int chunk = 1 << 20;
    private int depth = 32;
    private int slots = 16;
    private int runs = 3;
    private String fio = "fio";
    private List<String> modes = List.of("cache", "disk");
    private final List<String[]> table = new ArrayList<>();

    public static void main(String[] args) {
        BenchMain.guard("IngestBench", () -> runIngestBench(args));
    }

    private static void runIngestBench(String[] args) throws Exception {
        IngestBench b = new IngestBench();
        for (int i = 0; i < args.length; i += 2) {
            String v = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--backend" -> b.backend = v;
                case "--file" -> b.file = Path.of(v);
                case "--size-mib" -> b.sizeMib = Long.parseLong(v);
                case "--chunk" -> b.chunk = Integer.parseInt(v);
                case "--depth" -> b.depth = Integer.parseInt(v);
                case "--slots" -> b.slots = Integer.parseInt(v);
                case "--runs" -> b.runs = Integer.parseInt(v);
                case "--fio" -> b.fio = v;
                case "--modes" -> b.modes = List.of(v.split(","));
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + ". Fix: see the usage in IngestBench's Javadoc");
            }
        }
        b.run();
    }

    private void run() throws Exception {
        if (file == null) {
            file = Path.of(System.getProperty("java.io.tmpdir"), "vyre-ingest-bench.bin");
        }
        long size = sizeMib << 20;
        if (!Files.exists(file) || Files.size(file) != size) {
            System.out.printf("writing %d MiB of random bytes to %s%n", sizeMib, file);
            writeRandom(file, size);
        }
        System.out.printf(Locale.ROOT, "IngestBench: %s, %d MiB, chunk %d, depth %d, %d slots, backend %s, best of %d%n",
                file, sizeMib, chunk, depth, slots, backend, runs);
        try (Vyre be = Vyre.open(backend);
             Session session = be.openSession(SessionOptions.builder().slotCount(slots)
                     .observableSlots(slots).dataBufferBytes((long) slots * chunk).build())) {
            for (String mode : modes) {
                boolean disk = mode.equals("disk");
                boolean dropped = disk && dropCaches();
                String how = disk ? "O_DIRECT" + (dropped ? ", caches dropped" : "") : "page cache";
                if (!disk) {
                    channelLoop(false); // warm the page cache
                }
                double[] channel = measure(() -> channelLoop(disk), disk);
                double[] fioMalloc = measure(() -> fio(disk, false), disk);
                boolean huge = hugetlbFree() >= (long) depth * chunk + (4L << 20);
                if (!huge) {
                    System.out.println("  no fio --mem=shmhuge row: too few free hugetlb pages"
                            + " (reserve them with: echo 64 > /proc/sys/vm/nr_hugepages)");
                }
                double[] fioHuge = huge ? measure(() -> fio(disk, true), disk) : new double[] {Double.NaN, Double.NaN};
                double[] raw4k = measure(() -> rawUring(disk, false), disk);
                double[] raw = measure(() -> rawUring(disk, true), disk);
                double[] pump = measure(() -> pump(session, disk), disk);
                double fioGbs = Double.isNaN(fioHuge[0]) ? fioMalloc[0] : Math.max(fioMalloc[0], fioHuge[0]);
                row(how, "FileChannel read loop", channel, fioGbs);
                row(how, "fio io_uring --fixedbufs (malloc buffers)", fioMalloc, fioGbs);
                row(how, "fio io_uring --fixedbufs --mem=shmhuge", fioHuge, fioGbs);
                row(how, "UringFileReader READ_FIXED, 4 KiB pages", raw4k, fioGbs);
                row(how, "UringFileReader READ_FIXED, huge pages (default)", raw, fioGbs);
                row(how, "FileIngestPump + CRC32C slots (" + be.name() + ")", pump, fioGbs);
            }
        }
        System.out.println();
        System.out.println("| mode | reader | best GB/s | median GB/s | best, % of fio |");
        System.out.println("|---|---|---|---|---|");
        for (String[] r : table) {
            System.out.println("| " + String.join(" | ", r) + " |");
        }
    }

    private void row(String mode, String what, double[] gbs, double fioGbs) {
        String pct = Double.isNaN(gbs[0]) || Double.isNaN(fioGbs) ? "—" : String.format(Locale.ROOT, "%.0f %%", 100 * gbs[0] / fioGbs);
        table.add(new String[] {mode, what, fmt(gbs[0]), fmt(gbs[1]), pct});
        System.out.printf(Locale.ROOT, "  %-12s %-50s best %s GB/s, median %s GB/s%n", mode, what, fmt(gbs[0]), fmt(gbs[1]));
    }

    private static String fmt(double gbs) {
        return Double.isNaN(gbs) ? "n/a" : String.format(Locale.ROOT, "%.2f", gbs);
    }

    @FunctionalInterface
    private interface Measure {
        double gbs() throws Exception;
    }

    /** @return {best, median} of the runs, each after dropping the page cache in disk mode */
    private double[] measure(Measure m, boolean disk) throws Exception {
        double[] v = new double[runs];
        for (int i = 0; i < runs; i++) {
            if (disk) {
                dropCaches();
            }
            v[i] = m.gbs();
        }
        java.util.Arrays.sort(v);
        return new double[] {v[runs - 1], runs % 2 == 1 ? v[runs / 2] : (v[runs / 2 - 1] + v[runs / 2]) / 2};
    }

    /** @return bytes of free hugetlb pages (HugePages_Free × Hugepagesize), 0 when unknown */
    private static long hugetlbFree() {
        try {
            long free = 0;
            long size = 0;
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("HugePages_Free:")) {
                    free = Long.parseLong(line.replaceAll("\\D", ""));
                } else if (line.startsWith("Hugepagesize:")) {
                    size = Long.parseLong(line.replaceAll("\\D", "")) << 10;
                }
            }
            return free * size;
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    private static boolean dropCaches() {
        try {
            new ProcessBuilder("sync").inheritIO().start().waitFor();
            Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "1");
            return true;
        } catch (IOException | InterruptedException | SecurityException e) {
            return false;
        }
    }

    private static void writeRandom(Path path, long size) throws IOException {
        Random rnd = new Random(42);
        byte[] block = new byte[1 << 20];
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (long at = 0; at < size; at += block.length) {
                rnd.nextBytes(block);
                ch.write(ByteBuffer.wrap(block, 0, (int) Math.min(block.length, size - at)));
            }
        }
    }

    private double channelLoop(boolean direct) throws IOException {
        long size = Files.size(file);
        try (Arena arena = Arena.ofConfined();
             FileChannel ch = direct ? FileChannel.open(file, StandardOpenOption.READ, com.sun.nio.file.ExtendedOpenOption.DIRECT)
                     : FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buf = arena.allocate(chunk, 4096).asByteBuffer();
            long t0 = System.nanoTime();
            long total = 0;
            while (total < size) {
                buf.clear();
                int n = ch.read(buf, total);
                if (n <= 0) {
                    break;
                }
                total += n;
            }
            return total / ((System.nanoTime() - t0) / 1e9) / 1e9;
        }
    }

    private double fio(boolean direct, boolean hugeBuffers) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder(fio, "--name=vyre", "--filename=" + file, "--rw=read", "--bs=" + chunk,
                    "--iodepth=" + depth, "--ioengine=io_uring", "--fixedbufs", "--iodepth_batch_submit=" + depth, "--direct=" + (direct ? 1 : 0),
                    "--size=" + Files.size(file), "--invalidate=" + (direct ? 1 : 0), "--numjobs=1",
                    "--mem=" + (hugeBuffers ? "shmhuge" : "malloc"), "--output-format=json").redirectErrorStream(true).start();
        } catch (IOException e) {
            System.out.println("  fio not runnable (" + e.getMessage() + "): install it with apt-get install fio");
            return Double.NaN;
        }
        String json = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        Matcher m = Pattern.compile("\"read\"\\s*:\\s*\\{[^}]*?\"bw_bytes\"\\s*:\\s*(\\d+)").matcher(json);
        if (!m.find()) {
            System.out.println("  fio output without read bw_bytes: " + json.lines().limit(5).toList());
            return Double.NaN;
        }
        return Long.parseLong(m.group(1)) / 1e9;
    }

    private double rawUring(boolean direct, boolean hugePages) throws IOException {
        long size = Files.size(file);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate((long) depth * chunk, 4096);
            int fd = NativeFiles.openRead(file, direct);
            try (UringFileReader reader = new UringFileReader(buf, depth, true, hugePages)) {
                long[] next = {0};
                long[] total = {0};
                long t0 = System.nanoTime();
                UringFileReader.Completion[] sink = new UringFileReader.Completion[1];
                sink[0] = (token, bytes, errno) -> {
                    if (errno != 0) {
                        throw new IllegalStateException("read failed: errno " + errno);
                    }
                    total[0] += bytes;
                    if (next[0] < size) {
                        long len = Math.min(chunk, size - next[0]);
                        reader.submitRead(fd, next[0], token * chunk, roundUp(len, direct), len, token);
                        next[0] += len;
                    }
                };
                for (int i = 0; i < depth && next[0] < size; i++) {
                    long len = Math.min(chunk, size - next[0]);
                    reader.submitRead(fd, next[0], (long) i * chunk, roundUp(len, direct), len, i);
                    next[0] += len;
                }
                while (reader.inFlight() > 0) {
                    reader.reap(sink[0], 1_000_000L);
                }
                if (!reader.fixedBuffers()) {
                    System.out.println("  note: buffer registration refused, raw reader used READ");
                }
                if (hugePages && reader.hugePageErrno() != 0) {
                    System.out.println("  note: huge pages refused (errno " + reader.hugePageErrno() + "), raw reader used 4 KiB pages");
                }
                return total[0] / ((System.nanoTime() - t0) / 1e9) / 1e9;
            } finally {
                NativeFiles.close(fd);
            }
        }
    }

    private static long roundUp(long len, boolean direct) {
        return direct ? (len + 4095) & -4096L : len;
    }

    private double pump(Session session, boolean direct) {
        IngestOptions options = IngestOptions.builder().chunkBytes(chunk).queueDepth(depth).directIo(direct).build();
        try (FileIngestPump pump = new FileIngestPump(session, options, IngestListener.none())) {
            long t0 = System.nanoTime();
            FileReport r = pump.ingest(file);
            double secs = (System.nanoTime() - t0) / 1e9;
            if (!r.ok() || r.verified() != r.chunks() || r.directIo() != direct) {
                throw new IllegalStateException("pump run failed: " + r);
            }
            return r.bytes() / secs / 1e9;
        }
    }
}
