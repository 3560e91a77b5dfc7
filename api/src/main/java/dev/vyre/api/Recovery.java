package dev.vyre.api;

import dev.vyre.protocol.BackendException;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotStatus;
import dev.vyre.protocol.VyreArgumentException;
import dev.vyre.protocol.Words;
import dev.vyre.protocol.replay.ReplayLog;
import dev.vyre.protocol.replay.ReplayRecord;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * Re-runs, on a new session, exactly the slots a lost device did not finish, from the replay log.
 *
 * <pre>{@code
 * try (Vyre gpu = Vyre.open("cuda"); Session s = gpu.openSession(options)) {   // options record a log
 *     ... publish ...; s.awaitDoneCount(n, timeout);
 * } catch (DeviceLossException lost) {
 *     try (Vyre again = Vyre.open("reference");                                 // or the same backend
 *          Session r = again.openSession(Recovery.optionsFor(lost, Path.of("recovery.vrri")))) {
 *         RecoveryResult done = Recovery.rerun(lost, r, Duration.ofSeconds(30));
 *         ... read the re-run slots' results from r ...
 *     }
 * }
 * }</pre>
 *
 * <p>The contract: every slot published on the lost session runs to completion exactly once. A slot that
 * reached DONE or FAULT on the lost device is not re-run; each slot the {@link DeviceLossException} names
 * unfinished is published once on the recovery session, from its full-image record (the exact 16 words
 * it was published with), into the same ring slot, in the order it was first published, and waited for
 * until DONE or FAULT. The recovery session starts from fresh buffers: effects of the slots that
 * finished on the lost device stay in the lost session's buffers (read what the backend keeps in host
 * memory before closing it), and the recovery session holds the effects of the re-run slots only.
 *
 * <p>Refusals, each before anything is published: a loss whose interpreter did not confirm it stopped
 * ({@link DeviceLossException#settled()} false: a slot might still finish there), an unfinished slot with
 * no record (no log, or the log rolled over), a record of a VRRL0001 log (4 of 12 argument words kept,
 * so not exact), a slot outside the recovery session's ring, and a slot named twice.
 *
 * <p>A recovery session that loses its device raises its own {@link DeviceLossException}; recover from
 * that one the same way (its replay log holds the re-run publications).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.3")
public final class Recovery {

    private static final Duration POLL = Duration.ofMillis(20);

    private Recovery() {
    }

    /**
     * @return {@code lost}'s session options, recording into a fresh log at {@code newLog} (same capacity
     *         and format) or nothing when {@code newLog} is null: a recovery session of the same geometry,
     *         opcodes, isolation windows and data placement that does not overwrite the lost session's log
     */
    public static SessionOptions optionsFor(DeviceLossException lost, Path newLog) {
        SessionOptions o = lost.options();
        ReplayLogOptions log = null;
        if (newLog != null) {
            log = o.replayLog() == null ? ReplayLogOptions.of(newLog, 65_536)
                    : new ReplayLogOptions(newLog, o.replayLog().capacity(), o.replayLog().format(),
                    o.replayLog().background(), o.replayLog().drainThreads());
            if (o.replayLog() != null && newLog.toAbsolutePath().equals(o.replayLog().path().toAbsolutePath())) {
                throw new VyreArgumentException("newLog", newLog + " is the lost session's own log",
                        "record the recovery session into another file");
            }
        }
        return o.toBuilder().replayLog(log).build();
    }

    /**
     * Re-runs on {@code target} the slots {@code lost} reports unfinished, from the records it took from the
     * lost session's replay log, and waits until each is DONE or FAULT.
     *
     * @throws BackendException      when the lost interpreter did not confirm it stopped, when a slot has no
     *                               record, or when a slot does not finish within {@code timeout}
     * @throws VyreArgumentException when a record is not exact or does not fit {@code target}
     * @throws DeviceLossException   when {@code target} loses its device in turn
     */
    public static RecoveryResult rerun(DeviceLossException lost, Session target, Duration timeout) {
        Objects.requireNonNull(lost, "lost");
        if (!lost.settled()) {
            throw new BackendException("the lost session's interpreter did not confirm that it stopped, so a slot"
                    + " reported unfinished might still finish on the lost device", "close the lost session and"
                    + " restart the process, then re-run from the log with Recovery.rerun(log, slots, session, timeout)"
                    + " only if the device is known to be gone");
        }
        return rerun(complete(lost.unfinishedSlots(), lost.pendingRecords(), lost.replayLog().orElse(null)), target,
                timeout);
    }

    /**
     * Re-runs on {@code target} the newest record of each slot of {@code unfinishedSlots} in the replay log
     * at {@code log} (e.g. in a new process, with the slots a {@link DeviceLossException} named), in
     * publish order. {@code target} must not record into {@code log}.
     *
     * @throws BackendException as {@link #rerun(DeviceLossException, Session, Duration)}; also a
     *                          {@code ReplayLogException} when the log cannot be read
     */
    public static RecoveryResult rerun(Path log, int[] unfinishedSlots, Session target, Duration timeout) {
        Objects.requireNonNull(log, "log");
        int[] slots = unfinishedSlots.clone();
        Arrays.sort(slots);
        for (int i = 1; i < slots.length; i++) {
            if (slots[i] == slots[i - 1]) {
                throw new VyreArgumentException("unfinishedSlots", "slot " + slots[i] + " is named twice",
                        "pass each unfinished slot once (DeviceLossException.unfinishedSlots())");
            }
        }
        List<ReplayRecord> records = new ArrayList<>();
        if (slots.length > 0 && slots[0] >= 0) {
            try (ReplayLog read = ReplayLog.read(log)) {
                for (ReplayRecord r : read.latestForSlots(slots[0], slots[slots.length - 1] + 1)) {
                    if (Arrays.binarySearch(slots, r.slotIndex()) >= 0) {
                        records.add(r);
                    }
                }
            }
        }
        return rerun(complete(slots, records, log), target, timeout);
    }

    /**
     * Publishes {@code records} on {@code target}, in their order, each into its ring slot, and waits until
     * each is DONE or FAULT. Each record must be exact (a full-image log) and name a distinct slot.
     *
     * @throws BackendException      when a slot does not become publishable or finish within {@code timeout}
     * @throws VyreArgumentException when a record is not exact, names a slot twice or outside the ring, or its
     *                               image does not publish (opcode)
     * @throws DeviceLossException   when {@code target} loses its device
     */
    public static RecoveryResult rerun(List<ReplayRecord> records, Session target, Duration timeout) {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(timeout, "timeout");
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        int n = records.size();
        boolean[] seen = new boolean[target.slotCount()];
        int[] order = new int[n];
        MemorySegment images = MemorySegment.ofArray(new int[n * SlotLayout.SLOT_WORDS]);
        for (int i = 0; i < n; i++) {
            ReplayRecord r = records.get(i);
            if (!r.exact()) {
                throw new VyreArgumentException("records", "the record of slot " + r.slotIndex() + " comes from a"
                        + " VRRL0001 log, which keeps 4 of the slot's 12 argument words, so a re-run could differ",
                        "record sessions you may recover with ReplayLogFormat.FULL_IMAGE (the default)");
            }
            int slot = r.slotIndex();
            if (slot < 0 || slot >= seen.length) {
                throw new VyreArgumentException("target", "slot " + slot + " lies outside the recovery session's"
                        + " ring of " + seen.length + " slots", "open the recovery session with the lost session's"
                        + " geometry (Recovery.optionsFor)");
            }
            if (seen[slot]) {
                throw new VyreArgumentException("records", "slot " + slot + " is named twice",
                        "pass the newest record of each unfinished slot once");
            }
            seen[slot] = true;
            order[i] = slot;
            r.writeImage(images, (long) i * SlotLayout.SLOT_BYTES);
            Words.set(images, (long) i * SlotLayout.SLOT_WORDS, SlotStatus.PUBLISHED);
        }
        for (int i = 0; i < n; ) {
            int run = 1;
            while (i + run < n && order[i + run] == order[i] + run) {
                run++;
            }
            int published = target.publishSlots(order[i], images.asSlice((long) i * SlotLayout.SLOT_BYTES), run);
            if (published == 0) {
                awaitPublishable(target, order[i], deadline);
            }
            i += published;
        }
        int done = 0;
        int faulted = 0;
        for (int slot : order) {
            int status = awaitFinished(target, slot, deadline);
            if (status == SlotStatus.DONE) {
                done++;
            } else {
                faulted++;
            }
        }
        return new RecoveryResult(target.backendName(), order, done, faulted, System.nanoTime() - start);
    }

    /** @return {@code records} when it holds a record of every slot of {@code slots}; else refuses */
    private static List<ReplayRecord> complete(int[] slots, List<ReplayRecord> records, Path log) {
        if (records.size() == slots.length) {
            return records;
        }
        boolean[] have = new boolean[Arrays.stream(slots).max().orElse(0) + 1];
        for (ReplayRecord r : records) {
            if (r.slotIndex() >= 0 && r.slotIndex() < have.length) {
                have[r.slotIndex()] = true;
            }
        }
        List<Integer> missing = new ArrayList<>();
        for (int s : slots) {
            if (s < 0 || !have[s]) {
                missing.add(s);
            }
        }
        String which = missing.size() <= 8 ? missing.toString() : missing.subList(0, 8) + " and "
                + (missing.size() - 8) + " more";
        throw new BackendException(missing.size() + " unfinished slot(s) have no record to re-run " + which
                + (log == null ? ": the lost session recorded no replay log" : " in replay log " + log),
                log == null ? "open sessions you may need to recover with SessionOptions.replayLog"
                        : "record with a capacity of at least the slots in flight, so the log still holds every"
                        + " unfinished slot when the device is lost");
    }

    private static void awaitPublishable(Session target, int slot, long deadline) {
        while (!SlotStatus.isPublishable(target.slotStatus(slot))) {
            if (System.nanoTime() - deadline >= 0) {
                throw new BackendException("ring slot " + slot + " of the recovery session stayed busy (status "
                        + target.slotStatus(slot) + ")", "re-run into a fresh session (Recovery.optionsFor), or"
                        + " give the recovery a longer timeout");
            }
            target.awaitSlotStatus(slot, SlotStatus.DONE, POLL);
        }
    }

    /** @return DONE or FAULT, once {@code slot} reached it */
    private static int awaitFinished(Session target, int slot, long deadline) {
        while (true) {
            int status = target.slotStatus(slot);
            if (status == SlotStatus.DONE || status == SlotStatus.FAULT) {
                return status;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new BackendException("re-run slot " + slot + " did not finish on backend '"
                        + target.backendName() + "' in time (status " + status + ")", "give Recovery.rerun a longer"
                        + " timeout, and check that the recovery session authorises the slot's tenant");
            }
            target.awaitSlotStatus(slot, SlotStatus.DONE, Duration.ofNanos(Math.min(left, POLL.toNanos())));
        }
    }
}
