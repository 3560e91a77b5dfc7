package dev.vyre.protocol.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.ReplayLogException;
import dev.vyre.protocol.VyreArgumentException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A background recorder with several drain threads writes exactly the file one drainer and the direct recorders
 * write, in publish order, through back-pressure and rollover; and a log read while its drainers write (what a
 * crash at that instant leaves) is always a consistent log: the records a reader returns have consecutive sequence
 * numbers and are exactly the slots published with those numbers.
 */
class ParallelDrainTest {

    @TempDir
    Path dir;

    private static final SessionGeometry GEOMETRY = new SessionGeometry(64, 1, 64, 0);

    /** Image of publish number {@code n}: a fence every 7th, a packed slot with one inner fence every 11th. */
    private static int[] image(long n) {
        int op = n % 7 == 3 ? Opcodes.BATCH_FENCE : n % 11 == 5 ? Opcodes.PACKED_SLOT : Opcodes.ATOMIC_ADD;
        int[] w = {1, op, 0, 2, (int) n, (int) (n >>> 32), 0, 0, 0, 0, 0, 0, 0, 0, 0, (int) (n * 31)};
        if (op == Opcodes.PACKED_SLOT) { // one inner op: BATCH_FENCE with 0 argument words (meta: count, ops)
            w[4] = 1 | Opcodes.BATCH_FENCE << 16;
            w[5] = (int) n;
        }
        return w;
    }

    /** Runs of {@code count} images of publish numbers {@code first ..}. */
    private static MemorySegment run(long first, int count) {
        MemorySegment m = MemorySegment.ofArray(new int[16 * count]);
        for (int i = 0; i < count; i++) {
            int[] w = image(first + i);
            for (int k = 0; k < 16; k++) {
                m.setAtIndex(ValueLayout.JAVA_INT, 16L * i + k, w[k]);
            }
        }
        return m;
    }

    /** Publishes {@code total} slots in runs of 1..64 (and single-slot calls) on {@code r}. */
    private static void publish(SlotRecorder r, long from, long total) {
        long n = from;
        int k = 0;
        while (n < from + total) {
            int count = (int) Math.min(from + total - n, 1 + (k * 37) % 64);
            if (k % 5 == 4) {
                int[] w = image(n);
                r.recordRaw((int) (n % 64), w);
                n++;
            } else {
                int first = (int) (n % 64);
                count = Math.min(count, 64 - first);
                r.recordImages(first, run(n, count), count);
                n += count;
            }
            k++;
        }
    }

    private static byte[] withoutTimestamps(Path p, ReplayLogFormat f) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
        long capacity = b.getLong(16);
        for (int i = 0; i < capacity; i++) {
            b.putLong((int) f.recordOffset(i) + (f == ReplayLogFormat.FULL_IMAGE ? 8 : 4), 0);
        }
        return b.array();
    }

    @Test
    void severalDrainThreadsWriteTheFileTheDirectRecorderWrites() throws IOException {
        for (ReplayLogFormat f : ReplayLogFormat.values()) {
            for (long capacity : new long[] {5, 100, 4096}) {
                Path direct = dir.resolve("direct-" + f + capacity);
                try (ReplayLog log = ReplayLog.create(direct, capacity, f, GEOMETRY)) {
                    publish(log, 0, 3000);
                }
                for (int drainers : new int[] {1, 2, 4}) {
                    for (int queue : new int[] {64, 1024}) {
                        Path queued = dir.resolve("queued-" + f + capacity + "-" + drainers + "-" + queue);
                        try (AsyncReplayRecorder r = new AsyncReplayRecorder(ReplayLog.create(queued, capacity, f,
                                GEOMETRY), queue, drainers)) {
                            assertEquals(drainers, r.drainThreads());
                            publish(r, 0, 3000);
                        }
                        assertArrayEquals(withoutTimestamps(direct, f), withoutTimestamps(queued, f),
                                f + ", capacity " + capacity + ", " + drainers + " drainers, queue " + queue);
                    }
                }
            }
        }
    }

    @Test
    void recordsKeepPublishOrderSequenceAndEpochWithFourDrainers() {
        Path p = dir.resolve("order.vrri");
        long total = 50_000;
        try (AsyncReplayRecorder r = new AsyncReplayRecorder(ReplayLog.create(p, 65_536, ReplayLogFormat.FULL_IMAGE,
                GEOMETRY), 4096, 4)) {
            publish(r, 0, total);
            r.sync();
            List<ReplayRecord> records = r.log().records();
            assertEquals(total, records.size());
            int epoch = 0;
            for (int i = 0; i < records.size(); i++) {
                ReplayRecord rec = records.get(i);
                assertEquals(i, rec.sequence());
                assertArrayEquals(image(i), rec.image(), "record " + i);
                assertEquals(epoch, rec.epoch(), "record " + i);
                epoch += rec.opcode() == Opcodes.ATOMIC_ADD ? 0 : 1;
            }
            assertEquals(epoch, r.log().epoch());
            assertEquals(total % 65_536, r.log().cursor());
        }
    }

    @Test
    void theLogRefusesItsOwnWritersWhileARecorderOwnsIt() throws IOException {
        Path p = dir.resolve("owned.vrri");
        ReplayLog log = ReplayLog.create(p, 16, ReplayLogFormat.FULL_IMAGE, GEOMETRY);
        try (AsyncReplayRecorder r = new AsyncReplayRecorder(log, 64, 2)) {
            r.recordPublish(1, 0, Opcodes.NOP, 0, 0, 0);
            ReplayLogException e = assertThrows(ReplayLogException.class,
                    () -> log.recordPublish(2, 0, Opcodes.NOP, 0, 0, 0));
            assertTrue(e.getMessage().contains("is being written by a background recorder")
                    && e.getMessage().contains("Fix: "), e.getMessage());
            assertThrows(ReplayLogException.class, () -> new AsyncReplayRecorder(log, 64, 1));
        }
        for (int bad : new int[] {0, -1, AsyncReplayRecorder.MAX_DRAIN_THREADS + 1}) {
            try (ReplayLog fresh = ReplayLog.create(dir.resolve("bad" + bad), 8, ReplayLogFormat.FULL_IMAGE,
                    GEOMETRY)) {
                VyreArgumentException e = assertThrows(VyreArgumentException.class,
                        () -> new AsyncReplayRecorder(fresh, 64, bad));
                assertTrue(e.getMessage().contains("drainThreads") && e.getMessage().contains("Fix: "),
                        e.getMessage());
                fresh.recordPublish(0, 0, Opcodes.NOP, 0, 0, 0); // a refused recorder leaves the log writable
            }
        }
        int d = AsyncReplayRecorder.defaultDrainThreads();
        assertTrue(d >= 1 && d <= 4, "default " + d);
    }

    /**
     * Snapshots the file while the direct recorder or four drainers write it, as a crash at that instant would
     * leave it: the cursor first,
     * then the records from the newest position back to the cursor (against the order the drainers write and set
     * magics in), each record as it was at the instant its magic was read (its fields copied before and after that
     * read, again until both copies agree). A record is only ever rewritten with its magic 0, so the snapshot is the
     * file of some crash; the publisher's bursts keep the drainers from lapping the log during a snapshot. Each
     * snapshot must read as a consistent log: consecutive sequence numbers, each record exactly the slot published
     * with its number, and every record published before the cursor was read present.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 4})
    void aLogReadWhileItsDrainersWriteIsAlwaysConsistent(int drainThreads) throws Exception {
        Path p = dir.resolve("live.vrri");
        long capacity = 1 << 16;
        ReplayLogFormat f = ReplayLogFormat.FULL_IMAGE;
        ValueLayout.OfLong u64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        ValueLayout.OfInt u32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        AtomicBoolean stop = new AtomicBoolean();
        java.util.concurrent.atomic.AtomicLong published = new java.util.concurrent.atomic.AtomicLong();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        int snapshots = 0;
        int recoveredPastCursor = 0;
        ReplayLog created = ReplayLog.create(p, capacity, f, GEOMETRY);
        try (SlotRecorder r = drainThreads == 0 ? created : new AsyncReplayRecorder(created, 4096, drainThreads);
             FileChannel ch = FileChannel.open(p, StandardOpenOption.READ);
             Arena arena = Arena.ofConfined()) {
            MemorySegment map = ch.map(FileChannel.MapMode.READ_ONLY, 0, f.fileBytes(capacity), arena);
            Thread publisher = Thread.ofPlatform().start(() -> {
                try {
                    long n = 0;
                    while (!stop.get()) {
                        publish(r, n, 1024); // a burst, then a pause: snapshots find the drainers mid-burst
                        n += 1024;
                        published.set(n);
                        LockSupport.parkNanos(4_000_000);
                    }
                } catch (Throwable e) {
                    failed.set(e);
                }
            });
            long start = System.nanoTime();
            int discarded = 0;
            byte[] copy = new byte[(int) f.fileBytes(capacity)];
            MemorySegment snap = MemorySegment.ofArray(copy);
            int body = f.recordBytes() - 4;
            MemorySegment before = MemorySegment.ofArray(new byte[body]);
            MemorySegment after = MemorySegment.ofArray(new byte[body]);
            Path s = dir.resolve("snapshot.vrri");
            while ((System.nanoTime() - start < 1_000_000_000L || snapshots < 4)
                    && System.nanoTime() - start < 20_000_000_000L && failed.get() == null) {
                long publishedBefore = published.get();
                long cursor = map.get(u64, 24);
                java.lang.invoke.VarHandle.fullFence();
                MemorySegment.copy(map, 0, snap, 0, f.headerBytes());
                for (long k = capacity - 1; k >= 0; k--) {
                    long at = f.recordOffset((cursor + k) % capacity);
                    int magic;
                    do {
                        MemorySegment.copy(map, at + 4, before, 0, body);
                        java.lang.invoke.VarHandle.fullFence();
                        magic = map.get(u32, at);
                        java.lang.invoke.VarHandle.fullFence();
                        MemorySegment.copy(map, at + 4, after, 0, body);
                    } while (before.mismatch(after) != -1);
                    MemorySegment.copy(after, 0, snap, at + 4, body);
                    snap.set(u32, at, magic);
                }
                java.lang.invoke.VarHandle.fullFence();
                long cursorAfter = map.get(u64, 24);
                if (published.get() - publishedBefore + 1024 + 4096 >= capacity) {
                    discarded++;
                    continue; // the writers may have lapped the log while it was copied: not a crash's file
                }
                Files.write(s, copy);
                try (ReplayLog log = ReplayLog.read(s)) {
                    List<ReplayRecord> records = log.records();
                    String where = "snapshot " + snapshots + " (cursor " + cursor + ")";
                    for (int i = 0; i < records.size(); i++) {
                        ReplayRecord rec = records.get(i);
                        assertEquals(records.get(0).sequence() + i, rec.sequence(), where);
                        assertArrayEquals(image(rec.sequence()), rec.image(), where);
                    }
                    if (records.isEmpty()) {
                        assertEquals(0, cursor, where + ": the records before the cursor are missing");
                    } else {
                        long newest = records.getLast().sequence();
                        long past = Math.floorMod(newest + 1 - cursor, capacity); // records after the cursor
                        // what the drainers wrote while the records were copied, and at most the queue in flight
                        assertTrue(past <= Math.floorMod(cursorAfter - cursor, capacity) + 4096, where + ": newest "
                                + newest + " is not at or after the cursor");
                        if (newest >= capacity) { // wrapped: at most the in-flight records are missing
                            assertTrue(records.size() >= capacity - 4096, where + ": " + records.size() + " records");
                        }
                        recoveredPastCursor += past > 0 ? 1 : 0;
                    }
                }
                snapshots++;
            }
            stop.set(true);
            publisher.join();
            System.out.println("ParallelDrainTest: " + discarded + " snapshots discarded (the log may have lapped)");
        }
        if (failed.get() != null) {
            throw new AssertionError(failed.get());
        }
        assertTrue(snapshots >= 4, "snapshots " + snapshots);
        System.out.println("ParallelDrainTest (" + (drainThreads == 0 ? "direct" : drainThreads + " drain threads")
                + "): " + snapshots + " crash snapshots, " + recoveredPastCursor
                + " with records recovered past the cursor");
    }
}
