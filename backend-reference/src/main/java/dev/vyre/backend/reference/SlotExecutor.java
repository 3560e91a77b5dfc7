package dev.vyre.backend.reference;

import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.DebugLogLayout;
import dev.vyre.protocol.IoQueueLayout;
import dev.vyre.protocol.OpcodeHandler;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.SlotContext;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotStatus;
import dev.vyre.protocol.TenantIsolation;
import dev.vyre.protocol.Words;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.CRC32C;

/**
 * Executes claimed ring slots over native {@link MemorySegment}s exactly as
 * {@code docs/PROTOCOL.md} ("Interpreter semantics") says: claim, metric, built-in, custom
 * handlers, DONE_COUNT, release-stored DONE, with the protocol's bounds rule on every access.
 *
 * <p><b>Runs.</b> An executor claims and executes slots one at a time, in the order it is given
 * them, and completes them as a <em>run</em>, like a GPU warp: {@link #tryExecute} claims
 * (PUBLISHED to CLAIMED, one compare-and-set on the slot's own status word) and executes a slot,
 * or {@link #executeClaimed} executes one its only claimer claimed ahead ({@link #claimAhead}, a store),
 * and holds its completion; {@link #completeRun} then publishes the held completions together:
 * the run's metric counts and its DONE_COUNT are added once per word (one atomic add each, not
 * one per slot), then each held slot's status is release-stored (DONE, or FAULT). Every rule of
 * the protocol still holds per slot:
 * <ul>
 *   <li>a slot is claimed only while SHUTDOWN is 0 and its tenant is authorised, checked just
 *       before its own claim, after every earlier slot of the run executed;</li>
 *   <li>its effects, its metric and its DONE_COUNT are visible before its DONE (release);</li>
 *   <li>a slot that reads or overwrites control words ({@code STORE_U32}, {@code LOAD_U32},
 *       {@code COMPARE_SWAP}, {@code MEMCPY}, {@code SHUTDOWN}, custom handlers) first adds the
 *       counts held so far, so it observes every earlier slot's metric and DONE_COUNT exactly as
 *       one-slot-at-a-time execution would (the other built-ins only add atomically or write words
 *       {@code >= 160}, which commute with the held counts);</li>
 *   <li>a slot that may take long or wait ({@code CRC32C}, {@code LOAD_MISS}, {@code PACKED_SLOT},
 *       any opcode with a custom handler) completes the held run before it starts and is completed
 *       alone, so no slot's DONE waits on another slot's IO or unbounded work;</li>
 *   <li>a run holds at most {@value #MAX_RUN} slots.</li>
 * </ul>
 * The caller ends every run with {@link #completeRun} (a no-op when nothing is held) before it
 * stops, sleeps or looks elsewhere; a slot is never left CLAIMED.
 *
 * <p>One instance per executing thread: it is also the {@link SlotContext} handed to custom
 * handlers, so it holds the slot being executed. It allocates nothing and takes no locks.
 * Several executors may run over the same buffers at once; they coordinate only through the
 * claim CAS and atomic control words.
 *
 * <p>A custom handler that throws ends its slot in FAULT (DONE_COUNT unchanged): the handler
 * did not complete, and the worker thread must survive it.
 *
 * <p><b>Isolated mode</b> (docs/PROTOCOL.md, "Isolated mode"), when built with an isolation block: before a
 * built-in writes a control word inside the buffer or reads a data byte inside it, the executor checks the
 * access against the slot's tenant window (the admin tenant passes everything); a violating built-in does
 * nothing, a violating custom-handler access does nothing and suppresses every later write of the slot, and
 * the slot ends in FAULT with its tenant's violation counter (block word {@code tenant}) incremented.
 */
final class SlotExecutor implements SlotContext {

    private static final long U32_MASK = 0xFFFF_FFFFL;
    private static final int IO_SPINS = 256;
    private static final long IO_MAX_PARK_NANOS = 200_000L;
    /** Largest data-buffer range one ByteBuffer view covers (CRC32C over bigger buffers goes window by window). */
    private static final long CRC_WINDOW = 1L << 30;
    /** Most slots one run holds before it completes. */
    static final int MAX_RUN = 64;

    private final MemorySegment control;
    private final MemorySegment ring;
    private final MemorySegment debug;
    private final MemorySegment io;
    private final MemorySegment data;
    private final long controlWords;
    private final long debugWords;
    private final int ioSlots;
    private final long dataBytes;
    private final long dataWords;
    private final OpcodeTable opcodes;
    private final long ioWaitNanos;
    /** CRC32C opcode state: one checksum and one view of the data buffer, reused per slot. */
    private final CRC32C crc = new CRC32C();
    private final ByteBuffer dataView;
    /** The isolation block ({@link TenantIsolation}), or {@code NULL} in the default mode. */
    private final MemorySegment isolation;
    private final boolean isolated;
    private final int adminTenant;
    /** Set by a custom handler's access outside the slot's windows: later writes do nothing, the slot FAULTs. */
    private boolean violated;

    /** Set when the driver stops: a LOAD_MISS wait gives up at once. */
    private volatile boolean abort;

    // The run: executed slots whose completion is held, and the counts not yet added to control.
    private final long[] heldBase = new long[MAX_RUN];
    private final int[] heldStatus = new int[MAX_RUN];
    private int held;
    /** DONE_COUNT increments held (slots executed to DONE, not yet added). */
    private int heldDone;
    /** Per-opcode metric increments held, for opcodes below 32; bit k of {@link #heldMetricMask} marks a count. */
    private final int[] heldMetric = new int[Opcodes.METRIC_OPCODES];
    private int heldMetricMask;

    // The slot being executed (SlotContext view).
    private int curSlot;
    private int curOpcode;
    private int curTenant;
    private long curBase;
    private boolean curPacked;
    private int curA0;
    private int curA1;
    private int curA2;

    SlotExecutor(MemorySegment control, MemorySegment ring, MemorySegment debug, MemorySegment io,
                 MemorySegment data, OpcodeTable opcodes, long ioWaitNanos) {
        this(control, ring, debug, io, data, opcodes, ioWaitNanos, MemorySegment.NULL);
    }

    /**
     * @param isolation the isolation block ({@link TenantIsolation#BLOCK_WORDS} words, shared by every executor of
     *                  the session: its counters are added atomically), or {@code NULL} for the default mode
     */
    SlotExecutor(MemorySegment control, MemorySegment ring, MemorySegment debug, MemorySegment io,
                 MemorySegment data, OpcodeTable opcodes, long ioWaitNanos, MemorySegment isolation) {
        this.isolation = isolation;
        this.isolated = isolation.byteSize() != 0;
        this.adminTenant = isolated ? Words.get(isolation, TenantIsolation.ADMIN_WORD) : TenantIsolation.NO_ADMIN;
        this.control = control;
        this.ring = ring;
        this.debug = debug;
        this.io = io;
        this.data = data;
        this.controlWords = Words.count(control);
        this.debugWords = Words.count(debug);
        this.ioSlots = (int) (io.byteSize() / IoQueueLayout.IO_SLOT_BYTES);
        this.dataBytes = data.byteSize();
        this.dataWords = dataBytes >>> 2;
        this.opcodes = opcodes;
        this.ioWaitNanos = ioWaitNanos;
        this.dataView = dataBytes > 0 && dataBytes <= CRC_WINDOW ? data.asByteBuffer() : null;
    }

    /** Makes every pending and future LOAD_MISS wait of this executor give up (session close). */
    void abort() {
        abort = true;
    }

    /** @return true when control word 0 (SHUTDOWN) is non-zero (acquire) */
    boolean shutdownRequested() {
        return Words.getAcquire(control, ControlLayout.SHUTDOWN) != 0;
    }

    /**
     * Claims and executes {@code slot} if it is PUBLISHED, its tenant is authorised and control
     * word 0 (SHUTDOWN) is still 0. Its completion is held in the current run (see the class
     * comment): the caller makes it visible with {@link #completeRun}.
     *
     * @return true when this call executed the slot
     */
    boolean tryExecute(int slot) {
        long base = (long) slot * SlotLayout.SLOT_WORDS;
        if (!claimable(base) || shutdownRequested()
                || !Words.compareAndSet(ring, base, SlotStatus.PUBLISHED, SlotStatus.CLAIMED)) {
            return false;
        }
        // The CAS acquired the payload of the publish it matched; check the tenant of that
        // publish (a republished slot could carry another tenant than the one read above).
        return runClaimed(slot, base);
    }

    /**
     * Claims {@code slot} ahead of its turn, by a plain store of CLAIMED, when it is PUBLISHED, its tenant is
     * authorised, SHUTDOWN is 0 and its opcode does not run alone; the caller then passes it to
     * {@link #executeClaimed} or {@link #giveBack} before it looks elsewhere. Only for an executor that is the slot's
     * one claimer (a persistent worker owns its slots, and the publish paths write a slot only while it is EMPTY or
     * DONE): the store then has the compare-and-set's outcome, and the stores of a run's slots leave together
     * instead of one locked round trip to the publisher's core per slot (docs/PERFORMANCE.md, session 19).
     *
     * @return true when the slot is now CLAIMED by this executor
     */
    boolean claimAhead(int slot) {
        long base = (long) slot * SlotLayout.SLOT_WORDS;
        if (!claimable(base) || shutdownRequested() || runsAlone(Words.get(ring, base + SlotLayout.OPCODE_WORD))) {
            return false;
        }
        Words.setOpaque(ring, base, SlotStatus.CLAIMED);
        return true;
    }

    /**
     * Executes a slot claimed by {@link #claimAhead}, checking SHUTDOWN and its tenant again now that every earlier
     * slot of the run has executed, as a claim at this point would; when either check fails the slot is given back
     * (PUBLISHED again) and does not run. Its completion is held like {@link #tryExecute}'s.
     *
     * @return true when this call executed the slot
     */
    boolean executeClaimed(int slot) {
        long base = (long) slot * SlotLayout.SLOT_WORDS;
        if (shutdownRequested()) {
            giveBack(slot);
            return false;
        }
        return runClaimed(slot, base);
    }

    /** Returns a slot this executor holds CLAIMED (by either claim) that will not run now: PUBLISHED again (release). */
    void giveBack(int slot) {
        Words.setRelease(ring, (long) slot * SlotLayout.SLOT_WORDS, SlotStatus.PUBLISHED);
    }

    /** Runs a slot this executor holds CLAIMED: its tenant checked (given back if unauthorised), executed, held. */
    private boolean runClaimed(int slot, long base) {
        int tenant = Words.get(ring, base + SlotLayout.TENANT_WORD);
        if (!authorised(tenant)) {
            giveBack(slot);
            return false;
        }
        int opcode = Words.get(ring, base + SlotLayout.OPCODE_WORD);
        boolean alone = runsAlone(opcode);
        if (alone) {
            completeRun();
        }
        boolean completed = execute(slot, base, tenant, opcode);
        heldBase[held] = base;
        heldStatus[held] = completed ? SlotStatus.DONE : SlotStatus.FAULT;
        held++;
        if (completed) {
            heldDone++;
        }
        if (alone || held == MAX_RUN) {
            completeRun();
        }
        return true;
    }

    /** @return true when {@code slot}'s status word reads PUBLISHED (acquire) */
    boolean published(int slot) {
        return Words.getAcquire(ring, (long) slot * SlotLayout.SLOT_WORDS) == SlotStatus.PUBLISHED;
    }

    /** @return true when {@code slot} is PUBLISHED and its tenant authorised (it would run now, SHUTDOWN aside) */
    boolean claimable(int slot) {
        return claimable((long) slot * SlotLayout.SLOT_WORDS);
    }

    private boolean claimable(long base) {
        return Words.getAcquire(ring, base) == SlotStatus.PUBLISHED
                && authorised(Words.get(ring, base + SlotLayout.TENANT_WORD));
    }

    /** @return slots executed whose completion is held */
    int heldSlots() {
        return held;
    }

    /**
     * Completes the held run: adds the held metric counts, then the held DONE_COUNT (one atomic add
     * per word), then release-stores each held slot's DONE or FAULT, in execution order. A no-op when
     * nothing is held.
     */
    void completeRun() {
        int n = held;
        if (n == 0) {
            return;
        }
        addHeldCounts();
        long[] bases = heldBase;
        int[] statuses = heldStatus;
        for (int i = 0; i < n; i++) {
            Words.setRelease(ring, bases[i], statuses[i]);
        }
        held = 0;
    }

    /** Adds the held metric counts, then the held DONE_COUNT, to the control buffer. */
    private void addHeldCounts() {
        int mask = heldMetricMask;
        while (mask != 0) {
            int op = Integer.numberOfTrailingZeros(mask);
            atomicAdd(ControlLayout.METRICS_BASE + op, heldMetric[op]);
            heldMetric[op] = 0;
            mask &= mask - 1;
        }
        heldMetricMask = 0;
        if (heldDone != 0) {
            Words.getAndAdd(control, ControlLayout.DONE_COUNT, heldDone);
            heldDone = 0;
        }
    }

    /** @return true for a slot that may take long or wait: it completes the held run first and runs alone */
    private boolean runsAlone(int opcode) {
        return opcode == Opcodes.CRC32C || opcode == Opcodes.LOAD_MISS || opcode == Opcodes.PACKED_SLOT
                || opcodes.handler(opcode) != null;
    }

    /** {@code t = C[2] + tenant} (64-bit) {@code < 32}, {@code < Cw}, and {@code C[t] != 0}. */
    private boolean authorised(int tenant) {
        long t = (Words.getAcquire(control, ControlLayout.TENANT_BASE) & U32_MASK) + (tenant & U32_MASK);
        return t < ControlLayout.TENANT_QUOTA_BASE && t < controlWords && Words.getAcquire(control, t) != 0;
    }

    /** @return false when the slot ends in FAULT */
    private boolean execute(int slot, long base, int tenant, int opcode) {
        curSlot = slot;
        curTenant = tenant;
        curBase = base;
        violated = false;
        try {
            if (opcode == Opcodes.PACKED_SLOT) {
                return executePacked(base);
            }
            curPacked = false;
            return executeOp(opcode, Words.get(ring, base + SlotLayout.ARG0_WORD),
                    Words.get(ring, base + SlotLayout.ARG0_WORD + 1), Words.get(ring, base + SlotLayout.ARG0_WORD + 2));
        } catch (RuntimeException | StackOverflowError e) {
            return false;
        }
    }

    private boolean executePacked(long base) {
        long payload = base + SlotLayout.ARG0_WORD;
        int n = payloadByte(payload, 0);
        int meta = (2 + 2 * n + 3) / 4;
        if (meta > SlotLayout.ARGS_PER_SLOT) {
            return true;
        }
        curPacked = true;
        for (int k = 0; k < n; k++) {
            int op = payloadByte(payload, 2 + 2 * k);
            int off = payloadByte(payload, 3 + 2 * k);
            int at = meta + off;
            if (at + 3 <= SlotLayout.ARGS_PER_SLOT) {
                if (!executeOp(op, Words.get(ring, payload + at), Words.get(ring, payload + at + 1),
                        Words.get(ring, payload + at + 2))) {
                    return false;
                }
            }
        }
        return true;
    }

    private int payloadByte(long payload, int k) {
        return (Words.get(ring, payload + (k >>> 2)) >>> ((k & 3) << 3)) & 0xFF;
    }

    /** Steps 1 to 3 of one (possibly packed inner) op. @return false for FAULT */
    private boolean executeOp(int opcode, int a0, int a1, int a2) {
        curOpcode = opcode;
        curA0 = a0;
        curA1 = a1;
        curA2 = a2;
        if (Integer.compareUnsigned(opcode, Opcodes.METRIC_OPCODES) < 0) {
            heldMetric[opcode]++;
            heldMetricMask |= 1 << opcode;
        }
        OpcodeHandler handler = opcodes.handler(opcode);
        if (handler != null || observesControl(opcode)) {
            addHeldCounts();
        }
        long u0 = a0 & U32_MASK;
        long u1 = a1 & U32_MASK;
        long u2 = a2 & U32_MASK;
        if (isolated && curTenant != adminTenant && !builtinAllowed(opcode, u0, u1, u2)) {
            return violation();
        }
        switch (opcode) {
            case Opcodes.NOP -> { }
            case Opcodes.STORE_U32 -> exchange(u1, a0);
            case Opcodes.ATOMIC_ADD -> atomicAdd(u1, a0);
            case Opcodes.LOAD_U32 -> store(ControlLayout.OBSERVABLE_BASE + u1, load(u0));
            case Opcodes.COMPARE_SWAP -> store(ControlLayout.OBSERVABLE_BASE + u0, cas(u0, a1, a2));
            case Opcodes.MEMCPY -> memcpy(u0, u1, u2);
            case Opcodes.DFA_STEP -> store(ControlLayout.OBSERVABLE_BASE + u2, dataWord(u0 * 256 + (a1 & 0xFF)));
            case Opcodes.BATCH_FENCE -> {
                atomicAdd(ControlLayout.EPOCH, 1);
                store(ControlLayout.OBSERVABLE_BASE, a1);
            }
            case Opcodes.CRC32C -> store(ControlLayout.OBSERVABLE_BASE + u2, crc32c(u0, u1));
            case Opcodes.PRINTF -> printf(a0, a1, a2);
            case Opcodes.SHUTDOWN -> exchange(ControlLayout.SHUTDOWN, 1);
            case Opcodes.LOAD_MISS -> {
                if (!loadMiss(a0)) {
                    return false;
                }
            }
            default -> { }
        }
        if (handler != null) {
            handler.execute(this);
            if (violated) {
                return violation();
            }
        }
        return true;
    }

    // ------------------------------------------------------------------ isolated mode

    /** Counts a violation for the slot's tenant. @return false (the slot FAULTs) */
    private boolean violation() {
        Words.getAndAdd(isolation, TenantIsolation.VIOLATIONS_BASE + curTenant, 1);
        return false;
    }

    /**
     * @return true when the built-in's writes of in-range control words and reads of in-range data bytes all
     *         lie inside the slot's tenant windows (the bounds rule comes first: an out-of-range access is no
     *         access)
     */
    private boolean builtinAllowed(int opcode, long u0, long u1, long u2) {
        return switch (opcode) {
            case Opcodes.STORE_U32, Opcodes.ATOMIC_ADD -> writable(u1);
            case Opcodes.LOAD_U32 -> writable(ControlLayout.OBSERVABLE_BASE + u1);
            case Opcodes.COMPARE_SWAP -> writable(u0) && writable(ControlLayout.OBSERVABLE_BASE + u0);
            case Opcodes.MEMCPY -> {
                long end = Math.min(u1 + u2, controlWords);
                yield u1 >= end || (writable(u1) && writable(end - 1));
            }
            case Opcodes.DFA_STEP -> writable(ControlLayout.OBSERVABLE_BASE + u2)
                    && readable((u0 * 256 + (u1 & 0xFF)) * 4, 4);
            case Opcodes.BATCH_FENCE -> writable(ControlLayout.EPOCH) && writable(ControlLayout.OBSERVABLE_BASE);
            case Opcodes.CRC32C -> writable(ControlLayout.OBSERVABLE_BASE + u2)
                    && readable(u0, Math.min(u0 + u1, dataBytes) - u0);
            case Opcodes.SHUTDOWN -> writable(ControlLayout.SHUTDOWN);
            default -> true;
        };
    }

    /** @return true when the slot may write control word {@code word}: out of range (no effect) or in its window */
    private boolean writable(long word) {
        if (word >= controlWords || curTenant == adminTenant) {
            return true;
        }
        long at = TenantIsolation.WINDOWS_BASE + (long) curTenant * TenantIsolation.WINDOW_WORDS;
        return word >= (Words.get(isolation, at) & U32_MASK) && word < (Words.get(isolation, at + 1) & U32_MASK);
    }

    /**
     * @return true when the slot may read data bytes {@code [offset, offset + length)}: nothing to read (an empty
     *         range, or one that does not lie wholly inside the data buffer, which reads 0), or inside its range
     */
    private boolean readable(long offset, long length) {
        if (length <= 0 || offset + length > dataBytes || curTenant == adminTenant) {
            return true;
        }
        long at = TenantIsolation.WINDOWS_BASE + (long) curTenant * TenantIsolation.WINDOW_WORDS + 2;
        return offset >= (Words.get(isolation, at) & U32_MASK)
                && offset + length <= (Words.get(isolation, at + 1) & U32_MASK);
    }

    /** A custom handler's write check: false (and the slot marked violated) outside the slot's window. */
    private boolean handlerMayWrite(long word) {
        if (!isolated) {
            return true;
        }
        if (violated || !writable(word)) {
            violated = true;
            return false;
        }
        return true;
    }

    /**
     * @return true for the built-ins that read a control word or overwrite one other than by an atomic
     *         add: they must see the held counts added first
     */
    private static boolean observesControl(int opcode) {
        return switch (opcode) {
            case Opcodes.STORE_U32, Opcodes.LOAD_U32, Opcodes.COMPARE_SWAP, Opcodes.MEMCPY, Opcodes.SHUTDOWN -> true;
            default -> false;
        };
    }

    private void memcpy(long src, long dst, long count) {
        if (dst >= controlWords) {
            return;
        }
        long n = Math.min(count, controlWords - dst);
        for (long i = 0; i < n; i++) {
            store(dst + i, load(src + i));
        }
    }

    /** CRC-32C of data bytes {@code [start, min(start + length, dataBytes))}; an empty range gives 0. */
    private int crc32c(long start, long length) {
        long end = Math.min(start + length, dataBytes);
        if (start >= end) {
            return 0;
        }
        crc.reset();
        if (dataView != null) {
            dataView.limit((int) end).position((int) start);
            crc.update(dataView);
        } else {
            for (long at = start; at < end; at += CRC_WINDOW) {
                crc.update(data.asSlice(at, Math.min(CRC_WINDOW, end - at)).asByteBuffer());
            }
        }
        return (int) crc.getValue();
    }

    private int dataWord(long index) {
        return index < dataWords ? Words.get(data, index) : 0;
    }

    private void printf(int a0, int a1, int a2) {
        long r = (Words.getAndAdd(debug, DebugLogLayout.CURSOR_WORD, DebugLogLayout.RECORD_WORDS) & U32_MASK) + 1;
        if (r + DebugLogLayout.RECORD_WORDS <= debugWords) {
            Words.setRelease(debug, r, a0);
            Words.setRelease(debug, r + 1, a1);
            Words.setRelease(debug, r + 2, a2);
            Words.setRelease(debug, r + 3, curSlot * SlotLayout.SLOT_WORDS);
        }
    }

    /**
     * LOAD_MISS: reserve an IO slot (EMPTY to WAIT_IO, CAS), write the READ request, publish it,
     * and wait (bounded) for the host's completion.
     *
     * @return true for OK, false for ERROR or timeout (the ring slot FAULTs)
     */
    private boolean loadMiss(int resource) {
        long deadline = System.nanoTime() + ioWaitNanos;
        long status = -1;
        int spins = 0;
        long park = 1_000L;
        while (status < 0) {
            for (int q = 0; q < ioSlots; q++) {
                long s = (long) q * IoQueueLayout.IO_SLOT_WORDS + IoQueueLayout.STATUS_WORD;
                if (Words.compareAndSet(io, s, SlotStatus.EMPTY, SlotStatus.WAIT_IO)) {
                    status = s;
                    break;
                }
            }
            if (status < 0) {
                if (abort || System.nanoTime() - deadline >= 0) {
                    return false;
                }
                if (spins++ < IO_SPINS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.parkNanos(park);
                    park = Math.min(park << 1, IO_MAX_PARK_NANOS);
                }
            }
        }
        long q = status - IoQueueLayout.STATUS_WORD;
        Words.set(io, q + IoQueueLayout.OP_TYPE_WORD, IoQueueLayout.OP_READ);
        Words.set(io, q + IoQueueLayout.SRC_HANDLE_WORD, resource);
        Words.set(io, q + IoQueueLayout.DST_HANDLE_WORD, resource);
        Words.set(io, q + IoQueueLayout.OFFSET_LO_WORD, 0);
        Words.set(io, q + IoQueueLayout.OFFSET_HI_WORD, 0);
        Words.set(io, q + IoQueueLayout.BYTE_COUNT_WORD, 0);
        Words.set(io, q + IoQueueLayout.TAG_WORD, resource);
        Words.setRelease(io, status, SlotStatus.PUBLISHED);
        spins = 0;
        park = 1_000L;
        while (true) {
            int s = Words.getAcquire(io, status);
            if (s == IoQueueLayout.STATUS_OK || s == IoQueueLayout.STATUS_ERROR) {
                Words.setRelease(io, status, SlotStatus.EMPTY);
                return s == IoQueueLayout.STATUS_OK;
            }
            if (abort || System.nanoTime() - deadline >= 0) {
                if (Words.compareAndSet(io, status, SlotStatus.PUBLISHED, SlotStatus.EMPTY)
                        || Words.compareAndSet(io, status, SlotStatus.CLAIMED, SlotStatus.EMPTY)) {
                    return false;
                }
                continue; // the host completed it just now: take the completion
            }
            if (spins++ < IO_SPINS) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(park);
                park = Math.min(park << 1, IO_MAX_PARK_NANOS);
            }
        }
    }

    // ------------------------------------------------------------------ bounded control access

    private int load(long word) {
        return word < controlWords ? Words.getAcquire(control, word) : 0;
    }

    private void store(long word, int value) {
        if (word < controlWords) {
            Words.setRelease(control, word, value);
        }
    }

    private int exchange(long word, int value) {
        return word < controlWords ? Words.getAndSet(control, word, value) : 0;
    }

    private int atomicAdd(long word, int delta) {
        return word < controlWords ? Words.getAndAdd(control, word, delta) : 0;
    }

    private int cas(long word, int expected, int desired) {
        return word < controlWords ? Words.compareAndExchange(control, word, expected, desired) : 0;
    }

    // ------------------------------------------------------------------ SlotContext

    @Override
    public int opcode() {
        return curOpcode;
    }

    @Override
    public int slot() {
        return curSlot;
    }

    @Override
    public int tenant() {
        return curTenant;
    }

    @Override
    public int arg(int i) {
        if (curPacked) {
            return switch (i) {
                case 0 -> curA0;
                case 1 -> curA1;
                case 2 -> curA2;
                default -> 0;
            };
        }
        return i >= 0 && i < SlotLayout.ARGS_PER_SLOT ? Words.get(ring, curBase + SlotLayout.ARG0_WORD + i) : 0;
    }

    @Override
    public long controlWords() {
        return controlWords;
    }

    @Override
    public int loadControl(long word) {
        return word >= 0 ? load(word) : 0;
    }

    /** @return true once SHUTDOWN is set, the driver is stopping, or this worker thread was interrupted */
    @Override
    public boolean abortRequested() {
        return abort || shutdownRequested() || Thread.currentThread().isInterrupted();
    }

    @Override
    public void storeControl(long word, int value) {
        if (word >= 0 && handlerMayWrite(word)) {
            exchange(word, value);
        }
    }

    @Override
    public int atomicAddControl(long word, int delta) {
        return word >= 0 && handlerMayWrite(word) ? atomicAdd(word, delta) : 0;
    }

    @Override
    public int compareAndSwapControl(long word, int expected, int desired) {
        return word >= 0 && handlerMayWrite(word) ? cas(word, expected, desired) : 0;
    }

    @Override
    public long dataBytes() {
        return dataBytes;
    }

    @Override
    public int loadDataByte(long offset) {
        if (offset < 0 || offset >= dataBytes) {
            return 0;
        }
        if (isolated && !readable(offset, 1)) {
            violated = true;
            return 0;
        }
        return data.get(java.lang.foreign.ValueLayout.JAVA_BYTE, offset) & 0xFF;
    }
}
