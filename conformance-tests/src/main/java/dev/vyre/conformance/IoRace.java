package dev.vyre.conformance;

import dev.vyre.api.Session;
import dev.vyre.api.SessionOptions;
import dev.vyre.api.Vyre;
import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.IoQueueLayout;
import dev.vyre.protocol.IoRequest;
import dev.vyre.protocol.QueueFullException;
import dev.vyre.protocol.SlotStatus;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * Races IO completions against the interpreter's take-back at the IO wait bound, and checks that no
 * update is lost: every LOAD_MISS ring slot ends DONE exactly when the host's completion was accepted with
 * OK (FAULT when it was accepted with ERROR, taken back, or never claimed), DONE_COUNT counts exactly the
 * accepted OKs, no request is claimed twice or with another request's words, and every IO slot ends EMPTY.
 *
 * <p>One round is one persistent session: {@code slots} LOAD_MISS slots (resource {@code BASE + slot}) are
 * published at once; a host thread claims the requests and completes each (OK or ERROR at random) after a
 * delay drawn uniformly from {@code [0, 2 x bound)} after its claim, so many completions land right at the
 * device's deadline. Deterministic for a seed except for the timing it races.
 */
public final class IoRace {

    /** Resource id of ring slot {@code s}: {@code BASE + s}. */
    public static final int BASE = 0x10_0000;

    /** What one or more rounds saw. */
    public record Tally(long acceptedOk, long acceptedError, long takenBack, long unclaimed, long rounds) {
        Tally plus(Tally o) {
            return new Tally(acceptedOk + o.acceptedOk, acceptedError + o.acceptedError, takenBack + o.takenBack,
                    unclaimed + o.unclaimed, rounds + o.rounds);
        }

        /** @return true when both sides of the race happened: some completions accepted, some taken back */
        public boolean raced() {
            return acceptedOk + acceptedError > 0 && takenBack > 0;
        }

        @Override
        public String toString() {
            return rounds + " rounds: accepted OK " + acceptedOk + ", accepted ERROR " + acceptedError
                    + ", taken back " + takenBack + ", never claimed " + unclaimed;
        }
    }

    private enum Fate { UNCLAIMED, CLAIMED, ACCEPTED_OK, ACCEPTED_ERROR, TAKEN_BACK }

    private record Pending(long dueNanos, int ioSlot, int ringSlot, boolean ok) {
    }

    private IoRace() {
    }

    /**
     * Runs {@code rounds} sessions on {@code vyre}.
     *
     * @param slots ring slots per round, each one LOAD_MISS (1..64, so every request has an IO slot)
     * @param bound the session's IO wait bound
     * @throws ConformanceFailure at the first inconsistency, naming the round and the slot
     */
    public static Tally run(Vyre vyre, int rounds, int slots, Duration bound, long seed) throws Exception {
        if (slots < 1 || slots > IoQueueLayout.IO_SLOT_COUNT) {
            throw new IllegalArgumentException("slots is " + slots + ". Fix: pass 1..64");
        }
        SplittableRandom random = new SplittableRandom(seed);
        Tally total = new Tally(0, 0, 0, 0, 0);
        for (int round = 0; round < rounds; round++) {
            total = total.plus(round(vyre, round, slots, bound, random.split()));
        }
        return total;
    }

    private static Tally round(Vyre vyre, int round, int slots, Duration bound, SplittableRandom random)
            throws Exception {
        SessionOptions options = SessionOptions.builder().slotCount(slots).observableSlots(0).ioWaitTimeout(bound)
                .build();
        Fate[] fates = new Fate[slots];
        java.util.Arrays.fill(fates, Fate.UNCLAIMED);
        try (Session s = vyre.openSession(options)) {
            for (int slot = 0; slot < slots; slot++) {
                s.writeRawSlot(slot, Wire.loadMiss(BASE + slot, false));
            }
            serve(s, round, slots, bound, random, fates);
            for (int slot = 0; slot < slots; slot++) {
                awaitSettled(s, round, slot);
            }
            Buffers after = Sessions.stop(s);
            return check(round, slots, fates, after);
        }
    }

    /** Claims and completes until every ring slot has settled, each completion at its drawn time. */
    private static void serve(Session s, int round, int slots, Duration bound, SplittableRandom random,
                              Fate[] fates) {
        long boundNanos = bound.toNanos();
        PriorityQueue<Pending> due = new PriorityQueue<>(Comparator.comparingLong(Pending::dueNanos));
        // ring slot whose request this host claimed last in each IO slot: completions name only the IO slot
        int[] claimedBy = new int[IoQueueLayout.IO_SLOT_COUNT];
        java.util.Arrays.fill(claimedBy, -1);
        long deadline = System.nanoTime() + Sessions.WAIT.toNanos();
        while (!due.isEmpty() || !allSettled(s, slots)) {
            if (System.nanoTime() > deadline) {
                throw new ConformanceFailure("round " + round + ": the LOAD_MISS slots did not settle within "
                        + Sessions.WAIT.toSeconds() + " s");
            }
            for (IoRequest r : s.claimIoRequests()) {
                int ringSlot = r.tag() - BASE;
                IoRequest want = new IoRequest(r.slotIdx(), IoQueueLayout.OP_READ, r.tag(), r.tag(), 0, 0, r.tag());
                if (ringSlot < 0 || ringSlot >= slots || !want.equals(r)) {
                    throw new ConformanceFailure("round " + round + ": claimed " + r + ", which no LOAD_MISS wrote");
                }
                if (fates[ringSlot] != Fate.UNCLAIMED) {
                    throw new ConformanceFailure("round " + round + ": the request of ring slot " + ringSlot
                            + " was claimed twice (" + r + ")");
                }
                fates[ringSlot] = Fate.CLAIMED;
                claimedBy[r.slotIdx()] = ringSlot;
                long delay = (long) (random.nextDouble() * 2 * boundNanos);
                due.add(new Pending(System.nanoTime() + delay, r.slotIdx(), ringSlot, random.nextInt(4) != 0));
            }
            Pending next = due.peek();
            if (next != null && System.nanoTime() >= next.dueNanos()) {
                due.poll();
                if (claimedBy[next.ioSlot()] != next.ringSlot()) {
                    // the IO slot already carries a later request: the device decided this one without a
                    // completion, so it took it back (completing the slot now would answer the later one)
                    fates[next.ringSlot()] = Fate.TAKEN_BACK;
                    continue;
                }
                try {
                    s.completeIoRequest(next.ioSlot(), next.ok());
                    fates[next.ringSlot()] = next.ok() ? Fate.ACCEPTED_OK : Fate.ACCEPTED_ERROR;
                } catch (QueueFullException e) {
                    // taken back (or, validated after the take-back, no longer CLAIMED): the slot must FAULT
                    fates[next.ringSlot()] = Fate.TAKEN_BACK;
                }
            } else {
                Thread.onSpinWait();
            }
        }
    }

    private static boolean allSettled(Session s, int slots) {
        for (int slot = 0; slot < slots; slot++) {
            int st = s.slotStatus(slot);
            if (st != SlotStatus.DONE && st != SlotStatus.FAULT) {
                return false;
            }
        }
        return true;
    }

    private static void awaitSettled(Session s, int round, int slot) {
        long deadline = System.nanoTime() + Sessions.WAIT.toNanos();
        int st;
        while ((st = s.slotStatus(slot)) != SlotStatus.DONE && st != SlotStatus.FAULT) {
            if (System.nanoTime() > deadline) {
                throw new ConformanceFailure("round " + round + ": ring slot " + slot + " is still "
                        + SlotStatus.name(st) + " after " + Sessions.WAIT.toSeconds() + " s");
            }
            Thread.onSpinWait();
        }
    }

    private static Tally check(int round, int slots, Fate[] fates, Buffers after) {
        ByteBuffer ring = ByteBuffer.wrap(after.ring()).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer control = ByteBuffer.wrap(after.control()).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer io = ByteBuffer.wrap(after.ioQueue()).order(ByteOrder.LITTLE_ENDIAN);
        Map<Fate, Long> counts = new HashMap<>();
        List<String> lost = new ArrayList<>();
        for (int slot = 0; slot < slots; slot++) {
            int status = ring.getInt(slot * 64);
            int want = fates[slot] == Fate.ACCEPTED_OK ? SlotStatus.DONE : SlotStatus.FAULT;
            if (fates[slot] == Fate.CLAIMED) {
                lost.add("ring slot " + slot + ": claimed but never completed by the host (harness bug)");
            } else if (status != want) {
                lost.add("ring slot " + slot + ": host saw " + fates[slot] + ", the slot is " + SlotStatus.name(status));
            }
            counts.merge(fates[slot], 1L, Long::sum);
        }
        long ok = counts.getOrDefault(Fate.ACCEPTED_OK, 0L);
        int doneCount = control.getInt(ControlLayout.DONE_COUNT * 4);
        if (Integer.toUnsignedLong(doneCount) != ok) {
            lost.add("DONE_COUNT is " + Integer.toUnsignedLong(doneCount) + ", but " + ok + " completions were accepted OK");
        }
        for (int q = 0; q < IoQueueLayout.IO_SLOT_COUNT; q++) {
            int status = io.getInt((q * IoQueueLayout.IO_SLOT_WORDS + IoQueueLayout.STATUS_WORD) * 4);
            if (status != SlotStatus.EMPTY) {
                lost.add("IO slot " + q + " ends with status 0x" + Integer.toHexString(status) + ", not EMPTY");
            }
        }
        if (!lost.isEmpty()) {
            throw new ConformanceFailure("round " + round + ": lost update(s): " + String.join("; ", lost));
        }
        return new Tally(ok, counts.getOrDefault(Fate.ACCEPTED_ERROR, 0L), counts.getOrDefault(Fate.TAKEN_BACK, 0L),
                counts.getOrDefault(Fate.UNCLAIMED, 0L), 1);
    }
}
