package dev.vyre.api;

import dev.vyre.protocol.IoQueueLayout;
import dev.vyre.protocol.SlotStatus;
import java.util.Arrays;
import java.util.function.IntUnaryOperator;

/**
 * What a session knows when its interpreter looks stuck: the state that explains a watchdog stall or a close
 * that did not stop the interpreter. It is built only on slow paths (a wait that has spun out and is about to
 * sleep, a stall, a stuck close), never on a publish path.
 *
 * <p>CLAIMED ages: {@link #observe} looks at every slot's status at most every {@value #LOOK_MILLIS} ms and
 * remembers, per slot, when it first saw it CLAIMED; a slot seen in any other status is forgotten. A slot's age
 * is therefore a lower bound on how long it has been CLAIMED ("for at least"), counted from the first look that
 * found it CLAIMED and continued by every later look; a slot that completed and was claimed again between two
 * looks reads as one long claim. The table ({@code long[slotCount]}) is allocated at the first look.
 */
final class HangDiagnostics {

    /** Minimum time between two looks at the ring by {@link #observe}. */
    static final long LOOK_MILLIS = 100;
    private static final long LOOK_NANOS = LOOK_MILLIS * 1_000_000L;
    /** CLAIMED slots a report names (the oldest first); the count covers all of them. */
    static final int LISTED = 16;
    private static final String[] NAMES = {"EMPTY", "PUBLISHED", "CLAIMED", "DONE", "WAIT_IO", "YIELD", "REQUEUE",
        "FAULT"};

    private final int slotCount;
    /** Per slot: System.nanoTime() of the first of the consecutive looks that saw it CLAIMED, or 0. */
    private long[] claimedSince;
    private long lastLook;

    HangDiagnostics(int slotCount) {
        this.slotCount = slotCount;
    }

    /**
     * Looks at the ring when the last look is at least {@value #LOOK_MILLIS} ms old (or there was none).
     *
     * @param status a slot's status
     */
    synchronized void observe(IntUnaryOperator status, long now) {
        if (claimedSince != null && now - lastLook < LOOK_NANOS) {
            return;
        }
        look(status, now);
    }

    /** @return the histogram after looking at every slot now (ages updated) */
    private int[] look(IntUnaryOperator status, long now) {
        if (claimedSince == null) {
            claimedSince = new long[slotCount];
        }
        int[] histogram = new int[NAMES.length + 1];
        for (int slot = 0; slot < slotCount; slot++) {
            int s = status.applyAsInt(slot);
            histogram[s >= 0 && s < NAMES.length ? s : NAMES.length]++;
            if (s == SlotStatus.CLAIMED) {
                if (claimedSince[slot] == 0) {
                    claimedSince[slot] = now == 0 ? 1 : now;
                }
            } else {
                claimedSince[slot] = 0;
            }
        }
        lastLook = now;
        return histogram;
    }

    /**
     * Looks at the ring now and returns the report.
     *
     * @param status      a slot's status
     * @param ioStatus    an IO queue slot's status
     * @param heartbeat   the interpreter's heartbeat, -1 when it has none
     * @param heartbeatAgeNanos how long the heartbeat has not moved, 0 when unknown
     * @param epoch       control word EPOCH as last read, -1 when unreadable
     * @param doneCount   DONE_COUNT as last read, -1 when unreadable
     */
    synchronized Report report(IntUnaryOperator status, IntUnaryOperator ioStatus, long heartbeat,
                               long heartbeatAgeNanos, long epoch, long doneCount, long now) {
        int[] histogram = look(status, now);
        int claimed = histogram[SlotStatus.CLAIMED];
        int[] slots = new int[claimed];
        long[] ages = new long[claimed];
        int n = 0;
        for (int slot = 0; slot < slotCount && n < claimed; slot++) {
            if (claimedSince[slot] != 0) {
                slots[n] = slot;
                ages[n++] = now - claimedSince[slot];
            }
        }
        int[] io = new int[IoQueueLayout.IO_SLOT_COUNT];
        for (int q = 0; q < io.length; q++) {
            io[q] = ioStatus.applyAsInt(q);
        }
        return new Report(histogram, heartbeat, heartbeatAgeNanos, epoch, doneCount, io, slots, ages);
    }

    /**
     * The state that explains a hang.
     *
     * @param histogram slots per status: EMPTY, PUBLISHED, CLAIMED, DONE, WAIT_IO, YIELD, REQUEUE, FAULT, then
     *                  any other value
     * @param heartbeat the interpreter's heartbeat, -1 when it has none
     * @param heartbeatAgeNanos how long it has not moved, 0 when unknown
     * @param epoch     control word EPOCH (BATCH_FENCE ops run), -1 when unreadable
     * @param doneCount DONE_COUNT, -1 when unreadable
     * @param ioStatuses the status word of each IO queue slot
     * @param claimedSlots the CLAIMED slots, ascending
     * @param claimedNanos for each, how long it has been CLAIMED at least
     */
    record Report(int[] histogram, long heartbeat, long heartbeatAgeNanos, long epoch, long doneCount,
                  int[] ioStatuses, int[] claimedSlots, long[] claimedNanos) {

        /** @return "EMPTY 5, PUBLISHED 1, CLAIMED 2, DONE 8, FAULT 0" (WAIT_IO, YIELD, REQUEUE, other if non-zero) */
        String slotHistogram() {
            StringBuilder sb = new StringBuilder();
            for (int s = 0; s <= NAMES.length; s++) {
                boolean always = s <= SlotStatus.DONE || s == SlotStatus.FAULT;
                if (always || histogram[s] != 0) {
                    sb.append(sb.isEmpty() ? "" : ", ").append(s < NAMES.length ? NAMES[s] : "other").append(' ')
                            .append(histogram[s]);
                }
            }
            return sb.toString();
        }

        /** @return "64 EMPTY" or "61 EMPTY; 3 PUBLISHED, 7 CLAIMED, 9 DONE" (statuses by IO slot) */
        String ioQueue() {
            int empty = 0;
            StringBuilder busy = new StringBuilder();
            for (int q = 0; q < ioStatuses.length; q++) {
                int s = ioStatuses[q];
                if (s == SlotStatus.EMPTY) {
                    empty++;
                } else {
                    busy.append(busy.isEmpty() ? "" : ", ").append(q).append(' ').append(ioName(s));
                }
            }
            return empty + " EMPTY" + (busy.isEmpty() ? "" : "; " + busy);
        }

        /** @return "3 for >= 2100 ms, 7 for >= 0 ms" (the oldest first, at most {@value #LISTED}), or "none" */
        String claimed() {
            if (claimedSlots.length == 0) {
                return "none";
            }
            Integer[] order = new Integer[claimedSlots.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> Long.compare(claimedNanos[b], claimedNanos[a]));
            StringBuilder sb = new StringBuilder();
            for (int k = 0; k < Math.min(LISTED, order.length); k++) {
                int i = order[k];
                sb.append(k == 0 ? "" : ", ").append(claimedSlots[i]).append(" for >= ")
                        .append(claimedNanos[i] / 1_000_000).append(" ms");
            }
            if (order.length > LISTED) {
                sb.append(", and ").append(order.length - LISTED).append(" more");
            }
            return sb.toString();
        }

        /** @return the longest CLAIMED age, 0 when no slot is CLAIMED */
        long oldestClaimedNanos() {
            long max = 0;
            for (long a : claimedNanos) {
                max = Math.max(max, a);
            }
            return max;
        }

        /** @return the whole report on one line, for an exception message */
        String describe() {
            return "slots: " + slotHistogram() + "; CLAIMED slots: " + claimed() + "; heartbeat "
                    + (heartbeat < 0 ? "none" : heartbeat + ", unchanged for " + heartbeatAgeNanos / 1_000_000 + " ms")
                    + "; epoch " + (epoch < 0 ? "unreadable" : Long.toString(epoch)) + ", DONE_COUNT "
                    + (doneCount < 0 ? "unreadable" : Long.toString(doneCount)) + "; IO queue: " + ioQueue();
        }

        private static String ioName(int s) {
            if (s == IoQueueLayout.STATUS_OK) {
                return "OK";
            }
            if (s == IoQueueLayout.STATUS_ERROR) {
                return "ERROR";
            }
            return s >= 0 && s < NAMES.length ? NAMES[s] : "0x" + Integer.toHexString(s);
        }
    }
}
