package dev.vyre.protocol.replay;

import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.Priority;
import dev.vyre.protocol.ReplayLogException;
import dev.vyre.protocol.ReplayLogException.Kind;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotStatus;
import dev.vyre.protocol.VyreArgumentException;
import dev.vyre.protocol.Words;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A circular on-disk log of host-published ring slots, for differential replay ({@code vyre replay}),
 * post-mortems and re-running the slots a lost device did not finish. The file is memory-mapped: an
 * append is a handful of stores into the mapping and one release store of the cursor, with no system
 * call and no allocation; the kernel writes the pages back (a crashed JVM loses nothing, a crashed
 * machine loses what {@link #sync()} did not force).
 *
 * <h2>Formats</h2>
 * {@link ReplayLogFormat#VRRL0001} is the wire-compatible file, byte for byte: a 32-byte header and 64-byte
 * records holding opcode, tenant and the first 4 argument words. {@link ReplayLogFormat#FULL_IMAGE} keeps the whole
 * 64-byte slot image, a publish sequence number and the session geometry. docs/PROTOCOL.md gives both.
 *
 * <h2>Writing</h2>
 * Each append lays the record out in a staging array, then writes it at the cursor (its magic cleared first
 * and set last, so a record torn by a crash reads as never written; a run of images in one bulk copy),
 * advances the cursor modulo the capacity and stores it at header offset 24 (release). After creation only that aligned 8-byte word of the header changes, so the header is never
 * torn. Magics are set in publish order, so the records written just before a crash without their cursor update
 * are an unbroken run from the persisted cursor on: a VRRL0001 log replays them first (as if oldest, as every
 * VRRL0001 reader does) until appends overwrite them; a full-image log recognises them by their sequence numbers
 * and replays them last, where they belong, and returns only the older records after the last torn one (its
 * sequence numbers never have a gap). Rollover keeps the newest {@code capacity} records in publish order.
 *
 * <p>The {@code record...} methods are the session's publish-path recorders: they take the time and the
 * BATCH_FENCE epoch themselves and allocate nothing. A record's epoch is the EPOCH value its slot is
 * published into: the BATCH_FENCE ops recorded before it (a PUBLISHED BATCH_FENCE slot counts one, a
 * PUBLISHED packed slot each inner BATCH_FENCE its payload runs), so a fence closes its epoch. (A VRRL0001
 * writer may store instead the EPOCH word it observes at publish, which races with the device; this count
 * is what that word reads once every earlier slot ran, the same on every backend.) {@link #recordImages}
 * reads the clock once per run; the single-slot recorders read it every {@value #STAMP_EVERY} records and
 * stamp the records between with that reading (a clock read can cost more than the rest of a record). The
 * {@code append...} methods write a record with fields the caller gives (the VRRL0001 API: {@code append},
 * {@code append_with_failure}). All methods are thread-safe (one lock per log).
 *
 * <h2>Reading</h2>
 * {@link #records()} returns every written record oldest first; {@link #recordsForSlots},
 * {@link #latestForSlots} and {@link #newest()} select by ring slot or age. {@link #read(Path)} opens any
 * log read-only.
 *
 * <p>Every failure is a {@link ReplayLogException} naming the file, with a {@code Fix:}.
 */
public final class ReplayLog implements SlotRecorder {

    /** Largest capacity, in records. */
    public static final long MAX_CAPACITY = 1L << 20;

    // VRRL0001 record fields (byte offsets within a 64-byte record)
    static final int V_TIMESTAMP = 4;
    static final int V_SLOT = 12;
    static final int V_TENANT = 16;
    static final int V_OPCODE = 20;
    static final int V_ARGS = 24;
    static final int V_EPOCH = 40;
    static final int V_STATUS = 44;
    static final int V_CLASS = 48;
    static final int V_CODE = 52;
    static final int V_DIGEST = 56;
    // FULL_IMAGE record fields (byte offsets within a 128-byte record)
    static final int F_SLOT = 4;
    static final int F_TIMESTAMP = 8;
    static final int F_SEQUENCE = 16;
    static final int F_EPOCH = 24;
    static final int F_STATUS = 28;
    static final int F_CLASS = 32;
    static final int F_CODE = 36;
    static final int F_DIGEST = 40;
    static final int F_RESERVED = 48;
    static final int F_IMAGE = 64;
    // FULL_IMAGE header: the session geometry
    static final int G_SLOTS = 32;
    static final int G_TENANTS = 36;
    static final int G_OBSERVABLE = 40;
    static final int G_RESERVED = 44;
    static final int G_DATA = 48;
    static final int G_RESERVED2 = 56;

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG_UNALIGNED =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG_HANDLE = LONG.varHandle();
    private static final int ZERO_CHUNK = 1 << 20;
    /** Longs per slot image. */
    private static final int IMAGE_LONGS = SlotLayout.SLOT_BYTES / Long.BYTES;
    /** Records {@link #recordImages} lays out before one bulk copy into the mapping. */
    static final int STAGED = 64;
    /** Bytes between two stores that fault a new log's pages in. */
    private static final long PAGE = 4096;
    /** Records between two clock readings of the single-slot recorders (a power of two). */
    static final int STAMP_EVERY = 32;

    private final Path path;
    private final ReplayLogFormat format;
    private final boolean full;
    private final long capacity;
    private final int recordBytes;
    private final SessionGeometry geometry;
    private final int slotLimit;
    private final boolean writable;
    private final FileChannel channel;
    private final Arena arena;
    private final MemorySegment map;
    private final long wallBaseNanos;
    private final long monotonicBase;
    /** Next record position, 0 .. capacity - 1. Guarded by this. */
    private long cursor;
    /** Sequence number of the next record (full-image logs). Guarded by this. */
    private long sequence;
    /** PUBLISHED BATCH_FENCE slots recorded so far: the epoch of the next record. Guarded by this. */
    private int epoch;
    /** Scratch for the argument words of a packed slot whose inner fences are counted. Guarded by this. */
    private final int[] payload = new int[SlotLayout.ARGS_PER_SLOT];
    /** The images of a chunk ({@link #recordImages}) or of one record (the single-slot writers). Guarded by this. */
    private final long[] imageStage = new long[STAGED * IMAGE_LONGS];
    /** The records of a chunk as they go to the file, in one bulk copy. Guarded by this. */
    private final long[] recordStage;
    /**
     * True while {@link #recordStage} holds zero in every field {@link #stageRun} does not write (evidence,
     * reserved words); {@link #commit} clears it when it stages failure evidence. Guarded by this.
     */
    private boolean stageShared;
    private boolean closed;
    /** True while an {@link AsyncReplayRecorder} writes this log ({@link #attach()}). Guarded by this. */
    private boolean attached;
    /** The last clock reading of the single-slot recorders. Guarded by this. */
    private long stamp;

    private ReplayLog(Path path, ReplayLogFormat format, long capacity, SessionGeometry geometry, boolean writable,
                      FileChannel channel, Arena arena, MemorySegment map) {
        this.path = path;
        this.format = format;
        this.full = format == ReplayLogFormat.FULL_IMAGE;
        this.capacity = capacity;
        this.recordBytes = format.recordBytes();
        this.recordStage = writable ? new long[STAGED * recordBytes / Long.BYTES] : new long[0];
        this.geometry = geometry;
        this.slotLimit = geometry == null ? Integer.MAX_VALUE : geometry.slotCount();
        this.writable = writable;
        this.channel = channel;
        this.arena = arena;
        this.map = map;
        Instant now = Instant.now();
        this.monotonicBase = System.nanoTime();
        this.wallBaseNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    // ------------------------------------------------------------------ opening

    /**
     * Opens the VRRL0001 log at {@code path} ({@code RingLog::open}), creating it when it does not
     * exist (or is empty). {@code capacity} is validated first; an existing log keeps its own capacity
     * (the requested one is then ignored) and its cursor.
     *
     * @throws ReplayLogException {@code ZERO_CAPACITY} / {@code CAPACITY_OVERFLOW} for a capacity outside
     *         1..1,048,576 (requested or in the header), {@code HEADER_MISMATCH} for another magic or
     *         version, {@code IO} when the file cannot be opened, mapped or is shorter than its header says
     */
    public static ReplayLog open(Path path, long capacity) {
        return open(path, capacity, ReplayLogFormat.VRRL0001, null);
    }

    /**
     * Opens the log at {@code path} in {@code format}, creating it when it does not exist (or is empty),
     * else continuing it: its capacity, cursor, sequence and epoch carry on.
     *
     * @param geometry the recorded session's shape: required for {@link ReplayLogFormat#FULL_IMAGE} (an
     *                 existing log must hold the same), ignored for VRRL0001 (may be null)
     * @throws ReplayLogException as {@link #open(Path, long)}; {@code HEADER_MISMATCH} also when an existing
     *         full-image log records another geometry
     */
    public static ReplayLog open(Path path, long capacity, ReplayLogFormat format, SessionGeometry geometry) {
        checkCapacity(null, capacity);
        SessionGeometry g = checkGeometry(format, geometry);
        long size;
        try {
            size = Files.exists(path) ? Files.size(path) : 0;
        } catch (IOException e) {
            throw io(path, "open", "cannot read the size of replay log " + path + ": " + e.getMessage(), e);
        }
        if (size == 0) {
            return create(path, capacity, format, g);
        }
        ReplayLog log = map(path, true);
        if (log.format != format) {
            log.close();
            throw new ReplayLogException(Kind.HEADER_MISMATCH, path, null, "replay log " + path + " is a "
                    + log.format.magic() + " log, not " + format.magic(), "open it with format " + log.format
                    + ", or record into a new file");
        }
        if (format == ReplayLogFormat.FULL_IMAGE && !log.geometry.equals(g)) {
            log.close();
            throw new ReplayLogException(Kind.HEADER_MISMATCH, path, null, "replay log " + path + " was recorded"
                    + " from a session of " + describe(log.geometry) + ", not " + describe(g), "record this session"
                    + " into a new file (a log holds the slots of sessions of one shape)");
        }
        return log;
    }

    /**
     * Creates a fresh, zero-filled log of {@code capacity} records at {@code path}, replacing any file
     * there. The file's blocks are written out and its pages mapped writable at creation, so appends neither
     * fault for want of disk nor take the first-write page faults. (A file system that writes dirty pages back
     * write-protects them again; on tmpfs, e.g. {@code /dev/shm}, that never happens.)
     *
     * @param geometry required for {@link ReplayLogFormat#FULL_IMAGE}, ignored for VRRL0001
     */
    public static ReplayLog create(Path path, long capacity, ReplayLogFormat format, SessionGeometry geometry) {
        checkCapacity(null, capacity);
        SessionGeometry g = checkGeometry(format, geometry);
        long bytes = format.fileBytes(capacity);
        FileChannel channel;
        try {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException | UnsupportedOperationException e) {
            throw io(path, "open", "cannot create replay log " + path + ": " + e.getMessage(), e);
        }
        Arena arena = Arena.ofShared();
        try {
            ByteBuffer zeros = ByteBuffer.allocateDirect(ZERO_CHUNK);
            for (long at = 0; at < bytes; ) {
                zeros.clear().limit((int) Math.min(ZERO_CHUNK, bytes - at));
                at += channel.write(zeros, at);
            }
            MemorySegment map = channel.map(FileChannel.MapMode.READ_WRITE, 0, bytes, arena);
            for (long page = 0; page < bytes; page += PAGE) { // fault every page in for writing now, not on a publish
                map.set(ValueLayout.JAVA_BYTE, page, (byte) 0);
            }
            map.set(INT, ReplayLogFormat.VERSION_OFFSET, ReplayLogFormat.VERSION);
            map.set(INT, ReplayLogFormat.FLAGS_OFFSET, 0);
            map.set(LONG, ReplayLogFormat.CAPACITY_OFFSET, capacity);
            map.set(LONG, ReplayLogFormat.CURSOR_OFFSET, 0);
            if (g != null && format == ReplayLogFormat.FULL_IMAGE) {
                map.set(INT, G_SLOTS, g.slotCount());
                map.set(INT, G_TENANTS, g.tenantCount());
                map.set(INT, G_OBSERVABLE, g.observableSlots());
                map.set(LONG, G_DATA, g.dataBufferBytes());
            }
            VarHandle.storeStoreFence();
            MemorySegment.copy(MemorySegment.ofArray(format.magicBytes()), 0, map, 0, 8);
            return new ReplayLog(path, format, capacity, format == ReplayLogFormat.FULL_IMAGE ? g : null, true,
                    channel, arena, map);
        } catch (IOException | RuntimeException e) {
            arena.close();
            closeQuietly(channel);
            if (e instanceof ReplayLogException r) {
                throw r;
            }
            throw io(path, "set_len", "cannot size replay log " + path + " to " + bytes + " bytes: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Opens any replay log read-only, for replay and recovery; its format comes from its magic.
     *
     * @throws ReplayLogException {@code IO} when it is missing, unreadable or shorter than its header says;
     *         {@code HEADER_MISMATCH} for an unknown magic or version or an invalid geometry;
     *         {@code ZERO_CAPACITY} / {@code CAPACITY_OVERFLOW} for a header capacity outside 1..1,048,576
     */
    public static ReplayLog read(Path path) {
        return map(path, false);
    }

    private static ReplayLog map(Path path, boolean writable) {
        FileChannel channel;
        long size;
        try {
            channel = writable
                    ? FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)
                    : FileChannel.open(path, StandardOpenOption.READ);
            size = channel.size();
        } catch (NoSuchFileException e) {
            throw io(path, "open", "replay log " + path + " does not exist", e);
        } catch (IOException | UnsupportedOperationException e) {
            throw io(path, "open", "cannot open replay log " + path + ": " + e.getMessage(), e);
        }
        Arena arena = Arena.ofShared();
        try {
            ByteBuffer head = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
            while (head.hasRemaining() && channel.read(head, head.position()) > 0) {
                // a header is at most 64 bytes
            }
            byte[] header = head.array();
            int have = head.position();
            if (have < 8) {
                throw truncated(path, size, 32, "its header");
            }
            ReplayLogFormat format = ReplayLogFormat.ofMagic(header);
            if (format == null) {
                throw new ReplayLogException(Kind.HEADER_MISMATCH, path, null, "replay log " + path
                        + " has magic " + printable(header) + ", which is neither VRRL0001 nor VRRI0001",
                        "pass a replay log written by vyre or vyre-java (`demo --record`, SessionOptions.replayLog);"
                                + " this file is something else or its first bytes were overwritten");
            }
            if (have < format.headerBytes()) {
                throw truncated(path, size, format.headerBytes(), "its " + format.magic() + " header");
            }
            int version = head.getInt(ReplayLogFormat.VERSION_OFFSET);
            if (version != ReplayLogFormat.VERSION) {
                throw new ReplayLogException(Kind.HEADER_MISMATCH, path, null, "replay log " + path + " ("
                        + format.magic() + ") has version " + Integer.toUnsignedString(version) + ", not 1",
                        "read it with the version of the tool that wrote it, or record a new log");
            }
            long capacity = head.getLong(ReplayLogFormat.CAPACITY_OFFSET);
            checkCapacity(path, capacity);
            SessionGeometry geometry = null;
            if (format == ReplayLogFormat.FULL_IMAGE) {
                geometry = headerGeometry(path, head);
            }
            long bytes = format.fileBytes(capacity);
            if (size < bytes) {
                throw truncated(path, size, bytes, "its " + capacity + " records");
            }
            MemorySegment map = channel.map(writable ? FileChannel.MapMode.READ_WRITE : FileChannel.MapMode.READ_ONLY,
                    0, bytes, arena);
            ReplayLog log = new ReplayLog(path, format, capacity, geometry, writable, channel, arena, map);
            log.resume(head.getLong(ReplayLogFormat.CURSOR_OFFSET));
            return log;
        } catch (IOException | RuntimeException e) {
            arena.close();
            closeQuietly(channel);
            if (e instanceof ReplayLogException r) {
                throw r;
            }
            throw io(path, "read", "cannot read replay log " + path + ": " + e.getMessage(), e);
        }
    }

    private static SessionGeometry headerGeometry(Path path, ByteBuffer head) {
        int slots = head.getInt(G_SLOTS);
        int tenants = head.getInt(G_TENANTS);
        int observable = head.getInt(G_OBSERVABLE);
        long data = head.getLong(G_DATA);
        try {
            return new SessionGeometry(slots, tenants, observable, data);
        } catch (VyreArgumentException e) {
            throw new ReplayLogException(Kind.HEADER_MISMATCH, path, null, "replay log " + path + " records an"
                    + " impossible session (" + e.getMessage().substring(0, e.getMessage().indexOf(". Fix: ")) + ")",
                    "the header is corrupt; record a new log", e);
        }
    }

    /**
     * Restores the cursor and, for appending, the next sequence number and the epoch of an existing log. A
     * full-image log opened for appending after a crash keeps the first record written past the cursor (the next
     * append overwrites it, as in VRRL0001) and clears the magics of the others, which would otherwise read as
     * newer than the records appended now.
     */
    private void resume(long storedCursor) {
        cursor = Long.remainderUnsigned(storedCursor, capacity);
        long newest = cursor == 0 ? capacity - 1 : cursor - 1;
        long at = format.recordOffset(newest);
        if (writable && map.get(INT, at) == ReplayLogFormat.RECORD_MAGIC) {
            ReplayRecord newestRecord = decode(newest);
            epoch = newestRecord.epoch() + fences(newestRecord.status(), newestRecord.opcode(), newestRecord.args());
            sequence = full ? newestRecord.sequence() + 1 : 0;
            if (full) {
                clearRunPastCursor(pastCursor(newestRecord.sequence()));
            }
        } else if (writable && full && map.get(INT, at) == 0
                && map.get(INT, format.recordOffset(cursor)) == ReplayLogFormat.RECORD_MAGIC) {
            ReplayRecord first = decode(cursor); // nothing before the cursor: the run starts at it
            epoch = first.epoch();
            sequence = first.sequence();
            clearRunPastCursor(pastCursor(first.sequence() - 1));
        }
    }

    /** Clears the magics of the {@code past} records written past the cursor before a crash, but the first. */
    private void clearRunPastCursor(long past) {
        for (long k = 1; k < past; k++) {
            map.set(INT, format.recordOffset((cursor + k) % capacity), 0);
        }
    }

    private static void checkCapacity(Path path, long capacity) {
        String where = path == null ? "requested" : "in the header of " + path;
        if (capacity == 0) {
            throw new ReplayLogException(Kind.ZERO_CAPACITY, path, null, "replay log capacity 0 (" + where
                    + ") holds no record", path == null ? "open the log with a capacity of 1.." + MAX_CAPACITY
                    + " records" : "the header is corrupt; record a new log");
        }
        if (capacity < 0 || capacity > MAX_CAPACITY) {
            throw new ReplayLogException(Kind.CAPACITY_OVERFLOW, path, null, "replay log capacity "
                    + Long.toUnsignedString(capacity) + " (" + where + ") exceeds the maximum of " + MAX_CAPACITY
                    + " records", path == null ? "open the log with at most " + MAX_CAPACITY + " records"
                    : "the header is corrupt; record a new log");
        }
    }

    private static SessionGeometry checkGeometry(ReplayLogFormat format, SessionGeometry geometry) {
        if (format == null) {
            throw new VyreArgumentException("format", "null", "pass ReplayLogFormat.FULL_IMAGE or VRRL0001");
        }
        if (format == ReplayLogFormat.FULL_IMAGE && geometry == null) {
            throw new VyreArgumentException("geometry", "a full-image log records its session's geometry, got null",
                    "pass new SessionGeometry(slotCount, tenantCount, observableSlots, dataBufferBytes)");
        }
        return format == ReplayLogFormat.FULL_IMAGE ? geometry : null;
    }

    // ------------------------------------------------------------------ properties

    /** @return the file */
    public Path path() {
        return path;
    }

    /** @return the layout of the file */
    public ReplayLogFormat format() {
        return format;
    }

    /** @return records the log holds at most */
    public long capacity() {
        return capacity;
    }

    /** @return the position the next record is written to (0 .. capacity - 1) */
    public synchronized long cursor() {
        return cursor;
    }

    /** @return the epoch the next {@code record...} call gives its record */
    public synchronized int epoch() {
        return epoch;
    }

    /** @return the recorded session's geometry; empty for a VRRL0001 log, which does not store it */
    public Optional<SessionGeometry> geometry() {
        return Optional.ofNullable(geometry);
    }

    /** @return false for a log opened with {@link #read(Path)} */
    public boolean isWritable() {
        return writable;
    }

    // ------------------------------------------------------------------ recording (publish paths)

    /**
     * Records a slot published as {@code [PUBLISHED, opcode, tenant, NORMAL, a0, a1, a2, 0 x 9]} (what
     * {@code Session.publish} and {@code publishDeferred} write). Allocates nothing.
     */
    @Override
    public synchronized void recordPublish(int slot, int tenant, int opcode, int a0, int a1, int a2) {
        checkRecord(slot, 1);
        long[] image = imageStage;
        image[0] = SlotStatus.PUBLISHED | (long) opcode << 32;
        image[1] = Integer.toUnsignedLong(tenant) | (long) Priority.NORMAL << 32;
        image[2] = Integer.toUnsignedLong(a0) | (long) a1 << 32;
        image[3] = Integer.toUnsignedLong(a2);
        image[4] = 0;
        image[5] = 0;
        image[6] = 0;
        image[7] = 0;
        commit(slot, stamp(), true, 0, ReplayFailureEvidence.NONE);
        persistCursor();
    }

    /**
     * Records a slot published with {@code argCount} argument words from {@code args} (the rest zero),
     * status PUBLISHED and priority NORMAL. Allocates nothing.
     *
     * @throws VyreArgumentException when {@code argCount} is negative, above 12 or above {@code args.length}
     */
    @Override
    public synchronized void recordPublish(int slot, int tenant, int opcode, int[] args, int argCount) {
        if (argCount < 0 || argCount > SlotLayout.ARGS_PER_SLOT || (argCount > 0 && (args == null
                || args.length < argCount))) {
            throw new VyreArgumentException("argCount", argCount + " does not fit the arguments given and the"
                    + " slot's 12 argument words", "pass 0 .. min(12, args.length)");
        }
        checkRecord(slot, 1);
        long[] image = imageStage;
        image[0] = SlotStatus.PUBLISHED | (long) opcode << 32;
        image[1] = Integer.toUnsignedLong(tenant) | (long) Priority.NORMAL << 32;
        for (int j = 0; j < SlotLayout.ARGS_PER_SLOT; j += 2) {
            long lo = j < argCount ? Integer.toUnsignedLong(args[j]) : 0;
            long hi = j + 1 < argCount ? args[j + 1] : 0;
            image[2 + j / 2] = lo | hi << 32;
        }
        commit(slot, stamp(), true, 0, ReplayFailureEvidence.NONE);
        persistCursor();
    }

    /**
     * Records a run of {@code count} 64-byte slot images (little-endian, at {@code images[64 i]}) published
     * into ring slots {@code firstSlot ..}, as {@code Session.publishSlots} does: one timestamp and one
     * cursor store for the run. Allocates nothing.
     */
    @Override
    public synchronized void recordImages(int firstSlot, MemorySegment images, int count) {
        if (count <= 0) {
            return;
        }
        if ((long) count * SlotLayout.SLOT_BYTES > images.byteSize()) {
            throw new VyreArgumentException("count", count + " images do not fit a segment of " + images.byteSize()
                    + " bytes", "pass at most images.byteSize() / 64");
        }
        checkRecord(firstSlot, count);
        long now = now();
        int done = 0;
        while (done < count) {
            // a chunk: at most STAGED records, not crossing the end of the circle
            int n = (int) Math.min(Math.min(count - done, STAGED), capacity - cursor);
            long at = beginChunk(n);
            // one bulk copy into an array, then array reads: reading the caller's segment (heap or native, whatever
            // the caller passes) in the layout loop would make its accesses polymorphic and several times slower
            MemorySegment.copy(images, LONG_UNALIGNED, (long) done * SlotLayout.SLOT_BYTES, imageStage, 0,
                    n * IMAGE_LONGS);
            stageRun(0, imageStage, 0, firstSlot + done, now, n);
            endChunk(at, n);
            done += n;
        }
        persistCursor();
    }

    /** Records a raw slot write ({@code Session.writeRawSlot}): the 16 words exactly. Allocates nothing. */
    @Override
    public synchronized void recordRaw(int slot, int[] words) {
        checkRecord(slot, 1);
        stageWords(words);
        commit(slot, stamp(), true, 0, ReplayFailureEvidence.NONE);
        persistCursor();
    }

    // ------------------------------------------------------------------ writing for a background recorder

    /**
     * Hands the log's writing to {@link AsyncReplayRecorder}: until {@link #detach()}, the log's own
     * {@code record...} and {@code append...} methods refuse (the recorder's drainers write records at positions
     * they were given, without this lock), and the recorder advances the cursor with {@link #advance}.
     *
     * @return the cursor, the next sequence number and the epoch of the next record
     */
    synchronized long[] attach() {
        ensureWritable();
        attached = true;
        return new long[] {cursor, sequence, Integer.toUnsignedLong(epoch)};
    }

    /** Ends {@link #attach()}. */
    synchronized void detach() {
        attached = false;
    }

    /**
     * Writes {@code n} records laid out by {@link #layoutRun} at {@code stage[0 ..]} into positions
     * {@code position ..} (not crossing the end of the circle), each with magic 0, after {@link #clearMagics}
     * of the same records; {@link #setMagics} makes them readable. The caller owns these positions (no lock).
     */
    void writeBodies(long position, long[] stage, int n) {
        VarHandle.storeStoreFence(); // every magic cleared (clearMagics) before any field
        MemorySegment.copy(stage, 0, map, LONG_UNALIGNED, format.recordOffset(position), n * (recordBytes / Long.BYTES));
    }

    /**
     * Clears the magics of the {@code n} records from {@code position} on (not crossing the end of the circle),
     * before {@link #writeBodies} rewrites them, so that a record torn by a crash reads as never written. The
     * caller owns these positions (no lock).
     */
    void clearMagics(long position, int n) {
        long at = format.recordOffset(position);
        for (int i = 0; i < n; i++) {
            map.set(INT, at + (long) i * recordBytes, 0);
        }
    }

    /** Sets the magics of the {@code n} records written by {@link #writeBodies} from {@code position} on (wrapping). */
    void setMagics(long position, long n) {
        VarHandle.storeStoreFence(); // every field before any magic
        long p = position;
        for (long i = 0; i < n; i++) {
            map.set(INT, format.recordOffset(p), ReplayLogFormat.RECORD_MAGIC);
            p = p + 1 == capacity ? 0 : p + 1;
        }
    }

    /**
     * Publishes what an attached recorder wrote: every record before {@code nextCursor} is complete. Stores
     * the cursor (release) and takes the sequence number and epoch of the next record.
     */
    synchronized void advance(long nextCursor, long nextSequence, int nextEpoch) {
        cursor = nextCursor;
        sequence = nextSequence;
        epoch = nextEpoch;
        persistCursor();
    }

    /** @return true for a full-image log */
    boolean fullImage() {
        return full;
    }

    /**
     * Lays out {@code n} records into {@code out} from record {@code into} on: the images at {@code images[from ..]}
     * (8 little-endian word pairs each) published into ring slots {@code firstSlot ..} at {@code stampNow}, with
     * sequence numbers {@code seq ..} and counted epochs from {@code epoch}, no failure evidence. Writes only the
     * fields that vary from record to record (ring slot, timestamp, sequence, epoch) and the image; the others
     * (and the magic) must already be zero in {@code out}.
     *
     * @param payload scratch for 12 argument words
     * @return the epoch of the record after the run
     */
    static int layoutRun(boolean full, long[] out, int into, long[] images, int from, int firstSlot, long stampNow,
                         int n, long seq, int epoch, int[] payload) {
        int e = epoch;
        int recordLongs = full ? 16 : 8;
        int b = into * recordLongs;
        int w = from;
        for (int i = 0; i < n; i++, b += recordLongs, w += IMAGE_LONGS) {
            long head = images[w]; // status | opcode << 32
            long slot = Integer.toUnsignedLong(firstSlot + i);
            long recordEpoch = Integer.toUnsignedLong(e);
            if (full) {
                out[b] = slot << 32;
                out[b + 1] = stampNow;
                out[b + 2] = seq + i;
                out[b + 3] = recordEpoch;
                out[b + 8] = head;
                out[b + 9] = images[w + 1];
                out[b + 10] = images[w + 2];
                out[b + 11] = images[w + 3];
                out[b + 12] = images[w + 4];
                out[b + 13] = images[w + 5];
                out[b + 14] = images[w + 6];
                out[b + 15] = images[w + 7];
            } else {
                out[b] = stampNow << 32;
                out[b + 1] = (stampNow >>> 32) | slot << 32;
                out[b + 2] = (images[w + 1] & 0xFFFF_FFFFL) | (head & 0xFFFF_FFFF_0000_0000L);
                out[b + 3] = images[w + 2];
                out[b + 4] = images[w + 3];
                out[b + 5] = recordEpoch;
            }
            if (mayFence(head)) {
                e += fencesOf(images, w, payload);
            }
        }
        return e;
    }

    /** @return true when a slot whose first two words are {@code head} may bump EPOCH: a PUBLISHED fence or packed slot */
    static boolean mayFence(long head) {
        int opcode = (int) (head >>> 32);
        return (int) head == SlotStatus.PUBLISHED && (opcode == Opcodes.BATCH_FENCE || opcode == Opcodes.PACKED_SLOT);
    }

    /**
     * @return how many times the slot whose image is at {@code images[w .. w + 8)} bumps EPOCH when it runs
     *         ({@link #fences}), with {@code payload} as scratch for a packed slot's argument words
     */
    static int fencesOf(long[] images, int w, int[] payload) {
        long head = images[w];
        int status = (int) head;
        int opcode = (int) (head >>> 32);
        if (status != SlotStatus.PUBLISHED || (opcode != Opcodes.BATCH_FENCE && opcode != Opcodes.PACKED_SLOT)) {
            return 0;
        }
        for (int j = 0; j < SlotLayout.ARGS_PER_SLOT; j += 2) {
            long pair = images[w + 2 + j / 2];
            payload[j] = (int) pair;
            payload[j + 1] = (int) (pair >>> 32);
        }
        return fences(status, opcode, payload);
    }

    /** Throws what the {@code record...} methods throw for ring slots {@code firstSlot .. + count - 1}. */
    synchronized void checkRecordable(int firstSlot, int count) {
        checkRecord(firstSlot, count);
    }

    /** @return nanoseconds since the UNIX epoch, on this log's clock */
    long clock() {
        return now();
    }

    // ------------------------------------------------------------------ appending (the VRRL0001 API)

    /** {@code append}: writes {@code slot} with its own timestamp and epoch, no failure evidence. */
    public void append(RecordedSlot slot) {
        appendWithFailure(slot, ReplayFailureEvidence.NONE);
    }

    /**
     * {@code append_with_failure}: writes {@code slot} (status PUBLISHED, priority NORMAL, argument
     * words 4..11 zero in a full-image log) with failure evidence.
     */
    public void appendWithFailure(RecordedSlot slot, ReplayFailureEvidence evidence) {
        int[] image = new int[SlotLayout.SLOT_WORDS];
        image[SlotLayout.STATUS_WORD] = SlotStatus.PUBLISHED;
        image[SlotLayout.OPCODE_WORD] = slot.opcode();
        image[SlotLayout.TENANT_WORD] = slot.tenantId();
        image[SlotLayout.PRIORITY_WORD] = Priority.NORMAL;
        System.arraycopy(slot.args(), 0, image, SlotLayout.ARG0_WORD, RecordedSlot.ARGS);
        write(slot.slotIndex(), slot.timestampNs(), slot.epoch(), image, evidence);
    }

    /**
     * Writes a whole record: {@code record}'s slot, timestamp, epoch, image and evidence (a VRRL0001 log
     * keeps argument words 0..3 of the image). The log assigns the sequence number; {@code record.sequence()}
     * is ignored. Use it to append failure evidence for a slot after the fact.
     */
    public void append(ReplayRecord record) {
        write(record.slotIndex(), record.timestampNs(), record.epoch(), record.image(), record.failure());
    }

    private synchronized void write(int slot, long timestampNs, int recordEpoch, int[] image,
                                    ReplayFailureEvidence evidence) {
        checkRecord(slot, 1);
        stageWords(image);
        commit(slot, timestampNs, false, recordEpoch, evidence);
        persistCursor();
    }

    /** Forces the mapped records and the file's metadata to the device (fsync). */
    @Override
    public synchronized void sync() {
        ensureOpen("sync");
        if (!writable) {
            return;
        }
        try {
            map.force();
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            throw io(path, "sync", "cannot sync replay log " + path + ": " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------ record writing

    /** Refuses a closed or read-only log, and ring slots outside the recorded ring. */
    private void checkRecord(int firstSlot, int count) {
        ensureWritable();
        if (firstSlot < 0 || (long) firstSlot + count > slotLimit) {
            throw badSlot(firstSlot < 0 ? firstSlot : firstSlot + count - 1);
        }
    }

    /** Puts 16 slot words into the first staged image. */
    private void stageWords(int[] words) {
        for (int k = 0; k < IMAGE_LONGS; k++) {
            imageStage[k] = Integer.toUnsignedLong(words[2 * k]) | (long) words[2 * k + 1] << 32;
        }
    }

    /**
     * Starts a chunk of {@code n} records at the cursor (the caller keeps them within the end of the circle):
     * clears their magics, so that a record torn by a crash reads as never written, and readies the staging
     * array for {@link #stageRun}.
     *
     * @return the file offset of the chunk's first record
     */
    private long beginChunk(int n) {
        if (!stageShared) { // the fields stageRun does not write: zero (no failure evidence, reserved words)
            Arrays.fill(recordStage, 0);
            stageShared = true;
        }
        long at = format.recordOffset(cursor);
        for (int i = 0; i < n; i++) {
            map.set(INT, at + (long) i * recordBytes, 0);
        }
        VarHandle.storeStoreFence(); // every magic cleared before any field
        return at;
    }

    /**
     * Lays out {@code n} records, staging positions {@code into ..}, of the images at {@code images[from ..]}
     * (8 little-endian word pairs each) published into ring slots {@code firstSlot ..} at {@code stampNow}: counted
     * epochs, no failure evidence, the next sequence numbers. Writes only the fields that vary from record to
     * record (ring slot, timestamp, sequence, epoch) and the image; {@link #beginChunk} left the others zero, as
     * every such record has them. The magic stays 0 until {@link #endChunk}.
     */
    private void stageRun(int into, long[] images, int from, int firstSlot, long stampNow, int n) {
        epoch = layoutRun(full, recordStage, into, images, from, firstSlot, stampNow, n, sequence, epoch, payload);
        sequence += n;
    }

    /**
     * Ends a chunk: copies the {@code n} staged records to {@code at} (one bulk copy), then sets their magics,
     * and advances the cursor (in memory; the caller persists it).
     */
    private void endChunk(long at, int n) {
        MemorySegment.copy(recordStage, 0, map, LONG_UNALIGNED, at, n * (recordBytes / Long.BYTES));
        VarHandle.storeStoreFence(); // every field before any magic
        for (int i = 0; i < n; i++) {
            map.set(INT, at + (long) i * recordBytes, ReplayLogFormat.RECORD_MAGIC);
        }
        cursor = cursor + n == capacity ? 0 : cursor + n;
    }

    /**
     * Writes the image staged at {@code imageStage[0 .. 8)} as one record of ring slot {@code slot} at the
     * cursor: its magic cleared first and set last (so a record torn by a crash reads as never written), the
     * fields stored in between. Advances the sequence number and the cursor (in memory; the caller persists it).
     *
     * @param counted true: the record takes the log's epoch count and advances it by its BATCH_FENCE ops;
     *                false: it carries {@code givenEpoch} and the count stays
     */
    private void commit(int slot, long now, boolean counted, int givenEpoch, ReplayFailureEvidence evidence) {
        long[] image = imageStage;
        long[] out = recordStage;
        int recordLongs = recordBytes / Long.BYTES;
        long statusTail = (long) evidence.slotStatus() << 32;
        long classCode = Integer.toUnsignedLong(evidence.failureClass().code()) | (long) evidence.backendErrorCode() << 32;
        long digest = evidence.outputDigest();
        if (statusTail != 0 || classCode != 0 || digest != 0) {
            stageShared = false;
        }
        long at = format.recordOffset(cursor);
        map.set(INT, at, 0);
        VarHandle.storeStoreFence(); // the magic cleared before any field
        long head = image[0]; // status | opcode << 32
        long ringSlot = Integer.toUnsignedLong(slot);
        long recordEpoch = Integer.toUnsignedLong(counted ? epoch : givenEpoch);
        if (full) {
            out[0] = ringSlot << 32; // magic 0: set in place once the record is written
            out[1] = now;
            out[2] = sequence;
            out[3] = recordEpoch | statusTail;
            out[4] = classCode;
            out[5] = digest;
            out[6] = 0;
            out[7] = 0;
            System.arraycopy(image, 0, out, 8, IMAGE_LONGS);
        } else { // magic 0 | timestamp at 4 | slot at 12 | tenant, opcode | arguments 0..3 | epoch | evidence
            out[0] = now << 32;
            out[1] = (now >>> 32) | ringSlot << 32;
            out[2] = (image[1] & 0xFFFF_FFFFL) | (head & 0xFFFF_FFFF_0000_0000L);
            out[3] = image[2];
            out[4] = image[3];
            out[5] = recordEpoch | statusTail;
            out[6] = classCode;
            out[7] = digest;
        }
        sequence++;
        int status = (int) head;
        int opcode = (int) (head >>> 32);
        if (counted && status == SlotStatus.PUBLISHED
                && (opcode == Opcodes.BATCH_FENCE || opcode == Opcodes.PACKED_SLOT)) {
            for (int j = 0; j < SlotLayout.ARGS_PER_SLOT; j += 2) {
                long pair = image[2 + j / 2];
                payload[j] = (int) pair;
                payload[j + 1] = (int) (pair >>> 32);
            }
            epoch += fences(status, opcode, payload);
        }
        for (int k = 0; k < recordLongs; k++) { // one record: plain stores beat a bulk copy's setup
            map.set(LONG, at + (long) k * Long.BYTES, out[k]);
        }
        VarHandle.storeStoreFence(); // every field before the magic
        map.set(INT, at, ReplayLogFormat.RECORD_MAGIC);
        cursor = cursor + 1 == capacity ? 0 : cursor + 1;
    }

    private void persistCursor() {
        LONG_HANDLE.setRelease(map, (long) ReplayLogFormat.CURSOR_OFFSET, cursor);
    }

    private long now() {
        return wallBaseNanos + (System.nanoTime() - monotonicBase);
    }

    /**
     * The single-slot recorders' clock: read every {@value #STAMP_EVERY} records (a clock read can cost more
     * than the rest of a record), so a record's timestamp may be early by the time the records since the last
     * reading took to publish.
     */
    private long stamp() {
        if ((sequence & (STAMP_EVERY - 1)) == 0 || stamp == 0) {
            stamp = now();
        }
        return stamp;
    }

    /**
     * @return how many times the slot bumps EPOCH when it runs: 1 for a PUBLISHED BATCH_FENCE, the inner
     *         BATCH_FENCE ops a PUBLISHED PACKED_SLOT runs (its payload decoded as the interpreter decodes it),
     *         else 0
     */
    static int fences(int status, int opcode, int[] args) {
        if (status != SlotStatus.PUBLISHED) {
            return 0;
        }
        if (opcode == Opcodes.BATCH_FENCE) {
            return 1;
        }
        return opcode == Opcodes.PACKED_SLOT ? packedFences(args) : 0;
    }

    /** @return the inner BATCH_FENCE ops of a packed slot whose 12 argument words are {@code args} */
    static int packedFences(int[] args) {
        return packedFences(args, 0);
    }

    /** @return the inner BATCH_FENCE ops of a packed slot whose 12 argument words start at {@code args[from]} */
    static int packedFences(int[] args, int from) {
        int n = packedByte(args, from, 0);
        int meta = (2 + 2 * n + 3) / 4;
        if (meta > SlotLayout.ARGS_PER_SLOT) {
            return 0;
        }
        int count = 0;
        for (int k = 0; k < n; k++) {
            if (packedByte(args, from, 2 + 2 * k) == Opcodes.BATCH_FENCE
                    && meta + packedByte(args, from, 3 + 2 * k) + 3 <= SlotLayout.ARGS_PER_SLOT) {
                count++;
            }
        }
        return count;
    }

    private static int packedByte(int[] args, int from, int k) {
        return (args[from + (k >>> 2)] >>> ((k & 3) << 3)) & 0xFF;
    }

    private void ensureWritable() {
        ensureOpen("append");
        if (!writable) {
            throw new ReplayLogException(Kind.IO, path, "append", "replay log " + path + " was opened read-only",
                    "open it with ReplayLog.open or ReplayLog.create to append", null);
        }
        if (attached) {
            throw new ReplayLogException(Kind.IO, path, "append", "replay log " + path + " is being written by a"
                    + " background recorder", "record through that AsyncReplayRecorder, or close it first", null);
        }
    }

    private void ensureOpen(String operation) {
        if (closed) {
            throw new ReplayLogException(Kind.IO, path, operation, "replay log " + path + " is closed",
                    "open it again with ReplayLog.open or ReplayLog.read", null);
        }
    }

    private VyreArgumentException badSlot(int slot) {
        return new VyreArgumentException("slot", slot + " is outside the recorded ring of "
                + (slotLimit == Integer.MAX_VALUE ? "any size" : slotLimit + " slots"),
                "record slots of the session the log was created for");
    }

    // ------------------------------------------------------------------ reading

    /**
     * @return every written record, oldest first (never-written positions skipped)
     * @throws ReplayLogException {@code CORRUPT_RECORD} at the first record whose magic is neither 0 nor
     *         0xDEADBEEF, or (full-image) whose ring slot lies outside the recorded ring or whose sequence
     *         number breaks the publish order
     */
    public synchronized List<ReplayRecord> records() {
        List<ReplayRecord> out = new ArrayList<>();
        forEachRecord(out::add);
        return out;
    }

    /**
     * Decodes every written record, oldest first, into {@code visitor}, with the checks of
     * {@link #records()} (a corrupt record throws before it reaches the visitor, records before it
     * already did; in a full-image log a foreign magic or a sequence number a crash cannot leave throws before
     * any record reaches it, because which older records are read depends on every position). A full-image log
     * with no record just before the cursor (torn by a drainer running {@code capacity} records ahead, or never
     * written) reads as if the record at the cursor began the run written past it.
     */
    public synchronized void forEachRecord(Consumer<ReplayRecord> visitor) {
        ensureOpen("read");
        long start = cursor;
        long before = start == 0 ? capacity - 1 : start - 1;
        if (full && magicAt(before) == ReplayLogFormat.RECORD_MAGIC) {
            forEachAfterCrash(sequenceAt(before), visitor);
            return;
        }
        if (full && magicAt(start) == ReplayLogFormat.RECORD_MAGIC) { // nothing before the cursor: the run starts at it
            forEachAfterCrash(sequenceAt(start) - 1, visitor);
            return;
        }
        boolean ordered = false; // a record was read: the next one's sequence number must be expected
        long expected = 0;
        for (long k = 0; k < capacity; k++) {
            long position = (start + k) % capacity;
            ReplayRecord r = decode(position);
            if (r == null) {
                continue;
            }
            if (full) {
                if (ordered && r.sequence() != expected) {
                    throw outOfOrder(position, r.sequence(), expected);
                }
                ordered = true;
                expected = r.sequence() + 1;
            }
            visitor.accept(r);
        }
    }

    /**
     * Reads a full-image log whose newest record before the persisted cursor has sequence number {@code newest}.
     * Position {@code cursor + k} (modulo the capacity) holds, after any crash, either the record of sequence
     * {@code newest + 1 + k - capacity} (written before the cursor reached it: the older records), or magic 0
     * (never written, or torn by a crash), or, only in an unbroken run from the cursor on, the record of
     * {@code newest + 1 + k} (written before a crash, cursor not yet advanced). Emits the older records after the
     * last never-written or torn position (so that the sequence numbers it emits have no gap), then the run past
     * the cursor. Anything else is a corrupt record.
     */
    private void forEachAfterCrash(long newest, Consumer<ReplayRecord> visitor) {
        long start = cursor;
        long past = pastCursor(newest);
        long from = past;
        for (long k = past; k < capacity; k++) {
            long position = (start + k) % capacity;
            if (magicAt(position) == 0) {
                from = k + 1;
            } else {
                long expected = newest + 1 + k - capacity;
                long sequence = sequenceAt(position);
                if (sequence != expected) {
                    decode(position); // a slot outside the ring is reported first
                    // right after the run, the run's next number is what follows (an older record also fits there)
                    throw outOfOrder(position, sequence, k == past ? newest + 1 + k : expected);
                }
            }
        }
        for (long k = from; k < capacity; k++) {
            visitor.accept(decode((start + k) % capacity));
        }
        for (long k = 0; k < past; k++) {
            visitor.accept(decode((start + k) % capacity));
        }
    }

    /**
     * @return how many records from the cursor on continue the sequence numbers after {@code newest} (records
     *         written before a crash whose cursor update was lost; 0 when the cursor is where it should be)
     */
    private long pastCursor(long newest) {
        long k = 0;
        long position = cursor;
        while (k < capacity - 1 && magicAt(position) == ReplayLogFormat.RECORD_MAGIC
                && sequenceAt(position) == newest + 1 + k) {
            k++;
            position = position + 1 == capacity ? 0 : position + 1;
        }
        return k;
    }

    /** @return the record magic at {@code position}: 0 or 0xDEADBEEF, else the record is corrupt */
    private int magicAt(long position) {
        long at = format.recordOffset(position);
        int magic = map.get(INT, at);
        if (magic != 0 && magic != ReplayLogFormat.RECORD_MAGIC) {
            throw badMagic(position, at, magic);
        }
        return magic;
    }

    private long sequenceAt(long position) {
        return map.get(LONG, format.recordOffset(position) + F_SEQUENCE);
    }

    private ReplayLogException outOfOrder(long position, long sequence, long expected) {
        return new ReplayLogException(Kind.CORRUPT_RECORD, path, null, "replay log " + path + ": record " + position
                + " has sequence number " + Long.toUnsignedString(sequence) + " where "
                + Long.toUnsignedString(expected) + " follows", "the file is corrupt (records out of order or from"
                + " two logs); record a new log", null);
    }

    private ReplayLogException badMagic(long position, long at, int magic) {
        return new ReplayLogException(Kind.CORRUPT_RECORD, path, null, "replay log " + path + ": record "
                + position + " (file offset " + at + ") has magic 0x" + Integer.toHexString(magic)
                + " instead of 0xdeadbeef (written) or 0 (never written)", "the file is corrupt or was cut"
                + " and pasted; record a new log", null);
    }

    /** @return the record at {@code position}, or null when it was never written */
    private ReplayRecord decode(long position) {
        long at = format.recordOffset(position);
        int magic = map.get(INT, at);
        if (magic == 0) {
            return null;
        }
        if (magic != ReplayLogFormat.RECORD_MAGIC) {
            throw badMagic(position, at, magic);
        }
        int[] image = new int[SlotLayout.SLOT_WORDS];
        if (full) {
            int slot = map.get(INT, at + F_SLOT);
            if (slot < 0 || slot >= slotLimit) {
                throw new ReplayLogException(Kind.CORRUPT_RECORD, path, null, "replay log " + path + ": record "
                        + position + " names ring slot " + Integer.toUnsignedString(slot) + " of a ring of "
                        + slotLimit + " slots", "the file is corrupt; record a new log", null);
            }
            for (int w = 0; w < SlotLayout.SLOT_WORDS; w++) {
                image[w] = map.get(INT, at + F_IMAGE + 4L * w);
            }
            return new ReplayRecord(map.get(LONG, at + F_SEQUENCE), map.get(LONG, at + F_TIMESTAMP), slot,
                    map.get(INT, at + F_EPOCH), image, true, ReplayFailureEvidence.decode(map.get(INT, at + F_STATUS),
                    map.get(INT, at + F_CLASS), map.get(INT, at + F_CODE), map.get(LONG, at + F_DIGEST)));
        }
        image[SlotLayout.STATUS_WORD] = SlotStatus.PUBLISHED;
        image[SlotLayout.OPCODE_WORD] = map.get(INT, at + V_OPCODE);
        image[SlotLayout.TENANT_WORD] = map.get(INT, at + V_TENANT);
        image[SlotLayout.PRIORITY_WORD] = Priority.NORMAL;
        for (int j = 0; j < RecordedSlot.ARGS; j++) {
            image[SlotLayout.ARG0_WORD + j] = map.get(INT, at + V_ARGS + 4L * j);
        }
        return new ReplayRecord(-1, map.get(LONG_UNALIGNED, at + V_TIMESTAMP), map.get(INT, at + V_SLOT),
                map.get(INT, at + V_EPOCH), image, false, ReplayFailureEvidence.decode(map.get(INT, at + V_STATUS),
                map.get(INT, at + V_CLASS), map.get(INT, at + V_CODE), map.get(LONG, at + V_DIGEST)));
    }

    /**
     * @return the most recently written record (in a full-image log also one whose cursor update a crash
     *         lost), without reading the others; empty for an empty log
     */
    public synchronized Optional<ReplayRecord> newest() {
        ensureOpen("read");
        long before = cursor == 0 ? capacity - 1 : cursor - 1;
        if (full && magicAt(before) == ReplayLogFormat.RECORD_MAGIC) {
            long past = pastCursor(sequenceAt(before)); // records written past the cursor before a crash
            return Optional.of(decode(past == 0 ? before : (cursor + past - 1) % capacity));
        }
        if (full && magicAt(cursor) == ReplayLogFormat.RECORD_MAGIC) { // nothing before the cursor: a first lap
            long past = pastCursor(sequenceAt(cursor) - 1);
            return Optional.of(decode((cursor + past - 1) % capacity));
        }
        return Optional.ofNullable(decode(before));
    }

    /** {@code replay_all}: every record as a {@link RecordedSlot}, oldest first. */
    public List<RecordedSlot> replayAll() {
        return records().stream().map(ReplayRecord::slot).toList();
    }

    /** {@code replay_records}: every record with its evidence, oldest first (same as {@link #records()}). */
    public List<ReplayRecord> replayRecords() {
        return records();
    }

    /** @return written records (at most {@link #capacity()}) */
    public synchronized long recordCount() {
        ensureOpen("read");
        long n = 0;
        for (long p = 0; p < capacity; p++) {
            if (map.get(INT, format.recordOffset(p)) != 0) {
                n++;
            }
        }
        return n;
    }

    /**
     * @return the records published into ring slots {@code fromSlot} (inclusive) .. {@code toSlot}
     *         (exclusive), oldest first
     */
    public List<ReplayRecord> recordsForSlots(int fromSlot, int toSlot) {
        checkRange(fromSlot, toSlot);
        List<ReplayRecord> out = new ArrayList<>();
        forEachRecord(r -> {
            if (r.slotIndex() >= fromSlot && r.slotIndex() < toSlot) {
                out.add(r);
            }
        });
        return out;
    }

    /**
     * The newest record of each ring slot in {@code fromSlot .. toSlot - 1}, in publish order: what a
     * recovery re-runs for the slots a lost device did not finish (slots never recorded are absent).
     */
    public List<ReplayRecord> latestForSlots(int fromSlot, int toSlot) {
        checkRange(fromSlot, toSlot);
        ReplayRecord[] newest = new ReplayRecord[toSlot - fromSlot];
        List<ReplayRecord> order = new ArrayList<>();
        forEachRecord(r -> {
            if (r.slotIndex() >= fromSlot && r.slotIndex() < toSlot) {
                newest[r.slotIndex() - fromSlot] = r;
                order.add(r);
            }
        });
        List<ReplayRecord> out = new ArrayList<>();
        for (ReplayRecord r : order) {
            if (newest[r.slotIndex() - fromSlot] == r) {
                out.add(r);
            }
        }
        return out;
    }

    private static void checkRange(int fromSlot, int toSlot) {
        if (fromSlot < 0 || toSlot < fromSlot) {
            throw new VyreArgumentException("fromSlot", "the range " + fromSlot + " .. " + toSlot + " is empty or"
                    + " negative", "pass 0 <= fromSlot <= toSlot");
        }
    }

    // ------------------------------------------------------------------ closing

    /** @return this log */
    @Override
    public ReplayLog log() {
        return this;
    }

    /** Unmaps and closes the file; idempotent. Records stay in the page cache; {@link #sync()} forces them. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        arena.close();
        closeQuietly(channel);
    }

    // ------------------------------------------------------------------ helpers

    private static ReplayLogException io(Path path, String operation, String problem, Throwable cause) {
        return new ReplayLogException(Kind.IO, path, operation, problem, "check that the path names a readable"
                + " (and, to record, writable) file on a file system with room for it", cause);
    }

    private static ReplayLogException truncated(Path path, long size, long needed, String what) {
        return new ReplayLogException(Kind.IO, path, "read", "replay log " + path + " is truncated: " + size
                + " bytes, but " + what + (what.endsWith("header") ? " needs " : " need ") + needed, "the file was cut short (an interrupted copy, a full"
                + " disk); copy the whole file again or record a new log", null);
    }

    private static String printable(byte[] header) {
        StringBuilder sb = new StringBuilder();
        boolean ascii = true;
        for (int i = 0; i < 8; i++) { // no ':' either: magic bytes "..Fix: " would read as a second Fix
            ascii &= header[i] >= 0x20 && header[i] < 0x7F && header[i] != ':';
        }
        if (ascii) {
            return "'" + new String(header, 0, 8, StandardCharsets.US_ASCII) + "'";
        }
        return sb.append("0x").append(HexFormat.of().formatHex(header, 0, 8)).toString();
    }

    private static String describe(SessionGeometry g) {
        return g.slotCount() + " slots, " + g.tenantCount() + " tenants, " + g.observableSlots()
                + " observable words, " + g.dataBufferBytes() + " data bytes";
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing was written through the channel after its mapping
        }
    }
}
