package dev.vyre.protocol;

import static dev.vyre.protocol.Bytes.assertError;
import static dev.vyre.protocol.Bytes.slot;
import static dev.vyre.protocol.PublishVectorsTest.NOT_PUBLISHABLE;
import static dev.vyre.protocol.PublishVectorsTest.OPCODE;
import static dev.vyre.protocol.PublishVectorsTest.RING_LENGTH;
import static dev.vyre.protocol.PublishVectorsTest.refused;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Vectors §M (packed slots) and §O (work-item encoders). */
class PackedAndWorkItemVectorsTest {

    private static final String PAYLOAD = "packed slot payload exceeds the 12-word slot argument budget";
    private static final String METADATA = "packed slot metadata exceeds the 12-word slot argument budget";

    private static int[] packed(int tenant, List<PackedOp> ops) {
        byte[] ring = RingCodec.encodeEmptyRing(1);
        RingPublisher.publishPackedSlot(ring, 0, tenant, ops);
        return slot(ring, 0);
    }

    private static int[] slotWords(int... w) {
        return Arrays.copyOf(w, 16);
    }

    private static List<PackedOp> each(int n, int firstArg) {
        List<PackedOp> ops = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            ops.add(PackedOp.of(i, firstArg + i));
        }
        return ops;
    }

    private static List<PackedOp> repeat(int n, int opcode, int argCount) {
        List<PackedOp> ops = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ops.add(new PackedOp(opcode, new int[argCount]));
        }
        return ops;
    }

    @Test
    void packedSlotWordsTable() {
        int h0 = 1;
        int h1 = 0x80000001;
        assertArrayEquals(slotWords(h0, h1, 7, 2, 0x00010302, 0x00000202, 10, 20, 30),
                packed(7, List.of(PackedOp.of(1, 10, 20), PackedOp.of(2, 30))));
        assertArrayEquals(slotWords(h0, h1, 7, 2, 0x00010402, 0x00000202, 10, 32, 1, 64),
                packed(7, List.of(PackedOp.of(1, 10, 32), PackedOp.of(2, 1, 64))));
        assertArrayEquals(slotWords(h0, h1, 7, 2, 0), packed(7, List.of()));
        assertArrayEquals(slotWords(h0, h1, 7, 2, 0x00000001), packed(7, List.of(PackedOp.of(0))));
        assertArrayEquals(slotWords(h0, h1, 7, 2, 0x00010b01, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11),
                packed(7, List.of(PackedOp.of(1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11))));
        assertArrayEquals(slotWords(h0, h1, 7, 2, 0x00010a03, 0x07030302, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10),
                packed(7, List.of(PackedOp.of(1, 1, 2, 3), PackedOp.of(2, 4, 5, 6, 7), PackedOp.of(3, 8, 9, 10))));
        assertArrayEquals(slotWords(h0, h1, 7, 2, 0x00010404, 0x02030102, 0x00000304, 0xA, 0xB, 0xC, 0xD),
                packed(7, List.of(PackedOp.of(1, 0xA), PackedOp.of(2, 0xB), PackedOp.of(3, 0xC), PackedOp.of(4, 0xD))));
        assertArrayEquals(slotWords(h0, h1, 7, 2, 0x00010505, 0x02030102, 0x04050304, 0x11, 0x12, 0x13, 0x14, 0x15),
                packed(7, each(5, 0x10)));
        assertArrayEquals(slotWords(h0, h1, 7, 2, 0x00010707, 0x02030102, 0x04050304, 0x06070506,
                0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0), packed(7, each(7, 0x10)));
        assertArrayEquals(slotWords(h0, h1, 7, 2, 0x00000017), packed(7, repeat(23, 0, 0)));
        assertArrayEquals(slotWords(h0, h1, 7, 2, 0x00090402, 0x0000030a, 1, 2, 3, 4),
                packed(7, List.of(PackedOp.of(9, 1, 2, 3), PackedOp.of(10, 4))));
        assertArrayEquals(slotWords(h0, h1, 3, 2, 0x00090402, 0x0000030a, 1, 2, 3, 4),
                packed(3, List.of(PackedOp.of(9, 1, 2, 3), PackedOp.of(10, 4))));
        assertArrayEquals(slotWords(h0, h1, 7, 2, 0x00010a02, 0x00000501), packed(7, repeat(2, 1, 5)));
    }

    @Test
    void packedSlotErrors() {
        List<List<PackedOp>> payloadErrors = List.of(
                repeat(5, 1, 3),
                List.of(new PackedOp(1, new int[12])),
                repeat(8, 1, 1),
                List.of(new PackedOp(Opcodes.MEMCPY, new int[12]), new PackedOp(0xFE, new int[4])),
                List.of(new PackedOp(1, new int[5]), new PackedOp(1, new int[6])));
        for (List<PackedOp> ops : payloadErrors) {
            byte[] ring = RingCodec.encodeEmptyRing(1);
            refused(PAYLOAD, ring,
                    () -> RingPublisher.publishPackedSlot(ring, 0, 7, ops));
        }
        byte[] ring = RingCodec.encodeEmptyRing(1);
        refused(METADATA, ring, () -> RingPublisher.publishPackedSlot(ring, 0, 7, repeat(24, 0, 0)));
        refused(METADATA, ring, () -> RingPublisher.publishPackedSlot(ring, 0, 7, repeat(255, 1, 1)));
        refused("packed slot supports at most 255 inner opcodes", ring,
                () -> RingPublisher.publishPackedSlot(ring, 0, 7, repeat(256, 0, 0)));
        Bytes.setWord(ring, 0, SlotStatus.PUBLISHED);
        refused(NOT_PUBLISHABLE, ring, () -> RingPublisher.publishPackedSlot(ring, 0, 7, List.of(PackedOp.of(1))));
        byte[] r67 = new byte[67];
        refused(RING_LENGTH, r67, () -> RingPublisher.publishPackedSlot(r67, 0, 7, List.of(PackedOp.of(1))));
        // packing errors come before ring errors
        refused(METADATA, r67, () -> RingPublisher.publishPackedSlot(r67, 0, 7, repeat(24, 0, 0)));
        assertError(IllegalArgumentException.class, "packed inner opcode 256 does not fit one byte. Fix: use an inner "
                + "opcode in 0..255", () -> PackedOp.of(256));
    }

    @Test
    void packedBoundaryFactsAndRecycle() {
        byte[] ring = RingCodec.encodeEmptyRing(2);
        RingPublisher.publishPackedSlot(ring, 1, 7, List.of(PackedOp.of(1, 10, 20), PackedOp.of(2, 30)));
        assertEquals(SlotStatus.PUBLISHED, Bytes.word(ring, 16));
        assertEquals(2, Bytes.word(ring, 20) & 0xFF);
        assertEquals(3, (Bytes.word(ring, 20) >>> 8) & 0xFF);
        Bytes.setWord(ring, 16, SlotStatus.DONE);
        RingPublisher.publishPackedSlot(ring, 1, 7, List.of());
        assertArrayEquals(slotWords(1, 0x80000001, 7, 2), slot(ring, 1), "stale payload cleared on republish");
        assertArrayEquals(new int[16], slot(ring, 0));
    }

    private static final List<WorkItem> ITEMS = List.of(new WorkItem(1, 10, 20, 30), new WorkItem(2, 40, 50, 60));

    @Test
    void workItemRingEncoders() {
        byte[] dst = new byte[4096];
        Arrays.fill(dst, (byte) 0xAA);
        assertEquals(256, RingPublisher.encodeWorkItemsRingInto(4, 7, ITEMS, dst));
        int[] expected = new int[64];
        int[] set = {0, 1, 1, 1, 2, 7, 3, 2, 4, 10, 5, 20, 6, 30, 16, 1, 17, 2, 18, 7, 19, 2, 20, 40, 21, 50, 22, 60};
        for (int i = 0; i < set.length; i += 2) {
            expected[set[i]] = set[i + 1];
        }
        assertArrayEquals(expected, Bytes.words(Arrays.copyOf(dst, 256)));
        assertEquals((byte) 0xAA, dst[256]);

        int[] words = new int[64];
        assertEquals(64, RingPublisher.encodeWorkItemsRingWordsInto(4, 7, ITEMS, words));
        assertArrayEquals(expected, words);

        // reuse: deliberate fix (spec §9.10) — the words variant clears like the byte variant
        words[9] = 0xdead;
        assertEquals(64, RingPublisher.encodeWorkItemsRingWordsInto(4, 7, List.of(new WorkItem(1, 70, 80, 90)), words));
        assertArrayEquals(slotWords(1, 1, 7, 2, 0x46, 0x50, 0x5a), Arrays.copyOfRange(words, 0, 16));
        assertArrayEquals(new int[16], Arrays.copyOfRange(words, 16, 32));
        RingPublisher.encodeWorkItemsRingInto(4, 7, ITEMS, dst);
        Bytes.setWord(dst, 9, 0xdead);
        RingPublisher.encodeWorkItemsRingInto(4, 7, List.of(new WorkItem(1, 70, 80, 90)), dst);
        assertArrayEquals(slotWords(1, 1, 7, 2, 0x46, 0x50, 0x5a), slot(dst, 0));
        assertArrayEquals(new int[16], slot(dst, 1));
        assertArrayEquals(Bytes.fromWords(Arrays.copyOf(words, 64)), Arrays.copyOf(dst, 256));
    }

    @Test
    void workItemEncoderErrorsLeaveDstUntouched() {
        byte[] dst = new byte[256];
        Arrays.fill(dst, (byte) 0x3C);
        byte[] before = dst.clone();
        int[] words = new int[64];
        Arrays.fill(words, 0x3C3C3C3C);
        int[] wordsBefore = words.clone();
        String count = "work item count exceeds ring slot count; enlarge the launch geometry before publishing";
        String cap = "split the dispatch into smaller ring shards before encoding; slot_count exceeds the megakernel "
                + "allocation cap or host address space";
        List<WorkItem> badOp = List.of(new WorkItem(0xFFF0, 0, 0, 0));
        refused(count, dst, () -> RingPublisher.encodeWorkItemsRingInto(1, 7, ITEMS, dst));
        refused(OPCODE, dst, () -> RingPublisher.encodeWorkItemsRingInto(4, 7, badOp, dst));
        refused(cap, dst, () -> RingPublisher.encodeWorkItemsRingInto(1048577, 7, ITEMS, dst));
        assertError(QueueFullException.class, Bytes.queueFull(count),
                () -> RingPublisher.encodeWorkItemsRingWordsInto(1, 7, ITEMS, words));
        assertError(QueueFullException.class, Bytes.queueFull(OPCODE),
                () -> RingPublisher.encodeWorkItemsRingWordsInto(4, 7, badOp, words));
        assertError(QueueFullException.class, Bytes.queueFull(cap),
                () -> RingPublisher.encodeWorkItemsRingWordsInto(1048577, 7, ITEMS, words));
        assertError(IllegalArgumentException.class, "ring destination has 256 bytes but the encoding needs 320. Fix: "
                + "pass a destination of at least 320 bytes (size it with ByteLengths)",
                () -> RingPublisher.encodeWorkItemsRingInto(5, 7, ITEMS, dst));
        assertError(IllegalArgumentException.class, "ring destination has 64 words but the encoding needs 80. Fix: "
                + "pass a word array of at least slotCount * 16 words",
                () -> RingPublisher.encodeWorkItemsRingWordsInto(5, 7, ITEMS, words));
        assertArrayEquals(before, dst);
        assertArrayEquals(wordsBefore, words);
    }

    @Test
    void publishWorkItemsVectors() {
        byte[] ring = RingCodec.encodeEmptyRing(4);
        Bytes.setWord(ring, 5, 0xDEADBEEF);
        Bytes.setWord(ring, 48 + 7, 0xABCDEF01);
        assertEquals(2, RingPublisher.publishWorkItems(ring, 1, 7, ITEMS));
        assertArrayEquals(slotWords(0, 0, 0, 0, 0, 0xDEADBEEF), slot(ring, 0));
        assertArrayEquals(slotWords(1, 1, 7, 2, 10, 20, 30), slot(ring, 1));
        assertArrayEquals(slotWords(1, 2, 7, 2, 40, 50, 60), slot(ring, 2));
        assertArrayEquals(slotWords(0, 0, 0, 0, 0, 0, 0, 0xABCDEF01), slot(ring, 3));

        byte[] r = RingCodec.encodeEmptyRing(4);
        Bytes.setWord(r, 16, SlotStatus.CLAIMED);
        refused(NOT_PUBLISHABLE, r, () -> RingPublisher.publishWorkItems(r, 0, 7, ITEMS));
        String exceeds = "work item publish exceeds ring slot count; enlarge the ring or split the batch";
        refused(exceeds, r, () -> RingPublisher.publishWorkItems(r, 3, 7, ITEMS));
        refused("work item publish slot index overflowed u32; split the publish batch", r,
                () -> RingPublisher.publishWorkItems(r, -1, 7, ITEMS));
        refused(exceeds, r, () -> RingPublisher.publishWorkItems(r, 99, 7, List.of()));
        refused(OPCODE, r, () -> RingPublisher.publishWorkItems(new byte[63], 0, 7,
                List.of(new WorkItem(0xFFF0, 0, 0, 0))));
        refused(RING_LENGTH, r, () -> RingPublisher.publishWorkItems(new byte[63], 0, 7, ITEMS));
        assertEquals(0, RingPublisher.publishWorkItems(r, 4, 7, List.of()));
    }
}
