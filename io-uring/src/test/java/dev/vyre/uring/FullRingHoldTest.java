package dev.vyre.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.api.Session;
import dev.vyre.api.Vyre;
import dev.vyre.protocol.SlotStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ring held full for seconds while a file streams: the chunk slots are published for a tenant the
 * control buffer does not authorise yet, so the interpreter leaves them PUBLISHED and no staging region
 * comes back. The pump must wait without burning a core, lose nothing, and finish correctly once the
 * tenant is authorised.
 */
class FullRingHoldTest {

    private static final int CHUNK = 64 * 1024;
    private static final long HOLD_NANOS = TimeUnit.SECONDS.toNanos(3);
    /** The socket test's stream: 40 MiB and 1,000 bytes. */
    private static final int SOCKET_STREAM_BYTES = 640 * CHUNK + 1000;

    @TempDir
    Path dir;

    @BeforeAll
    static void available() {
        UringSupport.assumeAvailable();
    }

    /** @return the calling thread's {@code /proc/PID/task/TID} directory */
    private static Path threadSelf() {
        try {
            return Path.of("/proc").resolve(Files.readSymbolicLink(Path.of("/proc/thread-self")));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** @return the CPU time a task has run, in ns: the first field of its {@code schedstat} */
    private static long cpuNanos(Path task) {
        try {
            return Long.parseLong(Files.readString(task.resolve("schedstat")).trim().split("\\s+")[0]);
        } catch (java.io.IOException e) {
            return 0; // the thread ended
        }
    }

    /** @return the CPU time of every live thread of this process, in ns */
    private static long processCpuNanos() throws java.io.IOException {
        long sum = 0;
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                sum += cpuNanos(t);
            }
        }
        return sum;
    }

    @Test
    void aRingHeldFullForThreeSecondsWaitsIdleAndLosesNothing() throws Exception {
        byte[] bytes = new byte[64 * CHUNK + 1000];
        new Random(51).nextBytes(bytes);
        Path file = Files.write(dir.resolve("held.bin"), bytes);
        List<ChunkReport> chunks = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<Path> pumpThread = new AtomicReference<>();
        try (Vyre b = Sessions.reference(); Session s = Sessions.open(b, 4, 4L * CHUNK, 1)) {
            CompletableFuture<FileReport> ingest = CompletableFuture.supplyAsync(() -> {
                pumpThread.set(threadSelf());
                try (FileIngestPump pump = new FileIngestPump(s, IngestOptions.builder().chunkBytes(CHUNK).tenant(1)
                        .stallTimeout(Duration.ofSeconds(30)).build(), chunks::add)) {
                    return pump.ingest(file);
                }
            });
            for (int slot = 0; slot < 4; slot++) {
                assertTrue(s.awaitSlotStatus(slot, SlotStatus.PUBLISHED, Duration.ofSeconds(20)), "slot " + slot);
            }
            Thread.sleep(200); // the pump has found every region busy and waits
            long pumpCpu0 = cpuNanos(pumpThread.get());
            long processCpu0 = processCpuNanos();
            long t0 = System.nanoTime();
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(HOLD_NANOS));
            long held = System.nanoTime() - t0;
            long pumpCpu = cpuNanos(pumpThread.get()) - pumpCpu0;
            long processCpu = processCpuNanos() - processCpu0;
            assertEquals(0, chunks.size(), "nothing settles while the ring is held");
            assertTrue(!ingest.isDone(), "the pump waits, it does not give up");
            for (int slot = 0; slot < 4; slot++) {
                assertEquals(SlotStatus.PUBLISHED, s.slotStatus(slot), "slot " + slot + " stays held");
            }
            System.out.printf("full ring held %.2f s: pump thread CPU %.1f ms (%.2f%%), process CPU %.1f ms (%.2f%%"
                            + " of one core)%n", held / 1e9, pumpCpu / 1e6, 100.0 * pumpCpu / held, processCpu / 1e6,
                    100.0 * processCpu / held);
            assertTrue(pumpCpu < held / 50, "the waiting pump used " + pumpCpu / 1e6 + " ms of CPU in "
                    + held / 1e6 + " ms: it spins instead of parking");
            assertTrue(processCpu < held / 4, "the process used " + processCpu / 1e6 + " ms of CPU in "
                    + held / 1e6 + " ms while nothing could move");
            s.writeControlWord(3 + 1, -1); // authorise tenant 1: the held slots run, the stream resumes
            FileReport report = ingest.get(60, TimeUnit.SECONDS);
            assertTrue(report.ok(), String.valueOf(report.error()));
            assertEquals(bytes.length, report.bytes());
            assertEquals(65, report.chunks());
            assertEquals(65, report.verified());
            List<ChunkReport> sorted = new ArrayList<>(chunks);
            sorted.sort((x, y) -> Long.compare(x.sequence(), y.sequence()));
            long at = 0;
            for (int i = 0; i < sorted.size(); i++) {
                ChunkReport c = sorted.get(i);
                assertEquals(i, c.sequence());
                assertEquals(at, c.sourceOffset());
                assertEquals(Sessions.fileCrc(file, at, c.length()), c.deviceCrc(), "chunk " + i + " vs the file");
                at += c.length();
            }
            assertEquals(bytes.length, at);
        }
    }

    /**
     * The same hold on a TCP stream: the connection stops reading (TCP flow control holds the sender), the
     * event loop waits without burning a core, and the stream completes whole once released.
     */
    @Test
    void aRingHeldFullUnderASocketStreamWaitsIdleAndLosesNothing() throws Exception {
        SocketIngestTest.ioUringAvailableAndWarm();
        // larger than what the kernel may buffer between the two ends (a loopback receive buffer autotunes up
        // to net.ipv4.tcp_rmem's maximum, 32 MiB here, plus the sender's), so the sender really is held
        byte[] bytes = new byte[SOCKET_STREAM_BYTES];
        new Random(52).nextBytes(bytes);
        int expectedChunks = (bytes.length + CHUNK - 1) / CHUNK;
        List<ChunkReport> chunks = Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.LinkedBlockingQueue<ConnectionReport> reports = new java.util.concurrent.LinkedBlockingQueue<>();
        try (Vyre b = Sessions.reference(); Session s = Sessions.open(b, 4, 4L * CHUNK, 1);
             SocketIngestServer server = SocketIngestServer.listen(s, IngestOptions.builder().chunkBytes(CHUNK)
                     .tenant(1).stallTimeout(Duration.ofSeconds(30)).build(), "127.0.0.1", 0, chunks::add,
                     reports::add)) {
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try (java.net.Socket client = new java.net.Socket("127.0.0.1", server.port())) {
                    client.getOutputStream().write(bytes);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            for (int slot = 0; slot < 4; slot++) {
                assertTrue(s.awaitSlotStatus(slot, SlotStatus.PUBLISHED, Duration.ofSeconds(20)), "slot " + slot);
            }
            Thread.sleep(200);
            Path loop = eventLoopTask();
            long loopCpu0 = cpuNanos(loop);
            long processCpu0 = processCpuNanos();
            long t0 = System.nanoTime();
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(HOLD_NANOS));
            long held = System.nanoTime() - t0;
            long loopCpu = cpuNanos(loop) - loopCpu0;
            long processCpu = processCpuNanos() - processCpu0;
            assertEquals(0, chunks.size(), "nothing settles while the ring is held");
            assertTrue(!writer.isDone(), "the sender is held by TCP flow control");
            System.out.printf("full ring held under a socket %.2f s: event loop CPU %.1f ms (%.2f%%), process CPU"
                            + " %.1f ms (%.2f%% of one core)%n", held / 1e9, loopCpu / 1e6, 100.0 * loopCpu / held,
                    processCpu / 1e6, 100.0 * processCpu / held);
            assertTrue(loopCpu < held / 20, "the waiting event loop used " + loopCpu / 1e6 + " ms of CPU in "
                    + held / 1e6 + " ms: it polls too often");
            assertTrue(processCpu < held / 4, "the process used " + processCpu / 1e6 + " ms of CPU in "
                    + held / 1e6 + " ms while nothing could move");
            s.writeControlWord(3 + 1, -1); // authorise tenant 1
            writer.get(60, TimeUnit.SECONDS);
            ConnectionReport report = reports.poll(60, TimeUnit.SECONDS);
            assertTrue(report != null && report.error() == null, String.valueOf(report));
            assertEquals(bytes.length, report.bytes());
            assertEquals(expectedChunks, report.verified());
            List<ChunkReport> sorted = new ArrayList<>(chunks);
            sorted.sort((x, y) -> Long.compare(x.sequence(), y.sequence()));
            long at = 0;
            for (ChunkReport c : sorted) {
                java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
                crc.update(bytes, (int) at, c.length());
                assertEquals((int) crc.getValue(), c.deviceCrc(), "chunk " + c.sequence() + " vs the bytes sent");
                at += c.length();
            }
            assertEquals(bytes.length, at);
        }
    }

    /** @return the task of the (single) netty io_uring event loop thread of this process */
    private static Path eventLoopTask() throws java.io.IOException {
        Path found = null;
        long best = -1;
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                String comm = Files.readString(t.resolve("comm")).trim();
                long cpu = cpuNanos(t);
                if (comm.startsWith("multiThreadIoEv") && cpu > best) { // the busiest: the warm-up's loop is gone
                    found = t;
                    best = cpu;
                }
            }
        }
        assertTrue(found != null, "no netty event loop thread");
        return found;
    }
}
