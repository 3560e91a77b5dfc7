package dev.vyre.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

/** {@code vyre ingest} in-process: argument checks, sources of unknown size, sockets, messages. */
class IngestCommandTest {

    /** A backend that cannot run: a usage error must come first, so the backend is never reached. */
    private static final Map<String, String> NO_BACKEND = Map.of("VYRE_BACKEND", UnavailableTestProvider.NAME);

    @TempDir
    Path dir;

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private Path fifo(String name) throws Exception {
        Path p = dir.resolve(name);
        Process mk = new ProcessBuilder("mkfifo", p.toString()).start();
        assertTrue(mk.waitFor(10, TimeUnit.SECONDS) && mk.exitValue() == 0);
        return p;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "--depth 0 FILE|--depth 0 is outside 1..4,096",
        "--depth 100000 FILE|--depth 100,000 is outside 1..4,096",
        "--depth -1 FILE|--depth -1 is outside 1..4,096",
        "--slots 0 FILE|--slots 0 is outside 1..1,048,576",
        "--slots 2000000 FILE|--slots 2,000,000 is outside 1..1,048,576",
        "--chunk 0 FILE|--chunk 0 is outside 1..1,073,741,824",
        "--chunk 2G FILE|--chunk 2,147,483,648 is outside 1..1,073,741,824",
        "--slots 2048 --chunk 1M FILE|bytes of staging is not below 2 GiB",
        "--max-bytes 0 FILE|--max-bytes 0 is not positive",
        "--idle-timeout -1 FILE|--idle-timeout -1.0 is outside 0..86400 seconds",
        "--idle-timeout NaN FILE|--idle-timeout NaN is outside 0..86400 seconds",
        "--listen 70000|--listen 70,000 is outside 0..65,535",
        "--listen -1|--listen -1 is outside 0..65,535",
        "--listen 0 --connections -1|--connections -1 is outside 0..",
        "--listen 0 --max-bytes 1M|--max-bytes applies to FILE sources, not to --listen",
        "--listen 0 --host 192.0.2.1|--host 192.0.2.1 (192.0.2.1) is not an address of this machine",
        "--listen 0 --host no-such-host.invalid|--host no-such-host.invalid does not resolve",
        "--listen 0 FILE|FILE arguments and --listen together",
        "--ready-file READY FILE|--ready-file applies to --listen only",
        "--connections 1 FILE|--connections applies to --listen only",
        "/dev/zero|/dev/zero is a character device and may never end",
        "- -|'-' (standard input) is given more than once",
        "--max-bytes 12Q FILE|'12Q' is not a byte count",
    })
    void everyBadArgumentIsOneUsageLineBeforeTheBackendIsOpened(String args, String problem) throws Exception {
        Path file = Files.write(dir.resolve("data.bin"), random(100, 1));
        String[] words = args.replace("FILE", file.toString()).replace("READY", dir.resolve("ready").toString())
                .split(" ");
        String[] full = new String[words.length + 1];
        full[0] = "ingest";
        System.arraycopy(words, 0, full, 1, words.length);
        Cli.Run r = Cli.run(NO_BACKEND, full);
        Cli.assertOneLineError(r, 2, "vyre ingest");
        assertTrue(r.err().contains(problem), r.both());
        assertFalse(r.err().contains("queue at capacity"), r.both());
    }

    @Test
    void stagingDefaultsAreTheVulkanBackendsOnlyWhenNeitherSizeIsGiven() {
        assertEquals(new IngestCommand.Staging(1 << 20, 32), IngestCommand.Staging.of(null, null, null));
        assertEquals(new IngestCommand.Staging(1 << 20, 32), IngestCommand.Staging.of("cuda", null, null));
        assertEquals(new IngestCommand.Staging(1 << 20, 32), IngestCommand.Staging.of("reference", null, null));
        assertEquals(new IngestCommand.Staging(64 << 10, 1024), IngestCommand.Staging.of("vulkan", null, null));
        // one size given: the other is the general default (a Vulkan default could overflow the 2 GiB cap)
        assertEquals(new IngestCommand.Staging(4 << 20, 32), IngestCommand.Staging.of("vulkan", 4L << 20, null));
        assertEquals(new IngestCommand.Staging(1 << 20, 8), IngestCommand.Staging.of("vulkan", null, 8));
        assertEquals(new IngestCommand.Staging(4096, 8), IngestCommand.Staging.of("vulkan", 4096L, 8));
    }

    @Test
    void nothingGivenIsAUsageError() {
        Cli.assertOneLineError(Cli.run(NO_BACKEND, "ingest"), 2, "vyre ingest");
    }

    @Test
    void aPortInUseIsOneLineWithAFixBeforeTheBackendIsOpened() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            Cli.Run r = Cli.run(NO_BACKEND, "ingest", "--listen", String.valueOf(taken.getLocalPort()));
            Cli.assertOneLineError(r, 1, "vyre ingest");
            assertTrue(r.err().contains("127.0.0.1:" + taken.getLocalPort() + ": the port is in use")
                    && r.err().contains("Fix: pick another port"), r.both());
        }
    }

    @Test
    void procFileIsReadToItsEnd() {
        Cli.Run r = Cli.run("ingest", "--backend", "reference", "/proc/self/status");
        assertEquals(0, r.exit(), r.both());
        Matcher m = Pattern.compile("/proc/self/status: ([\\d,]+) bytes \\(to the end of the stream\\), 1 chunks,"
                + " 1 verified.*OK").matcher(r.out());
        assertTrue(m.find(), r.both());
        assertTrue(Long.parseLong(m.group(1).replace(",", "")) > 100, r.both());
    }

    @Test
    void anEmptySourceIsNotASuccess() throws Exception {
        Path empty = Files.write(dir.resolve("empty"), new byte[0]);
        Cli.Run r = Cli.run("ingest", "--backend", "reference", empty.toString());
        assertEquals(1, r.exit(), r.both());
        assertTrue(r.err().strip().startsWith("vyre ingest: nothing was ingested") && r.err().contains("Fix: "),
                r.both());
    }

    @Test
    void fifoWithAWriterIsReadToTheEnd() throws Exception {
        Path fifo = fifo("fifo");
        byte[] sent = random(300_000, 2);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try (OutputStream out = Files.newOutputStream(fifo)) { // opens once the reader has
                out.write(sent);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Cli.Run r = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> Cli.run("ingest", "--backend", "reference", "--chunk", "64K", fifo.toString()));
        writer.get(10, TimeUnit.SECONDS);
        assertEquals(0, r.exit(), r.both());
        assertTrue(r.out().contains(fifo + ": 300,000 bytes (to the end of the stream), 5 chunks, 5 verified"), r.both());
    }

    @Test
    void fifoWithoutAWriterGivesUpAtTheIdleTimeout() throws Exception {
        Path fifo = fifo("lonely");
        Cli.Run r = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> Cli.run("ingest", "--backend", "reference", "--idle-timeout", "1.5", fifo.toString()));
        assertEquals(1, r.exit(), r.both());
        assertTrue(r.out().contains("read(" + fifo + ") failed: ETIME (errno 62, Timer expired): no writer sent anything"
                + " to the FIFO for 1.50 s")
                && r.out().contains("Fix: start the writer"), r.both());
        assertTrue(r.err().contains("waiting for a writer on " + fifo), r.both());
    }

    @Test
    void devZeroStopsAtMaxBytes() {
        Cli.Run r = Cli.run("ingest", "--backend", "reference", "--max-bytes", "3M", "/dev/zero");
        assertEquals(0, r.exit(), r.both());
        assertTrue(r.out().contains("/dev/zero: 3,145,728 bytes (stopped at --max-bytes), 3 chunks, 3 verified"),
                r.both());
    }

    @Test
    void smallChunksNeverPrintAZeroRate() throws Exception {
        Path one = Files.write(dir.resolve("one"), new byte[] {42});
        Cli.Run r = Cli.run("ingest", "--backend", "reference", "--chunk", "4K", one.toString());
        assertEquals(0, r.exit(), r.both());
        // a rate of zero prints as "0.00 B/s" (a rate like "220.00 B/s" contains "0.00 " but is not zero)
        assertFalse(r.out().matches("(?s).*(?<![\\d.])0\\.00 .*"), r.both());
        assertTrue(r.out().matches("(?s).*total: 1 byte in [\\d.]+ (s|ms|µs) = [\\d.]+ (B|KB|MB|GB)/s.*"), r.both());
    }

    @Test
    void listenerReportsAConnectionResetRightAfterItsDataAndExits() throws Exception {
        Path ready = dir.resolve("ready");
        CompletableFuture<Cli.Run> run = CompletableFuture.supplyAsync(() -> Cli.run("ingest", "--backend",
                "reference", "--listen", "0", "--connections", "1", "--ready-file", ready.toString()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(ready)) {
            assertTrue(System.nanoTime() < deadline && !run.isDone(), "no ready file");
            Thread.sleep(20);
        }
        String address = Files.readString(ready).strip();
        assertTrue(address.matches("127\\.0\\.0\\.1:\\d+"), address);
        try (Socket client = new Socket("127.0.0.1", Integer.parseInt(address.substring(address.indexOf(':') + 1)))) {
            client.setSoLinger(true, 0); // close sends RST, discarding what is still unsent
            client.getOutputStream().write(random(1_500_000, 3));
        }
        Cli.Run r = run.get(30, TimeUnit.SECONDS);
        assertEquals(1, r.exit(), r.both());
        assertTrue(r.out().contains("listening on " + address), r.both());
        assertTrue(r.out().contains("FAILED") && r.out().contains("ECONNRESET") && r.out().contains("Fix: "),
                r.both());
        assertTrue(r.out().contains("  total: "), r.both());
        assertFalse(Files.exists(ready), "the ready file is removed when the server stops");
    }

    @Test
    void listenerWithACleanConnectionSucceeds() throws Exception {
        Path ready = dir.resolve("ready");
        byte[] sent = random(200_000, 4);
        CompletableFuture<Cli.Run> run = CompletableFuture.supplyAsync(() -> Cli.run("ingest", "--backend",
                "reference", "--chunk", "64K", "--listen", "0", "--connections", "1", "--ready-file", ready.toString()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(ready)) {
            assertTrue(System.nanoTime() < deadline && !run.isDone(), "no ready file");
            Thread.sleep(20);
        }
        String address = Files.readString(ready).strip();
        try (Socket client = new Socket("127.0.0.1", Integer.parseInt(address.substring(address.indexOf(':') + 1)))) {
            client.getOutputStream().write(sent);
        }
        Cli.Run r = run.get(30, TimeUnit.SECONDS);
        assertEquals(0, r.exit(), r.both());
        assertTrue(r.out().contains("200,000 bytes, 4 chunks, 4 verified  OK"), r.both());
    }
}
