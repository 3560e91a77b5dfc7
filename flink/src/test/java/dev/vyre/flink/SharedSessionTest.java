package dev.vyre.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.api.Slots;
import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.Opcodes;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The reference-counted per-device session and its tenant lanes, on the reference backend. */
class SharedSessionTest {

    private static final VyreFlinkOptions OPTIONS = VyreFlinkOptions.defaults().withBackend("reference")
            .withLanes(8).withMaxOperators(2).withDataBytesPerSlot(32);

    @Test
    void operatorsShareOneSessionUntilTheLastReleases() {
        SharedSession a = SharedSession.acquire("reference", 0, OPTIONS);
        SharedSession b = SharedSession.acquire("reference", 0, OPTIONS);
        try {
            assertSame(a, b);
            assertEquals(2, SharedSession.references(a.key()));
            assertEquals(16, a.session().slotCount());
        } finally {
            b.release();
        }
        assertEquals(1, SharedSession.references(a.key()));
        assertTrue(!a.session().isClosed());
        a.release();
        assertEquals(0, SharedSession.references(a.key()));
        assertTrue(a.session().isClosed());
    }

    @Test
    void anotherLayoutOnTheSameDeviceIsRefused() {
        SharedSession a = SharedSession.acquire("reference", 0, OPTIONS);
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> SharedSession.acquire("reference", 0, OPTIONS.withLanes(16)));
            assertTrue(e.getMessage().contains("Fix:"), e.getMessage());
            assertEquals(1, SharedSession.references(a.key()));
        } finally {
            a.release();
        }
    }

    @Test
    void lanesAreDisjointTenantsAuthorisedOnlyWhileLeased() {
        SharedSession shared = SharedSession.acquire("reference", 0, OPTIONS);
        try {
            TenantLane one = shared.lease("one");
            TenantLane two = shared.lease("two");
            assertNotEquals(one.tenant(), two.tenant());
            assertEquals(0, one.firstSlot());
            assertEquals(8, two.firstSlot());
            assertEquals(-1, shared.session().controlWord(ControlLayout.TENANT_MASK_BASE + one.tenant()));
            IllegalStateException full = assertThrows(IllegalStateException.class, () -> shared.lease("three"));
            assertTrue(full.getMessage().contains("Fix:"), full.getMessage());

            shared.giveBack(one, true);
            assertEquals(0, shared.session().controlWord(ControlLayout.TENANT_MASK_BASE + one.tenant()));
            TenantLane again = shared.lease("again");
            assertEquals(one.tenant(), again.tenant(), "a drained lane is leased again with its tenant id");
            assertEquals(one.firstSlot(), again.firstSlot());

            shared.giveBack(two, false);
            assertThrows(IllegalStateException.class, () -> shared.lease("four"),
                    "a lane that did not drain is never leased again");
        } finally {
            shared.release();
        }
    }

    @Test
    void aSlotOfAnUnleasedTenantDoesNotRunUntilItsLaneIsLeased() {
        SharedSession shared = SharedSession.acquire("reference", 0, OPTIONS);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment image = arena.allocate(Slots.BYTES, 8);
            TenantLane lane = shared.lease("probe");
            shared.giveBack(lane, true);
            // the lane's tenant is masked off again: its slot stays PUBLISHED
            Slots.encode(image, 0, lane.tenant(), Opcodes.NOP, 0, 0, 0);
            assertEquals(1, shared.publish(lane.firstSlot(), image, 1));
            assertTrue(!shared.session().awaitSlotStatus(lane.firstSlot(), Slots.DONE, Duration.ofMillis(200)));
            TenantLane leased = shared.lease("probe-again");
            assertEquals(lane.tenant(), leased.tenant());
            assertTrue(shared.session().awaitSlotStatus(lane.firstSlot(), Slots.DONE, Duration.ofSeconds(10)));
            shared.giveBack(leased, true);
        } finally {
            shared.release();
        }
    }
}
