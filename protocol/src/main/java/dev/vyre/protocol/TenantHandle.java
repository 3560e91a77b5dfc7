package dev.vyre.protocol;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A registered tenant: its id (ring word 2), its opcode window
 * {@code [baseOpcode, baseOpcode + 2^20)}, host-side publish accounting with an outstanding-slot
 * cap, and reservations of staging bytes and resident handles against their caps
 * ({@link TenantQuota}). Counters and caps are unsigned 64-bit values held in {@code long}s.
 * Thread-safe; usable after the registry entry is removed (publishing and reserving are then
 * refused as revoked; releasing is not).
 */
public final class TenantHandle {

    /** Spin polls before quiesce starts parking. */
    static final int QUIESCE_SPIN_POLLS = 64;
    static final long QUIESCE_MIN_PARK_NS = 2_000;
    static final long QUIESCE_MAX_PARK_NS = 50_000;
    static final int QUIESCE_BACKOFF_SHIFT_CAP = 5;

    private final int id;
    private final String label;
    private final int baseOpcode;
    private final long maxOutstandingSlots;
    private final long maxStagingBytes;
    private final long maxResidentHandles;
    private final AtomicLong stagingBytes = new AtomicLong();
    private final AtomicLong residentHandles = new AtomicLong();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong drained = new AtomicLong();
    private final AtomicLong quiesceCalls = new AtomicLong();
    private final AtomicLong quiesceTimeouts = new AtomicLong();
    private final AtomicLong quiesceWaitNs = new AtomicLong();
    private final AtomicBoolean revoked = new AtomicBoolean();

    TenantHandle(int id, String label, int baseOpcode, TenantQuota quota) {
        TenantQuota caps = quota.normalised();
        this.id = id;
        this.label = label;
        this.baseOpcode = baseOpcode;
        this.maxOutstandingSlots = caps.maxOutstandingSlots();
        this.maxStagingBytes = caps.maxStagingBytes();
        this.maxResidentHandles = caps.maxResidentHandles();
    }

    /** @return the tenant id written to ring word 2 */
    public int id() {
        return id;
    }

    /** @return the label given at registration */
    public String label() {
        return label;
    }

    /** @return the first opcode of the tenant's window */
    public int baseOpcode() {
        return baseOpcode;
    }

    /** @return the outstanding-slot cap (unsigned, at least 1; {@link TenantQuota#UNBOUNDED} = unbounded) */
    public long maxOutstandingSlots() {
        return maxOutstandingSlots;
    }

    /** @return the caps this tenant was registered with (after normalisation) */
    public TenantQuota quota() {
        return new TenantQuota(maxOutstandingSlots, maxStagingBytes, maxResidentHandles);
    }

    /** @return true once the tenant was unregistered */
    public boolean isRevoked() {
        return revoked.get();
    }

    /** Revokes the handle (release) and zeroes its staging-byte and resident-handle reservations. */
    void revoke() {
        revoked.set(true);
        stagingBytes.set(0);
        residentHandles.set(0);
    }

    /**
     * Reserves {@code bytes} (unsigned) staging bytes; reaching the cap exactly is allowed.
     *
     * @throws TenantException when revoked ({@link TenantException.Kind#REVOKED}), when the
     *                         reservation would pass the cap
     *                         ({@link TenantException.Kind#STAGING_BACKPRESSURE}), or when the
     *                         total would overflow ({@link TenantException.Kind#ACCOUNTING})
     */
    public void reserveStagingBytes(long bytes) {
        reserve(stagingBytes, bytes, maxStagingBytes, TenantException.Kind.STAGING_BACKPRESSURE, "staging bytes");
    }

    /**
     * Reserves {@code handles} (unsigned) resident handles; reaching the cap exactly is allowed.
     *
     * @throws TenantException as {@link #reserveStagingBytes(long)}, with
     *                         {@link TenantException.Kind#RESIDENT_HANDLE_BACKPRESSURE}
     */
    public void reserveResidentHandles(long handles) {
        reserve(residentHandles, handles, maxResidentHandles, TenantException.Kind.RESIDENT_HANDLE_BACKPRESSURE,
                "resident handles");
    }

    /**
     * Gives back {@code bytes} (unsigned) staging bytes. Not refused after revocation.
     *
     * @throws TenantException ({@link TenantException.Kind#RESOURCE_UNDERFLOW}) when more is
     *                         released than is reserved; nothing changes then
     */
    public void releaseStagingBytes(long bytes) {
        release(stagingBytes, bytes, "staging bytes");
    }

    /**
     * Gives back {@code handles} (unsigned) resident handles. Not refused after revocation.
     *
     * @throws TenantException as {@link #releaseStagingBytes(long)}
     */
    public void releaseResidentHandles(long handles) {
        release(residentHandles, handles, "resident handles");
    }

    /** @return this tenant's reservations against its caps */
    public TenantQuotaCounters quotaCounters() {
        return new TenantQuotaCounters(id, stagingBytes.get(), maxStagingBytes, residentHandles.get(),
                maxResidentHandles);
    }

    private void reserve(AtomicLong used, long requested, long cap, TenantException.Kind refusal, String resource) {
        if (revoked.get()) {
            throw revokedError();
        }
        while (true) {
            long current = used.get();
            long next = current + requested;
            if (Long.compareUnsigned(next, current) < 0) {
                throw new TenantException(TenantException.Kind.ACCOUNTING, id, TenantException.RESOURCE_QUEUE,
                        "tenant " + Integer.toUnsignedString(id) + " " + resource + " reservation overflowed ("
                        + Long.toUnsignedString(current) + " + " + Long.toUnsignedString(requested)
                        + "); release reservations before reserving more");
            }
            if (Long.compareUnsigned(next, cap) > 0) {
                throw new TenantException(refusal, id, TenantException.RESOURCE_QUEUE, "tenant "
                        + Integer.toUnsignedString(id) + " requested " + Long.toUnsignedString(requested) + " "
                        + resource + " with " + Long.toUnsignedString(current) + " in use, cap "
                        + Long.toUnsignedString(cap) + "; release " + resource
                        + " first or register the tenant with a larger quota");
            }
            if (used.compareAndSet(current, next)) {
                return;
            }
        }
    }

    private void release(AtomicLong used, long requested, String resource) {
        while (true) {
            long current = used.get();
            if (Long.compareUnsigned(requested, current) > 0) {
                throw new TenantException(TenantException.Kind.RESOURCE_UNDERFLOW, id, TenantException.RESOURCE_QUEUE,
                        "tenant " + Integer.toUnsignedString(id) + " released " + Long.toUnsignedString(requested)
                        + " " + resource + " with only " + Long.toUnsignedString(current)
                        + " reserved; release only what was reserved");
            }
            if (used.compareAndSet(current, current - requested)) {
                return;
            }
        }
    }

    /**
     * Maps a tenant-local opcode to the global opcode written to the ring:
     * {@code baseOpcode + local}.
     *
     * @throws TenantException  when revoked, or ({@link TenantException.Kind#OPCODE_OUT_OF_RANGE})
     *                          when {@code local >= 2^20} (unsigned)
     * @throws BackendException when the global opcode is not a user opcode
     */
    public int globalOpcode(int local) {
        if (revoked.get()) {
            throw revokedError();
        }
        if (Integer.compareUnsigned(local, TenantRegistry.OPCODE_RANGE_PER_TENANT) >= 0) {
            throw new TenantException(TenantException.Kind.OPCODE_OUT_OF_RANGE, id, "tenant "
                    + Integer.toUnsignedString(id) + " published local opcode " + Integer.toUnsignedString(local)
                    + "; out of range [0, " + TenantRegistry.OPCODE_RANGE_PER_TENANT
                    + "); caller must stay inside the opcode window returned by register()");
        }
        int global = baseOpcode + local;
        if (Opcodes.isSystem(global)) {
            throw new BackendException("tenant registry produced invalid global opcode " + Integer.toUnsignedString(global)
                    + ": User opcode overlaps with reserved system range or uses the high bit.",
                    "repair tenant opcode window allocation before publishing.");
        }
        return global;
    }

    /**
     * Publishes a slot with a tenant-local opcode: revocation check → global opcode →
     * outstanding-slot reservation → {@link RingPublisher#publishSlot(MemorySegment, int, int, int, int...)}
     * with this tenant's id. A refused ring publish gives the reservation back.
     *
     * @throws TenantException    when revoked, out of window, or at the outstanding-slot cap
     * @throws PipelineException  when the ring refuses the slot (the ring is unchanged)
     */
    public void publishSlot(MemorySegment ring, int slotIdx, int localOpcode, int... args) {
        if (revoked.get()) {
            throw revokedError();
        }
        int global = globalOpcode(localOpcode);
        reserveSlot();
        try {
            RingPublisher.publishSlot(ring, slotIdx, id, global, args);
        } catch (RuntimeException e) {
            published.getAndUpdate(p -> p == 0 ? 0 : p - 1);
            throw e;
        }
    }

    /** {@link #publishSlot(MemorySegment, int, int, int...)} on a {@code byte[]} ring. */
    public void publishSlot(byte[] ring, int slotIdx, int localOpcode, int... args) {
        publishSlot(MemorySegment.ofArray(ring), slotIdx, localOpcode, args);
    }

    private void reserveSlot() {
        while (true) {
            long p = published.get();
            long d = drained.get();
            if (Long.compareUnsigned(d, p) > 0) {
                throw new TenantException(TenantException.Kind.ACCOUNTING, id,
                        "tenant drained_count exceeded published_count; rebuild tenant accounting state");
            }
            long outstanding = p - d;
            if (Long.compareUnsigned(outstanding, maxOutstandingSlots) >= 0) {
                throw new TenantException(TenantException.Kind.BACKPRESSURE, id, "tenant " + Integer.toUnsignedString(id)
                        + " has " + Long.toUnsignedString(outstanding) + " outstanding slots, cap "
                        + Long.toUnsignedString(maxOutstandingSlots)
                        + "; wait for drain progress or register the tenant with a larger bounded backlog");
            }
            if (p == -1L) {
                throw new TenantException(TenantException.Kind.ACCOUNTING, id, "tenant published_count overflowed; "
                        + "quiesce or recreate the tenant before publishing more slots");
            }
            if (published.compareAndSet(p, p + 1)) {
                return;
            }
        }
    }

    private TenantException revokedError() {
        return new TenantException(TenantException.Kind.REVOKED, id, "tenant " + Integer.toUnsignedString(id)
                + " was revoked; handle is stale; acquire a fresh handle from the registry");
    }

    /** @return slots ever published */
    public long publishedCount() {
        return published.get();
    }

    /** @return slots reported drained */
    public long drainedCount() {
        return drained.get();
    }

    /**
     * Reports {@code count} more of this tenant's slots as drained (the host pump calls this
     * when it observes DONE progress). Saturating; not validated.
     */
    public void noteDrained(long count) {
        drained.getAndUpdate(d -> {
            long sum = d + count;
            return Long.compareUnsigned(sum, d) < 0 ? -1L : sum;
        });
    }

    /** @return a snapshot of this tenant's counters */
    public TenantRuntimeCounters runtimeCounters() {
        long p = published.get();
        long d = drained.get();
        return new TenantRuntimeCounters(id, p, d, outstanding(p, d), maxOutstandingSlots, quiesceCalls.get(),
                quiesceTimeouts.get(), quiesceWaitNs.get());
    }

    /**
     * Waits, with bounded backoff (spin for 64 polls, then park 2 µs doubling to 50 µs), until
     * every published slot has been reported drained, for at most {@code maxPolls} polls.
     *
     * @throws TenantException ({@link TenantException.Kind#QUIESCE_TIMEOUT}) when the polls run
     *                         out (always for {@code maxPolls == 0})
     */
    public void quiesce(long maxPolls) {
        long start = System.nanoTime();
        for (long poll = 0; poll < maxPolls; poll++) {
            if (Long.compareUnsigned(drained.get(), published.get()) >= 0) {
                quiesceCalls.incrementAndGet();
                quiesceWaitNs.addAndGet(System.nanoTime() - start);
                return;
            }
            idle(poll);
        }
        quiesceCalls.incrementAndGet();
        quiesceTimeouts.incrementAndGet();
        quiesceWaitNs.addAndGet(System.nanoTime() - start);
        long outstanding = outstanding(published.get(), drained.get());
        throw new TenantException(TenantException.Kind.QUIESCE_TIMEOUT, id, "tenant " + Integer.toUnsignedString(id)
                + " quiesce timed out with " + Long.toUnsignedString(outstanding) + " inflight slots; ensure the megakernel is making "
                + "progress (check DONE_COUNT) or raise the timeout");
    }

    /** @return {@code published − drained} (unsigned), saturating at 0 */
    private static long outstanding(long published, long drained) {
        return Long.compareUnsigned(published, drained) > 0 ? published - drained : 0;
    }

    /** @return the park time of poll {@code poll} (0 while spinning) */
    static long backoffNanos(long poll) {
        if (poll < QUIESCE_SPIN_POLLS) {
            return 0;
        }
        long shift = Math.min(poll - QUIESCE_SPIN_POLLS, QUIESCE_BACKOFF_SHIFT_CAP);
        return Math.min(QUIESCE_MIN_PARK_NS << shift, QUIESCE_MAX_PARK_NS);
    }

    static void idle(long poll) {
        long park = backoffNanos(poll);
        if (park == 0) {
            Thread.onSpinWait();
        } else {
            LockSupport.parkNanos(park);
        }
    }

    @Override
    public String toString() {
        return "TenantHandle[id=" + Integer.toUnsignedString(id) + ", label=" + label + ", baseOpcode=0x"
                + Integer.toHexString(baseOpcode) + ", revoked=" + revoked.get() + "]";
    }
}
