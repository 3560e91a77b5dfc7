package dev.vyre.spi.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The disk store's file format and its defences: atomic writes, footer, symlinks, size cap, concurrency. */
class DiskStoreTest {

    @TempDir
    Path dir;

    private final RecordingLogger log = new RecordingLogger();
    private final Counters counters = new Counters();

    private DiskStore store(long maxBytes) {
        return new DiskStore(dir, maxBytes, CompileCache.MAX_ARTIFACT_BYTES, log, counters);
    }

    static CacheKey key(int i) {
        return new CacheKey(CacheKey.sha256("program " + i), "vulkan", "lavapipe 0x10005", "shaderc 2025.2");
    }

    private List<String> names() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aWriteLeavesOneWholeFileWithItsKeyAndACrc32cFooter() throws Exception {
        DiskStore store = store(1 << 20);
        byte[] spirv = new byte[1000];
        new Random(1).nextBytes(spirv);
        assertTrue(store.put(key(1), spirv));
        Path file = store.file(key(1));
        assertEquals(List.of("vulkan-" + key(1).id() + ".bin"), names(), "no temporary file is left");
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals("VYCA", new String(bytes, 0, 4, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(2, bytes[4]);
        byte[] k = key(1).encode();
        assertEquals(k.length, b.getInt(8));
        assertEquals(spirv.length, b.getInt(12));
        assertArrayEquals(k, Arrays.copyOfRange(bytes, 16, 16 + k.length));
        assertArrayEquals(spirv, Arrays.copyOfRange(bytes, 16 + k.length, 16 + k.length + spirv.length));
        assertEquals(16 + k.length + spirv.length + 4, bytes.length);
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        assertEquals((int) crc.getValue(), b.getInt(bytes.length - 4));
        assertArrayEquals(spirv, store.get(key(1)));
        if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(file)));
        }
    }

    @Test
    void aMissingFileIsAQuietMiss() {
        assertNull(store(1 << 20).get(key(9)));
        assertEquals(List.of(), log.lines);
        assertEquals(0, counters.refusedFiles.get());
    }

    @Test
    void everyKindOfDamageIsAMissAndOneLogLine() throws Exception {
        DiskStore store = store(1 << 20);
        byte[] artifact = new byte[300];
        new Random(2).nextBytes(artifact);
        store.put(key(1), artifact);
        Path file = store.file(key(1));
        byte[] good = Files.readAllBytes(file);
        int payloadAt = 16 + key(1).encode().length;

        List<byte[]> damaged = new ArrayList<>();
        byte[] flippedPayload = good.clone();
        flippedPayload[payloadAt + 17] ^= 0x40;
        damaged.add(flippedPayload);
        byte[] flippedFooter = good.clone();
        flippedFooter[good.length - 1] ^= 1;
        damaged.add(flippedFooter);
        damaged.add(Arrays.copyOf(good, good.length - 1)); // truncated by one byte
        damaged.add(Arrays.copyOf(good, payloadAt + 10)); // truncated mid-payload
        damaged.add(Arrays.copyOf(good, 20)); // shorter than header and footer
        damaged.add(new byte[0]);
        damaged.add(Arrays.copyOf(good, good.length + 5)); // trailing bytes
        byte[] badMagic = good.clone();
        badMagic[0] = 'X';
        damaged.add(badMagic);
        byte[] hugeLength = good.clone();
        ByteBuffer.wrap(hugeLength).order(ByteOrder.LITTLE_ENDIAN).putInt(12, -1);
        damaged.add(hugeLength);
        Random random = new Random(3);
        for (int i = 0; i < 50; i++) { // random garbage of random length
            byte[] junk = new byte[random.nextInt(1024)];
            random.nextBytes(junk);
            damaged.add(junk);
        }
        for (int i = 0; i < damaged.size(); i++) {
            Files.write(file, damaged.get(i));
            int before = log.lines.size();
            assertNull(store.get(key(1)), "damage " + i);
            assertEquals(before + 1, log.lines.size(), "exactly one log line for damage " + i);
            RecordingLogger.Line line = log.lines.getLast();
            assertEquals(Level.WARNING, line.level());
            assertTrue(line.message().contains(file.toString()) && line.message().contains("treated as a miss")
                    && line.message().endsWith(line.message().substring(line.message().indexOf("Fix: "))), line.message());
        }
        assertEquals(damaged.size(), counters.refusedFiles.get());
        // an intact file of the format before the CRC-32C footer (version 1, a SHA-256 footer): a miss whose one
        // log line is DEBUG, since every upgrade meets such files once
        byte[] versionOne = Arrays.copyOf(good, good.length - 4 + 32);
        versionOne[4] = 1;
        System.arraycopy(MessageDigest.getInstance("SHA-256").digest(Arrays.copyOf(versionOne, good.length - 4)), 0,
                versionOne, good.length - 4, 32);
        Files.write(file, versionOne);
        int before = log.lines.size();
        assertNull(store.get(key(1)));
        assertEquals(before + 1, log.lines.size());
        assertEquals(Level.DEBUG, log.lines.getLast().level());
        assertTrue(log.lines.getLast().message().contains("has format version 1 (this build reads 2)"),
                log.lines.getLast().message());
        assertEquals(damaged.size() + 1, counters.refusedFiles.get());
        // the next write replaces the damaged file
        assertTrue(store.put(key(1), artifact));
        assertArrayEquals(artifact, store.get(key(1)));
    }

    @Test
    void aSymbolicLinkIsNeverFollowedAndTheNextWriteReplacesTheLinkNotItsTarget() throws Exception {
        DiskStore store = store(1 << 20);
        // the link points at a VALID file of the same key: still refused
        store.put(key(1), new byte[] {1, 2, 3});
        Path file = store.file(key(1));
        Path target = Files.move(file, dir.resolve("elsewhere.bin"));
        byte[] targetBytes = Files.readAllBytes(target);
        Files.createSymbolicLink(file, target);
        assertNull(store.get(key(1)));
        assertEquals(1, log.lines.size());
        assertTrue(log.lines.getFirst().message().contains("symbolic link"), log.lines.toString());
        assertEquals(1, counters.refusedFiles.get());

        Files.delete(file);
        Files.createSymbolicLink(file, Path.of("/etc/passwd"));
        assertNull(store.get(key(1)));
        assertEquals(2, log.lines.size());

        assertTrue(store.put(key(1), new byte[] {4, 5}));
        assertFalse(Files.isSymbolicLink(file));
        assertArrayEquals(new byte[] {4, 5}, store.get(key(1)));
        assertArrayEquals(targetBytes, Files.readAllBytes(target), "the link's target is untouched");
    }

    @Test
    void aDirectoryOrOversizeFileInPlaceOfAnEntryIsRefused() throws Exception {
        DiskStore store = new DiskStore(dir, 1 << 20, 100, log, counters);
        Path file = store.file(key(1));
        Files.createDirectory(file);
        assertNull(store.get(key(1)));
        Files.delete(file);
        Files.write(file, new byte[(int) ArtifactFile.maxFileBytes(100) + 1]);
        assertNull(store.get(key(1)));
        assertEquals(2, log.lines.size());
        assertTrue(log.lines.get(0).message().contains("not a regular file"));
        assertTrue(log.lines.get(1).message().contains("larger than"));
    }

    @Test
    void theSizeCapDeletesTheLeastRecentlyUsedFiles() throws Exception {
        byte[] kb = new byte[1000];
        long fileBytes = ArtifactFile.encode(key(0), kb).length;
        DiskStore store = store(fileBytes * 3 + fileBytes / 2); // room for three files
        long t = System.currentTimeMillis() - 100_000;
        for (int i = 0; i < 3; i++) {
            store.put(key(i), kb);
            Files.setLastModifiedTime(store.file(key(i)), FileTime.fromMillis(t + i * 1000));
        }
        assertTrue(store.get(key(0)) != null); // a hit renews key 0: key 1 is now the least recently used
        store.put(key(3), kb);
        assertTrue(Files.exists(store.file(key(0))));
        assertFalse(Files.exists(store.file(key(1))), "the least recently used file was evicted");
        assertTrue(Files.exists(store.file(key(2))));
        assertTrue(Files.exists(store.file(key(3))));
        assertEquals(1, counters.diskEvictions.get());
        long total = 0;
        for (String name : names()) {
            total += Files.size(dir.resolve(name));
        }
        assertTrue(total <= fileBytes * 3 + fileBytes / 2, "total " + total);
    }

    @Test
    void anArtifactLargerThanTheCapIsNotWritten() throws Exception {
        DiskStore store = store(500);
        assertFalse(store.put(key(1), new byte[600]));
        assertEquals(List.of(), names());
        assertEquals(1, counters.rejected.get());
    }

    @Test
    void theCapNeverTouchesOtherFilesAndSweepsOnlyStaleTemporaryFilesOfItsOwn() throws Exception {
        Path mine = Files.writeString(dir.resolve("notes.txt"), "user file");
        Path hidden = Files.writeString(dir.resolve(".editor.tmp"), "user tmp");
        Path staleTmp = Files.write(dir.resolve(".vulkan-" + key(5).id() + ".bin.123-4.tmp"), new byte[10]);
        Path freshTmp = Files.write(dir.resolve(".vulkan-" + key(6).id() + ".bin.123-5.tmp"), new byte[10]);
        FileTime old = FileTime.fromMillis(System.currentTimeMillis() - TimeUnit.HOURS.toMillis(2));
        for (Path p : List.of(mine, hidden, staleTmp)) {
            Files.setLastModifiedTime(p, old);
        }
        DiskStore store = store(1 << 20);
        store.put(key(1), new byte[10]);
        assertTrue(Files.exists(mine));
        assertTrue(Files.exists(hidden));
        assertFalse(Files.exists(staleTmp));
        assertTrue(Files.exists(freshTmp), "a temporary file being written by another process is kept");
    }

    /** Many writers of one key while readers read: every read is one writer's whole artifact, or a miss. */
    @Test
    void concurrentWritersOfOneKeyNeverExposeATornFile() throws Exception {
        DiskStore store = store(64L << 20);
        int writers = 12;
        int rounds = Integer.getInteger("vyre.cache.stressRounds", 12);
        Set<String> seen = ConcurrentHashMap.newKeySet();
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger torn = new AtomicInteger();
        AtomicInteger reads = new AtomicInteger();
        AtomicLong readUntil = new AtomicLong();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int id = w;
            threads.add(Thread.ofPlatform().start(() -> {
                byte[] payload = new byte[64 * 1024];
                Arrays.fill(payload, (byte) id);
                awaitQuietly(start);
                for (int r = 0; r < rounds; r++) {
                    store.put(key(1), payload);
                }
            }));
        }
        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            readers.add(Thread.ofPlatform().start(() -> {
                awaitQuietly(start);
                int mine = 0;
                // at least one read each, after the writers at the latest (bounded: a missing entry fails below)
                while (writing.get() || (mine == 0 && System.nanoTime() - readUntil.get() < 0)) {
                    byte[] got = store.get(key(1));
                    if (got == null) {
                        continue;
                    }
                    mine++;
                    reads.incrementAndGet();
                    byte first = got[0];
                    boolean whole = got.length == 64 * 1024;
                    for (byte b : got) {
                        whole &= b == first;
                    }
                    if (!whole) {
                        torn.incrementAndGet();
                    }
                    seen.add(Byte.toString(first));
                }
            }));
        }
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        readUntil.set(System.nanoTime() + 10_000_000_000L);
        writing.set(false);
        for (Thread t : readers) {
            t.join();
        }
        assertEquals(0, torn.get());
        assertEquals(0, counters.refusedFiles.get(), () -> log.lines.isEmpty() ? "" : log.lines.getFirst().message());
        assertEquals((long) writers * rounds, counters.diskWrites.get());
        assertTrue(reads.get() >= 2, "each reader read the entry: " + reads.get());
        byte[] last = store.get(key(1));
        assertEquals(64 * 1024, last.length);
        assertEquals(List.of("vulkan-" + key(1).id() + ".bin"), names(), "no temporary file is left");
        assertTrue(Files.isRegularFile(store.file(key(1)), LinkOption.NOFOLLOW_LINKS));
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
