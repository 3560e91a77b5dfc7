package dev.vyre.cli;

import dev.vyre.protocol.DebugLogLayout;
import dev.vyre.protocol.replay.ReplayRecord;
import java.util.BitSet;
import java.util.List;
import java.util.function.Supplier;

/**
 * Re-executes a log on two sides and finds where they first differ. Both sides run the records epoch by
 * epoch ({@link ReplayPlan}) and their buffers are compared after every {@code stride}-th epoch and after
 * the last. At the first difference the replay is repeated on fresh sides up to the last state that agreed,
 * then record by record, comparing after each, so the report names the record (and ring slot) whose
 * execution first made the sides differ. A difference that no single record reproduces depends on the order
 * in which an epoch's slots ran; it is reported with the epochs it lies in and no record.
 */
final class Replayer {

    /** Bytes of state compared per checkpoint before checkpoints thin out to every few epochs. */
    static final long CHECK_BYTES = 1L << 20;
    /**
     * Most checkpoints of one replay (the last epoch's included). A snapshot of a GPU session reads its
     * buffers back from the device (uncached reads of BAR-mapped VRAM on Vulkan): a log of 10,923 epochs over
     * a 65,536-slot Vulkan ring, checked every 5 epochs, did not finish within 40 s on the H100. A difference
     * between checkpoints is still found record by record.
     */
    static final int MAX_CHECKPOINTS = 256;
    /**
     * A ring larger than this is read whole only at every {@value #FULL_EVERY}th checkpoint and the last; the
     * checkpoints between read control, debug log and IO queue whole and the ring only at the slots their epochs
     * ran. Reading a 65,536-slot ring from a persistent Vulkan session (BAR-mapped VRAM) took about 1.2 s on the
     * H100, so 254 whole checkpoints took 310 s.
     */
    static final long WHOLE_RING_BYTES = 1L << 20;
    /** Checkpoints per whole-state checkpoint when the ring is larger than {@link #WHOLE_RING_BYTES}. */
    static final int FULL_EVERY = 16;

    /**
     * Where the sides first differ.
     *
     * @param epoch      the plan's epoch (0-based) of {@code record}, or of the first epoch the difference
     *                   may lie in when {@code record} is -1
     * @param lastEpoch  the last epoch the difference may lie in ({@code epoch} when the record is known)
     * @param record     index of the record whose execution made the sides differ, -1 when none alone does
     * @param slot       that record's ring slot, -1 when unknown
     * @param difference the first differing word
     */
    record Divergence(int epoch, int lastEpoch, int record, int slot, ReplayRecord backendRecord,
                      ReplayDifference difference) {
    }

    /**
     * @param epochs     epochs run (all of them when identical)
     * @param stride     epochs between checkpoints
     * @param fullStride epochs between checkpoints that compare every buffer whole ({@code stride} unless the
     *                   ring is larger than {@link #WHOLE_RING_BYTES}); the last checkpoint always does
     * @param stallsBackend  records that did not finish within the bound on the backend side
     * @param stallsAgainst  the same on the other side
     * @param divergence null when the sides agreed at every checkpoint
     */
    record Outcome(int epochs, int stride, int fullStride, long stallsBackend, long stallsAgainst,
                   Divergence divergence) {
    }

    private final ReplayPlan plan;
    private final List<ReplayRecord> backendRecords;
    private final List<ReplayRecord> againstRecords;
    private final Supplier<ReplayTarget> backendSide;
    private final Supplier<ReplayTarget> againstSide;
    private final int stride;
    /** Checkpoints per whole-state checkpoint: 1, or {@link #FULL_EVERY} for a ring above {@link #WHOLE_RING_BYTES}. */
    private final int fullEvery;

    /**
     * @param backendRecords the records the backend under test runs
     * @param againstRecords the records the other side runs (the same list unless two logs are compared)
     * @param stateBytes     bytes of one side's buffers
     * @param ringBytes      bytes of one side's ring
     */
    Replayer(ReplayPlan plan, List<ReplayRecord> backendRecords, List<ReplayRecord> againstRecords,
             Supplier<ReplayTarget> backendSide, Supplier<ReplayTarget> againstSide, long stateBytes, long ringBytes) {
        this.plan = plan;
        this.backendRecords = backendRecords;
        this.againstRecords = againstRecords;
        this.backendSide = backendSide;
        this.againstSide = againstSide;
        this.stride = stride(plan.epochs(), stateBytes);
        this.fullEvery = ringBytes > WHOLE_RING_BYTES ? FULL_EVERY : 1;
    }

    /**
     * @return epochs between checkpoints: about {@link #CHECK_BYTES} compared per epoch, and at most
     *         {@link #MAX_CHECKPOINTS} checkpoints
     */
    static int stride(int epochs, long stateBytes) {
        long byBytes = (stateBytes + CHECK_BYTES - 1) / CHECK_BYTES;
        long byCount = (epochs + MAX_CHECKPOINTS - 1) / MAX_CHECKPOINTS;
        return (int) Math.max(1, Math.min(epochs, Math.max(byBytes, byCount)));
    }

    /**
     * Runs the replay; @return what it found. A difference at any checkpoint is located record by record from
     * the last checkpoint that compared every buffer whole, so a difference in a part a partial checkpoint skipped
     * is still found at its record.
     */
    Outcome run() {
        long printfs = 0;
        long printfsAtWhole = 0;
        int lastWhole = -1;
        int checkpoint = 0;
        BitSet ran = new BitSet();
        try (Sides sides = open()) {
            for (int e = 0; e < plan.epochs(); e++) {
                sides.run(plan.from(e), plan.to(e));
                for (int i = plan.from(e); fullEvery > 1 && i < plan.to(e); i++) {
                    ran.set(backendRecords.get(i).slotIndex());
                    ran.set(againstRecords.get(i).slotIndex());
                }
                boolean last = e == plan.epochs() - 1;
                if ((e + 1) % stride != 0 && !last) {
                    continue;
                }
                boolean whole = last || ++checkpoint % fullEvery == 0;
                ReplayState b = whole ? sides.backend.state() : sides.backend.state(ran);
                ReplayState a = whole ? sides.against.state() : sides.against.state(ran);
                ReplayDifference d = ReplayDifference.first(b, a, printfs);
                if (d != null) {
                    sides.close();
                    return new Outcome(e + 1, stride, stride * fullEvery, sides.backend.stalls(),
                            sides.against.stalls(), locate(lastWhole, e, printfsAtWhole, d));
                }
                printfs = printfs(b);
                ran.clear();
                if (whole) {
                    lastWhole = e;
                    printfsAtWhole = printfs;
                }
            }
            return new Outcome(plan.epochs(), stride, stride * fullEvery, sides.backend.stalls(),
                    sides.against.stalls(), null);
        }
    }

    /** Repeats the replay up to epoch {@code lastGood}, then record by record through epoch {@code bad}. */
    private Divergence locate(int lastGood, int bad, long printfsAgreed, ReplayDifference atCheckpoint) {
        try (Sides sides = open()) {
            if (lastGood >= 0) {
                sides.run(0, plan.to(lastGood));
            }
            long printfs = printfsAgreed;
            for (int i = plan.from(lastGood + 1); i < plan.to(bad); i++) {
                sides.run(i, i + 1);
                ReplayState b = sides.backend.state();
                ReplayDifference d = ReplayDifference.first(b, sides.against.state(), printfs);
                if (d != null) {
                    ReplayRecord r = backendRecords.get(i);
                    return new Divergence(plan.epochOf(i), plan.epochOf(i), i, r.slotIndex(), r, d);
                }
                printfs = printfs(b);
            }
        }
        return new Divergence(lastGood + 1, bad, -1, -1, null, atCheckpoint);
    }

    /** Opens fresh sides (the backend first; it is closed again when the other side fails to open). */
    private Sides open() {
        ReplayTarget backend = backendSide.get();
        try {
            return new Sides(backend, againstSide.get());
        } catch (RuntimeException e) {
            try {
                backend.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private static long printfs(ReplayState s) {
        return Integer.toUnsignedLong(ReplayDifference.word(s.debugLog(), DebugLogLayout.CURSOR_WORD))
                / DebugLogLayout.RECORD_WORDS;
    }

    /** The two sides of one pass over the log; closing closes both, once. */
    private final class Sides implements AutoCloseable {
        final ReplayTarget backend;
        final ReplayTarget against;
        private boolean closed;

        Sides(ReplayTarget backend, ReplayTarget against) {
            this.backend = backend;
            this.against = against;
        }

        /** Runs records {@code from .. to - 1} on both sides, epoch by epoch. */
        void run(int from, int to) {
            int i = from;
            while (i < to) {
                int end = Math.min(to, plan.to(plan.epochOf(i)));
                backend.run(backendRecords, i, end);
                against.run(againstRecords, i, end);
                i = end;
            }
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            try {
                backend.close();
            } finally {
                against.close();
            }
        }
    }
}
