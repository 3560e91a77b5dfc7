package dev.vyre.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.api.Session;
import dev.vyre.api.Vyre;
import dev.vyre.protocol.SyscallException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A peer that resets its connection (SO_LINGER 0, then close: RST, no FIN) at every point of a stream,
 * while another connection streams beside it: the reset connection is reported failed, naming itself and
 * the bytes it delivered, each of them verified; the other connection arrives whole.
 *
 * <p>The reset is sent only once the server has read every byte sent before it (the client's send queue
 * and the server socket's receive queue are empty in {@code /proc/net/tcp[6]}), so the bytes the report
 * must hold are known exactly.
 */
class SocketResetTest {

    private static final int CHUNK = 4096;

    @BeforeAll
    static void available() throws Exception {
        SocketIngestTest.ioUringAvailableAndWarm(); // netty's process-wide descriptors stay out of the leak checks
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Waits until the kernel holds none of the client's bytes: acknowledged by the server and read by it. */
    private static void awaitRead(Socket client) throws Exception {
        String local = String.format(Locale.ROOT, ":%04X ", client.getLocalPort());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            boolean clientQueued = false;
            boolean serverQueued = false;
            boolean serverSeen = false;
            List<String> lines = new ArrayList<>(Files.readAllLines(Path.of("/proc/net/tcp")));
            Path tcp6 = Path.of("/proc/net/tcp6"); // Java's sockets are dual-stack: IPv4 peers appear here
            if (Files.exists(tcp6)) {
                lines.addAll(Files.readAllLines(tcp6));
            }
            for (String line : lines) {
                String[] f = line.trim().split("\\s+");
                if (f.length < 5 || !f[4].contains(":")) {
                    continue;
                }
                String[] queues = f[4].split(":");
                if ((f[1] + " ").endsWith(local)) {
                    clientQueued |= Long.parseLong(queues[0], 16) != 0;
                } else if ((f[2] + " ").endsWith(local)) {
                    serverSeen = true;
                    serverQueued |= Long.parseLong(queues[1], 16) != 0;
                }
            }
            if (serverSeen && !clientQueued && !serverQueued) {
                return;
            }
            assertTrue(System.nanoTime() - deadline < 0, "the server did not read the bytes sent");
            LockSupport.parkNanos(1_000_000L);
        }
    }

    /**
     * @param sent  bytes sent before the reset: 0 (before the first byte), mid-chunk, a chunk boundary, the
     *              whole stream (its last byte, no EOF) in one write
     * @param split when true the bytes go in two writes, the reset follows the second
     */
    @ParameterizedTest(name = "{0}: reset after {1} bytes")
    @CsvSource({
        "before the first byte, 0",
        "mid-chunk, 6000",
        "at a chunk boundary, 8192",
        "after the last byte without EOF, 20001",
    })
    void resetAtEveryPointIsReportedAndTheOtherConnectionContinues(String point, int sent) throws Exception {
        byte[] bytes = random(Math.max(sent, 1), sent);
        byte[] other = random(200 * CHUNK + 5, 7);
        Leaks leaks = Leaks.snapshot();
        List<ChunkReport> chunks = Collections.synchronizedList(new ArrayList<>());
        LinkedBlockingQueue<ConnectionReport> reports = new LinkedBlockingQueue<>();
        try (Vyre b = Sessions.reference(); Session s = Sessions.open(b, 4, 4 * CHUNK, 1);
             SocketIngestServer server = SocketIngestServer.listen(s, IngestOptions.builder().chunkBytes(CHUNK)
                     .build(), "127.0.0.1", 0, chunks::add, reports::add)) {
            Socket reset = new Socket("127.0.0.1", server.port());
            String resetLocal = "127.0.0.1:" + reset.getLocalPort() + "#";
            CompletableFuture<Integer> streaming = CompletableFuture.supplyAsync(() -> {
                try (Socket client = new Socket("127.0.0.1", server.port())) {
                    OutputStream out = client.getOutputStream();
                    for (int at = 0; at < other.length; at += 3000) {
                        out.write(other, at, Math.min(3000, other.length - at));
                    }
                    return client.getLocalPort();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            try {
                if (sent > 0) {
                    reset.getOutputStream().write(bytes, 0, sent);
                    reset.getOutputStream().flush();
                }
                awaitRead(reset);
                reset.setSoLinger(true, 0);
            } finally {
                reset.close(); // RST
            }
            int streamingPort = streaming.get(30, TimeUnit.SECONDS);
            ConnectionReport failed = null;
            ConnectionReport whole = null;
            for (int i = 0; i < 2; i++) {
                ConnectionReport r = reports.poll(30, TimeUnit.SECONDS);
                assertNotNull(r, "both connections are reported (" + point + ")");
                if (r.source().contains(resetLocal)) {
                    failed = r;
                } else {
                    assertTrue(r.source().contains("127.0.0.1:" + streamingPort + "#"), r.source());
                    whole = r;
                }
            }
            assertNotNull(failed, "the reset connection is reported");
            assertNotNull(whole, "the other connection is reported");
            SyscallException e = assertInstanceOf(SyscallException.class, failed.error(),
                    "a reset " + point + " is a failure, not a clean end: " + failed);
            assertEquals(104, e.errno(), e.getMessage());
            assertTrue(e.getMessage().contains("recv from " + failed.source() + " after " + sent + " bytes")
                    && e.getMessage().indexOf("Fix:") == e.getMessage().lastIndexOf("Fix:"), e.getMessage());
            assertEquals(sent, failed.bytes(), "every byte read before the reset is delivered");
            assertEquals((sent + CHUNK - 1) / CHUNK, failed.chunks());
            assertEquals(failed.chunks(), failed.verified());
            assertNull(whole.error(), "the other connection continues: " + whole);
            assertEquals(other.length, whole.bytes());
            assertEquals(whole.chunks(), whole.verified());
            assertCovered(bytes, sent, failed.source(), chunks);
            assertCovered(other, other.length, whole.source(), chunks);
            assertEquals(1, server.telemetry().readErrors());
        }
        leaks.assertNoLeaks();
    }

    /** The chunks of {@code source} are exactly the first {@code upTo} bytes of {@code sent}, in order. */
    private static void assertCovered(byte[] sent, int upTo, String source, List<ChunkReport> chunks) {
        List<ChunkReport> mine = new ArrayList<>();
        synchronized (chunks) {
            for (ChunkReport c : chunks) {
                if (c.source().equals(source)) {
                    mine.add(c);
                }
            }
        }
        mine.sort((a, b) -> Long.compare(a.sequence(), b.sequence()));
        long at = 0;
        for (ChunkReport c : mine) {
            assertEquals(at, c.sourceOffset());
            CRC32C crc = new CRC32C();
            crc.update(sent, (int) at, c.length());
            assertEquals((int) crc.getValue(), c.deviceCrc(), source + " chunk " + c.sequence() + " vs the bytes sent");
            assertTrue(c.verified());
            at += c.length();
        }
        assertEquals(upTo, at, source);
    }
}
