package dev.vyre.flink;

import dev.vyre.api.Session;
import dev.vyre.api.SessionOptions;
import dev.vyre.api.Vyre;
import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.TenantHandle;
import dev.vyre.protocol.TenantRegistry;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * One persistent session per JVM, backend and device, shared by every {@link VyreAsyncFunction} instance
 * of a TaskManager through a reference count: {@link #acquire} opens it for the first user, {@link #release}
 * closes it after the last. Each user leases a {@link TenantLane}: its own tenant id, whose tenant mask is
 * non-zero only while leased, and its own run of ring slots, so one operator's backlog never occupies
 * another's slots.
 *
 * <p>Tenant ids are never reused by a {@link TenantRegistry}, and the tenant mask table holds 28 of them,
 * so a lane returned by {@link #giveBack} (e.g. by an operator closed for a restart) is handed, with its
 * tenant id, to the next operator instance. A lane whose slots did not drain is never handed out again.
 *
 * <p>Publication into the shared session is serialised by one lock ({@link #publish}); reading slot
 * statuses and control words needs none.
 */
final class SharedSession {

    /** Open sessions by "backend:device"; guarded by the class lock. */
    private static final Map<String, SharedSession> OPEN = new HashMap<>();

    private final String key;
    private final VyreFlinkOptions options;
    private final Vyre vyre;
    private final Session session;
    private final TenantRegistry registry;
    private final TenantHandle[] tenants;
    private final ArrayDeque<Integer> freeLanes = new ArrayDeque<>();
    private final Object publishLock = new Object();
    private int references;

    private SharedSession(String key, VyreFlinkOptions options, Vyre vyre, Session session) {
        this.key = key;
        this.options = options;
        this.vyre = vyre;
        this.session = session;
        this.registry = new TenantRegistry(options.maxOperators());
        this.tenants = new TenantHandle[options.maxOperators()];
        for (int p = 0; p < options.maxOperators(); p++) {
            freeLanes.add(p);
        }
        // no tenant runs until it is leased: a slot of an unleased tenant stays PUBLISHED
        for (int t = 0; t < ControlLayout.TENANT_MASK_SLOTS; t++) {
            session.writeControlWord(ControlLayout.TENANT_MASK_BASE + t, 0);
        }
    }

    /**
     * Opens (first caller) or joins the session of {@code backend} and {@code device}.
     *
     * @param backend a backend name, or null for the default choice
     * @throws IllegalStateException when the session is already open with another layout
     */
    static SharedSession acquire(String backend, int device, VyreFlinkOptions options) {
        String name = Vyre.select(backend).name();
        String key = name + ":" + device;
        synchronized (SharedSession.class) {
            SharedSession shared = OPEN.get(key);
            if (shared == null) {
                Vyre vyre = Vyre.open(name, device);
                Session session;
                try {
                    session = vyre.openSession(SessionOptions.builder()
                            .slotCount(options.ringSlots())
                            .tenantCount(options.maxOperators() + 1)
                            .observableSlots(options.ringSlots())
                            .dataBufferBytes((long) options.ringSlots() * options.dataBytesPerSlot())
                            .workers(options.workers())
                            .build());
                } catch (RuntimeException e) {
                    vyre.close();
                    throw e;
                }
                shared = new SharedSession(key, options, vyre, session);
                OPEN.put(key, shared);
            } else if (shared.options.lanes() != options.lanes()
                    || shared.options.maxOperators() != options.maxOperators()
                    || shared.options.dataBytesPerSlot() != options.dataBytesPerSlot()) {
                throw new IllegalStateException("the shared vyre session " + key + " is open with lanes "
                        + shared.options.lanes() + ", maxOperators " + shared.options.maxOperators()
                        + ", dataBytesPerSlot " + shared.options.dataBytesPerSlot() + ", not " + options.lanes() + ", "
                        + options.maxOperators() + ", " + options.dataBytesPerSlot()
                        + ". Fix: give every vyre operator of a job the same VyreFlinkOptions layout");
            }
            shared.references++;
            return shared;
        }
    }

    /** @return the number of sessions open in this JVM (for tests) */
    static int openCount() {
        synchronized (SharedSession.class) {
            return OPEN.size();
        }
    }

    /** @return the reference count of the session of {@code key} ("backend:device"), 0 when none is open */
    static int references(String key) {
        synchronized (SharedSession.class) {
            SharedSession shared = OPEN.get(key);
            return shared == null ? 0 : shared.references;
        }
    }

    /** Drops one reference; the last closes the session and its backend instance. */
    void release() {
        synchronized (SharedSession.class) {
            if (--references > 0) {
                return;
            }
            OPEN.remove(key);
        }
        try {
            session.close();
        } finally {
            vyre.close();
        }
    }

    /** @return "backend:device" */
    String key() {
        return key;
    }

    Session session() {
        return session;
    }

    /**
     * Leases a free lane and authorises its tenant.
     *
     * @throws IllegalStateException when every lane is leased or lost
     */
    TenantLane lease(String label) {
        int p;
        TenantHandle tenant;
        synchronized (this) {
            Integer free = freeLanes.poll();
            if (free == null) {
                throw new IllegalStateException("all " + options.maxOperators() + " lanes of the shared vyre session "
                        + key + " are in use (or lost to slots that did not drain). Fix: raise"
                        + " VyreFlinkOptions.maxOperators to at least the number of vyre operator instances per"
                        + " TaskManager and device (slots per TaskManager x vyre operators per job)");
            }
            p = free;
            if (tenants[p] == null) {
                tenants[p] = registry.register("flink-lane-" + p);
            }
            tenant = tenants[p];
        }
        session.writeControlWord(ControlLayout.TENANT_MASK_BASE + tenant.id(), -1);
        return new TenantLane(this, p, tenant.id(), label, p * options.lanes(), options.lanes(),
                options.dataBytesPerSlot());
    }

    /**
     * Returns a lane. A drained lane's tenant is masked off and the lane is the next one leased (most recently
     * returned first); a lane with slots still on the ring stays authorised (they must finish) and is never
     * leased again.
     */
    void giveBack(TenantLane lane, boolean drained) {
        if (!drained) {
            return;
        }
        session.writeControlWord(ControlLayout.TENANT_MASK_BASE + lane.tenant(), 0);
        synchronized (this) {
            freeLanes.addFirst(lane.partition());
        }
    }

    /** {@link Session#publishSlots} under the session's publication lock. */
    int publish(int firstSlot, MemorySegment images, int count) {
        synchronized (publishLock) {
            return session.publishSlots(firstSlot, images, count);
        }
    }

    /** Puts a FAULTed slot back to EMPTY so that it can be published again. */
    void reset(int slot) {
        synchronized (publishLock) {
            session.writeRawSlot(slot, new int[16]);
        }
    }
}
