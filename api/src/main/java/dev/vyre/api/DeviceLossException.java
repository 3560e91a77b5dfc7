package dev.vyre.api;

import dev.vyre.protocol.BackendException;
import dev.vyre.protocol.replay.FailureClass;
import dev.vyre.protocol.replay.FailureClassifier;
import dev.vyre.protocol.replay.ReplayFailureEvidence;
import dev.vyre.protocol.replay.ReplayRecord;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * The device under a {@link Session} was lost: the backend's failure classifies as
 * {@link FailureClass#DEVICE_LOSS} ({@link FailureClassifier}: a CUDA sticky error such as
 * {@code CUDA_ERROR_LAUNCH_FAILED} or {@code CUDA_ERROR_ILLEGAL_ADDRESS}, {@code VK_ERROR_DEVICE_LOST}, a
 * destroyed context, a driver whose liveness reports the device gone). A session's waits, publishes and
 * reads raise it in place of the backend's exception, which is its cause.
 *
 * <p>What it reports, read once the session had stopped its interpreter (or found it dead):
 * <ul>
 *   <li>{@link #unfinishedSlots()}: the ring slots whose latest publication did not reach DONE or FAULT
 *       (PUBLISHED, CLAIMED, waiting for IO, yielded or requeued), ascending. Every other published slot
 *       ran exactly once on the lost device and must not run again.</li>
 *   <li>{@link #pendingRecords()}: when the session records a replay log, the newest record of each
 *       unfinished slot, in publish order: exactly what {@link Recovery} re-runs on another session.</li>
 *   <li>{@link #evidence()}: per unfinished slot, its failure evidence
 *       ({@link ReplayFailureEvidence#fromBackendError}: status, class, stable code, digest of its ring
 *       image).</li>
 * </ul>
 * Slots published after the loss (their doorbell reached no device) are unfinished too; a later wait
 * raises a new exception that includes them.
 *
 * <p>Effects of slots that finished before the loss live in the lost session's buffers; what the backend
 * keeps in host memory (the ring, the data buffer, and on host-memory backends the control buffer) can
 * still be read until the session is closed. A slot that was CLAIMED when the device was lost may have
 * left part of its effects there; its re-run starts from the fresh buffers of the recovery session.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.3")
public final class DeviceLossException extends BackendException {
    private static final long serialVersionUID = 1L;

    private final String backendName;
    private final String operation;
    private final int[] unfinishedSlots;
    private final boolean settled;
    private final transient List<ReplayRecord> pendingRecords;
    private final transient List<ReplayFailureEvidence> evidence;
    private final transient SessionOptions options;
    private final transient Path replayLog;

    DeviceLossException(String backendName, String operation, int[] unfinishedSlots, boolean settled,
                        List<ReplayRecord> pendingRecords, List<ReplayFailureEvidence> evidence,
                        SessionOptions options, Path replayLog, Throwable cause) {
        super("the device of backend '" + backendName + "' was lost (" + operation + "): " + summary(cause) + "; "
                        + unfinishedSlots.length + " slot(s) did not finish" + (settled ? ""
                        : ", and the interpreter did not confirm that it stopped"),
                fix(replayLog, pendingRecords.size() == unfinishedSlots.length, settled), cause);
        this.backendName = backendName;
        this.operation = operation;
        this.unfinishedSlots = unfinishedSlots.clone();
        this.settled = settled;
        this.pendingRecords = List.copyOf(pendingRecords);
        this.evidence = List.copyOf(evidence);
        this.options = options;
        this.replayLog = replayLog;
    }

    private static String summary(Throwable cause) {
        String m = cause.getMessage();
        if (m != null && m.startsWith("backend error: ")) {
            m = m.substring("backend error: ".length());
        }
        int fix = m == null ? -1 : m.indexOf(". Fix: ");
        return m == null ? cause.getClass().getSimpleName() : fix < 0 ? m : m.substring(0, fix);
    }

    private static String fix(Path log, boolean complete, boolean settled) {
        if (!settled) {
            return "close the session and restart the process before re-running anything: a slot may still"
                    + " finish on the lost device";
        }
        if (log == null) {
            return "close the session; to re-run the unfinished slots elsewhere, open sessions with"
                    + " SessionOptions.replayLog and recover with Recovery.rerun";
        }
        if (!complete) {
            return "close the session; the replay log " + log + " no longer holds every unfinished slot, so"
                    + " record with a larger capacity (at least the slots in flight) to recover";
        }
        return "close the session, open a new one (Vyre.open, same geometry and opcodes) and call"
                + " Recovery.rerun(exception, newSession, timeout) to run exactly the unfinished slots";
    }

    /** @return the backend whose device was lost */
    public String backendName() {
        return backendName;
    }

    /** @return the session operation that met the loss (await, publish, liveness, read, ...) */
    public String operation() {
        return operation;
    }

    /** @return the ring slots whose latest publication did not reach DONE or FAULT, ascending (a copy) */
    public int[] unfinishedSlots() {
        return unfinishedSlots.clone();
    }

    /**
     * @return true when the session saw its interpreter stop, or its device refuse to run anything more,
     *         before it read {@link #unfinishedSlots()}; false when the interpreter may still be running (a
     *         slot reported unfinished might yet finish), in which case {@link Recovery} refuses to re-run
     */
    public boolean settled() {
        return settled;
    }

    /**
     * @return the newest replay-log record of each unfinished slot, in publish order; empty when the
     *         session records no log, shorter than {@link #unfinishedSlots()} when the log rolled over
     */
    public List<ReplayRecord> pendingRecords() {
        return pendingRecords == null ? List.of() : pendingRecords;
    }

    /** @return the failure evidence of each unfinished slot, in the order of {@link #unfinishedSlots()} */
    public List<ReplayFailureEvidence> evidence() {
        return evidence == null ? List.of() : evidence;
    }

    /** @return the options the lost session was opened with (a recovery session takes the same geometry) */
    public SessionOptions options() {
        return options;
    }

    /** @return the replay log the lost session recorded into, if any */
    public Optional<Path> replayLog() {
        return Optional.ofNullable(replayLog);
    }

    /** @return the stable backend error code of the cause ({@link FailureClassifier#stableCode}) */
    public int stableCode() {
        return FailureClassifier.stableCode(getCause());
    }
}
