package dev.vyre.bench;

import dev.vyre.api.Backends;
import dev.vyre.spi.Backend;
import dev.vyre.spi.PersistentSession;
import dev.vyre.spi.SessionOptions;
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
 * (io_uring engine, registered buffers), the raw {@link UringFileReader} (READ_FIXED into native
 * memory) and the whole {@link FileIngestPump} (READ_FIXED into the backend's data buffer, one
 * CRC32C slot per chunk, every chunk verified). Two modes: page cache (file read once before,
 * buffered reads) and disk (O_DIRECT, page cache dropped first when permitted).
 *
 * <pre>
 * java -cp ... dev.vyre.bench.IngestBench [--backend reference|cuda|vulkan] [--file PATH] [--size-mib 2048]
 *      [--chunk 1048576] [--depth 32] [--slots 16] [--runs 3] [--fio fio] [--modes cache,disk]
 * </pre>
 * Prints one line per measurement (best of the runs) and a table last.
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

    public static void main(String[] args) throws Exception {
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
        try (Backend be = Backends.open(backend);
             PersistentSession session = be.openSession(SessionOptions.builder().slotCount(slots)
                     .observableSlots(slots).dataBufferBytes((long) slots * chunk).build())) {
            for (String mode : modes) {
                boolean disk = mode.equals("disk");
                boolean dropped = disk && dropCaches();
                String how = disk ? "O_DIRECT" + (dropped ? ", caches dropped" : "") : "page cache";
                if (!disk) {
                    channelLoop(false); // warm the page cache
                }
                double channel = best(() -> channelLoop(disk), disk);
                double fioGbs = best(() -> fio(disk), disk);
                double raw = best(() -> rawUring(disk), disk);
                double pump = best(() -> pump(session, disk), disk);
                row(how, "FileChannel read loop", channel, fioGbs);
                row(how, "fio io_uring --fixedbufs", fioGbs, fioGbs);
                row(how, "UringFileReader READ_FIXED", raw, fioGbs);
                row(how, "FileIngestPump + CRC32C slots (" + be.name() + ")", pump, fioGbs);
            }
        }
        System.out.println();
        System.out.println("| mode | reader | GB/s | % of fio |");
        System.out.println("|---|---|---|---|");
        for (String[] r : table) {
            System.out.println("| " + String.join(" | ", r) + " |");
        }
    }

    private void row(String mode, String what, double gbs, double fioGbs) {
        String pct = Double.isNaN(gbs) || Double.isNaN(fioGbs) ? "—" : String.format(Locale.ROOT, "%.0f %%", 100 * gbs / fioGbs);
        table.add(new String[] {mode, what, Double.isNaN(gbs) ? "n/a" : String.format(Locale.ROOT, "%.2f", gbs), pct});
        System.out.printf(Locale.ROOT, "  %-12s %-45s %s GB/s%n", mode, what, table.getLast()[2]);
    }

    @FunctionalInterface
    private interface Measure {
        double gbs() throws Exception;
    }

    private double best(Measure m, boolean disk) throws Exception {
        double best = Double.NaN;
        for (int i = 0; i < runs; i++) {
            if (disk) {
                dropCaches();
            }
            double v = m.gbs();
            if (Double.isNaN(best) || v > best) {
                best = v;
            }
        }
        return best;
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

    private double fio(boolean direct) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder(fio, "--name=vyre", "--filename=" + file, "--rw=read", "--bs=" + chunk,
                    "--iodepth=" + depth, "--ioengine=io_uring", "--fixedbufs", "--iodepth_batch_submit=" + depth, "--direct=" + (direct ? 1 : 0),
                    "--size=" + Files.size(file), "--invalidate=" + (direct ? 1 : 0), "--numjobs=1", "--output-format=json").redirectErrorStream(true).start();
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

    private double rawUring(boolean direct) throws IOException {
        long size = Files.size(file);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate((long) depth * chunk, 4096);
            int fd = NativeFiles.openRead(file, direct);
            try (UringFileReader reader = new UringFileReader(buf, depth, true)) {
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
                return total[0] / ((System.nanoTime() - t0) / 1e9) / 1e9;
            } finally {
                NativeFiles.close(fd);
            }
        }
    }

    private static long roundUp(long len, boolean direct) {
        return direct ? (len + 4095) & -4096L : len;
    }

    private double pump(PersistentSession session, boolean direct) {
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
