package dev.vyre.protocol;

import static dev.vyre.protocol.Bytes.assertError;
import static dev.vyre.protocol.Bytes.queueFull;
import static dev.vyre.protocol.Bytes.slot;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Vectors §K (publish_slot), §L (transitions), §N (batch_publish). */
class PublishVectorsTest {

    static final String RING_LENGTH = "ring buffer byte length is not an exact multiple of SLOT_WORDS * 4; rebuild "
            + "it with Megakernel.encodeEmptyRing";
    static final String BOUNDS = "slot_idx exceeds ring slot count; enlarge the ring (Megakernel.encodeEmptyRing) or pass a slot below its slot count";
    static final String ARGS = "too many args for one slot; 12 u32 args max per slot";
    static final String OPCODE = "User opcode overlaps with reserved system range or uses the high bit.";
    static final String NOT_PUBLISHABLE = "slot is not publishable; only EMPTY and DONE slots may be written by the host";

    /** Asserts a QueueFull refusal with this fix and that the ring did not change. */
    static void refused(String fix, byte[] ring, Executable call) {
        byte[] before = ring.clone();
        QueueFullException e = assertError(QueueFullException.class, queueFull(fix), call);
        assertEquals("submission", e.queue());
        assertEquals(fix, e.fix());
        assertArrayEquals(before, ring, "ring mutated by a refused call");
    }

    static int[] args(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i + 1;
        }
        return a;
    }

    @Test
    void publishSlotBytes() {
        byte[] ring = RingCodec.encodeEmptyRing(4);
        RingPublisher.publishSlot(ring, 1, 42, Opcodes.STORE_U32, 100, 200);
        byte[] expected = new byte[256];
        System.arraycopy(Bytes.hex("01000000 01000000 2a000000 02000000 64000000 c8000000"), 0, expected, 64, 24);
        assertArrayEquals(expected, ring);
        assertEquals("040dc9b8d725ec5e43a903e658174a76cca326a6877305bb99e633b64506bea1", Bytes.sha256(ring));

        byte[] r2 = RingCodec.encodeEmptyRing(1);
        RingPublisher.publishSlot(r2, 0, 0xFFFFFFFF, 0x40000000, args(12));
        assertArrayEquals(new int[] {1, 0x40000000, 0xffffffff, 2, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, slot(r2, 0));
        Bytes.setWord(r2, 0, SlotStatus.DONE);
        RingPublisher.publishSlot(r2, 0, 5, Opcodes.NOP, 9);
        assertArrayEquals(new int[] {1, 0, 5, 2, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, slot(r2, 0));
    }

    @Test
    void publishSlotOnNativeRingIsIdentical() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ring = arena.allocate(256, 64);
            RingPublisher.publishSlot(ring, 1, 42, Opcodes.STORE_U32, 100, 200);
            byte[] heap = RingCodec.encodeEmptyRing(4);
            RingPublisher.publishSlot(heap, 1, 42, Opcodes.STORE_U32, 100, 200);
            assertArrayEquals(heap, ring.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
        }
    }

    @Test
    void publishSlotErrorsAndOrder() {
        byte[] ring = RingCodec.encodeEmptyRing(4);
        Bytes.setWord(ring, 16, SlotStatus.PUBLISHED);
        refused(BOUNDS, ring, () -> RingPublisher.publishSlot(ring, 4, 0, 1));
        refused(ARGS, ring, () -> RingPublisher.publishSlot(ring, 0, 0, 1, args(13)));
        refused(NOT_PUBLISHABLE, ring, () -> RingPublisher.publishSlot(ring, 1, 0, 1));
        refused(OPCODE, ring, () -> RingPublisher.publishSlot(ring, 0, 0, 0xFFF0));
        refused(OPCODE, ring, () -> RingPublisher.publishSlot(ring, 0, 0, 0xFFFD));
        refused(RING_LENGTH, new byte[65], () -> RingPublisher.publishSlot(new byte[65], 0, 0, 1));
        refused(BOUNDS, new byte[0], () -> RingPublisher.publishSlot(new byte[0], 0, 0, 1));
        refused(BOUNDS, ring, () -> RingPublisher.publishSlot(ring, 9, 0, 0xFFF0, args(13)));
        refused(ARGS, ring, () -> RingPublisher.publishSlot(ring, 0, 0, 0xFFF0, args(13)));
        refused(OPCODE, ring, () -> RingPublisher.publishSlot(ring, 1, 0, 0xFFF0));
        byte[] r65 = new byte[65];
        refused(RING_LENGTH, r65, () -> RingPublisher.publishSlot(r65, 9, 0, 1, args(13)));
        refused(RING_LENGTH, new byte[63], () -> RingPublisher.publishSlot(new byte[63], 0, 0, 1));
        refused(BOUNDS, ring, () -> RingPublisher.publishSlot(ring, -1, 0, 1));
        for (int status : new int[] {1, 2, 4, 5, 6, 7, 8, 9, 0x10, -1}) {
            byte[] r = RingCodec.encodeEmptyRing(1);
            Bytes.setWord(r, 0, status);
            refused(NOT_PUBLISHABLE, r, () -> RingPublisher.publishSlot(r, 0, 0, 1));
        }
        for (int op : new int[] {0x80000000, 0xFFF0, 0xFFF2}) { // 0xFFF1 is CRC32C, publishable
            byte[] r = RingCodec.encodeEmptyRing(1);
            refused(OPCODE, r, () -> RingPublisher.publishSlot(r, 0, 0, op));
        }
        RingPublisher.publishSlot(ring, 3, 0, 0x40000000);
        assertEquals(SlotStatus.PUBLISHED, Bytes.word(ring, 48));
    }

    @Test
    void transitionTableL() {
        SlotTransition[] cols = {SlotTransition.CLAIM, SlotTransition.DONE, SlotTransition.FAULT, SlotTransition.CANCEL};
        // expected new status per (status, column), -1 = refused
        int[][] table = {
            {-1, -1, -1, -1},   // 0 EMPTY
            {2, -1, 7, 0},      // 1 PUBLISHED
            {-1, 3, 7, -1},     // 2 CLAIMED
            {-1, -1, -1, -1},   // 3 DONE
            {-1, -1, 7, 0},     // 4 WAIT_IO
            {2, -1, 7, 0},      // 5 YIELD
            {2, -1, 7, 0},      // 6 REQUEUE
            {-1, -1, -1, -1},   // 7 FAULT
        };
        String[] fixes = {
            "illegal ring slot transition: claim requires PUBLISHED, YIELD, or REQUEUE status",
            "illegal ring slot transition: done requires CLAIMED status",
            "illegal ring slot transition: fault requires an in-flight slot status",
            "illegal ring slot transition: cancel requires an unclaimed in-flight slot status"};
        String publishFix = "publish transitions must use publish_slot or a batch publisher so payload words are "
                + "written before PUBLISHED status";
        for (int s = 0; s < 10; s++) {
            int status = s < 8 ? s : s == 8 ? 8 : 16;
            for (int c = 0; c < 4; c++) {
                byte[] ring = RingCodec.encodeEmptyRing(1);
                Bytes.setWord(ring, 0, status);
                Bytes.setWord(ring, 5, 0x5A5A);
                int expected = s < 8 ? table[s][c] : -1;
                int col = c;
                if (expected < 0) {
                    refused(fixes[c], ring, () -> RingPublisher.transitionSlotStatus(ring, 0, cols[col]));
                } else {
                    assertEquals(status, RingPublisher.transitionSlotStatus(ring, 0, cols[c]));
                    int[] words = new int[16];
                    words[0] = expected;
                    words[5] = 0x5A5A;
                    assertArrayEquals(words, slot(ring, 0), "only the status word changes");
                }
            }
            byte[] ring = RingCodec.encodeEmptyRing(1);
            Bytes.setWord(ring, 0, status);
            refused(publishFix, ring, () -> RingPublisher.transitionSlotStatus(ring, 0, SlotTransition.PUBLISH));
            boolean publishable = status == 0 || status == 3;
            if (publishable) {
                RingPublisher.publishSlot(ring, 0, 0, 1);
            } else {
                refused(NOT_PUBLISHABLE, ring, () -> RingPublisher.publishSlot(ring, 0, 0, 1));
            }
        }
        byte[] one = RingCodec.encodeEmptyRing(1);
        refused("slot status is outside the validated ring buffer; validate ring length before publishing", one,
                () -> RingPublisher.transitionSlotStatus(one, 1, SlotTransition.CLAIM));
        refused("slot status is outside the validated ring buffer; validate ring length before publishing", one,
                () -> RingPublisher.transitionSlotStatus(one, -1, SlotTransition.FAULT));
        byte[] r63 = new byte[63];
        refused(RING_LENGTH, r63, () -> RingPublisher.transitionSlotStatus(r63, 0, SlotTransition.CLAIM));
        refused(publishFix, r63, () -> RingPublisher.transitionSlotStatus(r63, 0, SlotTransition.PUBLISH));
    }

    @Test
    void legalLifecycleOnNativeRing() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ring = arena.allocate(128, 64);
            RingPublisher.publishSlot(ring, 1, 3, Opcodes.NOP);
            assertEquals(SlotStatus.PUBLISHED, RingPublisher.transitionSlotStatus(ring, 1, SlotTransition.CLAIM));
            assertEquals(SlotStatus.CLAIMED, RingPublisher.transitionSlotStatus(ring, 1, SlotTransition.DONE));
            RingPublisher.publishSlot(ring, 1, 3, Opcodes.NOP);
            assertEquals(SlotStatus.PUBLISHED, RingPublisher.transitionSlotStatus(ring, 1, SlotTransition.CANCEL));
            RingPublisher.publishSlot(ring, 1, 3, Opcodes.NOP);
            assertEquals(SlotStatus.PUBLISHED, RingPublisher.transitionSlotStatus(ring, 1, SlotTransition.FAULT));
            assertEquals(SlotStatus.FAULT, Words.get(ring, 16));
        }
    }

    @Test
    void batchPublishVectors() {
        byte[] ring = RingCodec.encodeEmptyRing(8);
        assertEquals(3, RingPublisher.batchPublish(ring, 0, 1,
                List.of(SlotOp.of(Opcodes.STORE_U32, 10, 20), SlotOp.of(Opcodes.ATOMIC_ADD, 30, 40)), 99));
        assertArrayEquals(new int[] {1, 1, 1, 2, 10, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, slot(ring, 0));
        assertArrayEquals(new int[] {1, 2, 1, 2, 30, 40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, slot(ring, 1));
        assertArrayEquals(new int[] {1, 7, 1, 2, 2, 99, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, slot(ring, 2));
        assertArrayEquals(new byte[5 * 64], java.util.Arrays.copyOfRange(ring, 192, 512));

        byte[] r2 = RingCodec.encodeEmptyRing(2);
        assertEquals(1, RingPublisher.batchPublish(r2, 1, 0, List.of(), 5));
        assertArrayEquals(new int[16], slot(r2, 0));
        assertArrayEquals(new int[] {1, 7, 0, 2, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, slot(r2, 1));

        byte[] fenceBusy = RingCodec.encodeEmptyRing(4);
        Bytes.setWord(fenceBusy, 32, SlotStatus.PUBLISHED);
        refused(NOT_PUBLISHABLE, fenceBusy, () -> RingPublisher.batchPublish(fenceBusy, 0, 0,
                List.of(SlotOp.of(1, 1, 2), SlotOp.of(1, 3, 4)), 7));
        String index = "batch publish slot index overflowed u32; split the publish batch";
        byte[] r4 = RingCodec.encodeEmptyRing(4);
        refused(index, r4, () -> RingPublisher.batchPublish(r4, -1, 0, List.of(SlotOp.of(1)), 1));
        refused(index, r4, () -> RingPublisher.batchPublish(r4, -2, 0, List.of(SlotOp.of(1), SlotOp.of(1)), 1));
        refused("batch publish exceeds ring slot count; enlarge the ring or split the batch", r4,
                () -> RingPublisher.batchPublish(r4, 3, 0, List.of(SlotOp.of(1)), 1));
        refused(OPCODE, r4, () -> RingPublisher.batchPublish(r4, 0, 0, List.of(SlotOp.of(0xFFF0)), 1));
        refused(ARGS, r4, () -> RingPublisher.batchPublish(r4, 0, 0, List.of(SlotOp.of(1, args(13))), 1));
        byte[] r32 = new byte[32];
        refused(RING_LENGTH, r32, () -> RingPublisher.batchPublish(r32, 0, 0, List.of(SlotOp.of(1)), 1));

        byte[] r = RingCodec.encodeEmptyRing(4);
        assertEquals(4, RingPublisher.batchPublish(r, 0, 0, List.of(SlotOp.of(1), SlotOp.of(2), SlotOp.of(0)), 0));
        assertEquals(Opcodes.BATCH_FENCE, Bytes.word(r, 16 * 3 + 1));
        byte[] r8 = RingCodec.encodeEmptyRing(8);
        assertEquals(2, RingPublisher.batchPublish(r8, 0, 0, List.of(SlotOp.of(1)), 1));
        assertEquals(2, RingPublisher.batchPublish(r8, 2, 0, List.of(SlotOp.of(1)), 2));
        byte[] r1of2 = RingCodec.encodeEmptyRing(2);
        refused("batch publish exceeds ring slot count; enlarge the ring or split the batch", r1of2,
                () -> RingPublisher.batchPublish(r1of2, 1, 0, List.of(SlotOp.of(1)), 1));
    }
}
