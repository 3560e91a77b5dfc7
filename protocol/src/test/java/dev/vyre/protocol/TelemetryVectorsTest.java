package dev.vyre.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** protocol-vectors.md §T. */
class TelemetryVectorsTest {

    private static byte[] control() {
        byte[] c = ControlCodec.encodeControl(false, 7, 0);
        Le.put(c, 1, 7);
        Le.put(c, 64, 3);
        Le.put(c, 65, 9);
        Le.put(c, 136, 5);
        Le.put(c, 98, 4);
        Le.put(c, 128, 2);
        return c;
    }

    private static byte[] ring() {
        byte[] r = RingCodec.encodeEmptyRing(8);
        RingPublisher.publishSlot(r, 0, 1, Opcodes.NOP);
        RingPublisher.publishSlot(r, 1, 2, Opcodes.STORE_U32, 1, 2);
        int[] statuses = {2, 3, 4, 5, 6, 9};
        for (int i = 0; i < statuses.length; i++) {
            Le.put(r, (2 + i) * 16, statuses[i]);
        }
        return r;
    }

    @Test
    void decodesControlOccupancySlotsAndCounters() {
        RingTelemetry t = RingTelemetry.tryDecode(control(), ring());
        ControlSnapshot c = t.control();
        assertFalse(c.shutdown());
        assertEquals(7, c.doneCount());
        assertEquals(2, c.epoch());
        assertEquals(List.of(new ControlSnapshot.Metric(2, 4)), c.metrics());
        int[] tenant = new int[32];
        tenant[0] = 3;
        tenant[1] = 9;
        assertArrayEquals(tenant, c.tenantFairness());
        assertArrayEquals(new int[] {5, 0, 0, 0, 0}, c.priorityFairness());

        assertEquals(new RingOccupancy(0, 2, 1, 1, 1, 1, 1, 0, 1), t.occupancy());
        assertEquals(8, t.occupancy().totalSlots());
        assertEquals(7, t.occupancy().queueDepth());
        assertEquals(new RingSlotSnapshot(1, RingStatus.PUBLISHED, 2, 1, 1, 2, 0), t.slots().get(1));
        assertEquals(new RingSlotSnapshot(7, new RingStatus.Unknown(9), 0, 0, 0, 0, 0), t.slots().get(7));
        assertArrayEquals(new int[] {1, 2, 0}, t.slots().get(1).argsPrefix());

        assertEquals(new RuntimeCounters(8, 7, 0, 0, 8750, 10000, 7, 1, 12, 6, 5, 1, 0), t.runtimeCounters());
        assertEquals(new PriorityRequeueAccounting(1, 0, 0), t.priorityAccounting());
    }

    @Test
    void fourSlotRuntimeCounters() {
        byte[] r = RingCodec.encodeEmptyRing(4);
        Le.put(r, 0, SlotStatus.REQUEUE);
        Le.put(r, 16, SlotStatus.DONE);
        RingPublisher.publishSlot(r, 2, 11, Opcodes.NOP);
        RingTelemetry t = RingTelemetry.tryDecode(control(), r);
        assertEquals(new RuntimeCounters(4, 2, 1, 250000, 5000, 7500, 7, 1, 12, 6, 5, 1, 0), t.runtimeCounters());
    }

    @Test
    void errors() {
        for (int n : new int[] {636, 641, 0}) {
            assertEquals("backend error: megakernel control snapshot has " + n + " bytes, expected at least 640 and "
                    + "4-byte alignment. Fix: capture the full control buffer.", assertThrows(BackendException.class,
                    () -> RingTelemetry.tryDecode(new byte[n], new byte[0])).getMessage());
        }
        assertThrows(BackendException.class, () -> ControlSnapshot.tryDecode(new byte[384]));
        for (int n : new int[] {65, 127, 129}) {
            assertEquals("backend error: megakernel ring snapshot has " + n + " bytes, not a multiple of slot size 64. "
                    + "Fix: capture whole ring slots.", assertThrows(BackendException.class,
                    () -> RingTelemetry.tryDecode(new byte[640], new byte[n])).getMessage());
        }
        byte[] c7 = control();
        byte[] c5 = control();
        Le.put(c5, 1, 5);
        RingTelemetry prev = RingTelemetry.tryDecode(c7, ring());
        RingTelemetry cur = RingTelemetry.tryDecode(c5, ring());
        assertEquals("backend error: megakernel done counter moved backwards from 7 to 5. Fix: treat counter "
                + "reset/wrap as a new telemetry epoch.", assertThrows(BackendException.class,
                () -> cur.tryHealthSince(prev)).getMessage());
    }

    @Test
    void watchdog() {
        byte[] r = RingCodec.encodeEmptyRing(2);
        RingPublisher.publishSlot(r, 0, 0, Opcodes.NOP);
        byte[] c = ControlCodec.encodeControl(false, 1, 0);
        Le.put(c, 1, 7);
        RingTelemetry a = RingTelemetry.tryDecode(c, r);
        WatchdogSnapshot same = a.healthSince(a);
        assertEquals(0, same.doneDelta());
        assertTrue(same.suspectedStall());
        Le.put(c, 1, 9);
        WatchdogSnapshot moved = RingTelemetry.tryDecode(c, r).tryHealthSince(a);
        assertEquals(2, moved.doneDelta());
        assertFalse(moved.suspectedStall());
        Le.put(r, 0, SlotStatus.FAULT);
        assertFalse(RingTelemetry.tryDecode(c, r).healthSince(RingTelemetry.tryDecode(c, r)).suspectedStall());
        Le.put(c, 1, -1);
        RingTelemetry zero = RingTelemetry.tryDecode(ControlCodec.encodeControl(false, 0, 0), r);
        assertEquals(0xFFFF_FFFFL, RingTelemetry.tryDecode(c, r).healthSince(zero).doneDelta(),
                "DONE_COUNT is unsigned");
    }

    @Test
    void windows() {
        byte[] r = RingCodec.encodeEmptyRing(4);
        RingPublisher.publishSlot(r, 0, 3, 0xF101, 7, 0, 42);
        RingPublisher.publishSlot(r, 1, 3, 0xF101, 7, 1, 99);
        Le.put(r, 16, SlotStatus.DONE);
        RingPublisher.publishSlot(r, 2, 3, 0xF101, 7, 0, 123);
        RingPublisher.publishSlot(r, 3, 4, 0xF101, 8, 5, 0);
        RingTelemetry t = RingTelemetry.tryDecodeWithWindowOpcodes(java.lang.foreign.MemorySegment.ofArray(control()),
                java.lang.foreign.MemorySegment.ofArray(r), 0xF101, 0xF101);
        assertEquals(List.of(new WindowTelemetry(7, 3, 0xF101, 2, 1, 2, 0, 1, 0, 0, 0, 0),
                new WindowTelemetry(8, 4, 0xF101, 0, 0, 1, 0, 0, 0, 0, 0, 0)), t.windows());
        assertEquals(2, t.activeWindows().size());
        assertEquals(List.of(t.slots().get(0), t.slots().get(2), t.slots().get(3)), t.activeSlotsForOpcode(0xF101));

        RingTelemetry empty = RingTelemetry.tryDecodeWithWindowOpcodes(
                java.lang.foreign.MemorySegment.ofArray(control()),
                java.lang.foreign.MemorySegment.ofArray(RingCodec.encodeEmptyRing(3)), 0);
        assertEquals(List.of(new WindowTelemetry(0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0)), empty.windows());
        assertFalse(empty.windows().get(0).isActive());
    }

    @Test
    void duplicateTicketsFromTwoWindowsAggregate() {
        byte[] r = RingCodec.encodeEmptyRing(2);
        new WindowDescriptor(0, 1, SlotOpcode.custom(0x999), 99, List.of(new int[0]), List.of()).publishInto(r);
        new WindowDescriptor(1, 1, SlotOpcode.custom(0x999), 99, List.of(new int[0]), List.of()).publishInto(r);
        RingTelemetry t = RingTelemetry.tryDecodeWithWindowOpcodes(java.lang.foreign.MemorySegment.ofArray(control()),
                java.lang.foreign.MemorySegment.ofArray(r), 0x999);
        assertEquals(1, t.windows().size());
        assertEquals(2, t.windows().get(0).requiredSlots());
        assertEquals(2, t.windows().get(0).published());
    }

    @Test
    void sketch() {
        byte[] c = ControlCodec.encodeControl(false, 3, 0);
        Le.put(c, 96 + Opcodes.ATOMIC_ADD, 9);
        Le.put(c, 96 + Opcodes.STORE_U32, 2);
        byte[] r = RingCodec.encodeEmptyRing(6);
        RingPublisher.publishSlot(r, 0, 1, Opcodes.ATOMIC_ADD);
        RingPublisher.publishSlot(r, 1, 1, Opcodes.ATOMIC_ADD);
        RingPublisher.publishSlot(r, 2, 2, Opcodes.STORE_U32);
        RingPublisher.publishSlot(r, 3, 2, Opcodes.STORE_U32);
        Le.put(r, 16, SlotStatus.CLAIMED);
        Le.put(r, 48, SlotStatus.DONE);
        SketchTelemetry s = RingTelemetry.tryDecode(c, r).sketch(4, 64);
        assertEquals(6, s.totalSlots());
        assertEquals(3, s.activeSlots());
        assertTrue(s.ringOpcode().estimate(2) >= 2);
        assertEquals(0, s.activeOpcode().estimate(6));
        assertTrue(s.tenant().estimate(1) >= 2);
        assertTrue(s.status().estimate(1) >= 2);
        assertTrue(s.dispatchMetrics().estimate(2) >= 9);
        assertEquals(new QueueFullException("telemetry", CountMinSketch.FIX_ZERO).getMessage(),
                assertThrows(QueueFullException.class, () -> RingTelemetry.tryDecode(c, r).sketch(0, 4)).getMessage());
    }
}
