package dev.vyre.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.MemorySegment;
import java.util.List;
import org.junit.jupiter.api.Test;

/** protocol-vectors.md §P, plus the all-or-nothing fix. */
class DescriptorVectorsTest {

    private static final String QF = "io_uring submission queue at capacity. Fix: ";

    private static int[] slot(byte[] ring, int s) {
        return Le.words(ring, s * 16, 16);
    }

    private static int[] row(int... head) {
        return java.util.Arrays.copyOf(head, 16);
    }

    @Test
    void builtinWireValues() {
        int[] expected = {0, 1, 2, 3, 4, 5, 6, 7, 0xFFFE, 0xFFFF_FFFF};
        BuiltinOpcode[] ops = BuiltinOpcode.values();
        assertEquals(expected.length, ops.length);
        for (int i = 0; i < ops.length; i++) {
            assertEquals(expected[i], ops[i].wire(), ops[i].name());
        }
        assertEquals(0xABCD, SlotOpcode.custom(0xABCD).wire());
        assertEquals(0, WindowClass.REQUIRED.wire());
        assertEquals(1, WindowClass.LOOKAHEAD.wire());
    }

    @Test
    void windowPublishesRequiredThenLookahead() {
        byte[] ring = RingCodec.encodeEmptyRing(5);
        WindowDescriptor w = new WindowDescriptor(1, 5, SlotOpcode.custom(0xF101), 77,
                List.of(new int[] {17}, new int[] {42}), List.of(new int[] {99}));
        assertEquals(3, w.publishInto(ring));
        assertArrayEquals(new int[16], slot(ring, 0));
        assertArrayEquals(row(1, 0xF101, 5, 2, 77, 0, 17), slot(ring, 1));
        assertArrayEquals(row(1, 0xF101, 5, 2, 77, 0, 42), slot(ring, 2));
        assertArrayEquals(row(1, 0xF101, 5, 2, 77, 1, 99), slot(ring, 3));
        assertArrayEquals(new int[16], slot(ring, 4));

        BatchDescriptor batch = w.tryIntoBatch();
        assertEquals(1, batch.startSlot());
        assertEquals(List.of(SlotDescriptor.single(5, SlotOpcode.custom(0xF101), 77, 0, 17),
                SlotDescriptor.single(5, SlotOpcode.custom(0xF101), 77, 0, 42),
                SlotDescriptor.single(5, SlotOpcode.custom(0xF101), 77, 1, 99)), batch.items());
        byte[] viaBatch = RingCodec.encodeEmptyRing(5);
        assertEquals(3, batch.publishInto(viaBatch));
        assertArrayEquals(ring, viaBatch);
    }

    @Test
    void batchIntoTooSmallRingPublishesNothing() {
        byte[] ring = RingCodec.encodeEmptyRing(1);
        BatchDescriptor b = new BatchDescriptor(0, List.of(SlotDescriptor.single(0, BuiltinOpcode.NOP),
                SlotDescriptor.single(0, BuiltinOpcode.NOP)));
        var e = assertThrows(QueueFullException.class, () -> b.publishInto(ring));
        assertEquals(QF + "slot_idx exceeds ring slot count; enlarge the ring (Megakernel.encodeEmptyRing) or pass a slot below its slot count", e.getMessage());
        assertArrayEquals(new byte[64], ring, "vyre leaves slot 0 PUBLISHED here; we write nothing");
    }

    @Test
    void batchOverflowAndLaterRefusalsWriteNothing() {
        byte[] ring = RingCodec.encodeEmptyRing(4);
        BatchDescriptor overflow = new BatchDescriptor(0xFFFF_FFFF, List.of(SlotDescriptor.single(0, BuiltinOpcode.NOP),
                SlotDescriptor.single(0, BuiltinOpcode.NOP)));
        assertEquals(QF + "batch start plus item count overflows u32; split the descriptor batch before publishing",
                assertThrows(QueueFullException.class, () -> overflow.publishInto(ring)).getMessage());
        assertEquals(QF + "slot_idx exceeds ring slot count; enlarge the ring (Megakernel.encodeEmptyRing) or pass a slot below its slot count",
                assertThrows(QueueFullException.class, () -> new BatchDescriptor(0xFFFF_FFFF,
                        List.of(SlotDescriptor.single(0, BuiltinOpcode.NOP))).publishInto(ring)).getMessage(),
                "start u32::MAX with one item does not overflow; it fails the bounds check");

        RingPublisher.publishSlot(ring, 2, 0, Opcodes.NOP);
        byte[] before = ring.clone();
        BatchDescriptor clash = new BatchDescriptor(0, List.of(SlotDescriptor.single(1, BuiltinOpcode.STORE_U32, 1, 2),
                SlotDescriptor.single(1, SlotOpcode.custom(0x1234)), SlotDescriptor.single(1, BuiltinOpcode.NOP)));
        assertEquals(QF + "slot is not publishable; only EMPTY and DONE slots may be written by the host",
                assertThrows(QueueFullException.class, () -> clash.publishInto(ring)).getMessage());
        assertArrayEquals(before, ring);
        BatchDescriptor badOp = new BatchDescriptor(0, List.of(SlotDescriptor.single(1, BuiltinOpcode.NOP),
                SlotDescriptor.single(1, SlotOpcode.custom(0xFFF0))));
        assertEquals(QF + "User opcode overlaps with reserved system range or uses the high bit.",
                assertThrows(QueueFullException.class, () -> badOp.publishInto(ring)).getMessage());
        BatchDescriptor badPacked = new BatchDescriptor(0, List.of(SlotDescriptor.single(1, BuiltinOpcode.NOP),
                SlotDescriptor.packed(1, List.of(PackedOp.of(1, new int[12])))));
        assertEquals(QF + "packed slot payload exceeds the 12-word slot argument budget",
                assertThrows(QueueFullException.class, () -> badPacked.publishInto(ring)).getMessage());
        BatchDescriptor tooManyArgs = new BatchDescriptor(0, List.of(SlotDescriptor.single(1, BuiltinOpcode.NOP),
                SlotDescriptor.single(1, BuiltinOpcode.NOP, new int[13])));
        assertEquals(QF + "too many args for one slot; 12 u32 args max per slot",
                assertThrows(QueueFullException.class, () -> tooManyArgs.publishInto(ring)).getMessage());
        assertArrayEquals(before, ring);
        byte[] odd = new byte[65];
        assertEquals(QF + "ring buffer byte length is not an exact multiple of SLOT_WORDS * 4; rebuild it with "
                + "Megakernel.encodeEmptyRing", assertThrows(QueueFullException.class,
                () -> new BatchDescriptor(0, List.of(SlotDescriptor.single(0, BuiltinOpcode.NOP))).publishInto(odd))
                .getMessage());
    }

    @Test
    void packedDescriptorMatchesPackedPublisher() {
        byte[] ring = RingCodec.encodeEmptyRing(1);
        SlotDescriptor.packed(3, List.of(PackedOp.of(9, 1, 2, 3), PackedOp.of(10, 4))).publishInto(
                MemorySegment.ofArray(ring), 0);
        assertArrayEquals(row(1, 0x80000001, 3, 2, 0x00090402, 0x0000030a, 1, 2, 3, 4), slot(ring, 0));
    }

    @Test
    void duplicateItemsCountIndependently() {
        byte[] ring = RingCodec.encodeEmptyRing(2);
        SlotDescriptor item = SlotDescriptor.single(0, SlotOpcode.custom(0xABCD));
        assertEquals(2, new BatchDescriptor(0, List.of(item, item)).publishInto(ring));
        assertEquals(0xABCD, Le.word(ring, 17));
    }

    @Test
    void windowErrorsWriteNothing() {
        byte[] ring = RingCodec.encodeEmptyRing(2);
        WindowDescriptor big = new WindowDescriptor(0, 0, SlotOpcode.custom(0xF101), 1,
                List.of(new int[] {1}, new int[11]), List.of());
        String payloadFix = QF + "too many args for one window payload; ticket plus class plus payload must fit in 12 u32 args";
        assertEquals(payloadFix, assertThrows(QueueFullException.class, () -> big.publishInto(ring)).getMessage());
        assertArrayEquals(new byte[128], ring, "vyre leaves slot 0 PUBLISHED here; we write nothing");
        assertEquals(payloadFix, assertThrows(QueueFullException.class, big::tryIntoBatch).getMessage());
        assertEquals(List.of(), big.intoBatch().items());

        WindowDescriptor overflow = new WindowDescriptor(0xFFFF_FFFF, 0, SlotOpcode.custom(0xF101), 1,
                List.of(new int[0], new int[0]), List.of());
        assertEquals(QF + "window start plus item count overflows u32; split the window before publishing",
                assertThrows(QueueFullException.class, () -> overflow.publishInto(ring)).getMessage());
        assertEquals(0, new WindowDescriptor(0xFFFF_FFFF, 0, SlotOpcode.custom(0xF101), 1, List.of(), List.of())
                .publishInto(new byte[3]));

        WindowDescriptor first = new WindowDescriptor(0, 0, SlotOpcode.custom(0xF101), 1,
                List.of(new int[0], new int[0]), List.of());
        assertEquals(2, first.publishInto(ring));
        byte[] before = ring.clone();
        WindowDescriptor second = new WindowDescriptor(2, 0, SlotOpcode.custom(0xF101), 2, List.of(new int[0]), List.of());
        assertThrows(QueueFullException.class, () -> second.publishInto(ring));
        assertArrayEquals(before, ring);
    }
}
