package dev.vyre.protocol.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.SlotStatus;
import dev.vyre.protocol.ReplayLogException;
import dev.vyre.protocol.VyreArgumentException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The background recorder writes exactly the file the direct recorders write (timestamps aside), keeps the
 * call order through back-pressure and several publishing threads, and drains on sync and close.
 */
class AsyncReplayRecorderTest {

    @TempDir
    Path dir;

    private static final SessionGeometry GEOMETRY = new SessionGeometry(64, 1, 64, 0);

    private static MemorySegment run(int count, int base) {
        MemorySegment m = MemorySegment.ofArray(new int[16 * count]);
        for (int i = 0; i < count; i++) {
            int[] w = {1, i % 9 == 0 ? Opcodes.BATCH_FENCE : Opcodes.ATOMIC_ADD, 0, 2, base + i, 160 + i, 0, 0, 0,
                    0, 0, 0, 0, 0, 0, base ^ i};
            for (int k = 0; k < 16; k++) {
                m.setAtIndex(ValueLayout.JAVA_INT, 16L * i + k, w[k]);
            }
        }
        return m;
    }

    /** The same calls on any recorder. */
    private static void calls(SlotRecorder r) {
        r.recordPublish(3, 0, Opcodes.ATOMIC_ADD, 5, 165, 0);
        r.recordPublish(4, 0, Opcodes.STORE_U32, new int[] {1, 2, 3, 4, 5, 6, 7}, 7);
        r.recordImages(10, run(40, 1000), 40);
        r.recordRaw(63, new int[] {2, Opcodes.BATCH_FENCE, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9});
        r.recordImages(0, run(64, 5000), 64);
        r.recordPublish(7, 0, Opcodes.BATCH_FENCE, 1, 0xFE9CE, 0);
    }

    /** The file with every record's timestamp zeroed. */
    private static byte[] withoutTimestamps(Path p, ReplayLogFormat f) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
        long capacity = b.getLong(16);
        for (int i = 0; i < capacity; i++) {
            long at = f.recordOffset(i);
            b.putLong((int) at + (f == ReplayLogFormat.FULL_IMAGE ? 8 : 4), 0);
        }
        return b.array();
    }

    @Test
    void theBackgroundRecorderWritesTheSameFileAsTheDirectOne() throws IOException {
        for (ReplayLogFormat f : ReplayLogFormat.values()) {
            Path direct = dir.resolve("direct-" + f);
            Path queued = dir.resolve("queued-" + f);
            try (ReplayLog log = ReplayLog.create(direct, 100, f, GEOMETRY)) {
                calls(log);
            }
            try (AsyncReplayRecorder r = new AsyncReplayRecorder(ReplayLog.create(queued, 100, f, GEOMETRY), 64)) {
                calls(r);
            }
            assertArrayEquals(withoutTimestamps(direct, f), withoutTimestamps(queued, f), f.toString());
            try (ReplayLog log = ReplayLog.read(queued)) {
                assertEquals(100, log.records().size());
                assertEquals(List.of(5063, 7), log.records().subList(98, 100).stream().map(r -> r.slotIndex() == 7
                        ? 7 : r.word(4)).toList());
            }
        }
    }

    /**
     * Calls that write a ring as a session does: each run is copied into {@code ring}, whose status words the
     * "device" sets to DONE at once, and the same ring slots are published again right away.
     */
    private static void ringCalls(SlotRecorder r, MemorySegment ring) {
        SlotRecorder.RingWrite write = (first, images, n) -> {
            MemorySegment.copy(images, 0, ring, first * 64L, n * 64L);
            for (int i = 0; i < n; i++) {
                ring.set(ValueLayout.JAVA_INT, (first + i) * 64L, SlotStatus.DONE);
            }
        };
        r.recordPublish(3, 0, Opcodes.ATOMIC_ADD, 5, 165, 0);
        r.recordImagesAndWrite(10, run(40, 1000), 40, write);
        r.recordRaw(63, new int[] {2, Opcodes.BATCH_FENCE, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9});
        for (int k = 0; k < 40; k++) {
            r.recordImagesAndWrite(k % 2 == 0 ? 0 : 32, run(32, 5000 + 32 * k), 32, write);
            r.recordPublish(k % 2 == 0 ? 5 : 40, 0, Opcodes.ATOMIC_ADD, k, 161, 0);
        }
        r.recordImagesAndWrite(0, run(64, 9000), 64, write);
        r.recordPublish(7, 0, Opcodes.BATCH_FENCE, 1, 0xFE9CE, 0);
    }

    @Test
    void aRecorderReadingImagesBackFromTheRingWritesTheSameFileAsTheDirectOne() throws IOException {
        for (ReplayLogFormat f : ReplayLogFormat.values()) {
            for (int drainers : new int[] {1, 3}) {
                Path direct = dir.resolve("ring-direct-" + f + drainers);
                Path queued = dir.resolve("ring-queued-" + f + drainers);
                try (ReplayLog log = ReplayLog.create(direct, 2000, f, GEOMETRY)) {
                    ringCalls(log, Arena.ofAuto().allocate(64 * 64, 64));
                }
                try (AsyncReplayRecorder r = new AsyncReplayRecorder(ReplayLog.create(queued, 2000, f, GEOMETRY), 64,
                        drainers)) {
                    MemorySegment ring = Arena.ofAuto().allocate(64 * 64, 64);
                    r.readImagesFrom(ring);
                    ringCalls(r, ring);
                }
                assertArrayEquals(withoutTimestamps(direct, f), withoutTimestamps(queued, f), f + " " + drainers);
            }
        }
    }

    @Test
    void ringRecordsOverwritingOldRecordsWithFailureEvidenceClearEveryField() throws IOException {
        ReplayFailureEvidence evidence = new ReplayFailureEvidence(4, FailureClass.DEVICE_LOSS, 0x2BC, -1L);
        for (ReplayLogFormat f : ReplayLogFormat.values()) {
            Path direct = dir.resolve("evidence-direct-" + f);
            Path queued = dir.resolve("evidence-queued-" + f);
            for (Path p : new Path[] {direct, queued}) {
                try (ReplayLog log = ReplayLog.create(p, 300, f, GEOMETRY)) {
                    for (int i = 0; i < 300; i++) { // every position holds evidence and a digest before the rollover
                        log.appendWithFailure(new RecordedSlot(1, i % 64, 0, Opcodes.ATOMIC_ADD,
                                new int[] {-1, -1, -1, -1}, -1), evidence);
                    }
                }
            }
            try (ReplayLog log = ReplayLog.open(direct, 300, f, GEOMETRY)) {
                ringCalls(log, Arena.ofAuto().allocate(64 * 64, 64));
            }
            try (AsyncReplayRecorder r = new AsyncReplayRecorder(ReplayLog.open(queued, 300, f, GEOMETRY), 64, 2)) {
                MemorySegment ring = Arena.ofAuto().allocate(64 * 64, 64);
                r.readImagesFrom(ring);
                ringCalls(r, ring);
            }
            assertArrayEquals(withoutTimestamps(direct, f), withoutTimestamps(queued, f), f.toString());
        }
    }

    @Test
    void readingFromTheRingIsRefusedOnceSlotsWereQueuedOrForALargerRing() {
        try (AsyncReplayRecorder r = new AsyncReplayRecorder(ReplayLog.create(dir.resolve("late.vrri"), 100,
                ReplayLogFormat.FULL_IMAGE, GEOMETRY), 64)) {
            assertThrows(VyreArgumentException.class, () -> r.readImagesFrom(Arena.ofAuto().allocate(65 * 64)));
            r.recordPublish(3, 0, Opcodes.ATOMIC_ADD, 5, 165, 0);
            IllegalStateException late = assertThrows(IllegalStateException.class,
                    () -> r.readImagesFrom(Arena.ofAuto().allocate(64 * 64)));
            assertTrue(late.getMessage().endsWith("Fix: call readImagesFrom before recording"), late.getMessage());
        }
    }

    @Test
    void aFullQueueMakesThePublisherWaitAndLosesNothing() {
        Path p = dir.resolve("pressure.vrri");
        int runs = 300;
        try (AsyncReplayRecorder r = new AsyncReplayRecorder(ReplayLog.create(p, runs * 50L, ReplayLogFormat.FULL_IMAGE,
                GEOMETRY), 64)) {
            for (int k = 0; k < runs; k++) {
                r.recordImages(0, run(50, k * 50), 50); // 50 > 64 - 50: most runs wait for the drainer
            }
        }
        try (ReplayLog log = ReplayLog.read(p)) {
            List<ReplayRecord> records = log.records();
            assertEquals(runs * 50, records.size());
            for (int i = 0; i < records.size(); i++) {
                assertEquals(i, records.get(i).word(4), "record " + i);
                assertEquals(i, records.get(i).sequence());
            }
        }
    }

    @Test
    void severalPublishingThreadsKeepTheirOwnOrder() throws Exception {
        Path p = dir.resolve("threads.vrri");
        int threads = 4;
        int each = 20_000;
        try (AsyncReplayRecorder r = new AsyncReplayRecorder(ReplayLog.create(p, (long) threads * each,
                ReplayLogFormat.FULL_IMAGE, GEOMETRY), 1024)) {
            CountDownLatch go = new CountDownLatch(1);
            Thread[] t = new Thread[threads];
            for (int k = 0; k < threads; k++) {
                int slot = k;
                t[k] = new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < each; i++) {
                        r.recordPublish(slot, 0, Opcodes.ATOMIC_ADD, i, slot, 0);
                    }
                });
                t[k].start();
            }
            go.countDown();
            for (Thread x : t) {
                x.join();
            }
            r.sync();
            List<ReplayRecord> records = r.log().records();
            assertEquals(threads * each, records.size(), "sync drains the queue");
            int[] next = new int[threads];
            for (ReplayRecord rec : records) {
                assertEquals(next[rec.slotIndex()]++, rec.word(4));
            }
        }
    }

    @Test
    void publishersOfDisjointRingSlotsWriteTheRingAtOnceAndEveryImageIsRecordedFromIt() throws Exception {
        Path p = dir.resolve("ring-threads.vrri");
        int threads = 4;
        int runs = 3_000;
        int runLength = 16; // thread k owns ring slots 16k .. 16k + 15
        MemorySegment ring = Arena.ofAuto().allocate(64 * 64, 64);
        try (AsyncReplayRecorder r = new AsyncReplayRecorder(ReplayLog.create(p, (long) threads * runs * runLength,
                ReplayLogFormat.FULL_IMAGE, GEOMETRY), 256, 2)) {
            r.readImagesFrom(ring);
            CountDownLatch go = new CountDownLatch(1);
            CountDownLatch inWrite = new CountDownLatch(threads);
            AtomicBoolean serialized = new AtomicBoolean();
            Thread[] t = new Thread[threads];
            for (int k = 0; k < threads; k++) {
                int first = k * runLength;
                t[k] = new Thread(() -> {
                    SlotRecorder.RingWrite write = (slot, images, n) -> {
                        inWrite.countDown(); // every publisher is inside its first ring write at once
                        try {
                            serialized.compareAndSet(false, !inWrite.await(10, TimeUnit.SECONDS));
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        MemorySegment.copy(images, 0, ring, slot * 64L, n * 64L);
                        for (int i = 0; i < n; i++) { // the device's DONE
                            ring.set(ValueLayout.JAVA_INT, (slot + i) * 64L, SlotStatus.DONE);
                        }
                    };
                    awaitQuietly(go);
                    for (int i = 0; i < runs; i++) {
                        r.recordImagesAndWrite(first, run(runLength, (first << 16) + i * runLength), runLength, write);
                    }
                });
                t[k].start();
            }
            go.countDown();
            for (Thread x : t) {
                x.join();
            }
            assertFalse(serialized.get(), "the ring writes of different publishers ran one at a time");
            r.sync();
            List<ReplayRecord> records = r.log().records();
            assertEquals(threads * runs * runLength, records.size(), "sync drains the queue");
            int[] next = new int[threads];
            for (ReplayRecord rec : records) {
                int k = rec.slotIndex() / runLength;
                int i = rec.slotIndex() % runLength;
                assertEquals(SlotStatus.PUBLISHED, rec.word(0), "the status the publisher wrote, not the device's");
                assertEquals((k * runLength << 16) + next[k]++, rec.word(4), "thread " + k + "'s images in order");
                assertEquals(160 + i, rec.word(5));
            }
        }
    }

    @Test
    void aRingWriteThatFailsIsRecordedFromTheImagesAndReported() {
        Path p = dir.resolve("failed-write.vrri");
        MemorySegment ring = Arena.ofAuto().allocate(64 * 64, 64);
        SlotRecorder.RingWrite write = (slot, images, n) -> MemorySegment.copy(images, 0, ring, slot * 64L, n * 64L);
        SlotRecorder.RingWrite failing = (slot, images, n) -> {
            ring.set(ValueLayout.JAVA_INT, slot * 64L + 16, -1); // a torn write the log must not show
            throw new IllegalStateException("the ring is gone. Fix: reopen the session");
        };
        try (AsyncReplayRecorder r = new AsyncReplayRecorder(ReplayLog.create(p, 100, ReplayLogFormat.FULL_IMAGE,
                GEOMETRY), 64)) {
            r.readImagesFrom(ring);
            r.recordImagesAndWrite(0, run(8, 100), 8, write);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> r.recordImagesAndWrite(8, run(8, 200), 8, failing));
            assertTrue(e.getMessage().endsWith("Fix: reopen the session"), e.getMessage());
            r.recordImagesAndWrite(16, run(8, 300), 8, write);
            r.sync();
            List<ReplayRecord> records = r.log().records();
            assertEquals(24, records.size());
            for (int i = 0; i < 24; i++) {
                assertEquals(i, records.get(i).slotIndex());
                assertEquals(100 * (1 + i / 8) + i % 8, records.get(i).word(4), "record " + i);
            }
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void refusalsComeFromTheCallAndAClosedRecorderRefusesByName() {
        Path p = dir.resolve("refused.vrri");
        AsyncReplayRecorder r = new AsyncReplayRecorder(ReplayLog.create(p, 8, ReplayLogFormat.FULL_IMAGE, GEOMETRY),
                64);
        assertThrows(VyreArgumentException.class, () -> r.recordPublish(64, 0, Opcodes.NOP, 0, 0, 0));
        assertThrows(VyreArgumentException.class, () -> r.recordImages(60, run(8, 0), 8));
        assertThrows(VyreArgumentException.class, () -> r.recordPublish(0, 0, Opcodes.NOP, new int[2], 3));
        r.recordPublish(1, 0, Opcodes.NOP, 0, 0, 0);
        r.close();
        r.close();
        for (Consumer<AsyncReplayRecorder> call : List.<Consumer<AsyncReplayRecorder>>of(
                x -> x.recordPublish(1, 0, Opcodes.NOP, 0, 0, 0), x -> x.recordImages(0, run(1, 0), 1),
                AsyncReplayRecorder::sync)) {
            ReplayLogException e = assertThrows(ReplayLogException.class, () -> call.accept(r));
            assertTrue(e.getMessage().contains("is closed") && e.getMessage().contains("Fix: "), e.getMessage());
        }
        try (ReplayLog log = ReplayLog.read(p)) {
            assertEquals(1, log.records().size());
        }
        try (ReplayLog readOnly = ReplayLog.read(p);
             ReplayLog fresh = ReplayLog.create(dir.resolve("q"), 8, ReplayLogFormat.FULL_IMAGE, GEOMETRY)) {
            assertThrows(VyreArgumentException.class, () -> new AsyncReplayRecorder(readOnly, 64));
            assertThrows(VyreArgumentException.class, () -> new AsyncReplayRecorder(fresh, 100));
        }
    }
}
