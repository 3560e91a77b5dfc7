package dev.vyre.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** Tenant quotas, reservations, bulk registration and concurrent-tenant selection. */
class TenantQuotaTest {

    private static final String U64_MAX = "18446744073709551615";

    @Test
    void unboundedCapsReadAsU64Max() {
        TenantHandle t = new TenantRegistry().register("free");
        TenantQuotaCounters q = t.quotaCounters();
        assertEquals(U64_MAX, Long.toUnsignedString(q.maxStagingBytes()));
        assertEquals(U64_MAX, Long.toUnsignedString(q.maxResidentHandles()));
        assertEquals(U64_MAX, Long.toUnsignedString(t.maxOutstandingSlots()));
        assertEquals(U64_MAX, Long.toUnsignedString(t.runtimeCounters().maxOutstandingSlots()));
        assertEquals(new TenantQuotaCounters(t.id(), 0, -1L, 0, -1L), q);
    }

    @Test
    void zeroCapsAreRaisedToOne() {
        TenantHandle t = new TenantRegistry().registerWithQuotas("z", TenantQuota.bounded(0, 0, 0));
        assertEquals(TenantQuota.bounded(1, 1, 1), t.quota());
        t.reserveStagingBytes(1);
        assertEquals(TenantException.Kind.STAGING_BACKPRESSURE,
                assertThrows(TenantException.class, () -> t.reserveStagingBytes(1)).kind());
    }

    @Test
    void reachingTheCapExactlyIsAllowedAndOvercommitIsRefusedUnchanged() {
        TenantHandle t = new TenantRegistry().registerWithQuotas("q", TenantQuota.bounded(4, 100, 3));
        t.reserveStagingBytes(60);
        t.reserveStagingBytes(40);
        TenantException e = assertThrows(TenantException.class, () -> t.reserveStagingBytes(1));
        assertEquals(TenantException.Kind.STAGING_BACKPRESSURE, e.kind());
        assertEquals(TenantException.RESOURCE_QUEUE, e.queue());
        assertTrue(e.getMessage().contains("requested 1 staging bytes with 100 in use, cap 100"), e.getMessage());
        assertEquals(e.getMessage().indexOf("Fix:"), e.getMessage().lastIndexOf("Fix:"), "one Fix:");
        t.reserveResidentHandles(3);
        assertEquals(TenantException.Kind.RESIDENT_HANDLE_BACKPRESSURE,
                assertThrows(TenantException.class, () -> t.reserveResidentHandles(1)).kind());
        assertEquals(new TenantQuotaCounters(t.id(), 100, 100, 3, 3), t.quotaCounters());
        t.releaseStagingBytes(30);
        t.releaseResidentHandles(1);
        assertEquals(new TenantQuotaCounters(t.id(), 70, 100, 2, 3), t.quotaCounters());
    }

    @Test
    void underflowIsRefusedAndChangesNothing() {
        TenantHandle t = new TenantRegistry().registerWithQuotas("u", TenantQuota.bounded(1, 10, 10));
        t.reserveStagingBytes(5);
        TenantException e = assertThrows(TenantException.class, () -> t.releaseStagingBytes(6));
        assertEquals(TenantException.Kind.RESOURCE_UNDERFLOW, e.kind());
        assertTrue(e.getMessage().contains("released 6 staging bytes with only 5 reserved"), e.getMessage());
        assertEquals(TenantException.Kind.RESOURCE_UNDERFLOW,
                assertThrows(TenantException.class, () -> t.releaseResidentHandles(1)).kind());
        assertEquals(new TenantQuotaCounters(t.id(), 5, 10, 0, 10), t.quotaCounters());
    }

    @Test
    void unsignedOverflowOfAReservationIsRefused() {
        TenantHandle t = new TenantRegistry().register("big");
        t.reserveStagingBytes(-2L); // u64::MAX - 1
        assertEquals(TenantException.Kind.ACCOUNTING,
                assertThrows(TenantException.class, () -> t.reserveStagingBytes(2)).kind());
        t.reserveStagingBytes(1); // exactly u64::MAX, the unbounded cap
        assertEquals(U64_MAX, Long.toUnsignedString(t.quotaCounters().stagingBytes()));
    }

    @Test
    void unregisterRevokesReservingZeroesReservationsAndKeepsPublishCounters() {
        TenantRegistry r = new TenantRegistry();
        TenantHandle t = r.registerWithQuotas("gone", TenantQuota.bounded(8, 100, 10));
        byte[] ring = new byte[4 * SlotLayout.SLOT_BYTES];
        t.publishSlot(ring, 0, 1);
        t.reserveStagingBytes(50);
        t.reserveResidentHandles(4);
        r.unregister(t.id());
        assertEquals(new TenantQuotaCounters(t.id(), 0, 100, 0, 10), t.quotaCounters());
        assertEquals(1, t.publishedCount());
        assertEquals(TenantException.Kind.REVOKED,
                assertThrows(TenantException.class, () -> t.reserveStagingBytes(1)).kind());
        assertEquals(TenantException.Kind.REVOKED,
                assertThrows(TenantException.class, () -> t.reserveResidentHandles(1)).kind());
        assertEquals(TenantException.Kind.RESOURCE_UNDERFLOW,
                assertThrows(TenantException.class, () -> t.releaseStagingBytes(1)).kind(),
                "release is not refused as revoked; it reports the underflow");
        t.releaseStagingBytes(0);
    }

    @Test
    void registerManyIsAllOrNothing() {
        TenantRegistry r = new TenantRegistry(5);
        List<TenantHandle> first = r.registerMany(List.of("a", "b", "c"));
        assertEquals(List.of(1, 2, 3), first.stream().map(TenantHandle::id).toList());
        assertEquals(List.of("a", "b", "c"), first.stream().map(TenantHandle::label).toList());
        TenantException e = assertThrows(TenantException.class, () -> r.registerMany(List.of("d", "e", "f")));
        assertEquals(TenantException.Kind.REGISTRY_FULL, e.kind());
        assertTrue(e.getMessage().contains("tenant ids 4..6"), e.getMessage());
        assertEquals(3, r.activeTenants().size(), "a refused bulk registration registers nothing");
        assertEquals(List.of(4, 5), r.registerMany(List.of("d", "e")).stream().map(TenantHandle::id).toList());
        assertEquals(List.of(), r.registerMany(List.of()));
    }

    @Test
    void concurrentRegistrationsGetUniqueIdsAndRefusalsConsumeNone() throws Exception {
        TenantRegistry r = new TenantRegistry();
        int threads = 32;
        CountDownLatch start = new CountDownLatch(1);
        ConcurrentLinkedQueue<Integer> ids = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread w = Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                    ids.add(r.registerWithQuotas("t", TenantQuota.bounded(2, 2, 2)).id());
                } catch (TenantException e) {
                    if (e.kind() != TenantException.Kind.REGISTRY_FULL) {
                        failures.add(e);
                    }
                } catch (Throwable t) {
                    failures.add(t);
                }
            });
            workers.add(w);
        }
        start.countDown();
        for (Thread w : workers) {
            w.join();
        }
        assertEquals(List.of(), List.copyOf(failures));
        Set<Integer> unique = new HashSet<>(ids);
        assertEquals(TenantRegistry.MAX_TENANT_ID, ids.size());
        assertEquals(ids.size(), unique.size());
        for (int id = 1; id <= TenantRegistry.MAX_TENANT_ID; id++) {
            assertTrue(unique.contains(id), "id " + id);
        }
    }

    @Test
    void selectionFastPathsReturnEveryActiveId() {
        TenantRegistry r = new TenantRegistry();
        r.registerMany(List.of("a", "b", "c"));
        assertArrayEquals(new int[] {1, 2, 3}, r.selectConcurrentTenants(new byte[9]));
        assertArrayEquals(new int[] {1, 2, 3}, r.selectConcurrentTenants(new byte[] {1, 1}), "wrong length");
        assertArrayEquals(new int[] {1, 2, 3}, r.selectConcurrentTenants(new byte[0]));
    }

    @Test
    void selectionIsAGreedyIndependentSetInPositionOrderOverBothDirections() {
        TenantRegistry r = new TenantRegistry();
        r.registerMany(List.of("a", "b", "c", "d"));
        r.unregister(2); // active ids 1, 3, 4: positions 0, 1, 2
        byte[] conflicts = new byte[9];
        conflicts[1 * 3 + 0] = 1; // position 1 (id 3) conflicts with position 0 (id 1), one direction only
        assertArrayEquals(new int[] {1, 4}, r.selectConcurrentTenants(conflicts));
        byte[] chain = new byte[9];
        chain[0 * 3 + 2] = 7; // id 1 with id 4
        assertArrayEquals(new int[] {1, 3}, r.selectConcurrentTenants(chain));
    }

    @Test
    void intoVariantsReuseTheCallersStorage() {
        TenantRegistry r = new TenantRegistry();
        r.registerMany(List.of("a", "b"));
        List<TenantHandle> handles = new ArrayList<>(List.of(r.register("stale-entry-holder")));
        r.activeTenantsInto(handles);
        assertEquals(List.of(1, 2, 3), handles.stream().map(TenantHandle::id).toList());
        List<TenantRuntimeCounters> counters = new ArrayList<>();
        r.runtimeCountersInto(counters);
        r.runtimeCountersInto(counters);
        assertEquals(3, counters.size());
        int[] out = {-1, -1, -1, -1};
        int[] scratch = new int[4];
        byte[] conflicts = new byte[9];
        conflicts[0 * 3 + 1] = 1;
        assertEquals(2, r.selectConcurrentTenantsInto(conflicts, out, scratch));
        assertArrayEquals(new int[] {1, 3, -1, -1}, out);
        assertArrayEquals(new int[] {1, 2, 3}, java.util.Arrays.copyOf(scratch, 3));
        VyreArgumentException small = assertThrows(VyreArgumentException.class,
                () -> r.selectConcurrentTenantsInto(conflicts, new int[2], new int[2]));
        assertTrue(small.getMessage().contains("Fix:"), small.getMessage());
    }
}
