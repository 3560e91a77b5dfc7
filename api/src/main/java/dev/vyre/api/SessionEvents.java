package dev.vyre.api;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Throttle;
import jdk.jfr.Timespan;

/**
 * The runtime's JDK Flight Recorder events, all in category "Vyre / Session":
 * <ul>
 *   <li>{@code dev.vyre.SessionOpen} — a session was opened; its duration is the open itself;</li>
 *   <li>{@code dev.vyre.SessionClose} — a session was closed; its duration is the close, field
 *       {@code openDuration} the time it was open;</li>
 *   <li>{@code dev.vyre.PublishBatch} — one {@link Session#flush()} or {@link Session#publishSlots} call
 *       (never the single-slot {@code publish}), throttled to 100 a second by default;</li>
 *   <li>{@code dev.vyre.WatchdogStall} — a wait found the interpreter's heartbeat stuck;</li>
 *   <li>{@code dev.vyre.IoRequestsClaimed} and {@code dev.vyre.IoRequestCompleted} — the IO queue served
 *       by the host;</li>
 *   <li>{@code dev.vyre.DeviceLoss} — the driver failed a liveness check, SHUTDOWN, stop or close.</li>
 * </ul>
 * Contract: while no recording enables an event, its emitter reads one static field and allocates
 * nothing; an event object is created only while a recording enables it. Every event carries the
 * {@code session} id that {@code SessionOpen} introduced.
 */
final class SessionEvents {

    /** {@code PublishBatch.api} of a {@link Session#flush()} (explicit, or after 256 deferred slots). */
    static final String FLUSH = "flush";
    /** {@code PublishBatch.api} of a {@link Session#publishSlots} call. */
    static final String PUBLISH_SLOTS = "publishSlots";

    private static final SessionOpen OPEN = new SessionOpen();
    private static final SessionClose CLOSE = new SessionClose();
    private static final PublishBatch BATCH = new PublishBatch();
    private static final WatchdogStall STALL = new WatchdogStall();
    private static final IoRequestsClaimed IO_CLAIMED = new IoRequestsClaimed();
    private static final IoRequestCompleted IO_COMPLETED = new IoRequestCompleted();
    private static final DeviceLoss LOSS = new DeviceLoss();

    private SessionEvents() {
    }

    /** @return an open event that has begun, or null when no recording enables it */
    static SessionOpen beginOpen() {
        if (!OPEN.isEnabled()) {
            return null;
        }
        SessionOpen e = new SessionOpen();
        e.begin();
        return e;
    }

    /** Commits {@code e} (from {@link #beginOpen}; null does nothing) for {@code session}. */
    static void endOpen(SessionOpen e, Session session, String device, int customOpcodes) {
        if (e == null) {
            return;
        }
        e.end();
        if (e.shouldCommit()) {
            e.session = session.id();
            e.backend = session.backendName();
            e.device = device;
            e.slots = session.slotCount();
            e.dataBufferBytes = session.options().dataBufferBytes();
            e.customOpcodes = customOpcodes;
            e.commit();
        }
    }

    /** @return a close event that has begun, or null when no recording enables it */
    static SessionClose beginClose() {
        if (!CLOSE.isEnabled()) {
            return null;
        }
        SessionClose e = new SessionClose();
        e.begin();
        return e;
    }

    /** Commits {@code e} (from {@link #beginClose}; null does nothing). */
    static void endClose(SessionClose e, Session session, long openNanos, long doneCount, boolean stopped,
                         RuntimeException failure) {
        if (e == null) {
            return;
        }
        e.end();
        if (e.shouldCommit()) {
            e.session = session.id();
            e.backend = session.backendName();
            e.slots = session.slotCount();
            e.openDuration = openNanos;
            e.doneCount = doneCount;
            e.stopped = stopped;
            e.failure = failure == null ? null : failure.getMessage();
            e.commit();
        }
    }

    /** One publishing call's batch: {@code slots} of {@code requested} went out with {@code doorbells} doorbells. */
    static void batch(long session, String api, int firstSlot, int requested, int slots, int doorbells) {
        if (!BATCH.isEnabled()) {
            return;
        }
        PublishBatch e = new PublishBatch();
        if (e.shouldCommit()) {
            e.session = session;
            e.api = api;
            e.firstSlot = firstSlot;
            e.requested = requested;
            e.slots = slots;
            e.doorbells = doorbells;
            e.commit();
        }
    }

    /** The watchdog saw a stalled interpreter; {@code report} is the state that explains it. */
    static void stall(long session, String backend, long heartbeat, long ageNanos, HangDiagnostics.Report report) {
        if (!STALL.isEnabled()) {
            return;
        }
        WatchdogStall e = new WatchdogStall();
        if (e.shouldCommit()) {
            e.session = session;
            e.backend = backend;
            e.heartbeat = heartbeat;
            e.age = ageNanos;
            e.slotHistogram = report.slotHistogram();
            e.claimedCount = report.claimedSlots().length;
            e.claimedSlots = report.claimed();
            e.oldestClaimed = report.oldestClaimedNanos();
            e.epoch = report.epoch();
            e.doneCount = report.doneCount();
            e.ioQueue = report.ioQueue();
            e.commit();
        }
    }

    /** {@code requests} IO requests were claimed for the host's IO service. */
    static void ioClaimed(long session, int requests) {
        if (!IO_CLAIMED.isEnabled()) {
            return;
        }
        IoRequestsClaimed e = new IoRequestsClaimed();
        if (e.shouldCommit()) {
            e.session = session;
            e.requests = requests;
            e.commit();
        }
    }

    /** IO request {@code ioSlot} was completed OK or ERROR. */
    static void ioCompleted(long session, int ioSlot, boolean ok) {
        if (!IO_COMPLETED.isEnabled()) {
            return;
        }
        IoRequestCompleted e = new IoRequestCompleted();
        if (e.shouldCommit()) {
            e.session = session;
            e.ioSlot = ioSlot;
            e.ok = ok;
            e.commit();
        }
    }

    /** The driver failed {@code operation} ("liveness", "shutdown", "stop" or "close") with {@code failure}. */
    static void deviceLost(long session, String backend, String operation, RuntimeException failure) {
        if (!LOSS.isEnabled()) {
            return;
        }
        DeviceLoss e = new DeviceLoss();
        if (e.shouldCommit()) {
            e.session = session;
            e.backend = backend;
            e.operation = operation;
            e.message = failure.getMessage();
            e.commit();
        }
    }

    @Name("dev.vyre.SessionOpen")
    @Label("Session Open")
    @Category({"Vyre", "Session"})
    @Description("A persistent session was opened; the duration is the time the open took")
    @StackTrace(false)
    static final class SessionOpen extends Event {
        @Label("Session")
        long session;
        @Label("Backend")
        String backend;
        @Label("Device")
        String device;
        @Label("Ring Slots")
        int slots;
        @Label("Data Buffer")
        @DataAmount
        long dataBufferBytes;
        @Label("Custom Opcodes")
        int customOpcodes;
    }

    @Name("dev.vyre.SessionClose")
    @Label("Session Close")
    @Category({"Vyre", "Session"})
    @Description("A persistent session was closed; the duration is the close (SHUTDOWN, stop, release)")
    @StackTrace(false)
    static final class SessionClose extends Event {
        @Label("Session")
        long session;
        @Label("Backend")
        String backend;
        @Label("Ring Slots")
        int slots;
        @Label("Open Duration")
        @Timespan(Timespan.NANOSECONDS)
        long openDuration;
        @Label("DONE_COUNT")
        @Description("Control word 1 just before SHUTDOWN (u32), or -1 when it could not be read")
        long doneCount;
        @Label("Stopped")
        @Description("The interpreter stopped within the close timeout")
        boolean stopped;
        @Label("Failure")
        String failure;
    }

    @Name("dev.vyre.PublishBatch")
    @Label("Publish Batch")
    @Category({"Vyre", "Session"})
    @Description("One flush of deferred publications or one publishSlots call")
    @StackTrace(false)
    @Throttle("100/s")
    static final class PublishBatch extends Event {
        @Label("Session")
        long session;
        @Label("API")
        String api;
        @Label("First Slot")
        int firstSlot;
        @Label("Requested Slots")
        int requested;
        @Label("Published Slots")
        int slots;
        @Label("Doorbells")
        int doorbells;
    }

    @Name("dev.vyre.WatchdogStall")
    @Label("Watchdog Stall")
    @Category({"Vyre", "Session"})
    @Description("A wait found the interpreter's heartbeat stuck and raised an error")
    static final class WatchdogStall extends Event {
        @Label("Session")
        long session;
        @Label("Backend")
        String backend;
        @Label("Heartbeat")
        long heartbeat;
        @Label("Age")
        @Description("How long the heartbeat has not moved")
        @Timespan(Timespan.NANOSECONDS)
        long age;
        @Label("Slot Histogram")
        @Description("Ring slots per status: EMPTY, PUBLISHED, CLAIMED, DONE, FAULT (and others when present)")
        String slotHistogram;
        @Label("CLAIMED Slots")
        int claimedCount;
        @Label("CLAIMED Slot Ages")
        @Description("The CLAIMED slots, the oldest first, each with how long it has been CLAIMED at least")
        String claimedSlots;
        @Label("Oldest CLAIMED")
        @Description("How long the oldest CLAIMED slot has been CLAIMED at least")
        @Timespan(Timespan.NANOSECONDS)
        long oldestClaimed;
        @Label("Epoch")
        @Description("Control word EPOCH: BATCH_FENCE ops run; -1 when unreadable")
        long epoch;
        @Label("DONE_COUNT")
        @Description("Control word DONE_COUNT; -1 when unreadable")
        long doneCount;
        @Label("IO Queue")
        @Description("EMPTY IO slots, then the status of every other IO slot")
        String ioQueue;
    }

    @Name("dev.vyre.IoRequestsClaimed")
    @Label("IO Requests Claimed")
    @Category({"Vyre", "Session"})
    @Description("IO requests claimed for the host's IO service by one claimIoRequests call")
    @StackTrace(false)
    static final class IoRequestsClaimed extends Event {
        @Label("Session")
        long session;
        @Label("Requests")
        int requests;
    }

    @Name("dev.vyre.IoRequestCompleted")
    @Label("IO Request Completed")
    @Category({"Vyre", "Session"})
    @Description("The host completed one claimed IO request")
    @StackTrace(false)
    static final class IoRequestCompleted extends Event {
        @Label("Session")
        long session;
        @Label("IO Slot")
        int ioSlot;
        @Label("OK")
        boolean ok;
    }

    @Name("dev.vyre.DeviceLoss")
    @Label("Device Loss")
    @Category({"Vyre", "Session"})
    @Description("The backend's driver failed a liveness check, SHUTDOWN, stop or close")
    static final class DeviceLoss extends Event {
        @Label("Session")
        long session;
        @Label("Backend")
        String backend;
        @Label("Operation")
        String operation;
        @Label("Message")
        String message;
    }
}
