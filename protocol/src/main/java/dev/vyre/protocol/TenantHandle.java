package dev.vyre.protocol;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A registered tenant: its id (ring word 2), its opcode window
 * {@code [baseOpcode, baseOpcode + 2^20)}, and host-side publish accounting with an
 * outstanding-slot cap. Thread-safe; usable after the registry entry is removed (publishing is
 * then refused as revoked).
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
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong drained = new AtomicLong();
    private final AtomicLong quiesceCalls = new AtomicLong();
    private final AtomicLong quiesceTimeouts = new AtomicLong();
    private final AtomicLong quiesceWaitNs = new AtomicLong();
    private final AtomicBoolean revoked = new AtomicBoolean();

    TenantHandle(int id, String label, int baseOpcode, long maxOutstandingSlots) {
        this.id = id;
        this.label = label;
        this.baseOpcode = baseOpcode;
        this.maxOutstandingSlots = Math.max(maxOutstandingSlots, 1);
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

    /** @return the outstanding-slot cap (at least 1; {@link Long#MAX_VALUE} = unbounded) */
    public long maxOutstandingSlots() {
        return maxOutstandingSlots;
    }

    /** @return true once the tenant was unregistered */
    public boolean isRevoked() {
        return revoked.get();
    }

    void revoke() {
        revoked.set(true);
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
            if (d > p) {
                throw new TenantException(TenantException.Kind.ACCOUNTING, id,
                        "tenant drained_count exceeded published_count; rebuild tenant accounting state");
            }
            long outstanding = p - d;
            if (outstanding >= maxOutstandingSlots) {
                throw new TenantException(TenantException.Kind.BACKPRESSURE, id, "tenant " + Integer.toUnsignedString(id)
                        + " has " + outstanding + " outstanding slots, cap " + maxOutstandingSlots
                        + "; wait for drain progress or register the tenant with a larger bounded backlog");
            }
            if (p == Long.MAX_VALUE) {
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
            return sum < d ? Long.MAX_VALUE : sum;
        });
    }

    /** @return a snapshot of this tenant's counters */
    public TenantRuntimeCounters runtimeCounters() {
        long p = published.get();
        long d = drained.get();
        return new TenantRuntimeCounters(id, p, d, Math.max(p - d, 0), maxOutstandingSlots, quiesceCalls.get(),
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
            if (drained.get() >= published.get()) {
                quiesceCalls.incrementAndGet();
                quiesceWaitNs.addAndGet(System.nanoTime() - start);
                return;
            }
            idle(poll);
        }
        quiesceCalls.incrementAndGet();
        quiesceTimeouts.incrementAndGet();
        quiesceWaitNs.addAndGet(System.nanoTime() - start);
        long outstanding = Math.max(published.get() - drained.get(), 0);
        throw new TenantException(TenantException.Kind.QUIESCE_TIMEOUT, id, "tenant " + Integer.toUnsignedString(id)
                + " quiesce timed out with " + outstanding + " inflight slots; ensure the megakernel is making "
                + "progress (check DONE_COUNT) or raise the timeout");
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
