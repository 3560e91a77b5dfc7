package dev.vyre.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Randomised publisher properties: on garbage rings every publisher either succeeds, writing only
 * inside the slots it names (exactly the expected words), or throws a {@link QueueFullException}
 * with a Fix: clause and leaves every byte unchanged. Seed: {@code -Dvyre.seed} or nanoTime.
 */
class PublisherFuzzTest {

    private static final long SEED = DecoderFuzzTest.SEED;
    private static final int RUNS = 30_000;
    private static final int[] OPCODES = {0, 1, 2, 3, 4, 5, 6, 7, 8, 20, 0xBEEF, 0xFFEF, 0xFFF0, 0xFFFD, 0xFFFE, 0xFFFF,
        0x10000, 0x40000000, 0x7FFFFFFF, 0x80000000, 0x80000001, 0x80000002, 0xFFFFFFFE, 0xFFFFFFFF};

    private final SplittableRandom rnd = new SplittableRandom(SEED ^ 0x5DEECE66DL);

    private byte[] garbageRing() {
        int len = rnd.nextInt(10) == 0 ? rnd.nextInt(300) : 64 * rnd.nextInt(9);
        byte[] ring = new byte[len];
        rnd.nextBytes(ring);
        for (int s = 0; s + 64 <= len; s += 64) {
            int pick = rnd.nextInt(12);
            Bytes.setWord(ring, s / 4, pick < 10 ? pick : rnd.nextInt());
        }
        return ring;
    }

    private int slotIndex(int slots) {
        return switch (rnd.nextInt(10)) {
            case 0 -> -1 - rnd.nextInt(3);
            case 1 -> slots + rnd.nextInt(3);
            default -> rnd.nextInt(Math.max(slots, 1));
        };
    }

    private int[] args(int max) {
        int[] a = new int[rnd.nextInt(max + 1)];
        for (int i = 0; i < a.length; i++) {
            a[i] = rnd.nextInt();
        }
        return a;
    }

    private int opcode() {
        return OPCODES[rnd.nextInt(OPCODES.length)];
    }

    private static int[] expectedSlot(int opcode, int tenant, int[] args) {
        int[] w = new int[16];
        w[0] = SlotStatus.PUBLISHED;
        w[1] = opcode;
        w[2] = tenant;
        w[3] = Priority.NORMAL;
        System.arraycopy(args, 0, w, 4, args.length);
        return w;
    }

    /** Checks: outside [firstSlot, firstSlot + count) nothing changed; inside, the slots hold {@code expected}. */
    private static void onlySlotsChanged(byte[] before, byte[] after, long firstSlot, int[][] expected, String c) {
        long from = 64 * firstSlot;
        long to = from + 64L * expected.length;
        for (int i = 0; i < before.length; i++) {
            if (i < from || i >= to) {
                assertEquals(before[i], after[i], "byte " + i + " outside the target slots changed; " + c);
            }
        }
        for (int k = 0; k < expected.length; k++) {
            assertArrayEquals(expected[k], Bytes.slot(after, (int) firstSlot + k), c);
        }
    }

    private static void refusedUnchanged(RuntimeException e, byte[] before, byte[] after, String c) {
        if (!(e instanceof QueueFullException q) || !q.queue().equals("submission")) {
            fail("undocumented exception " + e + "; " + c, e);
        }
        Bytes.assertFixRules(e);
        assertArrayEquals(before, after, "refused call mutated the ring; " + c);
    }

    @Test
    void publishSlotTouchesOnlyItsSlot() {
        for (int run = 0; run < RUNS; run++) {
            byte[] ring = garbageRing();
            byte[] before = ring.clone();
            int slot = slotIndex(ring.length / 64);
            int tenant = rnd.nextInt();
            int op = opcode();
            int[] a = args(14);
            String c = "seed=" + SEED + " run=" + run + " slot=" + slot + " op=" + Integer.toHexString(op) + " args=" + a.length;
            try {
                RingPublisher.publishSlot(ring, slot, tenant, op, a);
                assertTrue(ring.length % 64 == 0 && a.length <= 12 && Opcodes.isPublishable(op), c);
                assertTrue(SlotStatus.isPublishable(Bytes.word(before, 16 * slot)), c);
                onlySlotsChanged(before, ring, slot, new int[][] {expectedSlot(op, tenant, a)}, c);
            } catch (RuntimeException e) {
                refusedUnchanged(e, before, ring, c);
            }
        }
    }

    @Test
    void publishPackedSlotTouchesOnlyItsSlotAndRoundTrips() {
        for (int run = 0; run < RUNS; run++) {
            byte[] ring = garbageRing();
            byte[] before = ring.clone();
            int slot = slotIndex(ring.length / 64);
            int n = rnd.nextInt(10) == 0 ? rnd.nextInt(300) : rnd.nextInt(8);
            List<PackedOp> ops = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ops.add(new PackedOp(rnd.nextInt(256), args(rnd.nextInt(4) == 0 ? 12 : 3)));
            }
            String c = "seed=" + SEED + " run=" + run + " slot=" + slot + " ops=" + n;
            try {
                RingPublisher.publishPackedSlot(ring, slot, 7, ops);
                int[] w = Bytes.slot(ring, slot);
                // decode independently: byte k of the payload is byte k%4 of arg word k/4
                int[] payload = Arrays.copyOfRange(w, 4, 16);
                assertEquals(n, byteAt(payload, 0), c);
                int meta = (2 + 2 * n + 3) / 4;
                int run2 = 0;
                for (int i = 0; i < n; i++) {
                    assertEquals(ops.get(i).opcode(), byteAt(payload, 2 + 2 * i), c);
                    int off = byteAt(payload, 3 + 2 * i);
                    assertEquals(run2, off, c);
                    int[] opArgs = ops.get(i).args();
                    assertArrayEquals(opArgs, Arrays.copyOfRange(payload, meta + off, meta + off + opArgs.length), c);
                    run2 += opArgs.length;
                }
                assertEquals(run2, byteAt(payload, 1), c);
                for (int j = meta + run2; j < 12; j++) {
                    assertEquals(0, payload[j], c);
                }
                int[] expected = Arrays.copyOf(new int[] {1, Opcodes.PACKED_SLOT, 7, 2}, 16);
                System.arraycopy(payload, 0, expected, 4, 12);
                onlySlotsChanged(before, ring, slot, new int[][] {expected}, c);
            } catch (RuntimeException e) {
                refusedUnchanged(e, before, ring, c);
            }
        }
    }

    private static int byteAt(int[] payload, int k) {
        return (payload[k / 4] >>> (8 * (k % 4))) & 0xFF;
    }

    @Test
    void batchPublishIsAllOrNothing() {
        for (int run = 0; run < RUNS; run++) {
            byte[] ring = garbageRing();
            byte[] before = ring.clone();
            int start = slotIndex(ring.length / 64);
            int count = rnd.nextInt(5);
            List<SlotOp> items = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                items.add(new SlotOp(rnd.nextInt(4) == 0 ? opcode() : rnd.nextInt(8), args(rnd.nextInt(8) == 0 ? 13 : 4)));
            }
            int tag = rnd.nextInt();
            String c = "seed=" + SEED + " run=" + run + " start=" + start + " items=" + count;
            try {
                assertEquals(count + 1, RingPublisher.batchPublish(ring, start, 3, items, tag));
                int[][] expected = new int[count + 1][];
                for (int i = 0; i < count; i++) {
                    expected[i] = expectedSlot(items.get(i).opcode(), 3, items.get(i).args());
                }
                expected[count] = expectedSlot(Opcodes.BATCH_FENCE, 3, new int[] {count, tag});
                onlySlotsChanged(before, ring, start, expected, c);
            } catch (RuntimeException e) {
                refusedUnchanged(e, before, ring, c);
            }
        }
    }

    @Test
    void publishWorkItemsAndTransitionsTouchOnlyTheirSlots() {
        for (int run = 0; run < RUNS; run++) {
            byte[] ring = garbageRing();
            byte[] before = ring.clone();
            int start = slotIndex(ring.length / 64);
            List<WorkItem> items = new ArrayList<>();
            int count = rnd.nextInt(4);
            for (int i = 0; i < count; i++) {
                items.add(new WorkItem(rnd.nextInt(6) == 0 ? opcode() : rnd.nextInt(8), rnd.nextInt(), rnd.nextInt(), rnd.nextInt()));
            }
            String c = "seed=" + SEED + " run=" + run + " start=" + start + " items=" + count;
            try {
                assertEquals(count, RingPublisher.publishWorkItems(ring, start, 9, items));
                int[][] expected = new int[count][];
                for (int i = 0; i < count; i++) {
                    WorkItem w = items.get(i);
                    expected[i] = expectedSlot(w.opHandle(), 9, new int[] {w.inputHandle(), w.outputHandle(), w.param()});
                }
                onlySlotsChanged(before, ring, start, expected, c);
            } catch (RuntimeException e) {
                refusedUnchanged(e, before, ring, c);
            }

            byte[] r2 = garbageRing();
            byte[] b2 = r2.clone();
            int slot = slotIndex(r2.length / 64);
            SlotTransition t = SlotTransition.values()[rnd.nextInt(SlotTransition.values().length)];
            try {
                int prev = RingPublisher.transitionSlotStatus(r2, slot, t);
                assertTrue(t.allowedFrom(prev), c);
                int[] expected = Bytes.slot(b2, slot);
                expected[0] = t.target();
                onlySlotsChanged(b2, r2, slot, new int[][] {expected}, c + " transition " + t);
            } catch (RuntimeException e) {
                refusedUnchanged(e, b2, r2, c + " transition " + t);
            }
        }
    }

    @Test
    void nativeRingsBehaveLikeHeapRings() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment nativeRing = arena.allocate(8 * 64, 64);
            for (int run = 0; run < 5_000; run++) {
                byte[] heap = new byte[8 * 64];
                for (int s = 0; s < 8; s++) {
                    Bytes.setWord(heap, 16 * s, rnd.nextInt(9));
                    Bytes.setWord(heap, 16 * s + 7, rnd.nextInt());
                }
                MemorySegment.copy(heap, 0, nativeRing, ValueLayout.JAVA_BYTE, 0, heap.length);
                int slot = slotIndex(8);
                int op = opcode();
                int[] a = args(13);
                String c = "seed=" + SEED + " run=" + run;
                RuntimeException heapError = null;
                RuntimeException nativeError = null;
                try {
                    RingPublisher.publishSlot(heap, slot, 1, op, a);
                } catch (RuntimeException e) {
                    heapError = e;
                }
                try {
                    RingPublisher.publishSlot(nativeRing, slot, 1, op, a);
                } catch (RuntimeException e) {
                    nativeError = e;
                }
                assertEquals(heapError == null ? null : heapError.getMessage(),
                        nativeError == null ? null : nativeError.getMessage(), c);
                SlotTransition t = SlotTransition.values()[rnd.nextInt(5)];
                int ts = rnd.nextInt(8);
                String h;
                String n;
                try {
                    h = "ok " + RingPublisher.transitionSlotStatus(heap, ts, t);
                } catch (QueueFullException e) {
                    h = e.getMessage();
                }
                try {
                    n = "ok " + RingPublisher.transitionSlotStatus(nativeRing, ts, t);
                } catch (QueueFullException e) {
                    n = e.getMessage();
                }
                assertEquals(h, n, c);
                assertArrayEquals(heap, nativeRing.toArray(ValueLayout.JAVA_BYTE), c);
            }
        }
    }
}
