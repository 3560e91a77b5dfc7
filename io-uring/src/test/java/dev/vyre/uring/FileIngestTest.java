package dev.vyre.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.api.Session;
import dev.vyre.api.Vyre;
import dev.vyre.protocol.BackendException;
import dev.vyre.protocol.QueueFullException;
import dev.vyre.protocol.SlotStatus;
import dev.vyre.protocol.SyscallException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Files streamed with real io_uring into a reference session; every chunk's CRC32C checked against the file. */
class FileIngestTest {

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

    /** Checks that the chunks tile {@code [0, size)} in order of sequence and each CRC matches the file. */
    private static void assertEveryByte(Path file, long size, List<ChunkReport> chunks, int chunk) throws Exception {
        List<ChunkReport> sorted = new ArrayList<>(chunks);
        sorted.sort((a, b) -> Long.compare(a.sequence(), b.sequence()));
        long at = 0;
        for (int i = 0; i < sorted.size(); i++) {
            ChunkReport c = sorted.get(i);
            assertEquals(i, c.sequence(), "sequence");
            assertEquals(at, c.sourceOffset(), "chunk " + i + " offset");
            assertEquals((int) Math.min(chunk, size - at), c.length(), "chunk " + i + " length");
            assertEquals(Sessions.fileCrc(file, at, c.length()), c.deviceCrc(), "chunk " + i + " device CRC vs file");
            assertEquals(c.hostCrc(), c.deviceCrc(), "chunk " + i + " device CRC vs host");
            assertTrue(c.verified());
            at += c.length();
        }
        assertEquals(size, at, "bytes covered");
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, 4095, 4096, 4097, 3 * 4096 + 7, 100_003})
    void smallFilesEveryByteVerified(int size) throws Exception {
        Path file = Files.write(dir.resolve("f" + size), random(size, size));
        Leaks leaks = Leaks.snapshot();
        List<ChunkReport> chunks = Collections.synchronizedList(new ArrayList<>());
        try (Vyre b = Sessions.reference(); Session s = Sessions.open(b, 8, 8 * CHUNK, 1);
             FileIngestPump pump = new FileIngestPump(s, IngestOptions.builder().chunkBytes(CHUNK).queueDepth(4)
                     .build(), chunks::add)) {
            FileReport report = pump.ingest(file);
            assertNull(report.error());
            assertTrue(report.ok());
            assertEquals(size, report.bytes());
            assertEquals((size + CHUNK - 1) / CHUNK, report.chunks());
            assertEquals(report.chunks(), report.verified());
            assertEveryByte(file, size, chunks, CHUNK);
            IngestTelemetry t = pump.telemetry();
            assertTrue(t.fixedBuffers(), "READ_FIXED into the registered data buffer");
            assertEquals(0, t.mismatches());
            assertEquals(size, t.bytes());
        }
        leaks.assertNoLeaks();
    }

    /**
     * Host staging (what a data buffer in device memory gets): reads land in host memory, each chunk is copied
     * into its staging region before its slot is published. The device's CRC (computed from the data buffer)
     * equals the file's for every chunk, overlap included, with O_DIRECT and without.
     */
    @ParameterizedTest(name = "overlap {0}")
    @ValueSource(ints = {0, 100})
    void hostStagingCopiesEveryChunkIntoTheDataBufferBeforeItsSlot(int overlap) throws Exception {
        int size = 37 * CHUNK + 555;
        Path file = Files.write(dir.resolve("staged" + overlap), random(size, 41 + overlap));
        for (boolean direct : new boolean[] {true, false}) {
            Leaks leaks = Leaks.snapshot();
            List<ChunkReport> chunks = new ArrayList<>();
            IngestOptions options = IngestOptions.builder().chunkBytes(CHUNK).overlapBytes(overlap).directIo(direct)
                    .hostStaging(true).build();
            try (Vyre b = Sessions.reference(); Session s = Sessions.open(b, 8, 8 * 2 * CHUNK, 1);
                 FileIngestPump pump = new FileIngestPump(s, options, chunks::add)) {
                assertFalse(s.dataInDeviceMemory(), "the reference backend's data buffer is host memory");
                assertTrue(pump.hostStaging());
                assertTrue(pump.fixedBuffers(), "host staging memory is registered");
                FileReport report = pump.ingest(file);
                assertTrue(report.ok(), String.valueOf(report.error()));
                assertEquals(size, report.bytes());
                assertEquals(report.chunks(), report.verified());
                assertEquals((size + CHUNK - 1) / CHUNK, chunks.size());
                int repeated = report.directIo() ? options.carryCapacity() : overlap; // O_DIRECT reads align
                for (ChunkReport c : chunks) {
                    assertEquals(Math.min(repeated, c.sourceOffset()), c.overlap(), "chunk " + c.sequence() + " overlap");
                    assertEquals(Sessions.fileCrc(file, c.sourceOffset() - c.overlap(), c.overlap() + c.length()),
                            c.deviceCrc(), "chunk " + c.sequence() + ": the device read the file's bytes");
                    assertEquals(c.hostCrc(), c.deviceCrc(), "chunk " + c.sequence() + " device CRC vs host");
                }
                assertEquals(0, pump.telemetry().mismatches());
            }
            leaks.assertNoLeaks();
        }
    }

    @Test
    void withoutHostStagingReadsLandInTheDataBuffer() throws Exception {
        try (Vyre b = Sessions.reference(); Session s = Sessions.open(b, 4, 4 * CHUNK, 1);
             FileIngestPump pump = new FileIngestPump(s, IngestOptions.builder().chunkBytes(CHUNK).build(), c -> { })) {
            assertFalse(pump.hostStaging());
        }
    }

    @Test
    void bufferedAndPlainReadPathsAgree() throws Exception {
        int size = 10 * CHUNK + 123;
        Path file = Files.write(dir.resolve("paths"), random(size, 7));
        for (boolean fixed : new boolean[] {true, false}) {
            List<ChunkReport> chunks = new ArrayList<>();
            try (Vyre b = Sessions.reference(); Session s = Sessions.open(b, 4, 4 * CHUNK, 1);
                 FileIngestPump pump = new FileIngestPump(s, IngestOptions.builder().chunkBytes(CHUNK)
                         .fixedBuffers(fixed).directIo(false).build(), chunks::add)) {
                FileReport report = pump.ingest(file);
                assertTrue(report.ok(), String.valueOf(report.error()));
                assertFalse(report.directIo());
                assertEquals(fixed, pump.fixedBuffers());
                assertEveryByte(file, size, chunks, CHUNK);
            }
        }
    }

    @Test
    void oneGibSparseFileEveryByteVerified() throws Exception {
        long size = 1L << 30;
        Path file = dir.resolve("sparse");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(size);
            raf.seek(0);
            raf.write(random(4096, 1));
            raf.seek(size / 2 + 17);
            raf.write(random(10_000, 2));
            raf.seek(size - 5);
            raf.write(new byte[] {1, 2, 3, 4, 5});
        }
        int chunk = 4 << 20;
        List<ChunkReport> chunks = new ArrayList<>();
        try (Vyre b = Sessions.reference(); Session s = Sessions.open(b, 16, 16L * chunk, 1);
             FileIngestPump pump = new FileIngestPump(s, IngestOptions.builder().chunkBytes(chunk).queueDepth(8)
                     .build(), chunks::add)) {
            FileReport report = pump.ingest(file);
            assertTrue(report.ok(), String.valueOf(report.error()));
            assertEquals(256, report.chunks());
            assertEquals(256, report.verified());
        }
        // Independent CRCs of every chunk: the hole reads as zeros, the written ranges as written.
        int zeroCrc = Sessions.fileCrc(file, chunk, chunk); // chunk 1 lies wholly in the hole
        chunks.sort((a, b) -> Long.compare(a.sequence(), b.sequence()));
        for (int i = 0; i < 256; i++) {
            ChunkReport c = chunks.get(i);
            assertEquals((long) i * chunk, c.sourceOffset());
            boolean written = i == 0 || i == 128 || i == 255;
            int expected = written ? Sessions.fileCrc(file, c.sourceOffset(), chunk) : zeroCrc;
            assertEquals(expected, c.deviceCrc(), "chunk " + i);
        }
    }

    @Test
    void unreadableFilesReportErrnoWithFixAndLeakNothing() throws Exception {
        Path missing = dir.resolve("missing");
        Path directory = Files.createDirectory(dir.resolve("a-directory"));
        Path good = Files.write(dir.resolve("good"), random(5000, 3));
        Leaks leaks = Leaks.snapshot();
        try (Vyre b = Sessions.reference(); Session s = Sessions.open(b, 4, 4 * CHUNK, 1);
             FileIngestPump pump = new FileIngestPump(s, IngestOptions.builder().chunkBytes(CHUNK).build(),
                     IngestListener.none())) {
            List<FileReport> reports = pump.ingest(List.of(missing, directory, good));
            SyscallException open = assertInstanceOf(SyscallException.class, reports.get(0).error());
            assertEquals(2, open.errno());
            assertTrue(open.getMessage().startsWith("open(" + missing) && open.getMessage().contains(") failed: ENOENT (errno 2,"
                    + " No such file or directory). Fix: check the path exists"), open.getMessage());
            assertEquals(1, open.getMessage().split("Fix:", -1).length - 1, open.getMessage());
            SyscallException read = assertInstanceOf(SyscallException.class, reports.get(1).error());
            assertEquals(21, read.errno());
            assertTrue(read.getMessage().contains(" failed: EISDIR (errno 21, Is a directory). Fix: pass a regular file"),
                    read.getMessage());
            assertTrue(reports.get(2).ok(), "a failed file does not poison the next");
            assertEquals(2, pump.telemetry().readErrors());
        }
        leaks.assertNoLeaks();
    }

    @Test
    void fileTruncatedDuringIngestReportsWhereItEndedAndKeepsWhatWasRead() throws Exception {
        int size = 64 * CHUNK;
        Path file = Files.write(dir.resolve("shrinks"), random(size, 4));
        List<ChunkReport> chunks = new ArrayList<>();
        Leaks leaks = Leaks.snapshot();
        // Tenant 1 is not authorised at first: the first 4 chunks fill the ring and the pump waits
        // (back-pressure). The file is truncated meanwhile; then the tenant is authorised.
        try (Vyre b = Sessions.reference(); Session s = Sessions.open(b, 4, 4 * CHUNK, 1);
             FileIngestPump pump = new FileIngestPump(s, IngestOptions.builder().chunkBytes(CHUNK).tenant(1)
                     .directIo(false).build(), chunks::add)) {
            CompletableFuture<FileReport> running = CompletableFuture.supplyAsync(() -> pump.ingest(file));
            for (int slot = 0; slot < 4; slot++) {
                assertTrue(s.awaitSlotStatus(slot, SlotStatus.PUBLISHED, Duration.ofSeconds(10)));
            }
            assertFalse(running.isDone(), "the pump waits while every staging slot is busy");
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                raf.setLength(6 * CHUNK + 100);
            }
            s.writeControlWord(3 + 1, -1); // authorise tenant 1
            FileReport report = running.get(30, TimeUnit.SECONDS);
            BackendException e = assertInstanceOf(BackendException.class, report.error());
            assertTrue(e.getMessage().contains("ended at byte " + (6 * CHUNK + 100) + " while " + size)
                    && e.getMessage().contains("truncated during ingest") && e.getMessage().contains("Fix: "),
                    e.getMessage());
            assertEquals(6 * CHUNK + 100, report.bytes(), "every byte that was still there arrived");
            assertEquals(7, report.chunks());
            assertEquals(7, report.verified());
            assertEveryByte(file, 6 * CHUNK + 100, chunks, CHUNK);
        }
        leaks.assertNoLeaks();
    }

    @Test
    void ringFullWithoutProgressIsAClearRefusalAfterTheStallTimeout() throws Exception {
        Path file = Files.write(dir.resolve("stall"), random(10 * CHUNK, 5));
        Leaks leaks = Leaks.snapshot();
        try (Vyre b = Sessions.reference(); Session s = Sessions.open(b, 2, 2 * CHUNK, 1);
             FileIngestPump pump = new FileIngestPump(s, IngestOptions.builder().chunkBytes(CHUNK).tenant(2)
                     .stallTimeout(Duration.ofMillis(200)).build(), IngestListener.none())) {
            QueueFullException e = assertThrows(QueueFullException.class, () -> pump.ingest(file));
            assertEquals("ring", e.queue());
            assertTrue(e.getMessage().contains("did not reach DONE") && e.getMessage().contains("tenant 2 is authorised")
                    && e.getMessage().contains("Fix: "), e.getMessage());
            assertEquals(SlotStatus.PUBLISHED, s.slotStatus(0), "nothing was dropped: the chunk is still queued");
            assertEquals(SlotStatus.PUBLISHED, s.slotStatus(1));
            assertEquals(1, pump.telemetry().backpressureWaits());
        }
        leaks.assertNoLeaks();
    }
}
