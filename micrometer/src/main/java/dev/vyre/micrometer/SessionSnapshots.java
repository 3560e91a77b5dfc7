package dev.vyre.micrometer;

import dev.vyre.api.Session;
import dev.vyre.protocol.BackendException;
import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.IoQueueLayout;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotStatus;
import dev.vyre.protocol.Words;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The session's control buffer, ring and IO queue as the meters read them: copied at most once per
 * {@code maxAge} (a scrape reads every meter from one copy), and frozen at their last values once the
 * session is closed or a copy fails. Thread-safe.
 */
final class SessionSnapshots {

    /** Ring statuses counted one by one (EMPTY .. FAULT); everything else counts as {@link #UNKNOWN}. */
    static final int STATUSES = SlotStatus.FAULT + 1;
    /** Index of the "any other status" count in {@link #ringSlots(int)}. */
    static final int UNKNOWN = STATUSES;

    private final Session session;
    private final long maxAgeNanos;
    private final LongSupplier clock;
    private byte[] control;
    private final long[] ring = new long[STATUSES + 1];
    private final long[] io = new long[STATUSES + 1];
    private long refreshedAt;
    private boolean fresh;
    private long lastDone;
    private long doneWraps;

    SessionSnapshots(Session session, Duration maxAge, LongSupplier clock) {
        this.session = session;
        this.maxAgeNanos = maxAge.toNanos();
        this.clock = clock;
        this.control = new byte[Math.toIntExact(session.options().controlBytes())];
    }

    /** @return control word {@code word} as an unsigned value */
    synchronized long controlWord(int word) {
        refresh();
        return Integer.toUnsignedLong(Words.get(MemorySegment.ofArray(control), word));
    }

    /** @return DONE_COUNT extended past its 32-bit wrap (correct while it wraps at most once between reads) */
    synchronized long done() {
        refresh();
        return doneWraps + lastDone;
    }

    /** @return ring slots whose status is {@code status} (0..7), or {@link #UNKNOWN} for any other */
    synchronized long ringSlots(int status) {
        refresh();
        return ring[status];
    }

    /** @return IO queue entries whose status is {@code status} (a {@link SlotStatus} value below 8) */
    synchronized long ioRequests(int status) {
        refresh();
        return io[status];
    }

    private void refresh() {
        long now = clock.getAsLong();
        if (fresh && now - refreshedAt < maxAgeNanos) {
            return;
        }
        fresh = true;
        refreshedAt = now;
        if (session.isClosed()) {
            return;
        }
        try {
            byte[] c = session.controlSnapshot();
            byte[] r = session.ringSnapshot();
            byte[] q = session.ioQueueSnapshot();
            control = c;
            long done = Integer.toUnsignedLong(Words.get(MemorySegment.ofArray(c), ControlLayout.DONE_COUNT));
            if (done < lastDone) {
                doneWraps += 1L << 32;
            }
            lastDone = done;
            count(r, SlotLayout.SLOT_WORDS, SlotLayout.STATUS_WORD, ring);
            count(q, IoQueueLayout.IO_SLOT_WORDS, IoQueueLayout.STATUS_WORD, io);
        } catch (BackendException closedMeanwhile) {
            // the session closed between the check and the copy: keep the last values
        }
    }

    private static void count(byte[] buffer, int entryWords, int statusWord, long[] counts) {
        java.util.Arrays.fill(counts, 0);
        MemorySegment seg = MemorySegment.ofArray(buffer);
        long entries = buffer.length / (entryWords * (long) Integer.BYTES);
        for (long i = 0; i < entries; i++) {
            int status = Words.get(seg, i * entryWords + statusWord);
            counts[status >= 0 && status < STATUSES ? status : UNKNOWN]++;
        }
    }
}
