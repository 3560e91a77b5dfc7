package dev.vyre.protocol.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.ReplayLogException;
import dev.vyre.protocol.ReplayLogException.Kind;
import dev.vyre.protocol.VyreArgumentException;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The full-image variant (VRRI0001, docs/PROTOCOL.md): header with geometry, 128-byte records with
 * sequence numbers and whole slot images, compared byte for byte with files built by hand.
 */
class FullImageLogTest {

    @TempDir
    Path dir;

    private static final SessionGeometry GEOMETRY = new SessionGeometry(8, 2, 100, 4096);
    private static final int[] PACKED = {1, Opcodes.PACKED_SLOT, 1, 2, 2 | 4 << 8 | 1 << 16, 2 | 2 << 8, 77, 170,
            3, 171, 0xA, 0xB, 0xC, 0xD, 0xE, 0xF};

    private static MemorySegment images(int[]... slots) {
        MemorySegment m = MemorySegment.ofArray(new int[16 * slots.length]);
        for (int i = 0; i < slots.length; i++) {
            for (int w = 0; w < 16; w++) {
                m.setAtIndex(ValueLayout.JAVA_INT, 16L * i + w, slots[i][w]);
            }
        }
        return m;
    }

    @Test
    void aNewLogIsASixtyFourByteHeaderWithTheGeometry() throws IOException {
        Path p = dir.resolve("new.vrri");
        try (ReplayLog log = ReplayLog.create(p, 3, ReplayLogFormat.FULL_IMAGE, GEOMETRY)) {
            assertEquals(GEOMETRY, log.geometry().orElseThrow());
        }
        assertArrayEquals(Vrrl.bytes(Vrrl.fullFile(3, 0, 8, 2, 100, 4096)), Files.readAllBytes(p));
        assertEquals(64 + 128 * 3, Files.size(p));
        try (ReplayLog log = ReplayLog.read(p)) {
            assertEquals(ReplayLogFormat.FULL_IMAGE, log.format());
            assertEquals(GEOMETRY, log.geometry().orElseThrow());
        }
    }

    @Test
    void recordedImagesAreKeptWholeWithSequenceAndEpoch() throws IOException {
        Path p = dir.resolve("images.vrri");
        int[] fence = {1, Opcodes.BATCH_FENCE, 0, 2, 1, 0xFE9CE, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        int[] raw = {6, 0x1234, 1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        try (ReplayLog log = ReplayLog.create(p, 8, ReplayLogFormat.FULL_IMAGE, GEOMETRY)) {
            log.recordImages(2, images(PACKED, fence), 2);
            log.recordPublish(4, 1, Opcodes.ATOMIC_ADD, 5, 165, 9);
            log.recordPublish(5, 1, Opcodes.STORE_U32, new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 12);
            log.recordRaw(7, raw);
            ReplayRecord packed = log.records().get(0);
            assertTrue(packed.exact());
            assertArrayEquals(PACKED, packed.image());
            assertEquals(List.of(0L, 1L, 2L, 3L, 4L), log.records().stream().map(ReplayRecord::sequence).toList());
            assertEquals(7, log.newest().orElseThrow().slotIndex());
            assertEquals(List.of(0, 0, 1, 1, 1), log.records().stream().map(ReplayRecord::epoch).toList());
        }
        ByteBuffer file = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer expected = Vrrl.fullFile(8, 5, 8, 2, 100, 4096);
        int[][] imagesBySlot = {PACKED, fence,
            {1, Opcodes.ATOMIC_ADD, 1, 2, 5, 165, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0},
            {1, Opcodes.STORE_U32, 1, 2, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, raw};
        int[] slots = {2, 3, 4, 5, 7};
        int[] epochs = {0, 0, 1, 1, 1};
        for (int i = 0; i < 5; i++) {
            long ts = file.getLong(64 + 128 * i + 8);
            Vrrl.fullRecord(expected, i, slots[i], ts, i, epochs[i], imagesBySlot[i], 0, 0, 0, 0);
        }
        assertArrayEquals(Vrrl.bytes(expected), file.array());
        assertEquals(file.getLong(64 + 8), file.getLong(64 + 128 + 8), "one timestamp per recorded run");
    }

    @Test
    void innerBatchFencesOfAPackedSlotCountAsTheInterpreterRunsThem() {
        Path p = dir.resolve("packed.vrri");
        // [BATCH_FENCE(1, tag), ATOMIC_ADD(3, 170)]: metadata 2 words, the fence's arguments at word 2
        int[] packedFence = {1, Opcodes.PACKED_SLOT, 0, 2, 2 | 4 << 8 | Opcodes.BATCH_FENCE << 16,
                Opcodes.ATOMIC_ADD | 2 << 8, 1, 0xFE9CE, 3, 170, 0, 0, 0, 0, 0, 0};
        // the fence's arguments would start at word 2 + 8 = 10: 10 + 3 > 12, so the interpreter skips it
        int[] skipped = packedFence.clone();
        skipped[4] = 2 | 4 << 8 | Opcodes.BATCH_FENCE << 16 | 8 << 24;
        // 255 inner ops: the metadata alone exceeds 12 words, nothing runs
        int[] malformed = packedFence.clone();
        malformed[4] = 255 | Opcodes.BATCH_FENCE << 16;
        int[] nop = {1, Opcodes.NOP, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        try (ReplayLog log = ReplayLog.create(p, 8, ReplayLogFormat.FULL_IMAGE, GEOMETRY)) {
            log.recordImages(0, images(packedFence, skipped, malformed, nop), 4);
            log.recordPublish(4, 0, Opcodes.PACKED_SLOT, java.util.Arrays.copyOfRange(packedFence, 4, 16), 12);
            log.recordPublish(5, 0, Opcodes.PACKED_SLOT, packedFence[4], packedFence[5], packedFence[6]);
            log.recordRaw(6, packedFence);
            log.recordPublish(7, 0, Opcodes.NOP, 0, 0, 0);
            assertEquals(List.of(0, 1, 1, 1, 1, 2, 3, 4), log.records().stream().map(ReplayRecord::epoch).toList());
        }
        try (ReplayLog log = ReplayLog.open(p, 8, ReplayLogFormat.FULL_IMAGE, GEOMETRY)) {
            assertEquals(4, log.epoch(), "reopening continues after the newest record");
        }
    }

    @Test
    void aRunLongerThanTheStagingAndTheCapacityKeepsTheNewestImagesInOrder() {
        int count = 200;
        int[][] run = new int[count][];
        for (int i = 0; i < count; i++) {
            run[i] = new int[] {1, Opcodes.STORE_U32, 1, 2, i, 160 + i, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7 * i};
        }
        for (ReplayLogFormat f : ReplayLogFormat.values()) {
            Path p = dir.resolve("long-" + f);
            try (ReplayLog log = ReplayLog.create(p, 150, f, new SessionGeometry(256, 2, 512, 0))) {
                log.recordPublish(255, 1, Opcodes.NOP, 0, 0, 0);
                log.recordImages(0, images(run), count);
                List<ReplayRecord> records = log.records();
                assertEquals(150, records.size(), f.toString());
                for (int k = 0; k < 150; k++) {
                    ReplayRecord r = records.get(k);
                    int i = count - 150 + k;
                    assertEquals(i, r.slotIndex(), f + " record " + k);
                    assertEquals(i, r.word(4));
                    assertEquals(160 + i, r.word(5));
                    assertEquals(f == ReplayLogFormat.FULL_IMAGE ? 7 * i : 0, r.word(15));
                    assertEquals(f == ReplayLogFormat.FULL_IMAGE ? i + 1 : -1, r.sequence());
                }
                assertEquals((1 + count) % 150, log.cursor());
            }
        }
    }

    @Test
    void failureEvidenceOfOneRecordNeverReachesTheRunsRecordedAroundIt() throws IOException {
        ReplayFailureEvidence e = new ReplayFailureEvidence(7, FailureClass.DEVICE_LOSS, 1001, -2L);
        int count = 90; // more than one staging chunk
        int[][] run = new int[count][];
        for (int i = 0; i < count; i++) {
            run[i] = new int[] {1, Opcodes.STORE_U32, 1, 2, i, 160 + i, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5 * i};
        }
        for (ReplayLogFormat f : ReplayLogFormat.values()) {
            Path p = dir.resolve("evidence-between-" + f);
            try (ReplayLog log = ReplayLog.create(p, 256, f, new SessionGeometry(256, 2, 512, 0))) {
                log.recordImages(0, images(run), 10);
                log.append(new ReplayRecord(0, 1, 200, 0, PACKED, true, e));
                log.recordImages(10, images(run), count);
                log.recordPublish(201, 1, Opcodes.NOP, 0, 0, 0);
                List<ReplayRecord> records = log.records();
                assertEquals(10 + 1 + count + 1, records.size(), f.toString());
                for (int k = 0; k < records.size(); k++) {
                    assertEquals(k == 10 ? e : ReplayFailureEvidence.NONE, records.get(k).failure(), f + " record " + k);
                }
            }
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
            int tail = f == ReplayLogFormat.FULL_IMAGE ? ReplayLog.F_STATUS : ReplayLog.V_STATUS;
            int tailEnd = f == ReplayLogFormat.FULL_IMAGE ? ReplayLog.F_IMAGE : f.recordBytes();
            for (int k = 11; k < 10 + 1 + count + 1; k++) { // the evidence and reserved bytes of every later record: 0
                for (int at = tail; at < tailEnd; at++) {
                    assertEquals(0, b.get((int) f.recordOffset(k) + at), f + " record " + k + " byte " + at);
                }
            }
        }
    }

    @Test
    void failureEvidenceAndAWholeRecordRoundTrip() {
        Path p = dir.resolve("evidence.vrri");
        ReplayFailureEvidence e = new ReplayFailureEvidence(7, FailureClass.PROGRAM_BUG, 1004, -2L);
        ReplayRecord r = new ReplayRecord(99, 123_456, 6, 4, PACKED, true, e);
        try (ReplayLog log = ReplayLog.create(p, 2, ReplayLogFormat.FULL_IMAGE, GEOMETRY)) {
            log.append(r);
            ReplayRecord back = log.records().get(0);
            assertEquals(new ReplayRecord(0, 123_456, 6, 4, PACKED, true, e), back, "the log numbers the record");
        }
    }

    @Test
    void aHandBuiltFullImageFileReadsBackExactly() throws IOException {
        ByteBuffer b = Vrrl.fullFile(4, 2, 8, 2, 100, 4096);
        Vrrl.fullRecord(b, 0, 3, 1000, 10, 2, PACKED, 0, 0, 0, 0);
        Vrrl.fullRecord(b, 1, 4, 1001, 11, 2, PACKED, 3, 1, 1005, 0x55);
        Vrrl.fullRecord(b, 2, 1, 998, 8, 1, PACKED, 0, 0, 0, 0);
        Vrrl.fullRecord(b, 3, 2, 999, 9, 1, PACKED, 0, 0, 0, 0);
        Path p = dir.resolve("hand.vrri");
        Files.write(p, Vrrl.bytes(b));
        try (ReplayLog log = ReplayLog.read(p)) {
            List<ReplayRecord> r = log.records();
            assertEquals(List.of(8L, 9L, 10L, 11L), r.stream().map(ReplayRecord::sequence).toList());
            assertEquals(List.of(1, 2, 3, 4), r.stream().map(ReplayRecord::slotIndex).toList());
            assertEquals(new ReplayFailureEvidence(3, FailureClass.DEVICE_LOSS, 1005, 0x55), r.get(3).failure());
            assertArrayEquals(PACKED, r.get(0).image());
        }
    }

    @Test
    void aRecordWhoseCursorUpdateWasLostIsRecognisedAndReplayedLast() throws IOException {
        ByteBuffer b = Vrrl.fullFile(4, 2, 8, 2, 100, 4096); // cursor 2, but record 2 (sequence 2) was written
        Vrrl.fullRecord(b, 0, 0, 1, 0, 0, PACKED, 0, 0, 0, 0);
        Vrrl.fullRecord(b, 1, 1, 2, 1, 0, PACKED, 0, 0, 0, 0);
        Vrrl.fullRecord(b, 2, 2, 3, 2, 0, PACKED, 0, 0, 0, 0);
        Path p = dir.resolve("crash.vrri");
        Files.write(p, Vrrl.bytes(b));
        try (ReplayLog log = ReplayLog.open(p, 4, ReplayLogFormat.FULL_IMAGE, GEOMETRY)) {
            assertEquals(List.of(0L, 1L, 2L), log.records().stream().map(ReplayRecord::sequence).toList());
            assertEquals(2L, log.newest().orElseThrow().sequence());
            log.recordPublish(5, 0, Opcodes.NOP, 0, 0, 0); // overwrites it, with the same sequence number
            assertEquals(5, log.newest().orElseThrow().slotIndex());
            assertEquals(List.of(0L, 1L, 2L), log.records().stream().map(ReplayRecord::sequence).toList());
            assertEquals(5, log.records().get(2).slotIndex());
        }
    }

    @Test
    void aSequenceBreakOrASlotOutsideTheRingIsACorruptRecord() throws IOException {
        ByteBuffer b = Vrrl.fullFile(4, 3, 8, 2, 100, 4096);
        Vrrl.fullRecord(b, 0, 0, 1, 0, 0, PACKED, 0, 0, 0, 0);
        Vrrl.fullRecord(b, 1, 1, 2, 5, 0, PACKED, 0, 0, 0, 0);
        Vrrl.fullRecord(b, 2, 2, 3, 2, 0, PACKED, 0, 0, 0, 0);
        Path p = dir.resolve("order.vrri");
        Files.write(p, Vrrl.bytes(b));
        try (ReplayLog log = ReplayLog.read(p)) {
            ReplayLogException e = assertThrows(ReplayLogException.class, log::records);
            assertEquals(Kind.CORRUPT_RECORD, e.kind());
            assertTrue(e.getMessage().contains("record 1 has sequence number 5 where 1 follows"), e.getMessage());
        }
        ByteBuffer s = Vrrl.fullFile(2, 1, 8, 2, 100, 4096);
        Vrrl.fullRecord(s, 0, 8, 1, 0, 0, PACKED, 0, 0, 0, 0);
        Path ps = dir.resolve("slot.vrri");
        Files.write(ps, Vrrl.bytes(s));
        try (ReplayLog log = ReplayLog.read(ps)) {
            ReplayLogException e = assertThrows(ReplayLogException.class, log::records);
            assertEquals(Kind.CORRUPT_RECORD, e.kind());
            assertTrue(e.getMessage().contains("names ring slot 8 of a ring of 8 slots"), e.getMessage());
        }
    }

    @Test
    void aSequenceBreakAfterTheLargestSequenceNumbersIsStillACorruptRecord() throws IOException {
        // sequence numbers are u64: 2^64 - 2 is followed by 2^64 - 1, never by 5
        ByteBuffer b = Vrrl.fullFile(4, 0, 8, 2, 100, 4096);
        Vrrl.fullRecord(b, 0, 0, 1, -2L, 0, PACKED, 0, 0, 0, 0);
        Vrrl.fullRecord(b, 1, 1, 2, 5L, 0, PACKED, 0, 0, 0, 0);
        Path p = dir.resolve("wrap.vrri");
        Files.write(p, Vrrl.bytes(b));
        try (ReplayLog log = ReplayLog.read(p)) {
            ReplayLogException e = assertThrows(ReplayLogException.class, log::records);
            assertEquals(Kind.CORRUPT_RECORD, e.kind());
            assertTrue(e.getMessage().contains("record 1 has sequence number 5 where 18446744073709551615 follows"),
                    e.getMessage());
        }
    }

    @Test
    void newestIgnoresACorruptOldestRecordThatIsNotATornNewestOne() throws IOException {
        ByteBuffer b = Vrrl.fullFile(4, 2, 8, 2, 100, 4096);
        Vrrl.fullRecord(b, 0, 0, 1, 0, 0, PACKED, 0, 0, 0, 0);
        Vrrl.fullRecord(b, 1, 1, 2, 1, 0, PACKED, 0, 0, 0, 0);
        Vrrl.fullRecord(b, 2, 9, 3, 7, 0, PACKED, 0, 0, 0, 0); // slot 9 of 8, sequence not one above the newest
        Path p = dir.resolve("corrupt-oldest.vrri");
        Files.write(p, Vrrl.bytes(b));
        try (ReplayLog log = ReplayLog.read(p)) {
            assertEquals(1L, log.newest().orElseThrow().sequence());
            assertEquals(Kind.CORRUPT_RECORD, assertThrows(ReplayLogException.class, log::records).kind());
        }
    }

    @Test
    void theGeometryIsCheckedInTheHeaderAndOnReopen() throws IOException {
        ByteBuffer b = Vrrl.fullFile(2, 0, 0, 2, 100, 4096);
        Path p = dir.resolve("geometry.vrri");
        Files.write(p, Vrrl.bytes(b));
        ReplayLogException e = assertThrows(ReplayLogException.class, () -> ReplayLog.read(p));
        assertEquals(Kind.HEADER_MISMATCH, e.kind());
        assertTrue(e.getMessage().contains("impossible session (slotCount: 0 is outside 1..1048576)"), e.getMessage());
        Path q = dir.resolve("reopen.vrri");
        ReplayLog.create(q, 2, ReplayLogFormat.FULL_IMAGE, GEOMETRY).close();
        e = assertThrows(ReplayLogException.class, () -> ReplayLog.open(q, 2, ReplayLogFormat.FULL_IMAGE,
                new SessionGeometry(16, 2, 100, 4096)));
        assertEquals(Kind.HEADER_MISMATCH, e.kind());
        assertTrue(e.getMessage().contains("8 slots") && e.getMessage().contains("16 slots"), e.getMessage());
        e = assertThrows(ReplayLogException.class, () -> ReplayLog.open(q, 2));
        assertTrue(e.getMessage().contains("is a VRRI0001 log, not VRRL0001"), e.getMessage());
        assertThrows(VyreArgumentException.class, () -> ReplayLog.create(q, 2, ReplayLogFormat.FULL_IMAGE, null));
        try (ReplayLog log = ReplayLog.open(q, 2, ReplayLogFormat.FULL_IMAGE, GEOMETRY)) {
            assertThrows(VyreArgumentException.class, () -> log.recordPublish(8, 0, Opcodes.NOP, 0, 0, 0));
            assertThrows(VyreArgumentException.class, () -> log.recordImages(7, images(PACKED, PACKED), 2));
        }
    }

    @Test
    void concurrentRecordersLoseNoRecordAndKeepOneSequence() throws Exception {
        Path p = dir.resolve("threads.vrri");
        int threads = 4;
        int each = 5_000;
        try (ReplayLog log = ReplayLog.create(p, threads * each, ReplayLogFormat.FULL_IMAGE,
                new SessionGeometry(threads, 1, 0, 0))) {
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
                        log.recordPublish(slot, 0, Opcodes.ATOMIC_ADD, i, slot, 0);
                    }
                });
                t[k].start();
            }
            go.countDown();
            for (Thread x : t) {
                x.join();
            }
            List<ReplayRecord> records = log.records();
            assertEquals(threads * each, records.size());
            int[] next = new int[threads];
            for (int i = 0; i < records.size(); i++) {
                ReplayRecord r = records.get(i);
                assertEquals(i, r.sequence());
                assertEquals(next[r.slotIndex()]++, r.word(4), "each thread's records in its own order");
            }
        }
    }
}
