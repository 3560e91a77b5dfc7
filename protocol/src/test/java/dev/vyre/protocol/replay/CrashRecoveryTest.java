package dev.vyre.protocol.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.ReplayLogException;
import dev.vyre.protocol.ReplayLogException.Kind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a full-image log reads as after a crash (docs/PROTOCOL.md, "Writing, rollover, crashes"), on files built by
 * hand from the format's table: records written past the persisted cursor are recovered by their sequence numbers
 * (several of them, not only the one at the cursor), torn records read as never written, the records returned have
 * consecutive sequence numbers, and anything a crash cannot leave is a corrupt log.
 */
class CrashRecoveryTest {

    @TempDir
    Path dir;

    private static final int[] IMAGE = {1, Opcodes.ATOMIC_ADD, 0, 2, 0, 160, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};

    /** Writes record {@code position} with sequence number {@code sequence} (ring slot = sequence % 8). */
    private static void record(ByteBuffer b, int position, long sequence) {
        int[] image = IMAGE.clone();
        image[4] = (int) sequence;
        Vrrl.fullRecord(b, position, (int) (sequence % 8), 1000 + sequence, sequence, (int) sequence / 4, image, 0, 0,
                0, 0);
    }

    private Path file(String name, ByteBuffer b) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, Vrrl.bytes(b));
        return p;
    }

    private static List<Long> sequences(ReplayLog log) {
        return log.records().stream().map(ReplayRecord::sequence).toList();
    }

    private static List<Long> range(long from, long toInclusive) {
        return LongStream.rangeClosed(from, toInclusive).boxed().toList();
    }

    @Test
    void severalRecordsWrittenPastTheCursorAreRecoveredInOrder() throws IOException {
        // capacity 8, cursor 2 (sequence 9 at position 1 is the newest persisted), then 10, 11, 12 written past it
        ByteBuffer b = Vrrl.fullFile(8, 2, 8, 2, 100, 4096);
        for (int p = 0; p < 8; p++) {
            record(b, p, p < 2 ? 8 + p : p); // positions 2..7 hold the previous lap: 2..7
        }
        record(b, 2, 10);
        record(b, 3, 11);
        record(b, 4, 12);
        try (ReplayLog log = ReplayLog.read(file("past.vrri", b))) {
            assertEquals(range(5, 12), sequences(log));
            ReplayRecord newest = log.newest().orElseThrow();
            assertEquals(12, newest.sequence());
            assertEquals(12, newest.word(4));
            assertEquals(4, newest.slotIndex());
            assertEquals(3, newest.epoch());
            assertEquals(1012, newest.timestampNs());
            assertEquals(range(5, 12), log.records().stream().map(r -> (long) r.word(4)).toList());
            // the newest record of ring slots 3..6 (slot = sequence % 8), in publish order: 5, 6, 11, 12
            assertEquals(List.of(5L, 6L, 11L, 12L), log.latestForSlots(3, 7).stream().map(ReplayRecord::sequence)
                    .toList());
        }
    }

    @Test
    void aTornRecordEndsTheRecoveredRunAndOlderRecordsBeforeAHoleAreDropped() throws IOException {
        // cursor 3, newest persisted 10 at position 2; 11 written at 3, 12 torn at 4 (magic 0), 13 untouched at 5:
        // position 5 still holds the previous lap's 5, so 4 (lost with the torn write) leaves a gap before it
        ByteBuffer b = Vrrl.fullFile(8, 3, 8, 2, 100, 4096);
        for (int p = 0; p < 8; p++) {
            record(b, p, p < 3 ? 8 + p : p);
        }
        record(b, 3, 11);
        b.putInt(64 + 128 * 4, 0); // torn: its magic was cleared, its fields half written
        try (ReplayLog log = ReplayLog.read(file("torn.vrri", b))) {
            assertEquals(range(5, 11), sequences(log));
            assertEquals(11, log.newest().orElseThrow().sequence());
        }
        // the same without the record past the cursor: position 3 holds the previous lap's 3, dropped before the hole
        ByteBuffer c = Vrrl.fullFile(8, 3, 8, 2, 100, 4096);
        for (int p = 0; p < 8; p++) {
            record(c, p, p < 3 ? 8 + p : p);
        }
        c.putInt(64 + 128 * 4, 0);
        try (ReplayLog log = ReplayLog.read(file("hole.vrri", c))) {
            assertEquals(range(5, 10), sequences(log));
            assertEquals(10, log.newest().orElseThrow().sequence());
        }
    }

    @Test
    void aFirstLapCrashRecoversEveryRecordWrittenPastTheCursor() throws IOException {
        ByteBuffer b = Vrrl.fullFile(8, 2, 8, 2, 100, 4096);
        for (int p = 0; p < 5; p++) {
            record(b, p, p);
        }
        try (ReplayLog log = ReplayLog.read(file("first-lap.vrri", b))) {
            assertEquals(range(0, 4), sequences(log));
        }
        ByteBuffer z = Vrrl.fullFile(8, 0, 8, 2, 100, 4096); // no cursor store at all before the crash
        for (int p = 0; p < 3; p++) {
            record(z, p, p);
        }
        try (ReplayLog log = ReplayLog.read(file("no-cursor.vrri", z))) {
            assertEquals(range(0, 2), sequences(log));
            assertEquals(2, log.newest().orElseThrow().sequence());
        }
    }

    @Test
    void aNewerRecordAfterAHoleIsNotWhatACrashLeavesAndIsACorruptLog() throws IOException {
        // magics are set in publish order, so a complete record never follows a torn one past the cursor
        ByteBuffer b = Vrrl.fullFile(8, 2, 8, 2, 100, 4096);
        for (int p = 0; p < 8; p++) {
            record(b, p, p < 2 ? 8 + p : p);
        }
        b.putInt(64 + 128 * 2, 0);
        record(b, 3, 11);
        try (ReplayLog log = ReplayLog.read(file("gap.vrri", b))) {
            ReplayLogException e = assertThrows(ReplayLogException.class, log::records);
            assertEquals(Kind.CORRUPT_RECORD, e.kind());
            assertTrue(e.getMessage().contains("record 3 has sequence number 11 where 3 follows"), e.getMessage());
            assertTrue(e.getMessage().contains("Fix: "), e.getMessage());
        }
        ByteBuffer m = Vrrl.fullFile(8, 2, 8, 2, 100, 4096); // an old record with a sequence number of no lap
        for (int p = 0; p < 8; p++) {
            record(m, p, p < 2 ? 8 + p : p);
        }
        record(m, 6, 40);
        try (ReplayLog log = ReplayLog.read(file("stranger.vrri", m))) {
            assertEquals(Kind.CORRUPT_RECORD, assertThrows(ReplayLogException.class, log::records).kind());
        }
    }

    @Test
    void reopeningACrashedLogKeepsTheRecordAtTheCursorAndClearsTheRest() throws IOException {
        ByteBuffer b = Vrrl.fullFile(8, 2, 8, 2, 100, 4096);
        for (int p = 0; p < 8; p++) {
            record(b, p, p < 2 ? 8 + p : p);
        }
        record(b, 2, 10);
        record(b, 3, 11);
        record(b, 4, 12);
        Path p = file("reopen.vrri", b);
        SessionGeometry g = new SessionGeometry(8, 2, 100, 4096);
        try (ReplayLog log = ReplayLog.open(p, 8, ReplayLogFormat.FULL_IMAGE, g)) {
            assertEquals(range(5, 10), sequences(log), "11 and 12 cleared, 10 kept until the next append");
            assertEquals(10, log.newest().orElseThrow().sequence());
            log.recordPublish(7, 1, Opcodes.NOP, 0, 0, 0); // overwrites 10 at the cursor, with the same number
            log.recordPublish(6, 1, Opcodes.NOP, 0, 0, 0);
            assertEquals(range(5, 11), sequences(log));
            assertEquals(6, log.newest().orElseThrow().slotIndex());
        }
        try (ReplayLog log = ReplayLog.read(p)) {
            assertEquals(range(5, 11), sequences(log));
            assertArrayEquals(new int[] {1, Opcodes.NOP, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
                    log.records().get(6).image());
        }
    }

    /**
     * The previous lap held sequence numbers 0..7; a crash came with records 8..11 complete at positions 0..3 (their
     * cursor store lost), 4..6 untouched and position 7 torn: a drainer already cleared it for sequence number 15,
     * which lies within {@code capacity} records of the cursor. Nothing precedes the cursor, so the run starts at it.
     */
    private static ByteBuffer tornBeforeTheCursor() {
        ByteBuffer b = Vrrl.fullFile(8, 0, 8, 2, 100, 4096);
        for (int p = 0; p < 8; p++) {
            record(b, p, p < 4 ? 8 + p : p);
        }
        b.putInt(64 + 128 * 7, 0);
        return b;
    }

    @Test
    void aTornRecordBeforeTheCursorStillRecoversTheRunAtTheCursor() throws IOException {
        try (ReplayLog log = ReplayLog.read(file("torn-before.vrri", tornBeforeTheCursor()))) {
            // 4..6 are older than the lost 7: returning them would leave a gap before the run
            assertEquals(range(8, 11), sequences(log));
            assertEquals(11, log.newest().orElseThrow().sequence());
        }
    }

    @Test
    void withNothingBeforeTheCursorANewerRecordAfterAHoleIsACorruptLog() throws IOException {
        ByteBuffer b = Vrrl.fullFile(8, 0, 8, 2, 100, 4096);
        record(b, 0, 10);
        record(b, 2, 11); // position 1 never written: 11 cannot follow it, nor be older than 10
        try (ReplayLog log = ReplayLog.read(file("hole-after-cursor.vrri", b))) {
            ReplayLogException e = assertThrows(ReplayLogException.class, log::records);
            assertEquals(Kind.CORRUPT_RECORD, e.kind());
            assertTrue(e.getMessage().contains("record 2 has sequence number 11 where 4 follows"), e.getMessage());
            assertEquals(10, log.newest().orElseThrow().sequence());
        }
    }

    @Test
    void reopeningWithATornRecordBeforeTheCursorContinuesTheRun() throws IOException {
        Path p = file("torn-before-reopen.vrri", tornBeforeTheCursor());
        SessionGeometry g = new SessionGeometry(8, 2, 100, 4096);
        try (ReplayLog log = ReplayLog.open(p, 8, ReplayLogFormat.FULL_IMAGE, g)) {
            assertEquals(List.of(8L), sequences(log), "9..11 cleared, 8 kept until the next append");
            log.recordPublish(5, 1, Opcodes.NOP, 0, 0, 0); // overwrites 8 at the cursor, with the same number
            log.recordPublish(6, 1, Opcodes.NOP, 0, 0, 0);
            assertEquals(range(8, 9), sequences(log));
            assertEquals(List.of(2, 2), log.records().stream().map(ReplayRecord::epoch).toList(),
                    "the epoch continues from the replaced record");
        }
        try (ReplayLog log = ReplayLog.read(p)) {
            assertEquals(range(8, 9), sequences(log));
            assertEquals(6, log.newest().orElseThrow().slotIndex());
        }
    }
}
