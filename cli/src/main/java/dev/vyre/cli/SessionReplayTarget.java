package dev.vyre.cli;

import dev.vyre.api.Session;
import dev.vyre.api.SessionOptions;
import dev.vyre.api.Vyre;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotStatus;
import dev.vyre.protocol.replay.ReplayRecord;
import dev.vyre.protocol.replay.SessionGeometry;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.List;

/**
 * Replays into a persistent session: consecutive records for consecutive free ring slots go out as one
 * {@link Session#publishSlots} run; a record whose image is not a publishable PUBLISHED slot (a raw write
 * when it was recorded), or whose ring slot ended in FAULT, is written with {@link Session#writeRawSlot}.
 * Before a ring slot is written again, and at the end of {@link #run}, the records put there are awaited
 * until DONE or FAULT.
 */
final class SessionReplayTarget implements ReplayTarget {

    /** Slot images per {@code publishSlots} call. */
    private static final int RUN = 64;

    private final Vyre vyre;
    private final Session session;
    private final SessionGeometry geometry;
    private final Duration slotTimeout;
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment images = arena.allocate((long) RUN * SlotLayout.SLOT_BYTES, 64);
    /** Ring slots written by this replay that are expected to run and were not yet seen finished. */
    private final boolean[] pending;
    /** Ring slots this {@link #run} call wrote that are expected to run, each listed once. */
    private final int[] touched;
    private final boolean[] listed;
    private int touchedCount;
    private long stalls;

    SessionReplayTarget(Vyre vyre, SessionGeometry geometry, Duration ioWait, Duration slotTimeout) {
        this.vyre = vyre;
        this.geometry = geometry;
        this.slotTimeout = slotTimeout;
        this.session = vyre.openSession(SessionOptions.builder().slotCount(geometry.slotCount())
                .tenantCount(geometry.tenantCount()).observableSlots(geometry.observableSlots())
                .dataBufferBytes(geometry.dataBufferBytes()).ioWaitTimeout(ioWait).build());
        this.pending = new boolean[geometry.slotCount()];
        this.touched = new int[geometry.slotCount()];
        this.listed = new boolean[geometry.slotCount()];
    }

    @Override
    public String backend() {
        return vyre.name();
    }

    @Override
    public String device() {
        return vyre.device().name();
    }

    @Override
    public String mode() {
        return "persistent";
    }

    @Override
    public void run(List<ReplayRecord> records, int from, int to) {
        int i = from;
        while (i < to) {
            ReplayRecord first = records.get(i);
            await(first.slotIndex());
            if (!plain(first)) {
                session.writeRawSlot(first.slotIndex(), first.image());
                written(first);
                i++;
                continue;
            }
            int n = 0;
            while (i + n < to && n < RUN) {
                ReplayRecord r = records.get(i + n);
                if (r.slotIndex() != first.slotIndex() + n || !plain(r) || (n > 0 && pending[r.slotIndex()])) {
                    break;
                }
                r.writeImage(images, (long) n * SlotLayout.SLOT_BYTES);
                n++;
            }
            int published = session.publishSlots(first.slotIndex(), images, n);
            for (int k = 0; k < published; k++) {
                written(records.get(i + k));
            }
            if (published < n) { // that ring slot ended in FAULT (or a raw status): overwrite it as recorded
                ReplayRecord r = records.get(i + published);
                session.writeRawSlot(r.slotIndex(), r.image());
                written(r);
                published++;
            }
            i += published;
        }
        for (int k = 0; k < touchedCount; k++) {
            await(touched[k]);
            listed[touched[k]] = false;
        }
        touchedCount = 0;
    }

    /** @return true for an image {@code publishSlots} accepts: status PUBLISHED and a publishable opcode */
    private static boolean plain(ReplayRecord r) {
        return r.status() == SlotStatus.PUBLISHED && Opcodes.isPublishable(r.opcode());
    }

    /** Notes a written record: the replay waits for it when it is expected to run. */
    private void written(ReplayRecord r) {
        int s = r.slotIndex();
        pending[s] = ReplayTarget.runs(r, geometry);
        if (pending[s] && !listed[s]) {
            listed[s] = true;
            touched[touchedCount++] = s;
        }
    }

    /** Waits until ring slot {@code s}, if this replay is waiting for it, is DONE or FAULT (or the bound passes). */
    private void await(int s) {
        if (!pending[s]) {
            return;
        }
        pending[s] = false;
        long deadline = System.nanoTime() + slotTimeout.toNanos();
        while (true) {
            int status = session.slotStatus(s);
            if (status == SlotStatus.DONE || status == SlotStatus.FAULT) {
                return;
            }
            if (System.nanoTime() - deadline >= 0) {
                stalls++;
                return;
            }
            session.awaitSlotStatus(s, SlotStatus.DONE, Duration.ofMillis(1));
        }
    }

    @Override
    public ReplayState state() {
        return ReplayState.of(session);
    }

    @Override
    public ReplayState state(java.util.BitSet ringSlots) {
        return ReplayState.partialOf(session, ringSlots);
    }

    @Override
    public long stalls() {
        return stalls;
    }

    @Override
    public void close() {
        try {
            session.close();
        } finally {
            arena.close();
        }
    }
}
