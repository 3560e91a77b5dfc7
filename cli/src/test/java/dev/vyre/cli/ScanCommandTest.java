package dev.vyre.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.api.SessionOptions;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code vyre scan} in-process on the reference backend: files streamed by the io_uring pump (chunks that
 * overlap by the longest pattern minus 1), a socket, the resident benchmark, {@code --matches}, and every
 * refusal. Counts and offsets are checked against {@link NaiveSearch}, never against the automaton.
 */
class ScanCommandTest {

    private static final Map<String, String> NO_BACKEND = Map.of("VYRE_BACKEND", UnavailableTestProvider.NAME);
    private static final Pattern COUNT = Pattern.compile("^\\s+([\\d,]+)\\s+#(\\d+) ", Pattern.MULTILINE);
    private static final Pattern MATCH = Pattern.compile("^(.+):(\\d+): #(\\d+) ", Pattern.MULTILINE);
    private static final byte[] TEXT = "abcdefghijklmnopqrstuvwxyz \n".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    private Path write(String name, byte[] bytes) throws Exception {
        return Files.write(dir.resolve(name), bytes);
    }

    private Path patterns(List<byte[]> list) throws Exception {
        return Files.writeString(dir.resolve("patterns.txt"), NaiveSearch.file(list));
    }

    private static Cli.Run scan(String... args) {
        String[] full = new String[args.length + 3];
        full[0] = "scan";
        full[1] = "--backend";
        full[2] = "reference";
        System.arraycopy(args, 0, full, 3, args.length);
        return Cli.run(full);
    }

    /** @return the printed count of each pattern (every pattern is printed without --top) */
    private static long[] counts(Cli.Run r, int patterns) {
        long[] counts = new long[patterns];
        Arrays.fill(counts, -1);
        Matcher m = COUNT.matcher(r.out());
        while (m.find()) {
            counts[Integer.parseInt(m.group(2)) - 1] = Long.parseLong(m.group(1).replace(",", ""));
        }
        return counts;
    }

    private static long[] sum(long[] a, long[] b) {
        long[] s = a.clone();
        for (int i = 0; i < s.length; i++) {
            s[i] += b[i];
        }
        return s;
    }

    @Test
    void filesCountEveryOccurrenceAcrossChunksButNotAcrossFiles() throws Exception {
        List<byte[]> list = ScanAutomatonTest.bytes("needle", "ne", "eedl", "aa", "\u0000\u00ff", "zzzz");
        Random rnd = new Random(21);
        byte[] one = NaiveSearch.planted(rnd, 50_001, "adelnz\u0000\u00ff".getBytes(StandardCharsets.ISO_8859_1),
                list, 30);
        byte[] two = NaiveSearch.planted(rnd, 20_003, TEXT, list, 100);
        // one ends mid-pattern ("need"), two starts with the rest ("le"): no match across the two files
        System.arraycopy("need".getBytes(StandardCharsets.US_ASCII), 0, one, one.length - 4, 4);
        System.arraycopy("le".getBytes(StandardCharsets.US_ASCII), 0, two, 0, 2);
        Path a = write("one.bin", one);
        Path b = write("two.bin", two);
        Cli.Run r = scan("--patterns", patterns(list).toString(), "--chunk", "4K", "--slots", "4", a.toString(),
                b.toString());
        assertEquals(0, r.exit(), r.both());
        long[] expected = sum(NaiveSearch.counts(one, list), NaiveSearch.counts(two, list));
        assertArrayEquals(expected, counts(r, list.size()), r.both());
        assertTrue(expected[0] > 100 && expected[3] > 100, "the planted and overlapping patterns occur");
        assertTrue(r.out().contains("CPU peer (Java") && r.out().contains("counts equal"), r.both());
        assertTrue(r.out().contains("scanned 70,004 bytes"), r.both());
    }

    @Test
    void aPatternStraddlesEveryChunkBoundary() throws Exception {
        List<byte[]> list = ScanAutomatonTest.bytes("<<boundary>>", "y>><<b", "q");
        int chunk = 4096;
        byte[] data = new byte[30 * chunk + 1];
        Arrays.fill(data, (byte) '-');
        for (int k = 1; k < 30; k++) {
            for (int shift = 1; shift < 12; shift += 5) { // the pattern's end 1..11 bytes past the boundary
                int at = k * chunk - 12 + shift;
                System.arraycopy(list.get(0), 0, data, at, 12);
            }
        }
        Path f = write("straddle.bin", data);
        Cli.Run r = scan("--patterns", patterns(list).toString(), "--chunk", "4K", "--slots", "3", f.toString());
        assertEquals(0, r.exit(), r.both());
        long[] expected = NaiveSearch.counts(data, list);
        assertTrue(expected[0] >= 29, Arrays.toString(expected));
        assertArrayEquals(expected, counts(r, list.size()), r.both());
    }

    @Test
    void overlappingPatternsAndAFileEndingMidPattern() throws Exception {
        List<byte[]> list = ScanAutomatonTest.bytes("aa", "a", "aaa", "abab", "ababx");
        Path f = write("a.txt", "aaaa ababab abab".getBytes(StandardCharsets.US_ASCII)); // ends in "abab" of "ababx"
        Cli.Run r = scan("--patterns", patterns(list).toString(), f.toString());
        assertEquals(0, r.exit(), r.both());
        assertArrayEquals(new long[] {3, 9, 2, 3, 0}, counts(r, list.size()), r.both());
        assertTrue(r.out().contains("total: 17 matches of 5 patterns; 4 patterns matched, 1 did not"), r.both());
    }

    @Test
    void aThousandPatterns() throws Exception {
        List<byte[]> list = NaiveSearch.list(ScanPatterns.random(1000, 99));
        byte[] data = NaiveSearch.planted(new Random(4), 60_000, TEXT, list, 120);
        Path f = write("text.txt", data);
        Cli.Run r = scan("--patterns", patterns(list).toString(), "--chunk", "8K", f.toString());
        assertEquals(0, r.exit(), r.both());
        long[] expected = NaiveSearch.counts(data, list);
        assertTrue(ScanReport.sum(expected) >= 300, "planted patterns are found");
        assertArrayEquals(expected, counts(r, list.size()), r.both());
    }

    @Test
    void matchesPrintEveryOffset() throws Exception {
        List<byte[]> list = ScanAutomatonTest.bytes("he", "she", "his", "hers", "s");
        byte[] data = NaiveSearch.planted(new Random(6), 9_000, "ehirs ".getBytes(StandardCharsets.US_ASCII), list, 20);
        Path f = write("m.txt", data);
        Cli.Run r = scan("--patterns", patterns(list).toString(), "--matches", "--chunk", "1K", "--slots", "2",
                f.toString());
        assertEquals(0, r.exit(), r.both());
        List<long[]> printed = new ArrayList<>();
        Matcher m = MATCH.matcher(r.out());
        while (m.find()) {
            assertEquals(f.toString(), m.group(1));
            printed.add(new long[] {Long.parseLong(m.group(2)), Long.parseLong(m.group(3)) - 1});
        }
        // lines come in order of each match's last byte
        for (int i = 1; i < printed.size(); i++) {
            long endBefore = printed.get(i - 1)[0] + list.get((int) printed.get(i - 1)[1]).length;
            long end = printed.get(i)[0] + list.get((int) printed.get(i)[1]).length;
            assertTrue(endBefore <= end, "line " + i + " ends before the line above it");
        }
        printed.sort((x, y) -> x[0] != y[0] ? Long.compare(x[0], y[0]) : Long.compare(x[1], y[1]));
        List<String> got = new ArrayList<>();
        for (long[] p : printed) {
            got.add(p[0] + ":" + p[1]);
        }
        List<String> expected = NaiveSearch.matches(data, list);
        assertTrue(expected.size() > 1000, "many matches: " + expected.size());
        assertEquals(expected, got);
        assertArrayEquals(NaiveSearch.counts(data, list), counts(r, list.size()), r.both());
    }

    @Test
    void aSocketIsScanned() throws Exception {
        List<byte[]> list = ScanAutomatonTest.bytes("needle", "dle", "xyz");
        byte[] data = NaiveSearch.planted(new Random(7), 40_000, TEXT, list, 50);
        Path ready = dir.resolve("ready");
        Path p = patterns(list);
        CompletableFuture<Cli.Run> run = CompletableFuture.supplyAsync(() -> scan("--patterns", p.toString(),
                "--listen", "0", "--connections", "1", "--ready-file", ready.toString(), "--chunk", "4K"));
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            while (!Files.exists(ready)) {
                if (run.isDone()) {
                    throw new AssertionError(run.get().both());
                }
                Thread.sleep(20);
            }
            String[] hostPort = Files.readString(ready).strip().split(":");
            try (Socket s = new Socket(hostPort[0], Integer.parseInt(hostPort[1]))) {
                OutputStream out = s.getOutputStream();
                for (int at = 0; at < data.length; at += 1000) { // writes that do not line up with chunks
                    out.write(data, at, Math.min(1000, data.length - at));
                }
            }
            Cli.Run r = run.get(50, TimeUnit.SECONDS);
            assertEquals(0, r.exit(), r.both());
            assertArrayEquals(NaiveSearch.counts(data, list), counts(r, list.size()), r.both());
            assertTrue(r.out().contains("CPU peer: skipped, socket bytes"), r.both());
        });
    }

    @Test
    void residentBenchmarkAgreesWithThePeer() {
        Cli.Run r = scan("--random-patterns", "50", "--resident", "40000", "--chunk", "4K", "--passes", "2");
        assertEquals(0, r.exit(), r.both());
        assertTrue(r.out().contains("pass 2: 40,000 bytes in"), r.both());
        assertTrue(r.out().contains("device and CPU peer agree"), r.both());
        assertTrue(r.out().contains("the 10 most frequent of 50 patterns"), r.both());
    }

    @Test
    void nothingScannedIsAFailure() throws Exception {
        Path empty = write("empty.bin", new byte[0]);
        Path p = patterns(ScanAutomatonTest.bytes("x"));
        Cli.Run r = scan("--patterns", p.toString(), empty.toString());
        Cli.assertOneLineError(r, 1, "vyre scan");
        assertTrue(r.err().contains("nothing was scanned"), r.both());
        Cli.Run missing = scan("--patterns", p.toString(), dir.resolve("no-such-file").toString());
        assertEquals(1, missing.exit(), missing.both());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "FILE|no patterns given",
        "--patterns PATTERNS|no input given",
        "--patterns PATTERNS --random-patterns 5 FILE|--patterns and --random-patterns together",
        "--patterns EMPTYLINE FILE|line 2 is empty",
        "--patterns BADESCAPE FILE|line 1 has the unknown escape \\q",
        "--patterns NOPATTERNS FILE|holds no pattern",
        "--patterns MISSING FILE|cannot be read",
        "--patterns PATTERNS --chunk 1001 FILE|--chunk 1,001 is not a multiple of 4",
        "--patterns PATTERNS --chunk 1M FILE|--chunk 1,048,576 is not a multiple of 4 in 4..126,976",
        "--patterns PATTERNS --slots 0 FILE|--slots 0 is outside 1..65,536",
        "--patterns PATTERNS --matches --slots 64 --chunk 64K FILE|observable control words",
        "--patterns PATTERNS --resident 1M --matches|--matches and --resident together",
        "--patterns PATTERNS --resident 1M --no-peer|--no-peer and --resident together",
        "--patterns PATTERNS --resident 1M FILE|more than one of INPUT..., --listen and --resident",
        "--patterns PATTERNS --resident 1M --slots 4|--slots applies to INPUT... or --listen only",
        "--patterns PATTERNS --passes 3 FILE|--passes applies to --resident only",
        "--random-patterns 0 --resident 1M|--random-patterns 0 is outside 1..100,000",
        "--patterns PATTERNS --connections 1 FILE|--connections applies to --listen only",
        "--patterns PATTERNS /dev/zero|/dev/zero is a character device and may never end",
        "--patterns PATTERNS --listen 70000|--listen 70,000 is outside 0..65,535",
    })
    void everyBadArgumentIsOneUsageLineBeforeTheBackendIsOpened(String args, String problem) throws Exception {
        Path file = write("data.bin", "hello".getBytes(StandardCharsets.US_ASCII));
        Files.writeString(dir.resolve("p.txt"), "hello\nworld\n");
        Files.writeString(dir.resolve("e.txt"), "hello\n\nworld\n");
        Files.writeString(dir.resolve("b.txt"), "\\q\n");
        Files.writeString(dir.resolve("n.txt"), "");
        String[] words = args.replace("EMPTYLINE", dir.resolve("e.txt").toString())
                .replace("BADESCAPE", dir.resolve("b.txt").toString()).replace("NOPATTERNS", dir.resolve("n.txt").toString())
                .replace("MISSING", dir.resolve("none.txt").toString()).replace("PATTERNS", dir.resolve("p.txt").toString())
                .replace("FILE", file.toString()).split(" ");
        String[] full = new String[words.length + 1];
        full[0] = "scan";
        System.arraycopy(words, 0, full, 1, words.length);
        Cli.Run r = Cli.run(NO_BACKEND, full);
        Cli.assertOneLineError(r, 2, "vyre scan");
        assertTrue(r.err().contains(problem), r.both());
    }

    @Test
    void aCudaScanLeftAtTheDefaultGetsItsOwnWorkerWarpsAndNothingElseChanges() {
        SessionOptions resident = SessionOptions.builder().dataBufferBytes(4096).residentData(true).build();
        SessionOptions cuda = ScanCommand.withScanWorkers(resident, "cuda");
        assertEquals(ScanCommand.CUDA_RESIDENT_WORKER_WARPS, cuda.workers());
        assertEquals(resident, new SessionOptions(cuda.slotCount(), cuda.tenantCount(), cuda.observableSlots(),
                cuda.dataBufferBytes(), 0, cuda.opcodes(), cuda.ioWaitTimeout(), cuda.replayLog(), cuda.isolation(),
                cuda.residentData()));
        assertSame(resident, ScanCommand.withScanWorkers(resident, "reference"), "reference workers are threads");
        SessionOptions chosen = SessionOptions.builder().dataBufferBytes(4096).residentData(true).workers(8).build();
        assertSame(chosen, ScanCommand.withScanWorkers(chosen, "cuda"), "--workers given: kept");
        SessionOptions streamed = SessionOptions.builder().dataBufferBytes(4096).build();
        assertEquals(ScanCommand.CUDA_STREAM_WORKER_WARPS, ScanCommand.withScanWorkers(streamed, "cuda").workers(),
                "a streamed CUDA scan keeps the warps its figures were measured with");
        assertSame(streamed, ScanCommand.withScanWorkers(streamed, "vulkan"), "other backends keep their default");
    }
}
