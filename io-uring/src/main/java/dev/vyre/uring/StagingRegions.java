package dev.vyre.uring;

import dev.vyre.api.Session;
import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.QueueFullException;
import dev.vyre.protocol.SlotStatus;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The data buffer cut into staging regions, each paired with one ring slot and one observable
 * word. A region is FREE, FILLING (io_uring or a socket writes it), PUBLISHED (its slot is on the
 * ring) or DEAD (its slot FAULTed). A PUBLISHED region becomes reusable only when its slot's
 * status word reads DONE: then its observable word is checked against the host CRC and the
 * chunk is reported. The host CRC of a region is computed after its slot is published (the
 * staged bytes do not change until the region is reused), by {@link #checksumNext} while the
 * owner waits for IO, or at the latest when the region settles. Confined to one thread (the
 * pump's or the event loop's).
 *
 * <p>Host staging ({@link IngestOptions#hostStaging()}, or a data buffer in device memory): IO lands in
 * {@link #io()}, host memory laid out as the regions are, and {@link #publish} copies the region's bytes
 * into the data buffer just before its slot goes on the ring; the host CRC reads the host copy.
 */
final class StagingRegions implements AutoCloseable {

    static final int FREE = 0;
    static final int FILLING = 1;
    static final int PUBLISHED = 2;
    static final int DEAD = 3;

    private static final long CRC_WINDOW = 1L << 30;
    private static final long HUGE_PAGE = 1L << 21;

    private final Session session;
    private final IngestOptions options;
    private final IngestListener listener;
    private final MemorySegment data;
    /** Where IO lands: {@link #data}, or with host staging a host allocation of the regions' bytes. */
    private final MemorySegment io;
    /** The host staging memory's arena, null without host staging. */
    private final Arena staging;
    private final ByteBuffer view;
    private final CRC32C crc = new CRC32C();
    private final boolean verify;
    private final int count;
    private final int[] state;
    private final String[] source;
    private final long[] sequence;
    private final long[] sourceOffset;
    private final int[] length;
    private final int[] overlap;
    private final int[] hostCrc;
    /** Regions published whose host CRC is not computed yet ({@link #checksumNext}, or at the latest when settled). */
    private final boolean[] crcPending;
    private int crcPendingCount;
    private final long stride;
    private final int[] args = new int[6];
    private int cursor;
    private int published;
    // telemetry
    long bytes;
    long chunks;
    long verified;
    long mismatches;
    long faults;
    long backpressureWaits;
    long backpressureNanos;

    StagingRegions(Session session, IngestOptions options, IngestListener listener) {
        this.session = session;
        this.options = options;
        this.listener = listener;
        this.data = session.dataBuffer();
        this.stride = (long) options.carryCapacity() + options.chunkBytes();
        long byData = Math.min(data.byteSize(), 1L << 32) / stride; // slot args address u32 offsets
        long bySlots = Math.max(0, (options.slotLimit() == 0 ? session.slotCount() - (long) options.firstSlot()
                : Math.min(options.slotLimit(), session.slotCount() - (long) options.firstSlot())));
        long byObservable = Math.max(0, session.options().observableSlots() - (long) options.firstObservable());
        long n = Math.min(byData, Math.min(bySlots, byObservable));
        if (n < 1) {
            throw QueueFullException.submission("no staging region fits: data buffer " + data.byteSize()
                    + " bytes / region " + stride + " = " + byData + ", slots from " + options.firstSlot()
                    + " = " + bySlots + ", observable words from " + options.firstObservable() + " = " + byObservable
                    + "; open the session with dataBufferBytes >= chunkBytes + carryCapacity and enough slots and"
                    + " observable words");
        }
        this.count = (int) Math.min(n, 1 << 20);
        this.verify = options.verify() && options.opcode() == Opcodes.CRC32C;
        if (options.hostStaging() || session.dataInDeviceMemory()) {
            long bytes = count * stride;
            this.staging = Arena.ofShared();
            this.io = staging.allocate(bytes, bytes >= HUGE_PAGE ? HUGE_PAGE : NativeFiles.DIRECT_ALIGNMENT);
        } else {
            this.staging = null;
            this.io = data;
        }
        this.view = io.byteSize() <= CRC_WINDOW ? io.asByteBuffer() : null;
        state = new int[count];
        source = new String[count];
        sequence = new long[count];
        sourceOffset = new long[count];
        length = new int[count];
        overlap = new int[count];
        hostCrc = new int[count];
        crcPending = new boolean[count];
    }

    int count() {
        return count;
    }

    /** @return bytes from one region's start to the next's: {@link IngestOptions#carryCapacity()} + chunk */
    long stride() {
        return stride;
    }

    /** @return where region {@code r} begins in the data buffer: its overlap, then its chunk */
    long offset(int r) {
        return r * stride;
    }

    /** Copies {@code n} bytes of {@code from} to the start of region {@code r} (a streamed chunk's overlap). */
    void copyIn(int r, byte[] from, int n) {
        MemorySegment.copy(from, 0, io, ValueLayout.JAVA_BYTE, offset(r), n);
    }

    /** Copies {@code n} bytes of region {@code r}, from byte {@code at} of the region, into {@code to}. */
    void copyOut(int r, long at, byte[] to, int n) {
        MemorySegment.copy(io, ValueLayout.JAVA_BYTE, offset(r) + at, to, 0, n);
    }

    int slot(int r) {
        return options.firstSlot() + r;
    }

    /** @return where IO lands, region {@code r} at {@link #offset}: the data buffer, or host staging memory */
    MemorySegment io() {
        return io;
    }

    /** @return true when IO lands in host staging memory that {@link #publish} copies into the data buffer */
    boolean hostStaging() {
        return staging != null;
    }

    /** @return regions whose slots are on the ring and not settled yet */
    int published() {
        return published;
    }

    /**
     * Takes a region for filling: a FREE one, or a PUBLISHED one whose slot is DONE (settled
     * first). Never blocks.
     *
     * @return the region, or -1 when every region is busy
     */
    int tryAcquire() {
        for (int i = 0; i < count; i++) {
            int r = cursor;
            cursor = cursor + 1 == count ? 0 : cursor + 1;
            if (state[r] == PUBLISHED) {
                settle(r);
            }
            if (state[r] == FREE) {
                state[r] = FILLING;
                return r;
            }
        }
        return -1;
    }

    /** A region being filled gives up (read failed, nothing to publish). */
    void release(int r) {
        state[r] = FREE;
    }

    /**
     * Publishes the region's first {@code carry + bytes} bytes ({@code carry} repeated bytes, then
     * {@code bytes} new ones from source offset {@code fromOffset}): slot args {@code [data offset, length,
     * observable word, sequence low, sequence high, carry]}.
     */
    void publish(int r, int bytes, String from, long seq, long fromOffset, int carry) {
        source[r] = from;
        sequence[r] = seq;
        sourceOffset[r] = fromOffset;
        length[r] = bytes;
        overlap[r] = carry;
        hostCrc[r] = 0;
        args[0] = (int) offset(r);
        args[1] = carry + bytes;
        args[2] = options.firstObservable() + r;
        args[3] = (int) seq;
        args[4] = (int) (seq >>> 32);
        args[5] = carry;
        if (staging != null) {
            MemorySegment.copy(io, offset(r), data, offset(r), carry + bytes);
        }
        session.publish(slot(r), options.tenant(), options.opcode(), args, args.length);
        state[r] = PUBLISHED;
        published++;
        if (verify) {
            // The host CRC comes after the slot is on the ring: the device checksums the same bytes meanwhile.
            crcPending[r] = true;
            crcPendingCount++;
        }
        this.bytes += bytes;
        chunks++;
    }

    /**
     * Computes the host CRC-32C of one published region whose host CRC is still pending, the one with
     * the lowest sequence number (its slot completes first). The pump calls it between io_uring
     * submissions, so host checksums overlap the reads in flight and the device's checksums.
     *
     * @return false when no host CRC is pending
     */
    boolean checksumNext() {
        if (crcPendingCount == 0) {
            return false;
        }
        int next = -1;
        for (int r = 0; r < count; r++) {
            if (crcPending[r] && (next < 0 || sequence[r] < sequence[next])) {
                next = r;
            }
        }
        hostChecksum(next);
        return true;
    }

    private void hostChecksum(int r) {
        hostCrc[r] = crc(offset(r), overlap[r] + length[r]);
        crcPending[r] = false;
        crcPendingCount--;
    }

    private int crc(long at, int n) {
        crc.reset();
        if (view != null) {
            view.limit((int) (at + n)).position((int) at);
            crc.update(view);
        } else {
            crc.update(io.asSlice(at, n).asByteBuffer());
        }
        return (int) crc.getValue();
    }

    /** Settles region {@code r} if its slot is DONE (or marks it DEAD if the slot FAULTed). */
    private void settle(int r) {
        int status = session.slotStatus(slot(r));
        if (status == SlotStatus.DONE) {
            if (crcPending[r]) {
                hostChecksum(r);
            }
            int device = session.controlWord(ControlLayout.OBSERVABLE_BASE + options.firstObservable() + r);
            boolean ok = verify && device == hostCrc[r];
            if (verify) {
                if (ok) {
                    verified++;
                } else {
                    mismatches++;
                }
            }
            state[r] = FREE;
            published--;
            listener.onChunk(new ChunkReport(source[r], sequence[r], sourceOffset[r], length[r], offset(r), slot(r),
                    device, hostCrc[r], ok, overlap[r]));
        } else if (status == SlotStatus.FAULT) {
            if (crcPending[r]) {
                crcPending[r] = false;
                crcPendingCount--;
            }
            state[r] = DEAD;
            published--;
            faults++;
        }
    }

    /** Settles every PUBLISHED region whose slot is DONE. @return how many are still PUBLISHED */
    int settleAll() {
        for (int r = 0; r < count; r++) {
            if (state[r] == PUBLISHED) {
                settle(r);
            }
        }
        return published;
    }

    /** @return true when no region can ever be used again (every slot FAULTed) */
    boolean allDead() {
        for (int r = 0; r < count; r++) {
            if (state[r] != DEAD) {
                return false;
            }
        }
        return true;
    }

    /**
     * Waits until every published region is settled.
     *
     * @throws QueueFullException when slots are still not DONE after the stall timeout
     */
    void awaitSettled(Backoff backoff) {
        long start = System.nanoTime();
        long deadline = start + options.stallTimeout().toNanos();
        backoff.reset();
        while (settleAll() > 0) {
            if (checksumNext()) {
                continue;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw stalled();
            }
            backoff.idle();
        }
    }

    /** @return the refusal a stalled pump throws: the ring is full and nothing drains */
    QueueFullException stalled() {
        return new QueueFullException("ring", published + " chunk slots (slots " + options.firstSlot() + ".."
                + (options.firstSlot() + count - 1) + ") did not reach DONE within " + options.stallTimeout()
                + "; check that the interpreter is running, tenant " + options.tenant()
                + " is authorised in the control buffer, and the opcode completes");
    }

    IngestTelemetry telemetry(boolean fixed, int registrationErrno, long shortReads, long readErrors) {
        return new IngestTelemetry(fixed, registrationErrno, bytes, chunks, verified, mismatches, shortReads,
                readErrors, backpressureWaits, backpressureNanos);
    }

    /** Frees the host staging memory (if any); call it once no IO can land there any more. */
    @Override
    public void close() {
        if (staging != null && staging.scope().isAlive()) {
            staging.close();
        }
    }
}
