package dev.vyre.spi;

import dev.vyre.protocol.BackendException;
import dev.vyre.protocol.ControlCodec;
import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.DebugLogLayout;
import dev.vyre.protocol.IoQueueLayout;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.Priority;
import dev.vyre.protocol.QueueFullException;
import dev.vyre.protocol.RingPublisher;
import dev.vyre.protocol.SlotImages;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotStatus;
import dev.vyre.protocol.Words;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;

/**
 * The host side of a {@link PersistentSession} whose protocol buffers are host-visible
 * {@link MemorySegment}s: ordinary off-heap memory (reference backend), pinned memory mapped
 * into a GPU (CUDA) or mapped device memory (Vulkan). Everything that only needs host memory
 * lives here: publishing, raw slot writes, status and DONE_COUNT reads, waits, control writes,
 * snapshots, the host half of the IO queue and shutdown. A backend supplies the interpreter.
 *
 * <h2>For backend authors</h2>
 * <ul>
 *   <li>Allocate five native segments (control {@link SessionOptions#controlBytes()} bytes, ring
 *       {@code slotCount * 64}, debug log 1028, IO queue 64 x 32, data buffer
 *       {@link SessionOptions#dataBufferBytes()}, which may be {@link MemorySegment#NULL}), each
 *       4-byte aligned, and pass them to the constructor. The constructor writes their initial
 *       contents ({@link #writeInitialContents}); start the interpreter afterwards.</li>
 *   <li>{@link #onPublished(int)} runs after every publish / raw slot write (a doorbell), and
 *       {@link #onControlWritten(int, int)} after every host control write (e.g. to wake a
 *       sleeping interpreter for SHUTDOWN). Both run on the publishing thread: keep them short
 *       and allocation-free.</li>
 *   <li>{@link #close()} stops the interpreter with {@link #stopInterpreter()} and then frees
 *       memory with {@link #release()}, once. After {@code close()} every method that touches
 *       memory throws a {@link BackendException}; closing while other threads still publish is
 *       the caller's error.</li>
 *   <li>This class starts no threads and holds no locks; methods of different slots may run on
 *       different threads at the same time.</li>
 * </ul>
 *
 * <p>Memory ordering: payload words are written with plain stores and the status word is
 * release-stored last; statuses and DONE_COUNT are read with acquire loads; IO statuses move by
 * compare-and-set. An interpreter that claims with a CAS and release-stores DONE after its
 * effects therefore pairs with these methods on any backend whose memory the host sees
 * coherently.
 */
public abstract class HostMappedSession implements PersistentSession {

    private static final int SPIN_LIMIT = 2_000;
    private static final long MIN_PARK_NANOS = 1_000L;
    private static final long MAX_PARK_NANOS = 1_000_000L;

    private static final String FIX_SLOT_RANGE = RingPublisher.SLOT_BOUNDS;
    private static final String FIX_ARGS = RingPublisher.TOO_MANY_ARGS;
    private static final String FIX_OPCODE = RingPublisher.BAD_OPCODE;
    private static final String FIX_STATUS = RingPublisher.NOT_PUBLISHABLE;

    private final SessionOptions options;
    /** Control buffer ({@code 160 + observableSlots} words). */
    protected final MemorySegment control;
    /** Ring ({@code slotCount} 16-word slots). */
    protected final MemorySegment ring;
    /** Debug log (257 words). */
    protected final MemorySegment debugLog;
    /** IO queue (64 eight-word slots). */
    protected final MemorySegment ioQueue;
    /** Data buffer (binding 4), {@link MemorySegment#NULL} when the session has none. */
    protected final MemorySegment data;

    private final int slotCount;
    private final long controlWords;
    private final int ioSlots;
    private volatile boolean closed;

    /**
     * Wraps the segments and writes their initial contents.
     *
     * @param options  the session's options
     * @param control  {@code options.controlBytes()} bytes
     * @param ring     {@code options.slotCount() * 64} bytes
     * @param debugLog 1028 bytes
     * @param ioQueue  whole 32-byte slots, 1 to 64 of them
     * @param data     {@code options.dataBufferBytes()} bytes, or {@link MemorySegment#NULL} when that is 0
     * @throws BackendException when a segment has the wrong size, is not native or not 4-byte aligned
     */
    protected HostMappedSession(SessionOptions options, MemorySegment control, MemorySegment ring,
                                MemorySegment debugLog, MemorySegment ioQueue, MemorySegment data) {
        this.options = Objects.requireNonNull(options, "options");
        this.control = checked("control", control, options.controlBytes());
        this.ring = checked("ring", ring, (long) options.slotCount() * SlotLayout.SLOT_BYTES);
        this.debugLog = checked("debug log", debugLog, DebugLogLayout.BUFFER_BYTES);
        Objects.requireNonNull(ioQueue, "ioQueue");
        long ioBytes = ioQueue.byteSize();
        if (ioBytes == 0 || ioBytes % IoQueueLayout.IO_SLOT_BYTES != 0
                || ioBytes / IoQueueLayout.IO_SLOT_BYTES > IoQueueLayout.IO_SLOT_COUNT) {
            throw new BackendException("session io_queue segment has " + ioBytes
                    + " bytes, expected 1 to 64 whole 32-byte slots", "allocate IoQueueLayout.IO_SLOT_COUNT * "
                    + "IoQueueLayout.IO_SLOT_BYTES bytes");
        }
        this.ioQueue = checked("io_queue", ioQueue, ioBytes);
        this.data = options.dataBufferBytes() == 0 && (data == null || data.byteSize() == 0)
                ? MemorySegment.NULL : checked("data", data, options.dataBufferBytes());
        this.slotCount = options.slotCount();
        this.controlWords = Words.count(control);
        this.ioSlots = (int) (ioBytes / IoQueueLayout.IO_SLOT_BYTES);
        writeInitialContents(options, control, ring, debugLog, ioQueue);
    }

    private static MemorySegment checked(String name, MemorySegment segment, long expectedBytes) {
        Objects.requireNonNull(segment, name);
        if (segment.byteSize() != expectedBytes) {
            throw new BackendException("session " + name + " segment has " + segment.byteSize()
                    + " bytes, expected " + expectedBytes, "allocate the size SessionOptions implies");
        }
        if (!segment.isNative() || segment.address() % Integer.BYTES != 0) {
            throw new BackendException("session " + name + " segment is not native, 4-byte aligned memory",
                    "allocate it off-heap with an alignment of at least 4 (Arena.allocate(bytes, 64))");
        }
        return segment;
    }

    /**
     * Writes the initial contents of a session's buffers: the control buffer as
     * {@code encodeControl(false, tenantCount, observableSlots)} (word 2 = 3, tenant masks
     * {@code 0xFFFFFFFF} for tenants {@code 0 .. min(tenantCount, 29) - 1}, quotas 1,000,000 for
     * tenants {@code 0 .. min(tenantCount, 32) - 1}, all else 0), and an all-zero ring, debug log
     * and IO queue. The data buffer is left as it is.
     */
    public static void writeInitialContents(SessionOptions options, MemorySegment control, MemorySegment ring,
                                            MemorySegment debugLog, MemorySegment ioQueue) {
        control.fill((byte) 0);
        ring.fill((byte) 0);
        debugLog.fill((byte) 0);
        ioQueue.fill((byte) 0);
        ControlCodec.encodeControlInto(false, options.tenantCount(), options.observableSlots(), control);
    }

    // ------------------------------------------------------------------ backend hooks

    /**
     * Doorbell: called on the publishing thread after every publish or raw slot write, once the
     * status word has been release-stored. Default: nothing.
     */
    protected void onPublished(int slot) {
    }

    /**
     * Called on the publishing thread after a slot's payload words were written and before its status
     * word is release-stored. A backend whose host mapping is write-combined (Vulkan BAR memory) issues
     * a full fence here, so the device never sees the status before the payload. Default: nothing.
     */
    protected void onPayloadWritten(int slot) {
    }

    /**
     * Like {@link #onPayloadWritten(int)}, with the status word about to be release-stored. A backend
     * that tracks statuses on the host (a host-cached status mirror) records it here. Default: calls
     * {@link #onPayloadWritten(int)}.
     */
    protected void onPayloadWritten(int slot, int status) {
        onPayloadWritten(slot);
    }

    /**
     * Reads a slot's status word. With {@code exact} false the backend may answer from a cheaper,
     * possibly older copy (never a state the slot has not been in since the host last wrote it);
     * with {@code exact} true it must return the ring's current word (acquire). Used by
     * {@link #slotStatus}, {@link #awaitSlotStatus} (exact when about to park and at the deadline)
     * and the publish check (exact before refusing). Default: the ring word (acquire) either way.
     */
    protected int statusWord(int slot, boolean exact) {
        return Words.getAcquire(ring, (long) slot * SlotLayout.SLOT_WORDS);
    }

    /**
     * @return true when DONE_COUNT (control word 1) has reached {@code goal} (wrapping compare). With
     *         {@code exact} false the backend may answer false from an older copy; a true answer must
     *         hold for the real word. Used by {@link #awaitDoneCount} (exact when about to park and at
     *         the deadline). Default: reads the control word (acquire) either way.
     */
    protected boolean doneCountReached(int goal, boolean exact) {
        return Words.getAcquire(control, ControlLayout.DONE_COUNT) - goal >= 0;
    }

    /**
     * Called from {@link #awaitSlotStatus} and {@link #awaitDoneCount} each time they are about to park
     * (not while spinning). A backend with a watchdog throws a {@link BackendException} here when its
     * interpreter stopped making progress, so waits fail with a clear message. Default: nothing.
     */
    protected void onAwaitIdle() {
    }

    /** Called after {@link #writeControlWord} stored {@code value} (release). Default: nothing. */
    protected void onControlWritten(int word, int value) {
    }

    /**
     * Stops the interpreter and waits until it no longer touches the buffers. Called once by
     * {@link #close()} before {@link #release()}; control word 0 has already been set.
     */
    protected abstract void stopInterpreter();

    /** Frees the buffers and any device resources. Called once by {@link #close()}. */
    protected abstract void release();

    // ------------------------------------------------------------------ PersistentSession

    @Override
    public final SessionOptions options() {
        return options;
    }

    @Override
    public final int slotCount() {
        return slotCount;
    }

    /** @return control buffer length in words */
    public final long controlWords() {
        return controlWords;
    }

    /** @return IO queue slots */
    public final int ioSlotCount() {
        return ioSlots;
    }

    /** @return true once {@link #close()} has begun */
    public final boolean isClosed() {
        return closed;
    }

    @Override
    public final void publish(int slot, int tenant, int opcode, int arg0, int arg1, int arg2) {
        long base = checkPublishable(slot, opcode);
        writePayload(base, tenant, opcode, arg0, arg1, arg2);
        onPayloadWritten(slot, SlotStatus.PUBLISHED);
        Words.setRelease(ring, base, SlotStatus.PUBLISHED);
        onPublished(slot);
    }

    @Override
    public final void publish(int slot, int tenant, int opcode, int[] args, int argCount) {
        ensureOpen();
        if (slot < 0 || slot >= slotCount) {
            throw QueueFullException.submission(FIX_SLOT_RANGE);
        }
        if (argCount > SlotLayout.ARGS_PER_SLOT) {
            throw QueueFullException.submission(FIX_ARGS);
        }
        if (argCount < 0 || (argCount > 0 && (args == null || args.length < argCount))) {
            throw QueueFullException.submission("argCount " + argCount + " does not fit the "
                    + (args == null ? "missing" : args.length + "-element") + " args array; pass 0..args.length");
        }
        long base = checkPublishable(slot, opcode);
        MemorySegment r = ring;
        Words.set(r, base + SlotLayout.OPCODE_WORD, opcode);
        Words.set(r, base + SlotLayout.TENANT_WORD, tenant);
        Words.set(r, base + SlotLayout.PRIORITY_WORD, Priority.NORMAL);
        for (int i = 0; i < SlotLayout.ARGS_PER_SLOT; i++) {
            Words.set(r, base + SlotLayout.ARG0_WORD + i, i < argCount ? args[i] : 0);
        }
        onPayloadWritten(slot, SlotStatus.PUBLISHED);
        Words.setRelease(r, base, SlotStatus.PUBLISHED);
        onPublished(slot);
    }

    /**
     * Writes words 1..15 of a three-argument slot (opcode, tenant, NORMAL priority, arguments, zeros);
     * the status word is left to the caller.
     *
     * @param base the slot's first word index ({@code slot * 16}, from {@link #checkPublishable})
     */
    protected final void writePayload(long base, int tenant, int opcode, int arg0, int arg1, int arg2) {
        MemorySegment r = ring;
        Words.set(r, base + SlotLayout.OPCODE_WORD, opcode);
        Words.set(r, base + SlotLayout.TENANT_WORD, tenant);
        Words.set(r, base + SlotLayout.PRIORITY_WORD, Priority.NORMAL);
        Words.set(r, base + SlotLayout.ARG0_WORD, arg0);
        Words.set(r, base + SlotLayout.ARG0_WORD + 1, arg1);
        Words.set(r, base + SlotLayout.ARG0_WORD + 2, arg2);
        for (int i = 3; i < SlotLayout.ARGS_PER_SLOT; i++) {
            Words.set(r, base + SlotLayout.ARG0_WORD + i, 0);
        }
    }

    /**
     * Validates as {@code Megakernel.publishSlot}: open, slot range, opcode, status ({@link #statusWord},
     * exact before refusing).
     *
     * @return the slot's first word index
     * @throws QueueFullException as {@link #publish(int, int, int, int, int, int)}
     */
    protected final long checkPublishable(int slot, int opcode) {
        ensureOpen();
        if (slot < 0 || slot >= slotCount) {
            throw QueueFullException.submission(FIX_SLOT_RANGE);
        }
        if (!Opcodes.isPublishable(opcode)) {
            throw QueueFullException.submission(FIX_OPCODE);
        }
        long base = (long) slot * SlotLayout.SLOT_WORDS;
        if (!publishable(slot)) {
            throw QueueFullException.submission(FIX_STATUS);
        }
        return base;
    }

    /**
     * Copies each image's words 1..15 into the ring, then its status (release), with the same hooks
     * as {@link #publish(int, int, int, int, int, int)}; allocates nothing. A backend that can announce
     * a run at once overrides it.
     */
    @Override
    public int publishSlots(int firstSlot, MemorySegment images, int count) {
        int n = publishableRun(firstSlot, images, count);
        for (int i = 0; i < n; i++) {
            int slot = firstSlot + i;
            long base = (long) slot * SlotLayout.SLOT_WORDS;
            MemorySegment.copy(images, (long) i * SlotLayout.SLOT_BYTES + Integer.BYTES, ring,
                    Words.offset(base + 1), SlotLayout.SLOT_BYTES - Integer.BYTES);
            onPayloadWritten(slot, SlotStatus.PUBLISHED);
            Words.setRelease(ring, base, SlotStatus.PUBLISHED);
            onPublished(slot);
        }
        return n;
    }

    /**
     * The start of every {@link #publishSlots} implementation: checks that the session is open and the
     * run is well formed ({@link SlotImages#check}), flushes deferred publications, and counts the
     * leading ring slots of the run that are EMPTY or DONE ({@link #statusWord}, exact before stopping).
     *
     * @return how many images of the run may be published now
     */
    protected final int publishableRun(int firstSlot, MemorySegment images, int count) {
        ensureOpen();
        SlotImages.check(slotCount, firstSlot, images, count);
        flush();
        int n = 0;
        while (n < count && publishable(firstSlot + n)) {
            n++;
        }
        return n;
    }

    /** @return true when the slot is EMPTY or DONE: the cheap status first, the exact one before saying no */
    private boolean publishable(int slot) {
        return SlotStatus.isPublishable(statusWord(slot, false)) || SlotStatus.isPublishable(statusWord(slot, true));
    }

    @Override
    public final void writeRawSlot(int slot, int[] words) {
        ensureOpen();
        checkSlot(slot);
        if (words == null || words.length != SlotLayout.SLOT_WORDS) {
            throw QueueFullException.submission("a raw slot needs exactly 16 words; pass an int[16]");
        }
        long base = (long) slot * SlotLayout.SLOT_WORDS;
        for (int i = 1; i < SlotLayout.SLOT_WORDS; i++) {
            Words.set(ring, base + i, words[i]);
        }
        onPayloadWritten(slot, words[SlotLayout.STATUS_WORD]);
        Words.setRelease(ring, base, words[SlotLayout.STATUS_WORD]);
        onPublished(slot);
    }

    @Override
    public final int slotStatus(int slot) {
        ensureOpen();
        checkSlot(slot);
        return statusWord(slot, false);
    }

    @Override
    public final long doneCount() {
        ensureOpen();
        return Integer.toUnsignedLong(Words.getAcquire(control, ControlLayout.DONE_COUNT));
    }

    @Override
    public final boolean awaitSlotStatus(int slot, int status, Duration timeout) {
        ensureOpen();
        checkSlot(slot);
        long deadline = System.nanoTime() + timeout.toNanos();
        int spins = 0;
        long park = MIN_PARK_NANOS;
        while (true) {
            if (statusWord(slot, false) == status) {
                return true;
            }
            if (System.nanoTime() - deadline >= 0 || closed) {
                return !closed && statusWord(slot, true) == status;
            }
            if (spins < SPIN_LIMIT) {
                spins++;
                Thread.onSpinWait();
            } else {
                onAwaitIdle();
                if (statusWord(slot, true) == status) {
                    return true;
                }
                LockSupport.parkNanos(park);
                park = Math.min(park << 1, MAX_PARK_NANOS);
            }
        }
    }

    @Override
    public final boolean awaitDoneCount(long target, Duration timeout) {
        ensureOpen();
        int goal = (int) target;
        long deadline = System.nanoTime() + timeout.toNanos();
        int spins = 0;
        long park = MIN_PARK_NANOS;
        while (true) {
            if (doneCountReached(goal, false)) {
                return true;
            }
            if (System.nanoTime() - deadline >= 0 || closed) {
                return !closed && doneCountReached(goal, true);
            }
            if (spins < SPIN_LIMIT) {
                spins++;
                Thread.onSpinWait();
            } else {
                onAwaitIdle();
                if (doneCountReached(goal, true)) {
                    return true;
                }
                LockSupport.parkNanos(park);
                park = Math.min(park << 1, MAX_PARK_NANOS);
            }
        }
    }

    @Override
    public final void writeControlWord(int word, int value) {
        ensureOpen();
        if (word < 0 || word >= controlWords) {
            throw QueueFullException.submission("control word " + word + " is outside the " + controlWords
                    + "-word control buffer; write a word below " + controlWords);
        }
        Words.setRelease(control, word, value);
        onControlWritten(word, value);
    }

    @Override
    public final int controlWord(long word) {
        ensureOpen();
        return word >= 0 && word < Words.count(control) ? Words.getAcquire(control, word) : 0;
    }

    @Override
    public final byte[] controlSnapshot() {
        return snapshot(control);
    }

    @Override
    public final byte[] ringSnapshot() {
        return snapshot(ring);
    }

    @Override
    public final byte[] debugLogSnapshot() {
        return snapshot(debugLog);
    }

    @Override
    public final byte[] ioQueueSnapshot() {
        return snapshot(ioQueue);
    }

    private byte[] snapshot(MemorySegment segment) {
        ensureOpen();
        long words = Words.count(segment);
        byte[] copy = new byte[Math.toIntExact(segment.byteSize())];
        MemorySegment dst = MemorySegment.ofArray(copy);
        for (long i = 0; i < words; i++) {
            Words.set(dst, i, Words.getAcquire(segment, i));
        }
        return copy;
    }

    @Override
    public final MemorySegment dataBuffer() {
        ensureOpen();
        return data;
    }

    @Override
    public final List<IoRequestView> claimIoRequests() {
        ensureOpen();
        List<IoRequestView> claimed = new ArrayList<>();
        for (int q = 0; q < ioSlots; q++) {
            long base = (long) q * IoQueueLayout.IO_SLOT_WORDS;
            long status = base + IoQueueLayout.STATUS_WORD;
            if (Words.getAcquire(ioQueue, status) == SlotStatus.PUBLISHED
                    && Words.compareAndSet(ioQueue, status, SlotStatus.PUBLISHED, SlotStatus.CLAIMED)) {
                long offset = Integer.toUnsignedLong(Words.get(ioQueue, base + IoQueueLayout.OFFSET_LO_WORD))
                        | (Integer.toUnsignedLong(Words.get(ioQueue, base + IoQueueLayout.OFFSET_HI_WORD)) << 32);
                claimed.add(new IoRequestView(q, Words.get(ioQueue, base + IoQueueLayout.OP_TYPE_WORD),
                        Words.get(ioQueue, base + IoQueueLayout.SRC_HANDLE_WORD),
                        Words.get(ioQueue, base + IoQueueLayout.DST_HANDLE_WORD), offset,
                        Words.get(ioQueue, base + IoQueueLayout.BYTE_COUNT_WORD),
                        Words.get(ioQueue, base + IoQueueLayout.TAG_WORD)));
            }
        }
        return claimed;
    }

    @Override
    public final void completeIoRequest(int ioSlot, boolean ok) {
        ensureOpen();
        if (ioSlot < 0 || ioSlot >= ioSlots) {
            throw QueueFullException.submission("io_queue completion slot exceeds queue length; complete a valid"
                    + " slot id");
        }
        long status = (long) ioSlot * IoQueueLayout.IO_SLOT_WORDS + IoQueueLayout.STATUS_WORD;
        int completion = ok ? IoQueueLayout.STATUS_OK : IoQueueLayout.STATUS_ERROR;
        int prev = Words.compareAndExchange(ioQueue, status, SlotStatus.CLAIMED, completion);
        if (prev != SlotStatus.CLAIMED) {
            throw QueueFullException.submission("io_queue completion requires a CLAIMED request but IO slot "
                    + ioSlot + " is " + SlotStatus.name(prev) + " (the interpreter takes a request back when its"
                    + " IO wait bound elapses); claim it with claimIoRequests and complete it within the"
                    + " session's ioWaitTimeout");
        }
    }

    @Override
    public final void requestShutdown() {
        writeControlWord(ControlLayout.SHUTDOWN, 1);
    }

    @Override
    public final void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            Words.setRelease(control, ControlLayout.SHUTDOWN, 1);
            onControlWritten(ControlLayout.SHUTDOWN, 1);
            stopInterpreter();
        } finally {
            release();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new BackendException("the persistent session is closed", "open a new session with Backend.openSession");
        }
    }

    private void checkSlot(int slot) {
        if (slot < 0 || slot >= slotCount) {
            throw QueueFullException.submission(FIX_SLOT_RANGE);
        }
    }
}
