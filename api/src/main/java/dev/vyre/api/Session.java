package dev.vyre.api;

import dev.vyre.protocol.BackendException;
import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.DebugLogLayout;
import dev.vyre.protocol.IoLink;
import dev.vyre.protocol.IoQueue;
import dev.vyre.protocol.IoQueueLayout;
import dev.vyre.protocol.IoRequest;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.QueueFullException;
import dev.vyre.protocol.RingPublisher;
import dev.vyre.protocol.SlotBusyException;
import dev.vyre.protocol.SlotImages;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotStatus;
import dev.vyre.protocol.VyreArgumentException;
import dev.vyre.protocol.TenantIsolation;
import dev.vyre.protocol.Words;
import dev.vyre.protocol.replay.FailureClass;
import dev.vyre.protocol.replay.FailureClassifier;
import dev.vyre.protocol.replay.ReplayFailureEvidence;
import dev.vyre.protocol.replay.ReplayLog;
import dev.vyre.protocol.replay.ReplayRecord;
import dev.vyre.protocol.replay.SlotRecorder;
import dev.vyre.spi.Liveness;
import dev.vyre.spi.Placement;
import dev.vyre.spi.SessionDriver;
import dev.vyre.spi.SessionMemory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntUnaryOperator;
import org.apiguardian.api.API;

/**
 * A running persistent interpreter. The host publishes slots into EMPTY or DONE ring slots; the
 * interpreter moves each authorised PUBLISHED slot to CLAIMED, then DONE (or FAULT), exactly once.
 * Open one with {@link Vyre#openSession}.
 *
 * <p>This class implements every host-side rule of the protocol once, for every backend: argument
 * checks, slot payloads and the order they are stored in, the doorbell, waits and the watchdog,
 * snapshots, the IO queue, shutdown and close. A backend supplies only a driver.
 *
 * <p>Threads: disjoint slots may be published from any number of threads, with {@code publish} and with
 * {@link #publishSlots} (disjoint runs; a driver may give each publishing thread its own submission queue, as
 * the CUDA backend does); publishing one slot from two threads at once is the caller's error.
 * {@link #publishDeferred} and {@link #flush} are used from one thread at a time, and while deferred
 * publications are pending no other thread calls {@link #publishSlots}. The {@code publish} methods allocate
 * nothing. Closing while other threads still publish is the caller's error.
 *
 * <p>Errors: a bad argument raises a {@link VyreArgumentException} naming the parameter; a slot that
 * is not EMPTY or DONE raises a {@link SlotBusyException}; a closed session, a stalled interpreter or
 * a failed device raises a {@link BackendException}. Nothing is written when a call is refused.
 *
 * <p>Observability: the session emits JDK Flight Recorder events {@code dev.vyre.SessionOpen},
 * {@code SessionClose}, {@code PublishBatch} (one per {@link #flush()} or {@link #publishSlots} call, throttled),
 * {@code WatchdogStall}, {@code IoRequestsClaimed}, {@code IoRequestCompleted} and {@code DeviceLoss}, in
 * category "Vyre". While no recording enables them they cost nothing; the single-slot {@code publish} methods,
 * {@link #publishDeferred} and {@link #slotStatus} emit none.
 *
 * <p>Replay log: with {@link SessionOptions.Builder#replayLog} every publish path ({@code publish},
 * {@link #publishDeferred}, {@link #publishSlots}, {@link #writeRawSlot}) records each slot it writes, before
 * writing it to the ring, into a memory-mapped {@link ReplayLog} (a few stores, no allocation), or queues it for
 * a background recorder ({@link ReplayLogOptions#background()}); the log is closed with the session.
 * {@code vyre replay} re-executes it on other backends.
 *
 * <p>Device loss: when a backend failure classifies as a lost device ({@link FailureClassifier}), the
 * session stops its interpreter (or finds it dead) and raises a {@link DeviceLossException} naming the
 * slots that did not finish ({@link #unfinishedSlots()}), with their replay-log records; {@link Recovery}
 * re-runs exactly those on a new session, on the same backend or another.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2")
public final class Session implements AutoCloseable {

    /** Deferred publications held before {@link #publishDeferred} flushes on its own. */
    public static final int MAX_DEFERRED = 256;
    private static final int SPIN_ROUNDS = 2_000;
    private static final long MIN_PARK_NANOS = 1_000L;
    private static final long MAX_PARK_NANOS = 1_000_000L;
    /**
     * How long {@link #close()} waits for the interpreter to stop after SHUTDOWN (system property
     * {@code vyre.session.stopTimeoutMillis}, default 10,000).
     */
    private static final Duration STOP_TIMEOUT = Duration.ofMillis(Long.getLong("vyre.session.stopTimeoutMillis",
            10_000L));
    /** How long a session waits for the interpreter of a lost device to stop. */
    private static final Duration LOSS_STOP_TIMEOUT = Duration.ofSeconds(2);
    private static final AtomicLong IDS = new AtomicLong();

    private final Vyre owner;
    private final SessionOptions options;
    private final SessionDriver driver;
    private final MemorySegment control;
    private final MemorySegment ring;
    private final MemorySegment debugLog;
    private final MemorySegment ioQueue;
    /** The split-ownership IO handshake, or null when host and interpreter share the IO status words. */
    private final IoLink ioLink;
    private final MemorySegment data;
    private final boolean dataInDeviceMemory;
    private final boolean ringPolled;
    private final boolean controlOnHost;
    private final int slotCount;
    private final long controlWords;
    private final int[] deferred = new int[MAX_DEFERRED];
    private int deferredCount;
    /**
     * Slots written by {@link #publishDeferred} whose doorbell has not rung yet: a driver learns of a
     * slot only at its doorbell, so until then only the ring itself (an exact read) shows its status.
     */
    private final boolean[] unannounced;
    private volatile boolean closed;
    /**
     * Experiment switch: {@code -Dvyre.replay.readRing=false} makes a background recorder copy {@code publishSlots}
     * images on the publishing thread even where the ring is host memory its drainers could read them from.
     */
    private static final String READ_RING = "vyre.replay.readRing";
    /** Records every published slot; null when the options ask for no replay log. */
    private final SlotRecorder replayLog;
    /** {@link #writeRing}, made once: what a recorder calls to write a run of {@code publishSlots}. */
    private final SlotRecorder.RingWrite ringWrite = this::writeRing;
    private final long id = IDS.incrementAndGet();
    private final long openedAt = System.nanoTime();
    /** The watchdog's view of the ring (CLAIMED ages), kept on the waits' slow path only. */
    private final HangDiagnostics hang;
    private final IntUnaryOperator diagnosticStatus = this::diagnosticStatus;
    private final IntUnaryOperator diagnosticIoStatus = this::diagnosticIoStatus;
    /** Off the per-slot paths: batches, waits, IO and snapshots only (see {@link #stats()}). */
    private final LongAdder publishBatches = new LongAdder();
    private final LongAdder syncPoints = new LongAdder();
    private final LongAdder ioBytesServed = new LongAdder();
    private final LongAdder readbackBytes = new LongAdder();
    /** The last device loss raised; null while none. */
    private volatile DeviceLossException deviceLoss;
    /** True once the interpreter was stopped (or found dead) after a device loss. Guarded by this. */
    private boolean quiesced;
    /** Whether that stop was confirmed. Guarded by this. */
    private boolean settled;
    /** The last failure {@link #liveness()} recorded as a JFR DeviceLoss event. */
    private volatile BackendException livenessFailure;

    Session(Vyre owner, SessionOptions options, SessionDriver driver) {
        this.owner = owner;
        this.options = options;
        this.driver = driver;
        SessionMemory memory = Objects.requireNonNull(driver.memory(), "the driver returned no SessionMemory");
        this.slotCount = options.slotCount();
        this.controlWords = options.controlBytes() / Integer.BYTES;
        this.controlOnHost = memory.controlOnHost();
        if (!controlOnHost) {
            requireOverride(driver, "readControl", int.class, boolean.class);
            requireOverride(driver, "copyDeviceBuffer", SessionDriver.DeviceBuffer.class, MemorySegment.class);
        }
        this.control = controlOnHost ? checked("control", memory.control(), options.controlBytes()) : MemorySegment.NULL;
        this.debugLog = controlOnHost ? checked("debug log", memory.debugLog(), DebugLogLayout.BUFFER_BYTES)
                : MemorySegment.NULL;
        this.ring = checked("ring", memory.ring(), (long) slotCount * SlotLayout.SLOT_BYTES);
        this.ioQueue = checked("IO queue", memory.ioQueue(),
                (long) IoQueueLayout.IO_SLOT_COUNT * IoQueueLayout.IO_SLOT_BYTES);
        this.ioLink = memory.ioLinked() ? new IoLink(ioQueue, checked("IO link", memory.ioLink(), IoLink.BYTES),
                options.ioWaitTimeout().plus(STOP_TIMEOUT).toNanos()) : null;
        this.data = options.dataBufferBytes() == 0 ? MemorySegment.NULL
                : checked("data", memory.data(), options.dataBufferBytes());
        this.dataInDeviceMemory = !data.equals(MemorySegment.NULL) && memory.ringPlacement() == Placement.DEVICE_MAPPED;
        if (options.residentRange() != null) {
            // the range's host bytes; a driver that keeps a device copy filled it from the spec when it opened
            MemorySegment.copy(options.residentRange(), 0, data, options.residentRangeAt(), options.residentRangeBytes());
        }
        this.ringPolled = memory.ringPolled();
        this.unannounced = new boolean[slotCount];
        this.hang = new HangDiagnostics(slotCount);
        this.replayLog = options.replayLog() == null ? null : options.replayLog().create(options.replayGeometry());
        if (replayLog != null && (memory.ringPlacement() == Placement.HOST
                || memory.ringPlacement() == Placement.HOST_MAPPED) && !"false".equals(System.getProperty(READ_RING))) {
            replayLog.readImagesFrom(ring); // host memory: read back at cache speed, not copied on the publisher
        }
    }

    /**
     * A driver that keeps control and debug log in device memory must read them itself: the SPI's
     * defaults answer only for host memory. Checked once here, so the default's refusal never reaches a
     * user in the middle of a session.
     */
    private void requireOverride(SessionDriver driver, String method, Class<?>... parameters) {
        try {
            if (driver.getClass().getMethod(method, parameters).getDeclaringClass() != SessionDriver.class) {
                return;
            }
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
        throw new BackendException("backend '" + owner.name() + "' keeps the control buffer in device memory but its"
                + " driver does not override SessionDriver." + method, "report this to the backend's author: a"
                + " driver whose SessionMemory.control() is NULL must implement readControl and copyDeviceBuffer");
    }

    private MemorySegment checked(String name, MemorySegment segment, long bytes) {
        if (segment.byteSize() != bytes || !segment.isNative() || segment.address() % Integer.BYTES != 0) {
            throw new BackendException("backend '" + owner.name() + "' gave a " + name + " buffer of "
                    + segment.byteSize() + " bytes (native " + segment.isNative() + ", address 0x"
                    + Long.toHexString(segment.address()) + "); the session needs " + bytes
                    + " bytes of native, 4-byte aligned memory", "report this to the backend's author: its"
                    + " SessionDriver.memory() breaks the SPI contract");
        }
        return segment;
    }

    /** @return the options the session was opened with */
    public SessionOptions options() {
        return options;
    }

    /**
     * Reads tenant {@code tenant}'s isolation violation counter: how many of its slots the interpreter ended in
     * FAULT for writing or reading outside the tenant's windows (docs/PROTOCOL.md, "Isolated mode"). The counters
     * live outside the control buffer, so control snapshots stay byte-identical with the default mode's layout.
     *
     * @throws VyreArgumentException when the session is not isolated or {@code tenant} is outside 0..31
     */
    public int isolationViolations(int tenant) {
        if (options.isolation() == null) {
            throw new VyreArgumentException("isolation", "the session is not isolated",
                    "open it with SessionOptions.builder().isolation(...)");
        }
        if (tenant < 0 || tenant >= TenantIsolation.TENANTS) {
            throw new VyreArgumentException("tenant", tenant + " is outside 0.."
                    + (TenantIsolation.TENANTS - 1), "pass a tenant id that can run");
        }
        MemorySegment counters = driver.memory().isolation();
        if (counters.byteSize() != 0) {
            return Words.getAcquire(counters, TenantIsolation.VIOLATIONS_BASE + tenant);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment copy = arena.allocate(TenantIsolation.TENANTS * (long) Integer.BYTES, 4);
            driver.copyDeviceBuffer(SessionDriver.DeviceBuffer.ISOLATION, copy);
            return Words.get(copy, TenantIsolation.VIOLATIONS_BASE + tenant);
        }
    }

    /** @return ring slots */
    public int slotCount() {
        return slotCount;
    }

    /** @return the name of the backend running this session */
    public String backendName() {
        return owner.name();
    }

    /** @return this session's number in the process (from 1), the {@code session} field of its JFR events */
    long id() {
        return id;
    }

    // ------------------------------------------------------------------ publishing

    /**
     * Publishes one slot with up to three argument words (the other nine are zero) and priority NORMAL.
     *
     * @throws VyreArgumentException when {@code slot} is outside the ring or {@code opcode} is not
     *         publishable
     * @throws SlotBusyException     when the slot is neither EMPTY nor DONE
     */
    public void publish(int slot, int tenant, int opcode, int arg0, int arg1, int arg2) {
        checkPublish(slot, opcode);
        if (replayLog != null) {
            replayLog.recordPublish(slot, tenant, opcode, arg0, arg1, arg2);
        }
        RingPublisher.writePayload(ring, slot, tenant, opcode, arg0, arg1, arg2);
        Words.setRelease(ring, (long) slot * SlotLayout.SLOT_WORDS, SlotStatus.PUBLISHED);
        try {
            driver.announce(slot, tenant, opcode, arg0, arg1, arg2);
        } catch (RuntimeException e) {
            throw failed("publish", e);
        }
    }

    /**
     * Publishes one slot with {@code argCount} argument words taken from {@code args} (at most 12; the
     * rest are zero). Same checks as {@link #publish(int, int, int, int, int, int)}.
     *
     * @throws VyreArgumentException also when {@code argCount} is negative, above 12 or above
     *         {@code args.length}
     */
    public void publish(int slot, int tenant, int opcode, int[] args, int argCount) {
        Slots.checkArgs(args, argCount);
        checkPublish(slot, opcode);
        if (replayLog != null) {
            replayLog.recordPublish(slot, tenant, opcode, args, argCount);
        }
        RingPublisher.writePayload(ring, slot, tenant, opcode, args, argCount);
        Words.setRelease(ring, (long) slot * SlotLayout.SLOT_WORDS, SlotStatus.PUBLISHED);
        try {
            driver.announce(slot, 1, SlotStatus.PUBLISHED);
        } catch (RuntimeException e) {
            throw failed("publish", e);
        }
    }

    /**
     * Publishes one slot like {@link #publish(int, int, int, int, int, int)} (same checks, same bytes in
     * the ring) but rings the doorbell at the next {@link #flush()}, or after {@value #MAX_DEFERRED}
     * deferred slots, so that a stream of publications costs one doorbell per batch. The slot may run at
     * any time after this call and runs at the latest after the next {@code flush()}.
     */
    public void publishDeferred(int slot, int tenant, int opcode, int arg0, int arg1, int arg2) {
        checkPublish(slot, opcode);
        if (replayLog != null) {
            replayLog.recordPublish(slot, tenant, opcode, arg0, arg1, arg2);
        }
        RingPublisher.writePayload(ring, slot, tenant, opcode, arg0, arg1, arg2);
        Words.setRelease(ring, (long) slot * SlotLayout.SLOT_WORDS, SlotStatus.PUBLISHED);
        unannounced[slot] = true;
        int k = deferredCount;
        deferred[k] = slot;
        deferredCount = k + 1;
        if (k + 1 == MAX_DEFERRED) {
            flush();
        }
    }

    /**
     * Rings the doorbell of every {@link #publishDeferred deferred} publication: one announce per run of
     * consecutive slots. Call it before waiting on a deferred slot.
     */
    public void flush() {
        int n = deferredCount;
        if (n == 0) {
            return;
        }
        deferredCount = 0;
        ensureOpen();
        int[] slots = deferred;
        for (int i = 0; i < n; i++) {
            unannounced[slots[i]] = false;
        }
        int first = slots[0];
        int run = 1;
        int doorbells = 1;
        try {
            for (int i = 1; i < n; i++) {
                if (slots[i] == first + run) {
                    run++;
                } else {
                    driver.announce(first, run, SlotStatus.PUBLISHED);
                    first = slots[i];
                    run = 1;
                    doorbells++;
                }
            }
            driver.announce(first, run, SlotStatus.PUBLISHED);
        } catch (RuntimeException e) {
            throw failed("flush", e);
        }
        publishBatches.increment();
        SessionEvents.batch(id, SessionEvents.FLUSH, slots[0], n, n, doorbells);
    }

    /**
     * Publishes a run of whole slots: the {@code count} 64-byte slot images in {@code images}
     * (little-endian, each with status PUBLISHED and a publishable opcode, exactly the bytes the ring
     * slot will hold) go into ring slots {@code firstSlot .. firstSlot + count - 1} in order, stopping at
     * the first ring slot that is not EMPTY or DONE, with one doorbell for the run. Every image is checked
     * before anything is written. Deferred publications are flushed first. Allocates nothing.
     *
     * @param firstSlot the first ring slot of the run
     * @param images    at least {@code count * 64} bytes of slot images
     * @param count     slots in the run; {@code firstSlot + count} must not exceed {@link #slotCount()}
     * @return how many images were published, from the first on: {@code count}, or fewer when ring slot
     *         {@code firstSlot + result} was busy (0 when {@code firstSlot} itself is); the rest of the
     *         ring is untouched, so the caller publishes them again later
     * @throws VyreArgumentException when the run leaves the ring, {@code images} is too short, or an
     *         image's status or opcode is wrong (nothing is written)
     */
    public int publishSlots(int firstSlot, MemorySegment images, int count) {
        ensureOpen();
        boolean mayBumpEpoch = SlotImages.check(slotCount, firstSlot, images, count);
        flush();
        int n = 0;
        while (n < count && publishable(firstSlot + n)) {
            n++;
        }
        if (n == 0) {
            SessionEvents.batch(id, SessionEvents.PUBLISH_SLOTS, firstSlot, count, 0, 0);
            return 0;
        }
        if (replayLog != null) {
            replayLog.recordImagesAndWrite(firstSlot, images, n, mayBumpEpoch, ringWrite);
        } else {
            writeRing(firstSlot, images, n);
        }
        try {
            driver.announce(firstSlot, n, SlotStatus.PUBLISHED);
        } catch (RuntimeException e) {
            throw failed("publishSlots", e);
        }
        publishBatches.increment();
        SessionEvents.batch(id, SessionEvents.PUBLISH_SLOTS, firstSlot, count, n, 1);
        return n;
    }

    /** Writes {@code n} checked images into ring slots {@code firstSlot ..}; a polled ring's status words last. */
    private void writeRing(int firstSlot, MemorySegment images, int n) {
        if (ringPolled) {
            for (int i = 0; i < n; i++) {
                long base = (long) (firstSlot + i) * SlotLayout.SLOT_WORDS;
                MemorySegment.copy(images, (long) i * SlotLayout.SLOT_BYTES + Integer.BYTES, ring,
                        Words.offset(base + 1), SlotLayout.SLOT_BYTES - Integer.BYTES);
                Words.setRelease(ring, base, SlotStatus.PUBLISHED);
            }
        } else {
            MemorySegment.copy(images, 0, ring, (long) firstSlot * SlotLayout.SLOT_BYTES,
                    (long) n * SlotLayout.SLOT_BYTES);
        }
    }

    /**
     * Writes all 16 words of a slot verbatim, words 1..15 first and the status word last (release), and
     * rings its doorbell. Nothing is checked but the slot index and the array's length: this is how tests
     * put hostile slots on the ring. The interpreter stays within its buffers whatever the words hold.
     *
     * @param words exactly 16 words
     */
    public void writeRawSlot(int slot, int[] words) {
        ensureOpen();
        checkSlot(slot);
        if (words == null || words.length != SlotLayout.SLOT_WORDS) {
            throw new VyreArgumentException("words", "a raw slot needs exactly 16 words, got "
                    + (words == null ? "null" : words.length), "pass an int[16]");
        }
        if (replayLog != null) {
            replayLog.recordRaw(slot, words);
        }
        long base = (long) slot * SlotLayout.SLOT_WORDS;
        for (int i = 1; i < SlotLayout.SLOT_WORDS; i++) {
            Words.set(ring, base + i, words[i]);
        }
        Words.setRelease(ring, base, words[SlotLayout.STATUS_WORD]);
        try {
            driver.announce(slot, 1, words[SlotLayout.STATUS_WORD]);
        } catch (RuntimeException e) {
            throw failed("writeRawSlot", e);
        }
    }

    private void checkPublish(int slot, int opcode) {
        ensureOpen();
        checkSlot(slot);
        if (!Opcodes.isPublishable(opcode)) {
            throw new VyreArgumentException("opcode", "0x" + Integer.toHexString(opcode) + " is not publishable: "
                    + RingPublisher.BAD_OPCODE, "publish a built-in opcode or a custom opcode in 0x8..0xFFEF or"
                    + " 0x10000..0x7FFFFFFF");
        }
        if (!publishable(slot)) {
            throw new SlotBusyException(slot, driver.status(slot, true));
        }
    }

    /** @return true when the slot is EMPTY or DONE: the cheap status first, the exact one before saying no */
    private boolean publishable(int slot) {
        if (unannounced[slot]) {
            return SlotStatus.isPublishable(driver.status(slot, true));
        }
        return SlotStatus.isPublishable(driver.status(slot, false))
                || SlotStatus.isPublishable(driver.status(slot, true));
    }

    private void checkSlot(int slot) {
        if (slot < 0 || slot >= slotCount) {
            throw new VyreArgumentException("slot", slot + " is outside the ring of " + slotCount + " slots",
                    "pass a slot in 0.." + (slotCount - 1) + ", or open the session with a larger slotCount");
        }
    }

    // ------------------------------------------------------------------ observing

    /**
     * @return the slot's status word (acquire); a slot this thread published with
     *         {@link #publishDeferred} reads PUBLISHED (or later) before {@link #flush()} as well
     */
    public int slotStatus(int slot) {
        ensureOpen();
        checkSlot(slot);
        return driver.status(slot, unannounced[slot]);
    }

    /** @return DONE_COUNT, control word 1, as an unsigned value */
    public long doneCount() {
        ensureOpen();
        try {
            return Integer.toUnsignedLong(driver.readControl(ControlLayout.DONE_COUNT, true));
        } catch (RuntimeException e) {
            throw failed("doneCount", e);
        }
    }

    /**
     * Waits until {@link #slotStatus} equals {@code status}: spins briefly, then sleeps with a growing
     * timeout, checking the interpreter's liveness before each sleep.
     *
     * @return true if it did before the timeout; false at the timeout or once the interpreter stopped
     * @throws DeviceLossException when the device was lost
     * @throws BackendException when the interpreter stalled (the watchdog) or failed
     */
    public boolean awaitSlotStatus(int slot, int status, Duration timeout) {
        ensureOpen();
        checkSlot(slot);
        syncPoints.increment();
        try {
            return awaitStatus(slot, status, timeout);
        } catch (RuntimeException e) {
            throw failed("awaitSlotStatus", e);
        }
    }

    private boolean awaitStatus(int slot, int status, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long park = MIN_PARK_NANOS;
        for (int round = 0; ; round++) {
            if (driver.status(slot, false) == status) {
                return true;
            }
            if (round < SPIN_ROUNDS) {
                Thread.onSpinWait();
                continue;
            }
            boolean stopped = checkLiveness();
            if (driver.status(slot, true) == status) {
                return true;
            }
            if (stopped || closed || System.nanoTime() - deadline >= 0) {
                return false;
            }
            LockSupport.parkNanos(park);
            park = Math.min(park << 1, MAX_PARK_NANOS);
        }
    }

    /**
     * Waits until {@link #doneCount()} reaches {@code target} (compared as a distance modulo 2^32, so a
     * wrapping counter works), with the same policy as {@link #awaitSlotStatus}.
     *
     * @return true if it did before the timeout
     * @throws DeviceLossException when the device was lost
     * @throws BackendException when the interpreter stalled (the watchdog) or failed
     */
    public boolean awaitDoneCount(long target, Duration timeout) {
        ensureOpen();
        syncPoints.increment();
        try {
            return awaitCount(target, timeout);
        } catch (RuntimeException e) {
            throw failed("awaitDoneCount", e);
        }
    }

    private boolean awaitCount(long target, Duration timeout) {
        int goal = (int) target;
        long deadline = System.nanoTime() + timeout.toNanos();
        long park = MIN_PARK_NANOS;
        for (int round = 0; ; round++) {
            if (driver.readControl(ControlLayout.DONE_COUNT, false) - goal >= 0
                    && driver.readControl(ControlLayout.DONE_COUNT, true) - goal >= 0) {
                return true;
            }
            if (round < SPIN_ROUNDS) {
                Thread.onSpinWait();
                continue;
            }
            boolean stopped = checkLiveness();
            if (driver.readControl(ControlLayout.DONE_COUNT, true) - goal >= 0) {
                return true;
            }
            if (stopped || closed || System.nanoTime() - deadline >= 0) {
                return false;
            }
            LockSupport.parkNanos(park);
            park = Math.min(park << 1, MAX_PARK_NANOS);
        }
    }

    /**
     * The watchdog, run before a wait sleeps.
     *
     * @return true when the interpreter has stopped
     * @throws BackendException when it stalled
     */
    private boolean checkLiveness() {
        Liveness live = liveness();
        if (live.state() == Liveness.State.STALLED) {
            HangDiagnostics.Report report = hangReport(live);
            SessionEvents.stall(id, owner.name(), live.heartbeat(), live.sinceProgressNanos(), report);
            throw new BackendException("the interpreter of backend '" + owner.name() + "' stopped making progress:"
                    + " its heartbeat (" + live.heartbeat() + ") has not moved for "
                    + live.sinceProgressNanos() / 1_000_000 + " ms (" + report.describe() + ")", stallCause(report)
                    + "; close"
                    + " the session and open a new one, and restart the process if close reports that the"
                    + " interpreter did not stop");
        }
        if (live.state() == Liveness.State.RUNNING) {
            hang.observe(diagnosticStatus, System.nanoTime());
        }
        return live.state() == Liveness.State.STOPPED;
    }

    /**
     * @return what a stall's {@code Fix:} names as its cause: the CLAIMED slots' work when there are any, else an
     *         interpreter that is not scheduled (another persistent kernel or shader holds the device) or a hung device
     */
    private static String stallCause(HangDiagnostics.Report report) {
        return slotHolds(report)
                ? "a slot runs unbounded work (a custom opcode that never returns? the CLAIMED slots above name it)"
                : "no slot is CLAIMED, so no slot's work holds the interpreter: it is not being scheduled (another"
                + " persistent kernel or shader on this device, from another backend or process, may hold the GPU:"
                + " run one persistent GPU interpreter per device) or the device hung";
    }

    /** @return true when CLAIMED slots (or an unreadable state) may be what holds the interpreter */
    private static boolean slotHolds(HangDiagnostics.Report report) {
        return report == null || report.claimedSlots().length > 0;
    }

    /** @return the state that explains a hang, read now (slow path: a stall or a stuck close) */
    private HangDiagnostics.Report hangReport(Liveness live) {
        return hang.report(diagnosticStatus, diagnosticIoStatus, live == null ? -1 : live.heartbeat(),
                live == null ? 0 : live.sinceProgressNanos(), controlForDiagnostics(ControlLayout.EPOCH),
                controlForDiagnostics(ControlLayout.DONE_COUNT), System.nanoTime());
    }

    /** A slot's status for the diagnostics: the driver's exact read (a mirror may lag CLAIMED), else the ring word. */
    private int diagnosticStatus(int slot) {
        try {
            return driver.status(slot, true);
        } catch (RuntimeException e) {
            return Words.getAcquire(ring, (long) slot * SlotLayout.SLOT_WORDS);
        }
    }

    /** An IO queue slot's status as the host sees it (with the split handshake: after its own completions). */
    private int diagnosticIoStatus(int ioSlot) {
        return ioLink != null ? ioLink.effectiveStatus(ioSlot)
                : Words.getAcquire(ioQueue, (long) ioSlot * IoQueueLayout.IO_SLOT_WORDS + IoQueueLayout.STATUS_WORD);
    }

    /** @return control word {@code word} (possibly older), unsigned, or -1 when the driver cannot read it */
    private long controlForDiagnostics(int word) {
        try {
            return Integer.toUnsignedLong(driver.readControl(word, false));
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** The driver's liveness; a BackendException from it is a lost device, recorded before it propagates. */
    private Liveness liveness() {
        try {
            return driver.liveness();
        } catch (BackendException e) {
            livenessFailure = e;
            SessionEvents.deviceLost(id, owner.name(), "liveness", e);
            throw e;
        }
    }

    /**
     * @return true while the interpreter runs and makes progress; false once it stopped, after close,
     *         or while the watchdog sees it stalled
     */
    public boolean isAlive() {
        try {
            return !closed && liveness().state() == Liveness.State.RUNNING;
        } catch (RuntimeException e) {
            throw failed("isAlive", e);
        }
    }

    // ------------------------------------------------------------------ control buffer

    /**
     * Writes a control word from the host (release): tenant masks, SHUTDOWN, ...
     *
     * @throws VyreArgumentException when {@code word} is outside the control buffer
     */
    public void writeControlWord(int word, int value) {
        ensureOpen();
        if (word < 0 || word >= controlWords) {
            throw new VyreArgumentException("word", word + " is outside the control buffer of " + controlWords
                    + " words", "write a word below " + controlWords);
        }
        driver.writeControl(word, value);
    }

    /**
     * Reads one control word (acquire), e.g. an observable result word {@code 160 + k} after its slot is
     * DONE. Allocates nothing.
     *
     * @return the word, or 0 when {@code word} is outside the control buffer
     */
    public int controlWord(long word) {
        ensureOpen();
        try {
            return word >= 0 && word < controlWords ? driver.readControl((int) word, true) : 0;
        } catch (RuntimeException e) {
            throw failed("controlWord", e);
        }
    }

    /** @return a copy of the control buffer, each word read atomically */
    public byte[] controlSnapshot() {
        return controlOnHost ? snapshot(control) : deviceSnapshot(SessionDriver.DeviceBuffer.CONTROL,
                options.controlBytes());
    }

    /** @return a copy of the ring */
    public byte[] ringSnapshot() {
        return snapshot(ring);
    }

    /**
     * @return a copy of the ring in which only the slots in {@code slots} are read (each word with acquire) and
     *         every other slot is zero: a check of the slots that just ran, where reading the whole ring is slow (a
     *         persistent Vulkan session's ring is BAR-mapped device memory, read with uncached loads)
     */
    public byte[] ringSnapshot(java.util.BitSet slots) {
        ensureOpen();
        byte[] copy = new byte[Math.toIntExact(ring.byteSize())];
        MemorySegment to = MemorySegment.ofArray(copy);
        for (int slot = slots.nextSetBit(0); slot >= 0 && slot < slotCount; slot = slots.nextSetBit(slot + 1)) {
            long at = (long) slot * SlotLayout.SLOT_BYTES;
            Words.copyAcquire(ring.asSlice(at, SlotLayout.SLOT_BYTES), to.asSlice(at, SlotLayout.SLOT_BYTES));
            readbackBytes.add(SlotLayout.SLOT_BYTES);
        }
        return copy;
    }

    /** @return a copy of the debug log */
    public byte[] debugLogSnapshot() {
        return controlOnHost ? snapshot(debugLog) : deviceSnapshot(SessionDriver.DeviceBuffer.DEBUG_LOG,
                DebugLogLayout.BUFFER_BYTES);
    }

    /** @return a copy of the IO queue */
    public byte[] ioQueueSnapshot() {
        byte[] copy = snapshot(ioQueue);
        if (ioLink != null) {
            ioLink.overlay(MemorySegment.ofArray(copy));
        }
        return copy;
    }

    private byte[] snapshot(MemorySegment segment) {
        ensureOpen();
        readbackBytes.add(segment.byteSize());
        byte[] copy = new byte[Math.toIntExact(segment.byteSize())];
        Words.copyAcquire(segment, MemorySegment.ofArray(copy));
        return copy;
    }

    private byte[] deviceSnapshot(SessionDriver.DeviceBuffer buffer, long bytes) {
        ensureOpen();
        readbackBytes.add(bytes);
        byte[] copy = new byte[Math.toIntExact(bytes)];
        driver.copyDeviceBuffer(buffer, MemorySegment.ofArray(copy));
        return copy;
    }

    /**
     * @return the host-visible data buffer (binding 4), or {@link MemorySegment#NULL} when the session has
     *         none. Bytes written here are visible to slots published after.
     */
    public MemorySegment dataBuffer() {
        ensureOpen();
        return data;
    }

    /**
     * @return true when the {@link #dataBuffer()} is device memory that the host maps through a BAR window
     *         (a persistent Vulkan session on a discrete GPU): host writes to it are write-combined and fast,
     *         host reads are uncached bus reads (about 1 µs per 64 bytes), and the kernel cannot pin its pages,
     *         so io_uring can neither register it nor read into it with O_DIRECT. Stage IO in host memory
     *         and copy it in (the ingest pumps do so by themselves).
     */
    public boolean dataInDeviceMemory() {
        ensureOpen();
        return dataInDeviceMemory;
    }

    /**
     * What the session has cost so far: age, slots completed (DONE_COUNT), bytes moved, batches, waits and
     * resident buffers. Reading it costs one DONE_COUNT read; keeping it costs the per-slot paths nothing.
     */
    public SessionStats stats() {
        long completed = doneCount();
        return new SessionStats(System.nanoTime() - openedAt, completed, completed * SlotLayout.SLOT_BYTES,
                ioBytesServed.sum(), readbackBytes.sum(), publishBatches.sum(), 1, syncPoints.sum(), 1,
                data.equals(MemorySegment.NULL) ? 4 : 5);
    }

    // ------------------------------------------------------------------ IO queue

    /**
     * Claims every PUBLISHED IO request (PUBLISHED to CLAIMED by compare-and-set) for a host IO service.
     *
     * @return the claimed requests, in slot order
     */
    public List<IoRequest> claimIoRequests() {
        ensureOpen();
        List<IoRequest> claimed = new ArrayList<>();
        int n = ioLink != null ? ioLink.claimInto(claimed) : IoQueue.tryClaimIoRequestsInto(ioQueue, claimed);
        if (n > 0) {
            SessionEvents.ioClaimed(id, n);
        }
        return claimed;
    }

    /**
     * Completes a CLAIMED IO request with OK or ERROR. It returns once the interpreter can no longer take the
     * request back: on a backend whose device shares no atomics with the host (an IO link, see
     * docs/PROTOCOL.md) it waits for the device to accept the completion, about one device poll.
     *
     * @throws QueueFullException when the slot is outside the queue or no longer CLAIMED (the interpreter
     *         takes a request back when its IO wait bound elapses)
     */
    public void completeIoRequest(int ioSlot, boolean ok) {
        ensureOpen();
        if (ioLink != null) {
            ioLink.complete(ioSlot, ok);
        } else {
            IoQueue.tryCompleteIoRequest(ioQueue, ioSlot, ok);
        }
        if (ok) {
            ioBytesServed.add(Integer.toUnsignedLong(Words.get(ioQueue,
                    (long) ioSlot * IoQueueLayout.IO_SLOT_WORDS + IoQueueLayout.BYTE_COUNT_WORD)));
        }
        SessionEvents.ioCompleted(id, ioSlot, ok);
    }

    // ------------------------------------------------------------------ lifecycle

    /** Sets control word 0 so that every lane stops; slots already claimed finish first. */
    public void requestShutdown() {
        writeControlWord(ControlLayout.SHUTDOWN, 1);
    }

    /**
     * Waits until the interpreter has stopped (after SHUTDOWN).
     *
     * @return true when it stopped within {@code timeout}, or the session is closed
     */
    public boolean awaitTermination(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long park = MIN_PARK_NANOS;
        while (!closed) {
            if (liveness().state() == Liveness.State.STOPPED) {
                return true;
            }
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            LockSupport.parkNanos(park);
            park = Math.min(park << 1, MAX_PARK_NANOS);
        }
        return true;
    }

    /**
     * Stops the interpreter (SHUTDOWN, then waits up to 10 s for it) and releases every resource;
     * idempotent. Deferred publications not yet flushed are dropped.
     *
     * @throws BackendException when the interpreter did not stop; its memory then stays allocated until
     *         the process exits, so the device never touches freed memory. After a {@link DeviceLossException}
     *         the device's failures here are added to that exception as suppressed, not thrown.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        deferredCount = 0;
        SessionEvents.SessionClose event = SessionEvents.beginClose();
        long doneCount = event == null ? -1 : doneCountForEvent();
        RuntimeException failure = null;
        boolean stopped = false;
        hang.observe(diagnosticStatus, System.nanoTime()); // CLAIMED ages count from here at the latest
        try {
            driver.writeControl(ControlLayout.SHUTDOWN, 1);
        } catch (RuntimeException e) {
            failure = lost("shutdown", e);
        }
        try {
            stopped = driver.stop(STOP_TIMEOUT);
        } catch (RuntimeException e) {
            failure = addTo(failure, lost("stop", e));
        }
        HangDiagnostics.Report stuckState = null;
        String stuck = null;
        if (!stopped) {
            try {
                stuckState = hangReport(livenessOrNull());
                stuck = stuckState.describe();
            } catch (RuntimeException e) {
                stuck = "the interpreter's state is unreadable: " + e.getMessage();
            }
        }
        if (replayLog != null) { // before the driver frees the ring, which a background recorder may still read
            try {
                replayLog.close();
            } catch (RuntimeException e) {
                failure = addTo(failure, e);
            }
        }
        try {
            driver.close();
        } catch (RuntimeException e) {
            failure = addTo(failure, lost("close", e));
        } finally {
            owner.forget(this);
        }
        if (!stopped) {
            failure = addTo(failure, new BackendException("the interpreter of backend '" + owner.name()
                    + "' did not stop within " + STOP_TIMEOUT.toMillis() + " ms of SHUTDOWN (" + stuck + "); the"
                    + " memory it may still touch stays allocated until the process exits, and the process can"
                    + " still exit", "restart the process; " + stallCause(stuckState)
                    + (slotHolds(stuckState) ? ": a raw-dialect body must poll"
                    + " vyre_abort_requested, a Java handler SlotContext.abortRequested()" : "")));
        }
        DeviceLossException reported = deviceLoss;
        if (failure != null && reported != null) {
            reported.addSuppressed(failure); // the device's failures after a reported loss are that loss
            failure = null;
        }
        SessionEvents.endClose(event, this, System.nanoTime() - openedAt, doneCount, stopped, failure);
        if (failure != null) {
            throw failure;
        }
    }

    /** @return the hang report of a close whose stop timed out (the driver's liveness when it answers) */
    /** @return the driver's liveness, or null when it cannot be read (close's slow path) */
    private Liveness livenessOrNull() {
        try {
            return driver.liveness();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** @return DONE_COUNT for the close event, or -1 when the driver cannot read it */
    private long doneCountForEvent() {
        try {
            return Integer.toUnsignedLong(driver.readControl(ControlLayout.DONE_COUNT, true));
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** Records a driver's BackendException during close as a lost device; returns {@code e}. */
    private RuntimeException lost(String operation, RuntimeException e) {
        if (e instanceof BackendException) {
            SessionEvents.deviceLost(id, owner.name(), operation, e);
        }
        return e;
    }

    private static RuntimeException addTo(RuntimeException first, RuntimeException next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    /** @return the replay log this session records into; empty when its options asked for none */
    public Optional<ReplayLog> replayLog() {
        return replayLog == null ? Optional.empty() : Optional.of(replayLog.log());
    }

    /**
     * @return what records this session's slots: the log itself, or its background recorder (whose
     *         {@code sync()} first writes out what is queued); empty when its options asked for no replay log
     */
    public Optional<SlotRecorder> replayRecorder() {
        return Optional.ofNullable(replayLog);
    }

    // ------------------------------------------------------------------ device loss

    /**
     * The ring slots whose latest publication has not reached DONE or FAULT: PUBLISHED (a deferred slot
     * before its {@link #flush()} included), CLAIMED, waiting for IO, yielded or requeued. Read from the
     * ring's status words, exactly. While the interpreter runs this is a snapshot that may be stale at once;
     * after a {@link DeviceLossException} it is final, and it is what {@link Recovery} re-runs.
     *
     * @return the slots, ascending
     */
    public int[] unfinishedSlots() {
        ensureOpen();
        int[] out = new int[slotCount];
        int n = 0;
        for (int slot = 0; slot < slotCount; slot++) {
            if (isUnfinished(exactStatus(slot))) {
                out[n++] = slot;
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** @return the device loss this session raised last, if any */
    public Optional<DeviceLossException> deviceLoss() {
        return Optional.ofNullable(deviceLoss);
    }

    private static boolean isUnfinished(int status) {
        return status != SlotStatus.EMPTY && status != SlotStatus.DONE && status != SlotStatus.FAULT;
    }

    /** The exact status; the ring's own word when the driver cannot answer (its device is gone). */
    private int exactStatus(int slot) {
        try {
            return driver.status(slot, true);
        } catch (RuntimeException e) {
            return Words.getAcquire(ring, (long) slot * SlotLayout.SLOT_WORDS);
        }
    }

    /**
     * @return {@code e}, or the {@link DeviceLossException} it amounts to when it classifies as a lost
     *         device: the interpreter is stopped first (once), then the unfinished slots are read
     */
    private RuntimeException failed(String operation, RuntimeException e) {
        if (e instanceof DeviceLossException || !(e instanceof BackendException backend)
                || FailureClassifier.classify(e) != FailureClass.DEVICE_LOSS || closed) {
            return e;
        }
        if (backend != livenessFailure) {
            SessionEvents.deviceLost(id, owner.name(), operation, backend);
        }
        boolean stopped;
        synchronized (this) {
            if (!quiesced) {
                quiesced = true;
                settled = stopInterpreter(e);
            }
            stopped = settled;
        }
        deferredCount = 0;
        int[] unfinished = unfinishedSlots();
        List<ReplayRecord> pending = List.of();
        Path logPath = null;
        if (replayLog != null) {
            try {
                replayLog.sync();
                ReplayLog log = replayLog.log();
                logPath = log.path();
                pending = pendingRecords(log, unfinished);
            } catch (RuntimeException logFailure) {
                e.addSuppressed(logFailure);
            }
        }
        List<ReplayFailureEvidence> evidence = new ArrayList<>(unfinished.length);
        byte[] image = new byte[SlotLayout.SLOT_BYTES];
        for (int slot : unfinished) {
            MemorySegment.copy(ring, (long) slot * SlotLayout.SLOT_BYTES, MemorySegment.ofArray(image), 0,
                    SlotLayout.SLOT_BYTES);
            evidence.add(ReplayFailureEvidence.fromBackendError(exactStatus(slot), e, image));
        }
        DeviceLossException loss = new DeviceLossException(owner.name(), operation, unfinished, stopped, pending,
                evidence, options, logPath, e);
        deviceLoss = loss;
        return loss;
    }

    /**
     * Stops the interpreter of a lost device so that no slot finishes after the unfinished ones are read.
     *
     * @return true when it stopped, or the device refused to run anything more (the driver threw)
     */
    private boolean stopInterpreter(RuntimeException cause) {
        try {
            driver.writeControl(ControlLayout.SHUTDOWN, 1);
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
        try {
            return driver.stop(LOSS_STOP_TIMEOUT);
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
            return true;
        }
    }

    /** @return the newest record of each slot in {@code unfinished} (ascending), in publish order */
    private static List<ReplayRecord> pendingRecords(ReplayLog log, int[] unfinished) {
        if (unfinished.length == 0) {
            return List.of();
        }
        List<ReplayRecord> out = new ArrayList<>(unfinished.length);
        for (ReplayRecord r : log.latestForSlots(unfinished[0], unfinished[unfinished.length - 1] + 1)) {
            if (Arrays.binarySearch(unfinished, r.slotIndex()) >= 0) {
                out.add(r);
            }
        }
        return out;
    }

    /** @return true once {@link #close()} has begun */
    public boolean isClosed() {
        return closed;
    }

    private void ensureOpen() {
        if (closed) {
            throw new BackendException("the session is closed", "open a new one with Vyre.openSession");
        }
    }
}
