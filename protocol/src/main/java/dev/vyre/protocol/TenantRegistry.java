package dev.vyre.protocol;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
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

    private static final Comparator<TenantHandle> BY_ID = Comparator.comparingInt(TenantHandle::id);

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

    /** Registers a tenant with every cap unbounded ({@link TenantQuota#unbounded()}). */
    public TenantHandle register(String label) {
        return registerWithQuotas(label, TenantQuota.unbounded());
    }

    /**
     * Registers a tenant whose handle refuses a publish while {@code maxOutstandingSlots}
     * (unsigned; 0 is raised to 1) of its slots are not reported drained; the other caps are
     * unbounded.
     *
     * @throws TenantException ({@link TenantException.Kind#REGISTRY_FULL}) when the next id has
     *                         no entry in the GPU tenant mask table
     */
    public TenantHandle registerWithBackpressure(String label, long maxOutstandingSlots) {
        return registerWithQuotas(label,
                new TenantQuota(maxOutstandingSlots, TenantQuota.UNBOUNDED, TenantQuota.UNBOUNDED));
    }

    /**
     * Registers a tenant with all three caps of {@code quota} (each 0 is raised to 1).
     *
     * @throws TenantException ({@link TenantException.Kind#REGISTRY_FULL}) when the next id has
     *                         no entry in the GPU tenant mask table
     */
    public TenantHandle registerWithQuotas(String label, TenantQuota quota) {
        Objects.requireNonNull(quota, "quota");
        int id = reserveIds(1);
        return add(id, label, quota);
    }

    /**
     * Registers one tenant per label, with unbounded caps, under consecutive ids, all or none:
     * when fewer ids are left than labels, nothing is registered and no id is consumed.
     *
     * @return the handles in label order
     * @throws TenantException ({@link TenantException.Kind#REGISTRY_FULL}) when the labels do
     *                         not all fit in the GPU tenant mask table
     */
    public List<TenantHandle> registerMany(List<String> labels) {
        if (labels.isEmpty()) {
            return List.of();
        }
        int first = reserveIds(labels.size());
        List<TenantHandle> handles = new ArrayList<>(labels.size());
        for (int i = 0; i < labels.size(); i++) {
            handles.add(add(first + i, labels.get(i), TenantQuota.unbounded()));
        }
        return List.copyOf(handles);
    }

    /** Claims {@code count} consecutive ids with one CAS, or none. @return the first id */
    private int reserveIds(int count) {
        while (true) {
            int current = nextId.get();
            int first = Math.max(current, 1);
            long last = (long) first + count - 1;
            if (last > maxTenantId) {
                throw new TenantException(TenantException.Kind.REGISTRY_FULL, first, (count == 1
                        ? "tenant id " + first + " has no entry" : "tenant ids " + first + ".." + last + " have no entries")
                        + " in the GPU tenant mask table, which holds " + (maxTenantId + 1)
                        + " entries (ids 0.." + maxTenantId + ", control words 3..31), so "
                        + (count == 1 ? "its" : "their") + " slots would never run;"
                        + " ids are never reused, so unregistering does not free one: share a registered tenant"
                        + " or shard producers across megakernels");
            }
            if (nextId.compareAndSet(current, (int) last + 1)) {
                return first;
            }
            Thread.onSpinWait();
        }
    }

    private TenantHandle add(int id, String label, TenantQuota quota) {
        TenantHandle handle = new TenantHandle(id, label, TENANT_OPCODE_BASE + id * OPCODE_RANGE_PER_TENANT, quota);
        tenants.put(id, handle);
        return handle;
    }

    /**
     * Removes a tenant and revokes its handles (future publishes and reservations are refused;
     * slots already on the ring still run), and zeroes its staging-byte and resident-handle
     * reservations. Published and drained counters are kept.
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
        out.sort(BY_ID);
        return out;
    }

    /**
     * Replaces the contents of {@code out} with the active handles sorted by id, reusing its
     * storage.
     */
    public void activeTenantsInto(List<TenantHandle> out) {
        out.clear();
        out.addAll(tenants.values());
        out.sort(BY_ID);
    }

    /** @return the counters of every active tenant, sorted by id */
    public List<TenantRuntimeCounters> runtimeCounters() {
        return activeTenants().stream().map(TenantHandle::runtimeCounters).toList();
    }

    /** Replaces the contents of {@code out} with {@link #runtimeCounters()}, reusing its storage. */
    public void runtimeCountersInto(List<TenantRuntimeCounters> out) {
        out.clear();
        for (TenantHandle handle : activeTenants()) {
            out.add(handle.runtimeCounters());
        }
    }

    /** @return the quota counters of every active tenant, sorted by id */
    public List<TenantQuotaCounters> quotaCounters() {
        return activeTenants().stream().map(TenantHandle::quotaCounters).toList();
    }

    /**
     * Picks tenants that may run at the same time. With {@code n} active tenants sorted by id,
     * {@code conflicts[i × n + j] != 0} says that the tenants at positions {@code i} and
     * {@code j} conflict. When {@code conflicts.length != n × n}, or every entry is 0, every
     * active id is returned. Otherwise a greedy maximal independent set in ascending position
     * order: position {@code i} is taken unless it conflicts (in either direction) with one
     * already taken.
     *
     * @return the selected ids, in selection order
     */
    public int[] selectConcurrentTenants(byte[] conflicts) {
        int[] out = new int[maxTenantId + 1];
        int[] scratch = new int[maxTenantId + 1];
        int count = selectConcurrentTenantsInto(conflicts, out, scratch);
        return Arrays.copyOf(out, count);
    }

    /**
     * {@link #selectConcurrentTenants(byte[])} into caller storage: {@code scratch} receives the
     * sorted active ids, {@code out} the selected ids.
     *
     * @return how many ids were written to {@code out} (allocation-free)
     * @throws VyreArgumentException when {@code out} or {@code scratch} is shorter than the
     *                               number of active tenants
     */
    public int selectConcurrentTenantsInto(byte[] conflicts, int[] out, int[] scratch) {
        int n = 0;
        for (Integer id : tenants.keySet()) {
            if (n == scratch.length || n == out.length) {
                throw new VyreArgumentException("scratch", "out and scratch hold " + Math.min(out.length, scratch.length)
                        + " ids but more tenants are active",
                        "pass arrays of at least " + (maxTenantId + 1) + " ints (the registry's id range)");
            }
            scratch[n++] = id;
        }
        Arrays.sort(scratch, 0, n);
        if ((long) n * n != conflicts.length || allZero(conflicts)) {
            System.arraycopy(scratch, 0, out, 0, n);
            return n;
        }
        int selected = 0;
        for (int i = 0; i < n; i++) {
            boolean free = true;
            for (int k = 0; k < selected && free; k++) {
                int j = out[k];
                free = conflicts[i * n + j] == 0 && conflicts[j * n + i] == 0;
            }
            if (free) {
                out[selected++] = i;
            }
        }
        for (int k = 0; k < selected; k++) {
            out[k] = scratch[out[k]];
        }
        return selected;
    }

    private static boolean allZero(byte[] conflicts) {
        for (byte b : conflicts) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }
}
