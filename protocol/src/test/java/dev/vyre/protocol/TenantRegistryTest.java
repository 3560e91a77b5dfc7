package dev.vyre.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** protocol-vectors.md §V and io-cache-tenant-spec C.1, with the mask-table bound fix. */
class TenantRegistryTest {

    @Test
    void idsAndWindows() {
        TenantRegistry r = new TenantRegistry();
        TenantHandle a = r.register("a");
        TenantHandle b = r.register("b");
        assertEquals(1, a.id());
        assertEquals(2, b.id());
        assertEquals(0x40100000, a.baseOpcode());
        assertEquals(0x40200000, b.baseOpcode());
        assertEquals(0x4010002A, a.globalOpcode(42));
        assertEquals("a", a.label());
        var e = assertThrows(TenantException.class, () -> a.globalOpcode(1 << 20));
        assertEquals(TenantException.Kind.OPCODE_OUT_OF_RANGE, e.kind());
        assertEquals("io_uring tenant queue at capacity. Fix: tenant 1 published local opcode 1048576; out of range "
                + "[0, 1048576); caller must stay inside the opcode window returned by register()", e.getMessage());
        assertThrows(TenantException.class, () -> a.globalOpcode(-1));
        assertEquals(0x40100000 + 0xFFFFF, a.globalOpcode(0xFFFFF));
    }

    @Test
    void publishWritesTenantAndGlobalOpcode() {
        TenantHandle t = new TenantRegistry().register("t");
        byte[] ring = RingCodec.encodeEmptyRing(1);
        t.publishSlot(ring, 0, 7, 1, 2, 3);
        assertArrayEquals(new int[] {1, 0x40100007, 1, 2, 1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0}, Le.words(ring, 0, 16));
        assertEquals(1, t.publishedCount());
    }

    @Test
    void id28IsIssuedAnd29IsRefusedWithoutConsumingIt() {
        TenantRegistry r = new TenantRegistry();
        for (int id = 1; id <= 28; id++) {
            assertEquals(id, r.register("t" + id).id());
        }
        byte[] ring = RingCodec.encodeEmptyRing(1);
        r.lookup(28).orElseThrow().publishSlot(ring, 0, 5);
        assertEquals(28, Le.word(ring, 2));
        for (int attempt = 0; attempt < 2; attempt++) {
            var e = assertThrows(TenantException.class, () -> r.register("late"));
            assertEquals(TenantException.Kind.REGISTRY_FULL, e.kind());
            assertEquals("tenant", e.queue());
            assertEquals(29, e.tenantId(), "a refusal does not consume the id");
            assertTrue(e.getMessage().startsWith("io_uring tenant queue at capacity. Fix: tenant id 29 has no entry "
                    + "in the GPU tenant mask table, which holds 29 entries"), e.getMessage());
        }
        r.unregister(3);
        assertThrows(TenantException.class, () -> r.register("reuse"), "ids are never reused");
        assertEquals(27, r.activeTenants().size());
    }

    @Test
    void smallerLimit() {
        TenantRegistry r = new TenantRegistry(2);
        r.register("a");
        r.register("b");
        assertEquals(3, assertThrows(TenantException.class, () -> r.register("c")).tenantId());
        assertThrows(IllegalArgumentException.class, () -> new TenantRegistry(29));
        assertThrows(IllegalArgumentException.class, () -> new TenantRegistry(0));
    }

    @Test
    void backpressureAndDrain() {
        TenantRegistry r = new TenantRegistry();
        TenantHandle t = r.registerWithBackpressure("bp", 2);
        byte[] ring = RingCodec.encodeEmptyRing(4);
        t.publishSlot(ring, 0, 1);
        t.publishSlot(ring, 1, 1);
        byte[] before = ring.clone();
        var e = assertThrows(TenantException.class, () -> t.publishSlot(ring, 2, 1));
        assertEquals(TenantException.Kind.BACKPRESSURE, e.kind());
        assertEquals("io_uring tenant queue at capacity. Fix: tenant 1 has 2 outstanding slots, cap 2; wait for drain "
                + "progress or register the tenant with a larger bounded backlog", e.getMessage());
        assertArrayEquals(before, ring);
        assertEquals(2, t.publishedCount(), "a refused publish is not counted");
        t.noteDrained(1);
        t.publishSlot(ring, 2, 1);
        assertEquals(new TenantRuntimeCounters(1, 3, 1, 2, 2, 0, 0, 0), t.runtimeCounters());
        assertEquals(1, r.registerWithBackpressure("zero", 0).maxOutstandingSlots());
    }

    @Test
    void failedRingPublishRollsBackTheReservation() {
        TenantHandle t = new TenantRegistry().registerWithBackpressure("rb", 1);
        byte[] ring = RingCodec.encodeEmptyRing(1);
        assertThrows(QueueFullException.class, () -> t.publishSlot(ring, 5, 1));
        assertEquals(0, t.publishedCount());
        t.publishSlot(ring, 0, 1);
        assertEquals(1, t.publishedCount());
    }

    @Test
    void revocation() {
        TenantRegistry r = new TenantRegistry();
        TenantHandle t = r.register("gone");
        assertEquals(Optional.of(t), r.unregister(t.id()));
        assertEquals(Optional.empty(), r.lookup(t.id()));
        assertEquals(Optional.empty(), r.unregister(t.id()));
        assertTrue(t.isRevoked());
        var e = assertThrows(TenantException.class, () -> t.publishSlot(RingCodec.encodeEmptyRing(1), 0, 1));
        assertEquals(TenantException.Kind.REVOKED, e.kind());
        assertEquals("io_uring tenant queue at capacity. Fix: tenant 1 was revoked; handle is stale; acquire a fresh "
                + "handle from the registry", e.getMessage());
        assertThrows(TenantException.class, () -> t.globalOpcode(0));
    }

    @Test
    void quiesce() {
        TenantHandle t = new TenantRegistry().register("q");
        t.publishSlot(RingCodec.encodeEmptyRing(1), 0, 1);
        var e = assertThrows(TenantException.class, () -> t.quiesce(70));
        assertEquals(TenantException.Kind.QUIESCE_TIMEOUT, e.kind());
        assertTrue(e.getMessage().contains("quiesce timed out with 1 inflight slots"));
        t.noteDrained(1);
        t.quiesce(1);
        TenantRuntimeCounters c = t.runtimeCounters();
        assertEquals(2, c.quiesceCalls());
        assertEquals(1, c.quiesceTimeouts());
        assertThrows(TenantException.class, () -> t.quiesce(0));
        assertEquals(0, TenantHandle.backoffNanos(63));
        assertEquals(2_000, TenantHandle.backoffNanos(64));
        assertEquals(4_000, TenantHandle.backoffNanos(65));
        assertEquals(50_000, TenantHandle.backoffNanos(1_000));
    }

    @Test
    void concurrentRegistrationAssignsUniqueIds() throws InterruptedException {
        TenantRegistry r = new TenantRegistry();
        Set<Integer> ids = ConcurrentHashMap.newKeySet();
        List<Throwable> refused = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                    ids.add(r.register("c").id());
                } catch (TenantException e) {
                    synchronized (refused) {
                        refused.add(e);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(28, ids.size());
        assertEquals(4, refused.size());
        for (int id = 1; id <= 28; id++) {
            assertTrue(ids.contains(id));
        }
        assertEquals(28, r.runtimeCounters().size());
        assertFalse(r.activeTenants().isEmpty());
        assertEquals(1, r.activeTenants().get(0).id());
    }
}
