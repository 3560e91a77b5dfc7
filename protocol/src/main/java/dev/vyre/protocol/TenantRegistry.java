package dev.vyre.protocol;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hands out tenant ids and opcode windows. Ids are issued 1, 2,
 * 3, ... and never reused; tenant {@code id} owns opcodes {@code [0x40000000 + id × 2^20,
 * 0x40000000 + (id + 1) × 2^20)}. Thread-safe.
 *
 * <p><b>Deliberate fix (docs/PROTOCOL.md, tenant masks):</b> the interpreter authorises a tenant only through
 * its word in the control buffer's tenant mask table (words 3..31: 29 entries, ids 0..28), so
 * an id from 29 on could never run a slot. vyre 0.6.3 registers such ids anyway (up to 3070);
 * this registry refuses them at registration with a {@link TenantException} of kind
 * {@link TenantException.Kind#REGISTRY_FULL} on the {@code "tenant"} queue. A refused
 * registration does not consume an id.
 */
public final class TenantRegistry {

    /** First opcode of the tenant windows. */
    public static final int TENANT_OPCODE_BASE = 0x4000_0000;
    /** Opcodes per tenant window (2^20). */
    public static final int OPCODE_RANGE_PER_TENANT = 1 << 20;
    /** Reserved invalid tenant id. */
    public static final int TENANT_ID_MAX = 0xFFFF_FFFE;
    /** Highest id the GPU tenant mask table can authorise (28). */
    public static final int MAX_TENANT_ID = ControlLayout.TENANT_MASK_SLOTS - 1;

    private final AtomicInteger nextId = new AtomicInteger();
    private final ConcurrentHashMap<Integer, TenantHandle> tenants = new ConcurrentHashMap<>();
    private final int maxTenantId;

    /** A registry issuing ids 1..{@value #MAX_TENANT_ID}. */
    public TenantRegistry() {
        this(MAX_TENANT_ID);
    }

    /**
     * A registry issuing ids 1..{@code maxTenantId} (e.g. the tenant count a control buffer was
     * encoded with, minus one).
     *
     * @throws IllegalArgumentException unless {@code 1 <= maxTenantId <= 28}
     */
    public TenantRegistry(int maxTenantId) {
        if (maxTenantId < 1 || maxTenantId > MAX_TENANT_ID) {
            throw new IllegalArgumentException("maxTenantId " + maxTenantId + " is outside 1.." + MAX_TENANT_ID
                    + ". Fix: the GPU tenant mask table holds ids 0.." + MAX_TENANT_ID
                    + "; pass a maximum within it");
        }
        this.maxTenantId = maxTenantId;
    }

    /** @return the highest id this registry issues */
    public int maxTenantId() {
        return maxTenantId;
    }

    /** Registers a tenant with an unbounded outstanding-slot cap. */
    public TenantHandle register(String label) {
        return registerWithBackpressure(label, Long.MAX_VALUE);
    }

    /**
     * Registers a tenant whose handle refuses a publish while {@code maxOutstandingSlots}
     * (at least 1 is used) of its slots are not reported drained.
     *
     * @throws TenantException ({@link TenantException.Kind#REGISTRY_FULL}) when the next id has
     *                         no entry in the GPU tenant mask table
     */
    public TenantHandle registerWithBackpressure(String label, long maxOutstandingSlots) {
        while (true) {
            int current = nextId.get();
            int id = Math.max(current, 1);
            if (id > maxTenantId) {
                throw new TenantException(TenantException.Kind.REGISTRY_FULL, id, "tenant id " + id
                        + " has no entry in the GPU tenant mask table, which holds " + (maxTenantId + 1)
                        + " entries (ids 0.." + maxTenantId + ", control words 3..31), so its slots would never run;"
                        + " ids are never reused, so unregistering does not free one: share a registered tenant"
                        + " or shard producers across megakernels");
            }
            if (nextId.compareAndSet(current, id + 1)) {
                TenantHandle handle = new TenantHandle(id, label,
                        TENANT_OPCODE_BASE + id * OPCODE_RANGE_PER_TENANT, maxOutstandingSlots);
                tenants.put(id, handle);
                return handle;
            }
            Thread.onSpinWait();
        }
    }

    /**
     * Removes a tenant and revokes its handles (future publishes are refused; slots already on
     * the ring still run).
     *
     * @return the removed handle, or empty when the id is not registered
     */
    public Optional<TenantHandle> unregister(int id) {
        TenantHandle handle = tenants.remove(id);
        if (handle != null) {
            handle.revoke();
        }
        return Optional.ofNullable(handle);
    }

    /** @return the active handle of {@code id}, or empty */
    public Optional<TenantHandle> lookup(int id) {
        return Optional.ofNullable(tenants.get(id));
    }

    /** @return the active handles sorted by id */
    public List<TenantHandle> activeTenants() {
        List<TenantHandle> out = new ArrayList<>(tenants.values());
        out.sort(Comparator.comparingInt(TenantHandle::id));
        return out;
    }

    /** @return the counters of every active tenant, sorted by id */
    public List<TenantRuntimeCounters> runtimeCounters() {
        return activeTenants().stream().map(TenantHandle::runtimeCounters).toList();
    }
}
