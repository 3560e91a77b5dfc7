package dev.vyre.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.api.Session;
import dev.vyre.api.Vyre;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link IngestOptions#overlapBytes()}: every chunk but a source's first is staged behind the source bytes
 * just before it. Each slot's CRC32C (computed on the device over the staged bytes, overlap included) must
 * equal the CRC of the source range {@code [sourceOffset - overlap, sourceOffset + length)}, the overlap must
 * be as long as promised, and the new bytes must tile the source exactly once.
 */
class OverlapIngestTest {

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

    /**
     * @param carry the overlap a chunk at source offset {@code o > 0} must have: {@code min(carry, o)}
     */
    private static void assertOverlapped(byte[] source, List<ChunkReport> chunks, int carry) {
        List<ChunkReport> sorted = new ArrayList<>(chunks);
        sorted.sort((a, b) -> Long.compare(a.sequence(), b.sequence()));
        long at = 0;
        for (int i = 0; i < sorted.size(); i++) {
            ChunkReport c = sorted.get(i);
            assertEquals(i, c.sequence(), "sequence");
            assertEquals(at, c.sourceOffset(), "chunk " + i + " offset");
            assertEquals((int) Math.min(carry, at), c.overlap(), "chunk " + i + " overlap");
            CRC32C crc = new CRC32C();
            crc.update(source, (int) (at - c.overlap()), c.overlap() + c.length());
            assertEquals((int) crc.getValue(), c.deviceCrc(), "chunk " + i + ": staged bytes vs the source range");
            assertTrue(c.verified(), "chunk " + i + " host CRC");
            at += c.length();
        }
        assertEquals(source.length, at, "new bytes cover the source once");
    }

    @Test
    void carryCapacityKeepsRegionsAligned() {
        assertEquals(0, IngestOptions.builder().build().carryCapacity());
        assertEquals(4096, IngestOptions.builder().overlapBytes(1).build().carryCapacity());
        assertEquals(4096, IngestOptions.builder().overlapBytes(4096).build().carryCapacity());
        assertEquals(8192, IngestOptions.builder().overlapBytes(4097).build().carryCapacity());
    }

    @ParameterizedTest(name = "{0} bytes, overlap {1}, O_DIRECT {2}")
    @CsvSource({"100003, 100, false", "100003, 100, true", "20000, 5000, false", "4096, 15, false", "4097, 15, false",
        "1, 15, false", "9000, 4095, true"})
    void fileChunksRepeatTheBytesBeforeThem(int size, int overlap, boolean direct) throws Exception {
        byte[] bytes = random(size, size + overlap);
        Path file = Files.write(dir.resolve("f" + size), bytes);
        List<ChunkReport> chunks = Collections.synchronizedList(new ArrayList<>());
        IngestOptions options = IngestOptions.builder().chunkBytes(CHUNK).queueDepth(4).overlapBytes(overlap)
                .directIo(direct).build();
        long region = options.carryCapacity() + CHUNK;
        try (Vyre b = Sessions.reference(); Session s = Sessions.open(b, 4, 4 * region, 1);
             FileIngestPump pump = new FileIngestPump(s, options, chunks::add)) {
            FileReport report = pump.ingest(file);
            assertNull(report.error());
            assertTrue(report.ok());
            assertEquals(size, report.bytes());
            assertEquals(report.chunks(), report.verified());
            // an O_DIRECT read repeats the whole aligned carry capacity; other reads exactly the overlap
            assertOverlapped(bytes, chunks, report.directIo() ? options.carryCapacity() : overlap);
        }
    }

    @Test
    void streamedChunksCarryTheTailOfTheChunkBefore() throws Exception {
        byte[] bytes = random(50_001, 5);
        Path fifo = dir.resolve("fifo");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertTrue(mk.waitFor(10, TimeUnit.SECONDS) && mk.exitValue() == 0);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try (OutputStream out = Files.newOutputStream(fifo)) {
                for (int at = 0; at < bytes.length; at += 777) { // writes that do not line up with chunks
                    out.write(bytes, at, Math.min(777, bytes.length - at));
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        List<ChunkReport> chunks = Collections.synchronizedList(new ArrayList<>());
        IngestOptions options = IngestOptions.builder().chunkBytes(CHUNK).overlapBytes(300).build();
        try (Vyre b = Sessions.reference(); Session s = Sessions.open(b, 2, 2 * (options.carryCapacity() + CHUNK), 1);
             FileIngestPump pump = new FileIngestPump(s, options, chunks::add)) {
            FileReport report = pump.ingest(fifo);
            writer.get(20, TimeUnit.SECONDS);
            assertNull(report.error());
            assertEquals(bytes.length, report.bytes());
            assertOverlapped(bytes, chunks, 300);
        }
    }

    @Test
    void socketChunksCarryTheTailOfTheChunkBefore() throws Exception {
        byte[] bytes = random(30_000, 6);
        List<ChunkReport> chunks = Collections.synchronizedList(new ArrayList<>());
        LinkedBlockingQueue<ConnectionReport> ended = new LinkedBlockingQueue<>();
        IngestOptions options = IngestOptions.builder().chunkBytes(CHUNK).overlapBytes(5000).build();
        try (Vyre b = Sessions.reference(); Session s = Sessions.open(b, 3, 3 * (options.carryCapacity() + CHUNK), 1);
             SocketIngestServer server = SocketIngestServer.listen(s, options, "127.0.0.1", 0, chunks::add,
                     ended::add)) {
            try (Socket client = new Socket("127.0.0.1", server.port())) {
                client.getOutputStream().write(bytes);
            }
            ConnectionReport r = ended.poll(20, TimeUnit.SECONDS);
            assertNull(r.error());
            assertEquals(bytes.length, r.bytes());
            assertOverlapped(bytes, chunks, 5000);
        }
    }
}
