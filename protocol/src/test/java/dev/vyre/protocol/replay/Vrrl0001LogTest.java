package dev.vyre.protocol.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.protocol.BackendException;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.ReplayLogException;
import dev.vyre.protocol.ReplayLogException.Kind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * VRRL0001, byte for byte with the spec's "actual" layout (D12): every expected file is built by hand
 * from the tables ({@link Vrrl}) and compared with what {@link ReplayLog} wrote, and hand-built files are
 * read back. Covers vyre's replay unit tests (zero capacity, round trip, evidence, rollover, reopen,
 * header checks) and the crash behaviour.
 */
class Vrrl0001LogTest {

    @TempDir
    Path dir;

    private static final int[] ARGS = {0x0A, 0x0B, 0x0C, 0x0D};

    private static RecordedSlot slot(int slotIdx, long ts, int epoch) {
        return new RecordedSlot(ts, slotIdx, 9, Opcodes.ATOMIC_ADD, ARGS, epoch);
    }

    @Test
    void aNewLogIsAThirtyTwoByteHeaderAndZeroedSixtyFourByteRecords() throws IOException {
        Path p = dir.resolve("new.vrrl");
        try (ReplayLog log = ReplayLog.open(p, 4)) {
            assertTrue(log.newest().isEmpty());
            assertEquals(ReplayLogFormat.VRRL0001, log.format());
            assertEquals(4, log.capacity());
            assertEquals(0, log.cursor());
            assertTrue(log.geometry().isEmpty());
        }
        byte[] expected = Vrrl.bytes(Vrrl.file(4, 0));
        assertEquals(32 + 64 * 4, expected.length);
        assertArrayEquals(expected, Files.readAllBytes(p));
        assertArrayEquals(new byte[] {'V', 'R', 'R', 'L', '0', '0', '0', '1', 1, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0, 0,
                0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, java.util.Arrays.copyOf(expected, 32));
    }

    @Test
    void appendWritesEveryFieldAtItsTableOffsetAndPersistsTheCursor() throws IOException {
        Path p = dir.resolve("append.vrrl");
        try (ReplayLog log = ReplayLog.open(p, 4)) {
            log.append(slot(5, 0x0102030405060708L, 3));
            assertEquals(1, log.cursor());
        }
        ByteBuffer expected = Vrrl.file(4, 1);
        Vrrl.record(expected, 0, 0x0102030405060708L, 5, 9, Opcodes.ATOMIC_ADD, ARGS, 3, 0, 0, 0, 0);
        byte[] file = Files.readAllBytes(p);
        assertArrayEquals(Vrrl.bytes(expected), file);
        // the record's first bytes, spelled out: magic EF BE AD DE, then the timestamp at offset 4
        assertArrayEquals(new byte[] {(byte) 0xEF, (byte) 0xBE, (byte) 0xAD, (byte) 0xDE, 8, 7, 6, 5, 4, 3, 2, 1, 5, 0,
                0, 0, 9, 0, 0, 0, 2, 0, 0, 0}, java.util.Arrays.copyOfRange(file, 32, 56));
    }

    @Test
    void failureEvidenceFillsTheRecordTailAndRoundTrips() throws IOException {
        Path p = dir.resolve("evidence.vrrl");
        ReplayFailureEvidence evidence = new ReplayFailureEvidence(7, FailureClass.DEVICE_LOSS, 1005,
                0x1122334455667788L);
        try (ReplayLog log = ReplayLog.open(p, 2)) {
            log.appendWithFailure(slot(1, 42, 0), evidence);
            log.append(slot(0, 43, 0));
            List<ReplayRecord> records = log.replayRecords();
            assertEquals(2, records.size());
            assertEquals(evidence, records.get(0).failure());
            assertTrue(records.get(0).hasFailure());
            assertSame(ReplayFailureEvidence.NONE, records.get(1).failure());
            assertFalse(records.get(1).hasFailure());
        }
        ByteBuffer expected = Vrrl.file(2, 0);
        Vrrl.record(expected, 0, 42, 1, 9, Opcodes.ATOMIC_ADD, ARGS, 0, 7, 1, 1005, 0x1122334455667788L);
        Vrrl.record(expected, 1, 43, 0, 9, Opcodes.ATOMIC_ADD, ARGS, 0, 0, 0, 0, 0);
        assertArrayEquals(Vrrl.bytes(expected), Files.readAllBytes(p));
    }

    @Test
    void anUnknownFailureClassDecodesAsUnclassifiedAndAllZeroEvidenceAsNone() throws IOException {
        ByteBuffer b = Vrrl.file(2, 2);
        Vrrl.record(b, 0, 1, 0, 0, Opcodes.NOP, new int[4], 0, 0, 99, 0, 0);
        Vrrl.record(b, 1, 2, 1, 0, Opcodes.NOP, new int[4], 0, 0, 0, 0, 0);
        Path p = dir.resolve("classes.vrrl");
        Files.write(p, Vrrl.bytes(b));
        try (ReplayLog log = ReplayLog.read(p)) {
            List<ReplayRecord> r = log.records();
            assertEquals(FailureClass.UNCLASSIFIED, r.get(0).failure().failureClass());
            assertEquals(ReplayFailureEvidence.NONE, r.get(1).failure());
        }
        for (int code = 0; code <= 5; code++) {
            assertEquals(code <= 4 ? FailureClass.values()[code] : FailureClass.UNCLASSIFIED, FailureClass.of(code));
        }
        assertEquals(FailureClass.UNCLASSIFIED, FailureClass.of(-1));
    }

    @Test
    void aHandBuiltFileReadsBackOldestFirstWithOnlyFourArguments() throws IOException {
        ByteBuffer b = Vrrl.file(4, 1); // cursor 1: position 1 is the oldest, position 0 the newest
        Vrrl.record(b, 0, 400, 3, 2, Opcodes.STORE_U32, new int[] {1, 2, 3, 4}, 6, 0, 0, 0, 0);
        Vrrl.record(b, 1, 100, 0, 2, Opcodes.ATOMIC_ADD, new int[] {5, 6, 7, 8}, 5, 0, 0, 0, 0);
        Vrrl.record(b, 2, 200, 1, 2, Opcodes.BATCH_FENCE, new int[] {1, 0xFE9CE, 0, 0}, 5, 0, 0, 0, 0);
        Vrrl.record(b, 3, 300, 2, 2, Opcodes.LOAD_U32, new int[] {9, 10, 11, 12}, 6, 0, 0, 0, 0);
        Path p = dir.resolve("hand.vrrl");
        Files.write(p, Vrrl.bytes(b));
        try (ReplayLog log = ReplayLog.read(p)) {
            assertFalse(log.isWritable());
            List<RecordedSlot> slots = log.replayAll();
            assertEquals(List.of(new RecordedSlot(100, 0, 2, Opcodes.ATOMIC_ADD, new int[] {5, 6, 7, 8}, 5),
                    new RecordedSlot(200, 1, 2, Opcodes.BATCH_FENCE, new int[] {1, 0xFE9CE, 0, 0}, 5),
                    new RecordedSlot(300, 2, 2, Opcodes.LOAD_U32, new int[] {9, 10, 11, 12}, 6),
                    new RecordedSlot(400, 3, 2, Opcodes.STORE_U32, new int[] {1, 2, 3, 4}, 6)), slots);
            ReplayRecord first = log.records().get(0);
            assertFalse(first.exact());
            assertEquals(-1, first.sequence());
            assertArrayEquals(new int[] {1, Opcodes.ATOMIC_ADD, 2, 2, 5, 6, 7, 8, 0, 0, 0, 0, 0, 0, 0, 0}, first.image());
            assertEquals(4, log.recordCount());
        }
    }

    @Test
    void capacityThreeAfterFiveAppendsReplaysSlotsTwoThreeFourAndKeepsTheBytes() throws IOException {
        Path p = dir.resolve("roll.vrrl");
        try (ReplayLog log = ReplayLog.open(p, 3)) {
            for (int i = 0; i < 5; i++) {
                log.append(slot(i, 1000 + i, 0));
            }
            assertEquals(2, log.cursor());
            assertEquals(List.of(2, 3, 4), log.replayAll().stream().map(RecordedSlot::slotIndex).toList());
            assertEquals(4, log.newest().orElseThrow().slotIndex());
        }
        ByteBuffer expected = Vrrl.file(3, 2);
        Vrrl.record(expected, 0, 1003, 3, 9, Opcodes.ATOMIC_ADD, ARGS, 0, 0, 0, 0, 0);
        Vrrl.record(expected, 1, 1004, 4, 9, Opcodes.ATOMIC_ADD, ARGS, 0, 0, 0, 0, 0);
        Vrrl.record(expected, 2, 1002, 2, 9, Opcodes.ATOMIC_ADD, ARGS, 0, 0, 0, 0, 0);
        assertArrayEquals(Vrrl.bytes(expected), Files.readAllBytes(p));
    }

    @Test
    void reopeningRestoresTheCursorAndIgnoresTheRequestedCapacity() {
        Path p = dir.resolve("reopen.vrrl");
        try (ReplayLog log = ReplayLog.open(p, 3)) {
            log.append(slot(7, 1, 0));
            log.append(slot(8, 2, 0));
        }
        try (ReplayLog log = ReplayLog.open(p, 1000)) {
            assertEquals(3, log.capacity());
            assertEquals(2, log.cursor());
            log.append(slot(9, 3, 0));
            log.append(slot(10, 4, 0));
            assertEquals(1, log.cursor());
            assertEquals(List.of(8, 9, 10), log.replayAll().stream().map(RecordedSlot::slotIndex).toList());
        }
    }

    @Test
    void aRecordWrittenBeforeACrashWithoutItsCursorReplaysFirstUntilOverwritten() throws IOException {
        // Two appends (cursor 2), then a third record written at position 2 whose cursor update was lost.
        ByteBuffer b = Vrrl.file(4, 2);
        Vrrl.record(b, 0, 10, 0, 0, Opcodes.STORE_U32, ARGS, 0, 0, 0, 0, 0);
        Vrrl.record(b, 1, 11, 1, 0, Opcodes.STORE_U32, ARGS, 0, 0, 0, 0, 0);
        Vrrl.record(b, 2, 12, 2, 0, Opcodes.STORE_U32, ARGS, 0, 0, 0, 0, 0);
        Path p = dir.resolve("crash.vrrl");
        Files.write(p, Vrrl.bytes(b));
        try (ReplayLog log = ReplayLog.open(p, 4)) {
            assertEquals(List.of(2, 0, 1), log.replayAll().stream().map(RecordedSlot::slotIndex).toList());
            log.append(slot(3, 13, 0)); // the next append overwrites it
            assertEquals(List.of(0, 1, 3), log.replayAll().stream().map(RecordedSlot::slotIndex).toList());
        }
    }

    @Test
    void theRecordingMethodsKeepFourArgumentsAndCountFenceEpochs() throws IOException {
        Path p = dir.resolve("record.vrrl");
        long before = System.currentTimeMillis() * 1_000_000L;
        try (ReplayLog log = ReplayLog.open(p, 8)) {
            log.recordPublish(0, 1, Opcodes.ATOMIC_ADD, 5, 165, 0);
            log.recordPublish(1, 1, Opcodes.BATCH_FENCE, 1, 7, 0);
            log.recordPublish(2, 1, Opcodes.STORE_U32, new int[] {1, 2, 3, 4, 5, 6}, 6);
            java.lang.foreign.MemorySegment images = java.lang.foreign.MemorySegment.ofArray(new int[32]);
            int[] w0 = {1, Opcodes.PACKED_SLOT, 3, 2, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22};
            int[] w1 = {1, Opcodes.BATCH_FENCE, 3, 2, 1, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
            for (int w = 0; w < 16; w++) {
                images.setAtIndex(java.lang.foreign.ValueLayout.JAVA_INT, w, w0[w]);
                images.setAtIndex(java.lang.foreign.ValueLayout.JAVA_INT, 16 + w, w1[w]);
            }
            log.recordImages(3, images, 2);
            log.recordRaw(5, new int[] {2, Opcodes.BATCH_FENCE, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
            assertEquals(2, log.epoch(), "two PUBLISHED fences; the raw CLAIMED one never runs");
        }
        long after = System.currentTimeMillis() * 1_000_000L + 1_000_000L;
        ByteBuffer file = ByteBuffer.wrap(Files.readAllBytes(p)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        ByteBuffer expected = Vrrl.file(8, 6);
        int[][] rows = {
            {0, 1, Opcodes.ATOMIC_ADD, 5, 165, 0, 0, 0},
            {1, 1, Opcodes.BATCH_FENCE, 1, 7, 0, 0, 0},
            {2, 1, Opcodes.STORE_U32, 1, 2, 3, 4, 1},
            {3, 3, Opcodes.PACKED_SLOT, 11, 12, 13, 14, 1},
            {4, 3, Opcodes.BATCH_FENCE, 1, 9, 0, 0, 1},
            {5, 0, Opcodes.BATCH_FENCE, 1, 1, 0, 0, 2},
        };
        for (int i = 0; i < rows.length; i++) {
            int[] r = rows[i];
            long ts = file.getLong(32 + 64 * i + 4);
            assertTrue(ts >= before && ts <= after, "timestamp " + ts + " not within the test's wall clock");
            Vrrl.record(expected, i, ts, r[0], r[1], r[2], new int[] {r[3], r[4], r[5], r[6]}, r[7], 0, 0, 0, 0);
        }
        assertArrayEquals(Vrrl.bytes(expected), file.array());
    }

    @Test
    void reopeningContinuesTheEpochAfterTheNewestRecord() {
        Path p = dir.resolve("epoch.vrrl");
        try (ReplayLog log = ReplayLog.open(p, 4)) {
            log.recordPublish(0, 0, Opcodes.BATCH_FENCE, 1, 0, 0);
            log.recordPublish(1, 0, Opcodes.BATCH_FENCE, 1, 0, 0);
        }
        try (ReplayLog log = ReplayLog.open(p, 4)) {
            assertEquals(2, log.epoch());
            log.recordPublish(2, 0, Opcodes.NOP, 0, 0, 0);
            assertEquals(List.of(0, 1, 2), log.replayAll().stream().map(RecordedSlot::epoch).toList());
        }
    }

    // ------------------------------------------------------------------ errors

    private static ReplayLogException refused(Kind kind, String part, Executable call) {
        ReplayLogException e = assertThrows(ReplayLogException.class, call);
        assertEquals(kind, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains(part), e.getMessage());
        int fix = e.getMessage().indexOf("Fix: ");
        assertTrue(fix > 0 && e.getMessage().indexOf("Fix: ", fix + 1) < 0, "exactly one Fix: " + e.getMessage());
        return e;
    }

    @Test
    void aZeroOrHugeRequestedCapacityIsRefusedBeforeAnyFileIsTouched() {
        Path p = dir.resolve("never.vrrl");
        refused(Kind.ZERO_CAPACITY, "capacity 0", () -> ReplayLog.open(p, 0));
        ReplayLogException e = refused(Kind.CAPACITY_OVERFLOW, "exceeds the maximum of 1048576",
                () -> ReplayLog.open(p, (1 << 20) + 1));
        assertEquals(null, e.path());
        refused(Kind.CAPACITY_OVERFLOW, "18446744073709551615", () -> ReplayLog.open(p, -1));
        assertFalse(Files.exists(p));
        try (ReplayLog log = ReplayLog.open(p, 1 << 20)) {
            assertEquals(32 + 64L * (1 << 20), log.format().fileBytes(log.capacity()));
        }
    }

    @Test
    void aWrongMagicOrVersionIsAHeaderMismatchNamingTheFile() throws IOException {
        ByteBuffer b = Vrrl.file(2, 0);
        b.put(0, "NOTALOG!".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        Path p = dir.resolve("magic.vrrl");
        Files.write(p, Vrrl.bytes(b));
        ReplayLogException e = refused(Kind.HEADER_MISMATCH, "magic 'NOTALOG!'", () -> ReplayLog.open(p, 2));
        assertEquals(p, e.path());
        assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
        refused(Kind.HEADER_MISMATCH, "magic", () -> ReplayLog.read(p));
        ByteBuffer v = Vrrl.file(2, 0);
        v.putInt(8, 2);
        Path pv = dir.resolve("version.vrrl");
        Files.write(pv, Vrrl.bytes(v));
        refused(Kind.HEADER_MISMATCH, "version 2", () -> ReplayLog.read(pv));
        byte[] binary = new byte[96];
        binary[0] = (byte) 0x89;
        Path pb = dir.resolve("binary.vrrl");
        Files.write(pb, binary);
        refused(Kind.HEADER_MISMATCH, "magic 0x8900000000000000", () -> ReplayLog.read(pb));
    }

    @Test
    void aZeroOrHugeHeaderCapacityIsRefused() throws IOException {
        ByteBuffer zero = Vrrl.file(0, 0);
        Path pz = dir.resolve("zero.vrrl");
        Files.write(pz, Vrrl.bytes(zero));
        refused(Kind.ZERO_CAPACITY, "in the header of", () -> ReplayLog.open(pz, 4));
        ByteBuffer huge = Vrrl.file(1, 0);
        huge.putLong(16, 1L << 40);
        Path ph = dir.resolve("huge.vrrl");
        Files.write(ph, Vrrl.bytes(huge));
        refused(Kind.CAPACITY_OVERFLOW, "1099511627776", () -> ReplayLog.read(ph));
    }

    @Test
    void aTruncatedFileIsAReadErrorSayingHowShort() throws IOException {
        byte[] whole = Vrrl.bytes(Vrrl.file(4, 0));
        Path p = dir.resolve("short.vrrl");
        Files.write(p, java.util.Arrays.copyOf(whole, whole.length - 1));
        ReplayLogException e = refused(Kind.IO, "is truncated: 287 bytes, but its 4 records need 288",
                () -> ReplayLog.read(p));
        assertEquals("read", e.operation());
        Files.write(p, java.util.Arrays.copyOf(whole, 20));
        refused(Kind.IO, "is truncated: 20 bytes", () -> ReplayLog.open(p, 4));
        Files.write(p, java.util.Arrays.copyOf(whole, 5));
        refused(Kind.IO, "is truncated: 5 bytes", () -> ReplayLog.read(p));
        refused(Kind.IO, "does not exist", () -> ReplayLog.read(dir.resolve("missing.vrrl")));
    }

    @Test
    void aRecordMagicOtherThanZeroOrDeadbeefIsACorruptRecord() throws IOException {
        ByteBuffer b = Vrrl.file(3, 0);
        Vrrl.record(b, 0, 1, 0, 0, Opcodes.NOP, ARGS, 0, 0, 0, 0, 0);
        Vrrl.record(b, 1, 2, 1, 0, Opcodes.NOP, ARGS, 0, 0, 0, 0, 0);
        b.putInt(32 + 64, 0xDEADBEEE);
        Path p = dir.resolve("corrupt.vrrl");
        Files.write(p, Vrrl.bytes(b));
        try (ReplayLog log = ReplayLog.read(p)) {
            refused(Kind.CORRUPT_RECORD, "record 1 (file offset 96) has magic 0xdeadbeee", log::records);
        }
    }

    @Test
    void aForeignMagicThatSpellsFixIsPrintedInHexSoTheMessageKeepsOneFix() throws IOException {
        // found by ReplayLogFuzzTest: the magic "VRRFix: " was echoed as text, putting "Fix: " in the message twice
        Path p = dir.resolve("fix.vrrl");
        byte[] b = Vrrl.bytes(Vrrl.file(1, 0));
        System.arraycopy("VRRFix: ".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, b, 0, 8);
        Files.write(p, b);
        ReplayLogException e = assertThrows(ReplayLogException.class, () -> ReplayLog.read(p));
        assertEquals(Kind.HEADER_MISMATCH, e.kind());
        assertTrue(e.getMessage().contains("has magic 0x5652524669783a20,"), e.getMessage());
        assertEquals(e.getMessage().indexOf("Fix: "), e.getMessage().lastIndexOf("Fix: "), e.getMessage());
    }

    @Test
    void newestReadsOnlyTheNewestRecordEvenWhenTheOldestIsCorrupt() throws IOException {
        // found by ReplayLogFuzzTest: newest() decoded the record at the cursor (the oldest) and threw on it
        ByteBuffer b = Vrrl.file(3, 2);
        Vrrl.record(b, 1, 2, 1, 0, Opcodes.NOP, ARGS, 0, 0, 0, 0, 0);
        b.putInt(32 + 2 * 64, 4);
        Path p = dir.resolve("corrupt-oldest.vrrl");
        Files.write(p, Vrrl.bytes(b));
        try (ReplayLog log = ReplayLog.read(p)) {
            assertEquals(1, log.newest().orElseThrow().slotIndex());
            refused(Kind.CORRUPT_RECORD, "record 2 (file offset 160) has magic 0x4", log::records);
        }
    }

    @Test
    void aClosedOrReadOnlyLogRefusesAppendsByName() throws IOException {
        Path p = dir.resolve("closed.vrrl");
        ReplayLog log = ReplayLog.open(p, 2);
        log.close();
        log.close();
        refused(Kind.IO, "is closed", () -> log.append(slot(0, 0, 0)));
        refused(Kind.IO, "is closed", log::records);
        refused(Kind.IO, "is closed", log::newest);
        try (ReplayLog ro = ReplayLog.read(p)) {
            refused(Kind.IO, "read-only", () -> ro.recordPublish(0, 0, 0, 0, 0, 0));
            ro.sync();
        }
        try (ReplayLog rw = ReplayLog.open(p, 2)) {
            rw.append(slot(0, 0, 0));
            rw.sync();
        }
    }

    @Test
    void theErrorConvertsToABackendErrorCarryingItsText() {
        ReplayLogException e = assertThrows(ReplayLogException.class, () -> ReplayLog.open(dir.resolve("x"), 0));
        BackendException b = e.toBackendException();
        assertTrue(b.getMessage().startsWith("backend error: replay log capacity 0"), b.getMessage());
        assertTrue(b.getMessage().endsWith("Fix: " + e.fix()), b.getMessage());
        assertSame(e, b.getCause());
    }

    @Test
    void slotRangeQueriesFindTheRecordsAndTheNewestPerSlot() {
        Path p = dir.resolve("range.vrrl");
        try (ReplayLog log = ReplayLog.open(p, 16)) {
            int[] slots = {0, 1, 2, 3, 1, 2, 5, 1};
            for (int i = 0; i < slots.length; i++) {
                log.append(slot(slots[i], i, 0));
            }
            assertEquals(List.of(1L, 2L, 4L, 5L, 7L), log.recordsForSlots(1, 3).stream()
                    .map(ReplayRecord::timestampNs).toList());
            assertEquals(List.of(5L, 7L), log.latestForSlots(1, 3).stream().map(ReplayRecord::timestampNs).toList());
            assertEquals(List.of(3L, 5L, 6L, 7L), log.latestForSlots(1, 8).stream().map(ReplayRecord::timestampNs)
                    .toList(), "newest of slots 3, 2, 5, 1 in publish order");
            assertEquals(List.of(), log.latestForSlots(9, 12));
            assertThrows(dev.vyre.protocol.VyreArgumentException.class, () -> log.recordsForSlots(3, 1));
        }
    }
}
