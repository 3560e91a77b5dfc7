package dev.vyre.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.api.Session;
import dev.vyre.api.Vyre;
import dev.vyre.protocol.SlotStatus;
import dev.vyre.protocol.SyscallException;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** TCP bytes through netty's io_uring transport into staging regions, CRC32C per chunk. */
class SocketIngestTest {

    private static final int CHUNK = 4096;

    /**
     * The first netty io_uring socket in a JVM opens process-wide descriptors once (netty's native
     * probes); one warm-up round trip keeps them out of the per-test leak checks, which then prove
     * that servers and connections return everything they open.
     */
    @BeforeAll
    static void ioUringAvailableAndWarm() throws Exception {
        UringSupport.assumeAvailable();
        LinkedBlockingQueue<ConnectionReport> reports = new LinkedBlockingQueue<>();
        try (Vyre b = Sessions.reference(); Session s = Sessions.open(b, 2, 2 * CHUNK, 1);
             SocketIngestServer server = SocketIngestServer.listen(s, IngestOptions.builder().chunkBytes(CHUNK)
                     .build(), "127.0.0.1", 0, IngestListener.none(), reports::add)) {
            try (Socket client = new Socket("127.0.0.1", server.port())) {
                client.getOutputStream().write(1);
            }
            assertNull(reports.poll(20, TimeUnit.SECONDS).error());
        }
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static void assertChunksCover(byte[] sent, int upTo, List<ChunkReport> chunks) {
        List<ChunkReport> sorted = new ArrayList<>(chunks);
        sorted.sort((a, b) -> Long.compare(a.sequence(), b.sequence()));
        long at = 0;
        for (int i = 0; i < sorted.size(); i++) {
            ChunkReport c = sorted.get(i);
            assertEquals(i, c.sequence());
            assertEquals(at, c.sourceOffset());
            CRC32C crc = new CRC32C();
            crc.update(sent, (int) at, c.length());
            assertEquals((int) crc.getValue(), c.deviceCrc(), "chunk " + i + " vs the bytes sent");
            assertTrue(c.verified());
            at += c.length();
        }
        assertEquals(upTo, at);
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting for " + what);
            }
            LockSupport.parkNanos(1_000_000L);
        }
    }

    @ParameterizedTest(name = "host staging {0}")
    @ValueSource(booleans = {false, true})
    void streamArrivesIntactChunkByChunk(boolean hostStaging) throws Exception {
        byte[] sent = random(300 * CHUNK + 123, 11);
        Leaks leaks = Leaks.snapshot();
        List<ChunkReport> chunks = java.util.Collections.synchronizedList(new ArrayList<>());
        LinkedBlockingQueue<ConnectionReport> reports = new LinkedBlockingQueue<>();
        try (Vyre b = Sessions.reference(); Session s = Sessions.open(b, 8, 8 * CHUNK, 1);
             SocketIngestServer server = SocketIngestServer.listen(s, IngestOptions.builder().chunkBytes(CHUNK)
                     .hostStaging(hostStaging).build(), "127.0.0.1", 0, chunks::add, reports::add)) {
            try (Socket client = new Socket("127.0.0.1", server.port())) {
                OutputStream out = client.getOutputStream();
                for (int at = 0; at < sent.length; at += 7000) {
                    out.write(sent, at, Math.min(7000, sent.length - at));
                }
            }
            ConnectionReport report = reports.poll(20, TimeUnit.SECONDS);
            assertNull(report.error());
            assertEquals(sent.length, report.bytes());
            assertEquals(301, report.chunks());
            assertEquals(301, report.verified());
            assertChunksCover(sent, sent.length, chunks);
            assertEquals(0, server.telemetry().mismatches());
        }
        leaks.assertNoLeaks();
    }

    @Test
    void fullRingPausesReadingAndResumesWithoutLoss() throws Exception {
        byte[] sent = random(16 << 20, 12);
        Leaks leaks = Leaks.snapshot();
        List<ChunkReport> chunks = java.util.Collections.synchronizedList(new ArrayList<>());
        LinkedBlockingQueue<ConnectionReport> reports = new LinkedBlockingQueue<>();
        int chunk = 64 * 1024;
        try (Vyre b = Sessions.reference(); Session s = Sessions.open(b, 4, 4 * chunk, 1);
             SocketIngestServer server = SocketIngestServer.listen(s, IngestOptions.builder().chunkBytes(chunk)
                     .tenant(1).build(), "127.0.0.1", 0, chunks::add, reports::add)) {
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try (Socket client = new Socket("127.0.0.1", server.port())) {
                    client.getOutputStream().write(sent);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            for (int slot = 0; slot < 4; slot++) {
                assertTrue(s.awaitSlotStatus(slot, SlotStatus.PUBLISHED, Duration.ofSeconds(20)));
            }
            await(() -> server.telemetry().backpressureWaits() >= 1, "back-pressure");
            IngestTelemetry paused = server.telemetry();
            assertEquals(4, paused.chunks(), "only the 4 staging regions are filled; the rest waits in TCP");
            assertEquals(4L * chunk, paused.bytes());
            assertFalse(writer.isDone(), "the sender is blocked by TCP flow control, not buffered by us");
            s.writeControlWord(3 + 1, -1); // authorise tenant 1: slots drain, reading resumes
            writer.get(30, TimeUnit.SECONDS);
            ConnectionReport report = reports.poll(30, TimeUnit.SECONDS);
            assertNull(report.error());
            assertEquals(sent.length, report.bytes());
            assertEquals(256, report.verified());
            assertChunksCover(sent, sent.length, chunks);
        }
        leaks.assertNoLeaks();
    }

    @Test
    void peerResetMidStreamIsAnErrnoAndKeepsEveryByteReceived() throws Exception {
        byte[] sent = random(10_000, 13);
        Leaks leaks = Leaks.snapshot();
        List<ChunkReport> chunks = java.util.Collections.synchronizedList(new ArrayList<>());
        LinkedBlockingQueue<ConnectionReport> reports = new LinkedBlockingQueue<>();
        try (Vyre b = Sessions.reference(); Session s = Sessions.open(b, 8, 8 * CHUNK, 1);
             SocketIngestServer server = SocketIngestServer.listen(s, IngestOptions.builder().chunkBytes(CHUNK)
                     .build(), "127.0.0.1", 0, chunks::add, reports::add)) {
            try (Socket client = new Socket("127.0.0.1", server.port())) {
                client.getOutputStream().write(sent);
                client.getOutputStream().flush();
                await(() -> server.telemetry().chunks() == 2, "two full chunks staged");
                client.setSoLinger(true, 0); // close sends RST
            }
            ConnectionReport report = reports.poll(20, TimeUnit.SECONDS);
            SyscallException e = assertInstanceOf(SyscallException.class, report.error());
            assertEquals(104, e.errno());
            assertTrue(e.getMessage().contains(" failed: ECONNRESET (errno 104, Connection reset by peer)")
                    && e.getMessage().contains("Fix: the peer reset"),
                    e.getMessage());
            assertEquals(sent.length, report.bytes(), "the tail received before the reset is published too");
            assertEquals(3, report.verified());
            assertChunksCover(sent, sent.length, chunks);
            assertEquals(1, server.telemetry().readErrors());
        }
        leaks.assertNoLeaks();
    }

    @Test
    void aPortInUseIsOneLineWithTheErrnoAndAFix() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getByName("127.0.0.1"));
             Vyre b = Sessions.reference(); Session s = Sessions.open(b, 2, 2 * CHUNK, 1)) {
            SyscallException e = org.junit.jupiter.api.Assertions.assertThrows(SyscallException.class,
                    () -> SocketIngestServer.listen(s, IngestOptions.builder().chunkBytes(CHUNK).build(), "127.0.0.1",
                            taken.getLocalPort(), IngestListener.none(), r -> { }));
            assertEquals(98, e.errno());
            assertTrue(e.getMessage().startsWith("bind 127.0.0.1:" + taken.getLocalPort() + " failed: EADDRINUSE (errno 98,"
                    + " Address already in use): the port is in use. Fix: pick another port")
                    && !e.getMessage().contains("\n"), e.getMessage());
        }
    }

    @Test
    void anAddressThatIsNotLocalIsOneLineWithAFix() throws Exception {
        try (Vyre b = Sessions.reference(); Session s = Sessions.open(b, 2, 2 * CHUNK, 1)) {
            SyscallException e = org.junit.jupiter.api.Assertions.assertThrows(SyscallException.class,
                    () -> SocketIngestServer.listen(s, IngestOptions.builder().chunkBytes(CHUNK).build(), "192.0.2.1",
                            0, IngestListener.none(), r -> { }));
            assertEquals(99, e.errno());
            assertTrue(e.getMessage().startsWith("bind 192.0.2.1:0 failed: EADDRNOTAVAIL (errno 99, Cannot assign requested"
                    + " address): 192.0.2.1 is not an address of this machine. Fix: listen on a local address")
                    && e.getMessage().contains("Fix: listen on a local address"), e.getMessage());
        }
    }

    /**
     * Three connections paused at the same time: the back-pressure total counts the time during which
     * any connection waited, so it never exceeds the time the server ran.
     */
    @Test
    void backPressureTimeNeverExceedsTheRunsTime() throws Exception {
        int chunk = 64 * 1024;
        LinkedBlockingQueue<ConnectionReport> reports = new LinkedBlockingQueue<>();
        long start = System.nanoTime();
        try (Vyre b = Sessions.reference(); Session s = Sessions.open(b, 2, 2 * chunk, 1);
             SocketIngestServer server = SocketIngestServer.listen(s, IngestOptions.builder().chunkBytes(chunk)
                     .tenant(1).build(), "127.0.0.1", 0, IngestListener.none(), reports::add)) {
            List<CompletableFuture<Void>> writers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                byte[] sent = random(4 * chunk, 30 + i);
                writers.add(CompletableFuture.runAsync(() -> {
                    try (Socket client = new Socket("127.0.0.1", server.port())) {
                        client.getOutputStream().write(sent);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }));
            }
            await(() -> server.telemetry().backpressureWaits() >= 3, "three connections paused");
            Thread.sleep(1000); // all three wait together
            s.writeControlWord(3 + 1, -1); // authorise tenant 1: slots drain, reading resumes
            for (CompletableFuture<Void> w : writers) {
                w.get(30, TimeUnit.SECONDS);
            }
            for (int i = 0; i < 3; i++) {
                ConnectionReport r = reports.poll(30, TimeUnit.SECONDS);
                assertNull(r.error());
                assertEquals(4L * chunk, r.bytes());
            }
            long backpressure = server.telemetry().backpressureNanos();
            long ran = System.nanoTime() - start;
            assertTrue(backpressure >= 900_000_000L, "the shared wait counts: " + backpressure);
            assertTrue(backpressure <= ran, "back-pressure " + backpressure + " ns within the run's " + ran + " ns");
        }
    }

    /**
     * A client that sends 0.3 .. 2.5 MB and resets at once (SO_LINGER 0, the RST can overtake data
     * still in flight): the connection is reported, failed, with the bytes that arrived, and every
     * chunk of them verified.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {300_000, 1_500_000, 2_500_000})
    void resetRightAfterSendingIsReportedWithItsBytes(int size) throws Exception {
        byte[] sent = random(size, size);
        int chunk = 1 << 20;
        List<ChunkReport> chunks = java.util.Collections.synchronizedList(new ArrayList<>());
        LinkedBlockingQueue<ConnectionReport> reports = new LinkedBlockingQueue<>();
        try (Vyre b = Sessions.reference(); Session s = Sessions.open(b, 16, 16L * chunk, 1);
             SocketIngestServer server = SocketIngestServer.listen(s, IngestOptions.builder().chunkBytes(chunk)
                     .build(), "127.0.0.1", 0, chunks::add, reports::add)) {
            try (Socket client = new Socket("127.0.0.1", server.port())) {
                client.setSoLinger(true, 0);
                client.getOutputStream().write(sent);
            }
            ConnectionReport report = reports.poll(20, TimeUnit.SECONDS);
            assertTrue(report != null, "the reset connection is reported");
            assertTrue(report.bytes() <= sent.length, report.toString());
            assertEquals(report.chunks(), report.verified(), report.toString());
            long covered = 0;
            for (ChunkReport c : chunks) {
                covered += c.length();
            }
            assertEquals(report.bytes(), covered, "every byte reported was settled in a chunk");
            if (report.bytes() < sent.length) {
                assertTrue(report.error() != null, "bytes were lost to the reset: the connection failed");
            }
        }
    }
}
