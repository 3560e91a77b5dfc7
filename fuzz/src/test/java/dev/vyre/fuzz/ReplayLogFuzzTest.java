package dev.vyre.fuzz;

import static dev.vyre.fuzz.Checks.assertOneFix;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vyre.protocol.ReplayLogException;
import dev.vyre.protocol.ReplayLogException.Kind;
import dev.vyre.protocol.VyreArgumentException;
import dev.vyre.protocol.replay.FailureClass;
import dev.vyre.protocol.replay.ReplayFailureEvidence;
import dev.vyre.protocol.replay.ReplayLog;
import dev.vyre.protocol.replay.ReplayLogFormat;
import dev.vyre.protocol.replay.ReplayRecord;
import dev.vyre.protocol.replay.SessionGeometry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * Jazzer target over the replay log reader ({@link ReplayLog}, VRRL0001 and VRRI0001): any bytes, written to a
 * file, are opened read-only ({@link ReplayLog#read}), read ({@code records}, {@code forEachRecord},
 * {@code newest}, {@code recordCount}, {@code recordsForSlots}, {@code latestForSlots}, {@code replayAll}), opened
 * for appending ({@link ReplayLog#open(Path, long, ReplayLogFormat, SessionGeometry)}), appended to and read again.
 *
 * <p>An independent model of docs/PROTOCOL.md ("Replay logs") predicts every outcome from the bytes: which
 * {@link ReplayLogException} kind a header earns, whether the records are corrupt, which positions are read in
 * which order (oldest first from the cursor; in a full-image log after a crash, by "Writing, rollover, crashes":
 * the older records after the last torn position, then the run written past the cursor), and each record's fields
 * from the bytes at its offsets. The reader may only throw {@link ReplayLogException} with exactly one {@code Fix:}
 * (never wrapping a runtime exception of its own); an accepted log reads the same twice and from a second
 * mapping; an append changes exactly its record and the cursor (and opening a crashed full-image log clears the
 * magics of the run past the cursor but its first record).
 */
class ReplayLogFuzzTest {

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int MAGIC = 0xDEADBEEF;
    private static final long MAX_CAPACITY = 1L << 20;
    private static final Path FILE = tempFile();

    @FuzzTest(maxDuration = "10s")
    void replayLog(byte[] bytes) throws IOException {
        Files.write(FILE, bytes);
        Model model = new Model(bytes);
        Outcome first = readAll(model);
        Outcome second = readAll(model);
        assertEquals(first, second, "a second read of the same bytes differs");
        if (model.rejection == null) {
            appendAndReread(model, bytes);
        } else {
            assertOpenRefused(model, bytes);
        }
    }

    // ------------------------------------------------------------------ reading

    /** Reads the file read-only through every reading method, checks each against the model, returns what it saw. */
    private static Outcome readAll(Model model) {
        ReplayLog log;
        try {
            log = ReplayLog.read(FILE);
        } catch (RuntimeException e) {
            Kind kind = documented(e);
            assertEquals(model.rejection, kind, () -> "read refused with " + e.getMessage());
            return new Outcome(e.getMessage(), List.of());
        }
        try (log) {
            assertEquals(null, model.rejection, "read accepted a log the model rejects with " + model.rejection);
            assertFalse(log.isWritable());
            assertEquals(model.format, log.format());
            assertEquals(model.capacity, log.capacity());
            assertEquals(model.cursor, log.cursor());
            assertEquals(model.full ? Optional.of(model.geometry) : Optional.empty(), log.geometry());
            assertEquals(model.written, log.recordCount());
            checkNewest(model, log);
            List<ReplayRecord> records;
            try {
                records = log.records();
            } catch (RuntimeException e) {
                assertEquals(Kind.CORRUPT_RECORD, documented(e), e::getMessage);
                assertTrue(model.corrupt, () -> "records() refused a log the model reads: " + e.getMessage());
                List<ReplayRecord> seen = new ArrayList<>();
                RuntimeException again = refused(() -> log.forEachRecord(seen::add));
                assertEquals(e.getMessage(), again.getMessage(), "forEachRecord refuses differently");
                assertEquals(model.order.size(), seen.size(), "forEachRecord visited another number of records"
                        + " before the first corrupt one");
                for (int i = 0; i < seen.size(); i++) {
                    assertEquals(model.expected(model.order.get(i)), seen.get(i), "record " + i);
                }
                return new Outcome(e.getMessage(), seen);
            }
            assertFalse(model.corrupt, "records() read a log the model finds corrupt");
            assertEquals(model.order.size(), records.size(), "record count");
            for (int i = 0; i < records.size(); i++) {
                ReplayRecord r = records.get(i);
                assertEquals(model.expected(model.order.get(i)), r, "record " + i + " at position "
                        + model.order.get(i));
                MemorySegment image = MemorySegment.ofArray(new byte[64]);
                r.writeImage(image, 0);
                for (int w = 0; w < 16; w++) {
                    assertEquals(r.word(w), image.get(INT, 4L * w), "writeImage word " + w);
                }
            }
            assertEquals(records, log.records(), "records() twice on one mapping");
            assertEquals(records, log.replayRecords());
            assertEquals(records.stream().map(ReplayRecord::slot).toList(), log.replayAll());
            List<ReplayRecord> visited = new ArrayList<>();
            log.forEachRecord(visited::add);
            assertEquals(records, visited);
            checkSlotQueries(records, log);
            return new Outcome(null, records);
        }
    }

    private static void checkNewest(Model model, ReplayLog log) {
        Optional<ReplayRecord> newest;
        try {
            newest = log.newest();
        } catch (RuntimeException e) {
            assertEquals(Kind.CORRUPT_RECORD, documented(e), e::getMessage);
            assertTrue(model.newestCorrupt, () -> "newest() refused: " + e.getMessage());
            return;
        }
        assertFalse(model.newestCorrupt, "newest() read a record the model finds corrupt");
        assertEquals(model.newest < 0 ? Optional.empty() : Optional.of(model.expected(model.newest)), newest);
    }

    private static void checkSlotQueries(List<ReplayRecord> records, ReplayLog log) {
        int from = records.isEmpty() ? 0 : Math.max(0, records.get(0).slotIndex());
        int to = from < Integer.MAX_VALUE - 4 ? from + 4 : Integer.MAX_VALUE;
        List<ReplayRecord> inRange = records.stream().filter(r -> r.slotIndex() >= from && r.slotIndex() < to)
                .toList();
        assertEquals(inRange, log.recordsForSlots(from, to));
        List<ReplayRecord> latest = new ArrayList<>();
        for (int i = 0; i < inRange.size(); i++) {
            ReplayRecord r = inRange.get(i);
            boolean newer = false;
            for (int j = i + 1; j < inRange.size(); j++) {
                newer |= inRange.get(j).slotIndex() == r.slotIndex();
            }
            if (!newer) {
                latest.add(r);
            }
        }
        assertEquals(latest, log.latestForSlots(from, to));
    }

    // ------------------------------------------------------------------ appending

    /** Opens an accepted log for appending, appends one record, and checks the file changed exactly there. */
    private static void appendAndReread(Model model, byte[] before) throws IOException {
        ReplayLog log;
        try {
            log = ReplayLog.open(FILE, model.capacity, model.format, model.geometry);
        } catch (RuntimeException e) {
            assertEquals(Kind.CORRUPT_RECORD, documented(e), e::getMessage);
            assertTrue(model.resumeCorrupt, () -> "open refused a log the model resumes: " + e.getMessage());
            assertArrayEquals(before, Files.readAllBytes(FILE), "a refused open changed the file");
            return;
        }
        assertFalse(model.resumeCorrupt, "open resumed from a newest record the model finds corrupt");
        long position = model.cursor;
        long sequence;
        int slot;
        int[] image = new int[16];
        CRC32C crc = new CRC32C();
        crc.update(before);
        int seed = (int) crc.getValue();
        for (int w = 0; w < 16; w++) {
            image[w] = seed * (w + 1) ^ (w << 20);
        }
        slot = model.full ? Integer.remainderUnsigned(seed, model.geometry.slotCount()) : seed & 0x3FFF_FFFF;
        ReplayFailureEvidence evidence = new ReplayFailureEvidence(seed >>> 8, FailureClass.of(seed & 7), ~seed,
                (long) seed << 17);
        long timestamp = seed & 0xFFFF_FFFFL | 1L << 40;
        int epoch = seed >>> 3;
        try (log) {
            assertTrue(log.isWritable());
            assertEquals(model.cursor, log.cursor());
            sequence = model.resumeSequence;
            log.append(new ReplayRecord(-77, timestamp, slot, epoch, image, true, evidence));
            assertEquals((position + 1) % model.capacity, log.cursor());
        }
        byte[] after = Files.readAllBytes(FILE);
        assertEquals(before.length, after.length, "an append changed the file's length");
        byte[] resumed = before.clone(); // the file as opening it leaves it: the run past the cursor cleared
        for (long cleared : model.resumeCleared) {
            MemorySegment.ofArray(resumed).set(INT, model.format.recordOffset(cleared), 0);
        }
        long at = model.format.recordOffset(position);
        int recordBytes = model.format.recordBytes();
        for (int i = 0; i < after.length; i++) {
            boolean inRecord = i >= at && i < at + recordBytes;
            boolean inCursor = i >= ReplayLogFormat.CURSOR_OFFSET && i < ReplayLogFormat.CURSOR_OFFSET + 8;
            if (!inRecord && !inCursor && after[i] != resumed[i]) {
                fail("an append at position " + position + " changed byte " + i + " (opening clears the magics of "
                        + model.resumeCleared + ")");
            }
        }
        MemorySegment file = MemorySegment.ofArray(after);
        assertEquals((position + 1) % model.capacity, file.get(LONG, ReplayLogFormat.CURSOR_OFFSET));
        Model next = new Model(after);
        ReplayRecord written = next.expected(position);
        int[] stored = written.image();
        if (model.full) {
            assertArrayEquals(image, stored, "image of the appended record");
            assertEquals(sequence, written.sequence());
            assertEquals(slot, written.slotIndex());
            assertEquals(0L, file.get(LONG, at + 48));
            assertEquals(0L, file.get(LONG, at + 56));
        } else {
            assertArrayEquals(new int[] {1, image[1], image[2], 2, image[4], image[5], image[6], image[7],
                    0, 0, 0, 0, 0, 0, 0, 0}, stored, "VRRL0001 keeps opcode, tenant and argument words 0..3");
        }
        assertEquals(timestamp, written.timestampNs());
        assertEquals(epoch, written.epoch());
        assertEquals(evidence, written.failure());
        Outcome reread = readAll(next);
        assertEquals(reread, readAll(next), "a second read after the append differs");
    }

    /** A header the reader refuses is refused by open too, with the same kind, and the file stays as it was. */
    private static void assertOpenRefused(Model model, byte[] before) throws IOException {
        if (before.length == 0) {
            return; // open creates a log in an empty file
        }
        ReplayLogFormat format = model.format != null ? model.format : ReplayLogFormat.VRRL0001;
        try (ReplayLog log = ReplayLog.open(FILE, 1, format, new SessionGeometry(1, 0, 0, 0))) {
            fail("open accepted a log that read refuses (" + model.rejection + "): " + log.capacity());
        } catch (RuntimeException e) {
            assertEquals(model.rejection, documented(e), e::getMessage);
        }
        assertArrayEquals(before, Files.readAllBytes(FILE), "a refused open changed the file");
    }

    // ------------------------------------------------------------------ helpers

    /** @return the kind of a documented refusal; fails on anything else (other classes, a wrapped bug, no Fix) */
    private static Kind documented(RuntimeException e) {
        if (!(e instanceof ReplayLogException r)) {
            throw new AssertionError("undocumented " + e, e);
        }
        assertOneFix(e);
        Throwable cause = e.getCause();
        if (cause != null && !(cause instanceof IOException) && !(cause instanceof UncheckedIOException)
                && !(cause instanceof VyreArgumentException && r.kind() == Kind.HEADER_MISMATCH)) {
            throw new AssertionError("a ReplayLogException wraps a runtime failure of the reader: " + cause, e);
        }
        return r.kind();
    }

    private static RuntimeException refused(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            return e;
        }
        throw new AssertionError("expected a refusal");
    }

    private static Path tempFile() {
        try {
            Path shm = Path.of("/dev/shm");
            Path dir = Files.isDirectory(shm) && Files.isWritable(shm) ? shm
                    : Path.of(System.getProperty("java.io.tmpdir"));
            Path p = Files.createTempFile(dir, "vyre-replay-fuzz", ".log");
            p.toFile().deleteOnExit();
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What one read-only pass saw: the refusal's message, or null, and the records read before it. */
    private record Outcome(String refusal, List<ReplayRecord> records) {
    }

    /**
     * The reader as docs/PROTOCOL.md specifies it, computed from the bytes alone: the header's verdict, the
     * positions {@code records()} returns in order, and each record's fields from the bytes at its offsets.
     */
    private static final class Model {
        final MemorySegment b;
        final long length;
        ReplayLogFormat format;
        boolean full;
        Kind rejection;
        long capacity;
        long cursor;
        SessionGeometry geometry;
        long written;
        /** Positions in the order records() returns them, up to (excluding) the first corrupt one. */
        final List<Long> order = new ArrayList<>();
        boolean corrupt;
        long newest = -1;
        boolean newestCorrupt;
        boolean resumeCorrupt;
        long resumeSequence;
        /** Positions whose magic opening for appending clears (the run past the cursor but its first record). */
        final List<Long> resumeCleared = new ArrayList<>();

        Model(byte[] bytes) {
            b = MemorySegment.ofArray(bytes);
            length = bytes.length;
            header(bytes);
            if (rejection == null) {
                records();
            }
        }

        private void header(byte[] bytes) {
            if (length < 8) {
                rejection = Kind.IO;
                return;
            }
            String magic = new String(bytes, 0, 8, StandardCharsets.ISO_8859_1);
            format = magic.equals("VRRL0001") ? ReplayLogFormat.VRRL0001
                    : magic.equals("VRRI0001") ? ReplayLogFormat.FULL_IMAGE : null;
            if (format == null) {
                rejection = Kind.HEADER_MISMATCH;
                return;
            }
            full = format == ReplayLogFormat.FULL_IMAGE;
            int headerBytes = full ? 64 : 32;
            if (length < headerBytes) {
                rejection = Kind.IO;
                return;
            }
            if (b.get(INT, 8) != 1) {
                rejection = Kind.HEADER_MISMATCH;
                return;
            }
            capacity = b.get(LONG, 16);
            if (capacity == 0) {
                rejection = Kind.ZERO_CAPACITY;
                return;
            }
            if (capacity < 0 || capacity > MAX_CAPACITY) {
                rejection = Kind.CAPACITY_OVERFLOW;
                return;
            }
            if (full) {
                int slots = b.get(INT, 32);
                int tenants = b.get(INT, 36);
                int observable = b.get(INT, 40);
                long data = b.get(LONG, 48);
                if (slots < 1 || slots > 1 << 20 || tenants < 0 || observable < 0 || observable > 1 << 20
                        || data < 0) {
                    rejection = Kind.HEADER_MISMATCH;
                    return;
                }
                geometry = new SessionGeometry(slots, tenants, observable, data);
            }
            if (length < headerBytes + capacity * (full ? 128 : 64)) {
                rejection = Kind.IO;
                return;
            }
            cursor = Long.remainderUnsigned(b.get(LONG, 24), capacity);
        }

        private long offset(long position) {
            return full ? 64 + 128 * position : 32 + 64 * position;
        }

        private int magic(long position) {
            return b.get(INT, offset(position));
        }

        /** @return true for a record magic other than 0 (never written or torn) and 0xDEADBEEF (written) */
        private static boolean foreign(int magic) {
            return magic != 0 && magic != MAGIC;
        }

        /** @return true when the full-image record at {@code position} names a ring slot outside the ring */
        private boolean badSlot(long position) {
            int slot = b.get(INT, offset(position) + 4);
            return full && (slot < 0 || slot >= geometry.slotCount());
        }

        /** @return true when the record is written but corrupt: a foreign magic, or a ring slot outside the ring */
        private boolean bad(long position) {
            int m = magic(position);
            return foreign(m) || m == MAGIC && badSlot(position);
        }

        private long sequence(long position) {
            return b.get(LONG, offset(position) + 16);
        }

        /** @return the position {@code k} records from the persisted cursor on */
        private long at(long k) {
            return (cursor + k) % capacity;
        }

        /**
         * The run written past the persisted cursor before a crash: the positions {@code cursor + k} that hold, one
         * after another from {@code k = 0}, sequence numbers {@code newest + 1 + k} (never the position before the
         * cursor, which holds the newest itself or nothing).
         *
         * @return the run's length, or -1 when a foreign magic is met before it ends
         */
        private long run(long newest) {
            long k = 0;
            while (k < capacity - 1) {
                int m = magic(at(k));
                if (foreign(m)) {
                    return -1;
                }
                if (m != MAGIC || sequence(at(k)) != newest + 1 + k) {
                    break;
                }
                k++;
            }
            return k;
        }

        private void records() {
            for (long p = 0; p < capacity; p++) {
                if (magic(p) != 0) {
                    written++;
                }
            }
            long previous = cursor == 0 ? capacity - 1 : cursor - 1;
            int before = magic(previous);
            int atCursor = magic(cursor);
            if (full && foreign(before)) {
                corrupt = true;
            } else if (full && before == MAGIC) {
                afterCrash(sequence(previous));
            } else if (full && foreign(atCursor)) {
                corrupt = true;
            } else if (full && atCursor == MAGIC) {
                afterCrash(sequence(cursor) - 1); // nothing before the cursor: the run starts at it
            } else {
                inOrder();
            }
            newest(previous, before, atCursor);
            resume(previous, before, atCursor);
        }

        /**
         * docs/PROTOCOL.md for a full-image log whose newest record before the cursor has sequence number
         * {@code newest}: position {@code cursor + k} holds {@code newest + 1 + k - capacity} (older), magic 0, or,
         * in the unbroken run from the cursor on, {@code newest + 1 + k}; anything else makes the whole log corrupt
         * (refused before any record is returned, since which older records are returned depends on every
         * position). Returned: the older records after the last torn or never-written position, then the run; a
         * record naming a slot outside the ring is refused where it is read.
         */
        private void afterCrash(long newest) {
            long past = run(newest);
            if (past < 0) {
                corrupt = true;
                return;
            }
            long from = past;
            for (long k = past; k < capacity; k++) {
                int m = magic(at(k));
                if (foreign(m) || m == MAGIC && sequence(at(k)) != newest + 1 + k - capacity) {
                    corrupt = true;
                    return;
                }
                if (m == 0) {
                    from = k + 1;
                }
            }
            List<Long> emit = new ArrayList<>();
            for (long k = from; k < capacity; k++) {
                emit.add(at(k));
            }
            for (long k = 0; k < past; k++) {
                emit.add(at(k));
            }
            for (long p : emit) {
                if (badSlot(p)) {
                    corrupt = true;
                    return;
                }
                order.add(p);
            }
        }

        /**
         * Oldest first from the cursor, never-written positions skipped (VRRL0001; a full-image log with no record
         * before or at the cursor, whose sequence numbers must then follow each other).
         */
        private void inOrder() {
            boolean haveExpected = false;
            long expected = 0;
            for (long k = 0; k < capacity; k++) {
                long p = at(k);
                if (magic(p) == 0) {
                    continue;
                }
                if (bad(p) || full && haveExpected && sequence(p) != expected) {
                    corrupt = true;
                    return;
                }
                haveExpected = true;
                expected = sequence(p) + 1;
                order.add(p);
            }
        }

        /** {@code newest()}: the end of the run past the cursor, else the record before the cursor. */
        private void newest(long previous, int before, int atCursor) {
            long position = -1;
            if (full && (foreign(before) || before == 0 && foreign(atCursor))) {
                newestCorrupt = true;
                return;
            }
            if (full && (before == MAGIC || atCursor == MAGIC)) {
                long past = before == MAGIC ? run(sequence(previous)) : run(sequence(cursor) - 1);
                if (past < 0) {
                    newestCorrupt = true;
                    return;
                }
                position = past == 0 ? previous : at(past - 1);
            } else if (foreign(before)) {
                newestCorrupt = true;
                return;
            } else if (before == MAGIC) {
                position = previous;
            }
            if (position >= 0 && badSlot(position)) {
                newestCorrupt = true;
                return;
            }
            newest = position;
        }

        /**
         * Opening for appending: the next record continues the newest before the cursor, or, in a full-image log
         * with none there, replaces the first of the run at the cursor; the run's other records are cleared.
         */
        private void resume(long previous, int before, int atCursor) {
            if (before == MAGIC) {
                resumeCorrupt = badSlot(previous);
                resumeSequence = full ? sequence(previous) + 1 : 0;
                if (full && !resumeCorrupt) {
                    clearRun(run(sequence(previous)));
                }
            } else if (full && before == 0 && atCursor == MAGIC) {
                resumeCorrupt = badSlot(cursor);
                resumeSequence = sequence(cursor);
                if (!resumeCorrupt) {
                    clearRun(run(sequence(cursor) - 1));
                }
            }
        }

        private void clearRun(long past) {
            if (past < 0) {
                resumeCorrupt = true;
                return;
            }
            for (long k = 1; k < past; k++) {
                resumeCleared.add(at(k));
            }
        }

        /** @return the record at {@code position} as docs/PROTOCOL.md lays it out */
        ReplayRecord expected(long position) {
            long at = offset(position);
            int[] image = new int[16];
            if (full) {
                for (int w = 0; w < 16; w++) {
                    image[w] = b.get(INT, at + 64 + 4L * w);
                }
                return new ReplayRecord(b.get(LONG, at + 16), b.get(LONG, at + 8), b.get(INT, at + 4),
                        b.get(INT, at + 24), image, true, evidence(at + 28, at + 32, at + 36, at + 40));
            }
            image[0] = 1; // PUBLISHED
            image[1] = b.get(INT, at + 20);
            image[2] = b.get(INT, at + 16);
            image[3] = 2; // NORMAL
            for (int j = 0; j < 4; j++) {
                image[4 + j] = b.get(INT, at + 24 + 4L * j);
            }
            return new ReplayRecord(-1, b.get(LONG, at + 4), b.get(INT, at + 12), b.get(INT, at + 40), image, false,
                    evidence(at + 44, at + 48, at + 52, at + 56));
        }

        private ReplayFailureEvidence evidence(long status, long cls, long code, long digest) {
            int s = b.get(INT, status);
            int c = b.get(INT, cls);
            int e = b.get(INT, code);
            long d = b.get(LONG, digest);
            if (s == 0 && c == 0 && e == 0 && d == 0) {
                return ReplayFailureEvidence.NONE;
            }
            FailureClass fc = switch (c) {
                case 0 -> FailureClass.NONE;
                case 1 -> FailureClass.DEVICE_LOSS;
                case 2 -> FailureClass.TRANSIENT_QUEUE;
                case 3 -> FailureClass.PROGRAM_BUG;
                default -> FailureClass.UNCLASSIFIED;
            };
            return new ReplayFailureEvidence(s, fc, e, d);
        }
    }

}
