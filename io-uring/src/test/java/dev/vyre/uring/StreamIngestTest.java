package dev.vyre.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.api.Session;
import dev.vyre.api.Vyre;
import dev.vyre.protocol.SyscallException;
import dev.vyre.protocol.VyreArgumentException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sources of unknown size read by streaming reads to their end: FIFOs (with and without a writer),
 * pseudo files, character devices with a byte limit.
 */
class StreamIngestTest {

    private static final int CHUNK = 4096;

    @TempDir
    Path dir;

    @BeforeAll
    static void ioUringAvailable() {
        UringSupport.assumeAvailable();
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private Path fifo(String name) throws Exception {
        Path p = dir.resolve(name);
        Process mk = new ProcessBuilder("mkfifo", p.toString()).redirectErrorStream(true).start();
        assertTrue(mk.waitFor(10, TimeUnit.SECONDS) && mk.exitValue() == 0, "mkfifo " + p);
        assertEquals(SourceKind.FIFO, SourceKind.of(p));
        return p;
    }

    /** A waiting listener that records chunks and wait notices. */
    private static final class Recorder implements IngestListener {
        final List<ChunkReport> chunks = Collections.synchronizedList(new ArrayList<>());
        final List<String> waits = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void onChunk(ChunkReport chunk) {
            chunks.add(chunk);
        }

        /** Counted down at the first waiting notice. */
        final CountDownLatch waited = new CountDownLatch(1);

        @Override
        public void onWaiting(String source, String what) {
            waits.add(what);
            waited.countDown();
        }

        /** Asserts the chunks tile {@code sent} in sequence order and each device CRC matches. */
        void assertCovers(byte[] sent, int length) {
            List<ChunkReport> sorted = new ArrayList<>(chunks);
            sorted.sort((a, b) -> Long.compare(a.sequence(), b.sequence()));
            long at = 0;
            for (ChunkReport c : sorted) {
                assertEquals(at, c.sourceOffset());
                CRC32C crc = new CRC32C();
                crc.update(sent, (int) at, c.length());
                assertEquals((int) crc.getValue(), c.deviceCrc(), "chunk " + c.sequence() + " vs the bytes written");
                assertTrue(c.verified());
                at += c.length();
            }
            assertEquals(length, at);
        }
    }

    private static FileIngestPump pump(Session s, Recorder r, Duration idle) {
        return new FileIngestPump(s, IngestOptions.builder().chunkBytes(CHUNK).idleTimeout(idle).build(), r);
    }

    @Test
    void fifoIsReadUntilItsWriterClosesAndTheWriterIsNotKilled() throws Exception {
        byte[] sent = random(37 * CHUNK + 11, 21);
        Path src = Files.write(dir.resolve("src"), sent);
        Path fifo = fifo("fifo");
        Recorder r = new Recorder();
        try (Vyre b = Sessions.reference(); Session s = Sessions.open(b, 4, 4 * CHUNK, 1);
             FileIngestPump pump = pump(s, r, Duration.ofSeconds(20))) {
            // the writer starts late, once the pump has opened the FIFO and said it waits for one
            AtomicReference<Process> started = new AtomicReference<>();
            Thread starter = Thread.ofPlatform().start(() -> {
                try {
                    if (r.waited.await(20, TimeUnit.SECONDS)) {
                        started.set(new ProcessBuilder("sh", "-c", "cat \"$0\" > \"$1\"", src.toString(),
                                fifo.toString()).redirectErrorStream(true).start());
                    }
                } catch (InterruptedException | java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            FileReport report = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> pump.ingest(fifo));
            starter.join();
            Process writer = started.get();
            assertNotNull(writer, "the pump said it waits for a writer, which then started");
            assertTrue(writer.waitFor(10, TimeUnit.SECONDS));
            assertEquals(0, writer.exitValue(), "the writer finished normally (no SIGPIPE)");
            assertNull(report.error());
            assertTrue(report.ok());
            assertFalse(report.sizeKnown());
            assertEquals(sent.length, report.bytes());
            assertEquals(38, report.chunks());
            assertEquals(38, report.verified());
            r.assertCovers(sent, sent.length);
            assertEquals(List.of("a writer"), r.waits, "one notice while no writer had opened the FIFO");
        }
    }

    @Test
    void fifoWithoutAWriterEndsAtTheIdleTimeoutWithAFix() throws Exception {
        Path fifo = fifo("lonely");
        Recorder r = new Recorder();
        try (Vyre b = Sessions.reference(); Session s = Sessions.open(b, 4, 4 * CHUNK, 1);
             FileIngestPump pump = pump(s, r, Duration.ofMillis(1500))) {
            FileReport report = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> pump.ingest(fifo));
            SyscallException e = assertInstanceOf(SyscallException.class, report.error());
            assertTrue(e.getMessage().startsWith("read(" + fifo + ") failed: ETIME (errno 62, Timer expired): no writer sent"
                    + " anything to the FIFO for 1.50 s (--idle-timeout). Fix: start the writer")
                    && e.getMessage().contains("Fix: start the writer"), e.getMessage());
            assertEquals(0, report.bytes());
            assertFalse(report.ok());
            assertEquals(List.of("a writer"), r.waits);
        }
    }

    @Test
    void fifoWhoseWriterClosesWithoutWritingEndsEmpty() throws Exception {
        Path fifo = fifo("empty");
        try (Vyre b = Sessions.reference(); Session s = Sessions.open(b, 4, 4 * CHUNK, 1);
             FileIngestPump pump = pump(s, new Recorder(), Duration.ofSeconds(20))) {
            Process writer = new ProcessBuilder("sh", "-c", "sleep 0.5; : > \"$0\"", fifo.toString()).start();
            FileReport report = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> pump.ingest(fifo));
            assertTrue(writer.waitFor(10, TimeUnit.SECONDS));
            assertNull(report.error());
            assertEquals(0, report.bytes());
            assertEquals(0, report.chunks());
        }
    }

    @Test
    void procFileIsReadToItsEnd() throws Exception {
        Path status = Path.of("/proc/self/status");
        assertEquals(0, Files.size(status), "stat says 0 bytes");
        assertEquals(SourceKind.SIZELESS, SourceKind.of(status));
        Recorder r = new Recorder();
        try (Vyre b = Sessions.reference(); Session s = Sessions.open(b, 4, 4 * CHUNK, 1);
             FileIngestPump pump = pump(s, r, Duration.ZERO)) {
            FileReport report = pump.ingest(status);
            assertNull(report.error());
            assertTrue(report.bytes() > 100, "the pseudo file has content: " + report);
            assertEquals(report.chunks(), report.verified());
            assertTrue(report.ok());
        }
    }

    @Test
    void characterDeviceStopsAtTheByteLimit() throws Exception {
        Path zero = Path.of("/dev/zero");
        assertEquals(SourceKind.CHARACTER_DEVICE, SourceKind.of(zero));
        assertTrue(SourceKind.of(zero).mayBeEndless());
        Recorder r = new Recorder();
        long limit = 10L * CHUNK + 5;
        try (Vyre b = Sessions.reference(); Session s = Sessions.open(b, 4, 4 * CHUNK, 1);
             FileIngestPump pump = pump(s, r, Duration.ZERO)) {
            FileReport report = pump.ingest(zero, limit);
            assertNull(report.error());
            assertEquals(limit, report.bytes());
            assertEquals(11, report.verified());
            assertTrue(report.limited());
            assertTrue(report.ok());
            r.assertCovers(new byte[(int) limit], (int) limit);
            VyreArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(VyreArgumentException.class,
                    () -> pump.ingest(zero, 0));
            assertEquals("maxBytes", e.parameter());
        }
    }

    @Test
    void regularFileStopsAtTheByteLimit() throws Exception {
        byte[] sent = random(9 * CHUNK, 22);
        Path file = Files.write(dir.resolve("big"), sent);
        Recorder r = new Recorder();
        try (Vyre b = Sessions.reference(); Session s = Sessions.open(b, 4, 4 * CHUNK, 1);
             FileIngestPump pump = pump(s, r, Duration.ZERO)) {
            FileReport report = pump.ingest(file, 2L * CHUNK + 1);
            assertNull(report.error());
            assertEquals(2L * CHUNK + 1, report.size());
            assertEquals(2L * CHUNK + 1, report.bytes());
            assertTrue(report.limited());
            assertTrue(report.ok());
            r.assertCovers(sent, 2 * CHUNK + 1);
        }
    }

    @Test
    void directoryIsARefusalWithAFix() throws Exception {
        try (Vyre b = Sessions.reference(); Session s = Sessions.open(b, 4, 4 * CHUNK, 1);
             FileIngestPump pump = pump(s, new Recorder(), Duration.ZERO)) {
            FileReport report = pump.ingest(dir);
            assertFalse(report.ok());
            assertTrue(report.error().getMessage().contains("EISDIR")
                    && report.error().getMessage().contains("Fix: pass a regular file"), report.error().getMessage());
        }
    }
}
