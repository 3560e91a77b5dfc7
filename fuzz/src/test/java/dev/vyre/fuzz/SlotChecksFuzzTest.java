package dev.vyre.fuzz;

import static dev.vyre.fuzz.Checks.assertOneFix;
import static dev.vyre.fuzz.Checks.bytes;
import static dev.vyre.fuzz.Checks.word;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vyre.protocol.BackendException;
import dev.vyre.protocol.BatchDescriptor;
import dev.vyre.protocol.BuiltinOpcode;
import dev.vyre.protocol.IoOutcome;
import dev.vyre.protocol.IoQueue;
import dev.vyre.protocol.IoRequest;
import dev.vyre.protocol.PackedOp;
import dev.vyre.protocol.PipelineException;
import dev.vyre.protocol.QueueFullException;
import dev.vyre.protocol.RingPublisher;
import dev.vyre.protocol.SlotDescriptor;
import dev.vyre.protocol.SlotImages;
import dev.vyre.protocol.SlotOpcode;
import dev.vyre.protocol.VyreArgumentException;
import dev.vyre.protocol.WindowDescriptor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Jazzer targets over the host-side checks that guard the ring: slot-image runs ({@code SlotImages.check}),
 * packed slots, the slot/batch/window descriptors, and the IO queue's validate/poll/claim/complete. Each is held
 * to an independent model written from docs/PROTOCOL.md: it accepts exactly what the model accepts, writes
 * exactly the model's words, and a refusal throws the documented type (one {@code Fix:}) with the buffer
 * unchanged byte for byte.
 */
class SlotChecksFuzzTest {

    private static final int PUBLISHED = 1;
    private static final int CLAIMED = 2;
    private static final int IO_OK = 0x10;
    private static final int IO_ERROR = 0x11;

    /** The protocol's publishable opcodes, written from the opcode table rather than {@code Opcodes}. */
    static boolean publishable(int op) {
        boolean builtin = Integer.compareUnsigned(op, 7) <= 0 || op == 0x80000001 || op == 0xFFFE || op == 0xFFFFFFFF
                || op == 0xFFF1;
        boolean system = op < 0 || (op >= 0xFFF0 && op <= 0xFFFF) || Integer.compareUnsigned(op, 7) <= 0;
        return builtin || !system;
    }

    private static boolean hostWritable(int status) {
        return status == 0 || status == 3; // EMPTY or DONE
    }

    @FuzzTest(maxDuration = "10s")
    void slotImages(FuzzedDataProvider data) {
        int slotCount = data.consumeBoolean() ? data.consumeInt(0, 1 << 20) : data.consumeInt();
        int firstSlot = data.consumeBoolean() ? data.consumeInt(-2, 64) : data.consumeInt();
        int count = data.consumeBoolean() ? data.consumeInt(-2, 64) : data.consumeInt();
        MemorySegment images = MemorySegment.ofArray(data.consumeRemainingAsBytes());
        String expected = null;
        if (firstSlot < 0 || count < 0 || (long) firstSlot + count > slotCount) {
            expected = "firstSlot";
        } else if (images.byteSize() < 64L * count) {
            expected = "images";
        } else {
            for (int i = 0; i < count && expected == null; i++) {
                if (word(images, 16L * i) != PUBLISHED || !publishable(word(images, 16L * i + 1))) {
                    expected = "images";
                }
            }
        }
        try {
            SlotImages.check(slotCount, firstSlot, images, count);
            assertEquals(null, expected, "SlotImages.check accepted a run the protocol refuses");
        } catch (VyreArgumentException e) {
            assertOneFix(e);
            assertTrue(expected != null, () -> "SlotImages.check refused a valid run: " + e.getMessage());
            assertEquals(expected, e.parameter(), e.getMessage());
        }
    }

    @FuzzTest(maxDuration = "10s")
    void packedSlot(FuzzedDataProvider data) {
        int n = data.consumeBoolean() ? data.consumeInt(0, 24) : data.consumeInt(0, 300);
        List<PackedOp> ops = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ops.add(PackedOp.of(data.consumeInt(0, 255), ints(data, data.consumeInt(0, 13))));
        }
        int slotIdx = data.consumeBoolean() ? data.consumeInt(-1, 8) : data.consumeInt();
        int tenant = data.consumeInt();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ring = ring(arena, data);
            byte[] before = bytes(ring);
            String expected = packedRefusal(ring, slotIdx, ops);
            try {
                RingPublisher.publishPackedSlot(ring, slotIdx, tenant, ops);
            } catch (QueueFullException e) {
                assertOneFix(e);
                assertTrue(expected != null, () -> "refused a valid packed slot: " + e.getMessage());
                assertTrue(e.getMessage().contains(expected), () -> "expected '" + expected + "' in " + e.getMessage());
                assertArrayEquals(before, bytes(ring), "a refused packed publish changed the ring");
                return;
            }
            assertEquals(null, expected, "accepted a packed slot the protocol refuses");
            assertPacked(ring, before, slotIdx, tenant, ops);
        }
    }

    /** @return the refusal text the protocol gives, in its order of checks, or null */
    private static String packedRefusal(MemorySegment ring, int slotIdx, List<PackedOp> ops) {
        int n = ops.size();
        if (n > 255) {
            return "at most 255 inner opcodes";
        }
        int meta = (2 + 2 * n + 3) / 4;
        if (meta > 12) {
            return "metadata exceeds";
        }
        int run = ops.stream().mapToInt(o -> o.args().length).sum();
        if (meta + run > 12) {
            return "payload exceeds";
        }
        return slotRefusal(ring, slotIdx);
    }

    private static String slotRefusal(MemorySegment ring, int slotIdx) {
        if (ring.byteSize() % 64 != 0) {
            return "not an exact multiple";
        }
        if (Integer.toUnsignedLong(slotIdx) >= ring.byteSize() / 64) {
            return "slot_idx exceeds ring slot count";
        }
        if (!hostWritable(word(ring, 16 * Integer.toUnsignedLong(slotIdx)))) {
            return "slot is not publishable";
        }
        return null;
    }

    /** Decodes the packed payload as the interpreter does (PROTOCOL.md, "Packed slots") and compares. */
    private static void assertPacked(MemorySegment ring, byte[] before, int slotIdx, int tenant, List<PackedOp> ops) {
        long base = 16L * slotIdx;
        assertEquals(PUBLISHED, word(ring, base));
        assertEquals(0x80000001, word(ring, base + 1));
        assertEquals(tenant, word(ring, base + 2));
        assertEquals(2, word(ring, base + 3));
        int[] payload = new int[12];
        for (int j = 0; j < 12; j++) {
            payload[j] = word(ring, base + 4 + j);
        }
        int n = payloadByte(payload, 0);
        assertEquals(ops.size(), n);
        int meta = (2 + 2 * n + 3) / 4;
        int total = 0;
        for (int k = 0; k < n; k++) {
            PackedOp op = ops.get(k);
            assertEquals(op.opcode(), payloadByte(payload, 2 + 2 * k));
            int at = meta + payloadByte(payload, 3 + 2 * k);
            for (int a = 0; a < op.args().length; a++) {
                assertEquals(op.args()[a], payload[at + a], "inner op " + k + " arg " + a);
            }
            total += op.args().length;
        }
        assertEquals(total, payloadByte(payload, 1));
        for (int j = meta + total; j < 12; j++) {
            assertEquals(0, payload[j], "unused payload word " + j);
        }
        assertOthersUnchanged(ring, before, slotIdx, 1);
    }

    private static int payloadByte(int[] payload, int k) {
        return (payload[k >>> 2] >>> ((k & 3) << 3)) & 0xFF;
    }

    @FuzzTest(maxDuration = "10s")
    void descriptors(FuzzedDataProvider data) {
        int start = data.consumeBoolean() ? data.consumeInt(-1, 8) : data.consumeInt();
        int tenant = data.consumeInt();
        SlotOpcode opcode = data.consumeBoolean() ? data.pickValue(BuiltinOpcode.values())
                : new SlotOpcode.Custom(data.consumeInt());
        boolean window = data.consumeBoolean();
        List<int[]> payloads = new ArrayList<>();
        int lookaheadFrom = 0;
        List<SlotDescriptor> items = new ArrayList<>();
        int count = data.consumeInt(0, 6);
        for (int i = 0; i < count; i++) {
            if (window) {
                payloads.add(ints(data, data.consumeInt(0, 11)));
            } else if (data.consumeBoolean()) {
                SlotOpcode op = data.consumeBoolean() ? data.pickValue(BuiltinOpcode.values())
                        : new SlotOpcode.Custom(data.consumeInt());
                items.add(SlotDescriptor.single(tenant, op, ints(data, data.consumeInt(0, 13))));
            } else {
                List<PackedOp> ops = new ArrayList<>();
                for (int k = data.consumeInt(0, 6); k > 0; k--) {
                    ops.add(PackedOp.of(data.consumeInt(0, 255), ints(data, data.consumeInt(0, 4))));
                }
                items.add(SlotDescriptor.packed(tenant, ops));
            }
        }
        if (window) {
            lookaheadFrom = data.consumeInt(0, payloads.size());
        }
        int ticket = data.consumeInt();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ring = ring(arena, data);
            byte[] before = bytes(ring);
            if (window) {
                WindowDescriptor w = new WindowDescriptor(start, tenant, opcode, ticket,
                        payloads.subList(0, lookaheadFrom), payloads.subList(lookaheadFrom, payloads.size()));
                checkWindow(ring, before, w, payloads, lookaheadFrom);
            } else {
                checkBatch(ring, before, new BatchDescriptor(start, items));
            }
        }
    }

    private static void checkWindow(MemorySegment ring, byte[] before, WindowDescriptor w, List<int[]> payloads,
                                    int lookaheadFrom) {
        int total = payloads.size();
        boolean refused = total > 0 && Integer.toUnsignedLong(w.startSlot()) + total - 1 > 0xFFFF_FFFFL;
        for (int i = 0; i < total && !refused; i++) {
            refused = payloads.get(i).length > 10 || !publishable(w.opcode().wire())
                    || slotRefusal(ring, w.startSlot() + i) != null;
        }
        int written;
        try {
            written = w.publishInto(ring);
        } catch (QueueFullException e) {
            assertOneFix(e);
            assertTrue(refused, () -> "refused a valid window: " + e.getMessage());
            assertArrayEquals(before, bytes(ring), "a refused window changed the ring");
            return;
        }
        assertTrue(!refused, "accepted a window the protocol refuses");
        assertEquals(total, written);
        for (int i = 0; i < total; i++) {
            int[] p = payloads.get(i);
            int[] args = new int[p.length + 2];
            args[0] = w.ticket();
            args[1] = i < lookaheadFrom ? 0 : 1;
            System.arraycopy(p, 0, args, 2, p.length);
            assertSlot(ring, w.startSlot() + i, w.opcode().wire(), w.tenantId(), args);
        }
        assertOthersUnchanged(ring, before, w.startSlot(), total);
    }

    private static void checkBatch(MemorySegment ring, byte[] before, BatchDescriptor batch) {
        int count = batch.items().size();
        boolean refused = count > 0 && Integer.toUnsignedLong(batch.startSlot()) + count - 1 > 0xFFFF_FFFFL;
        for (int i = 0; i < count && !refused; i++) {
            SlotDescriptor d = batch.items().get(i);
            if (d instanceof SlotDescriptor.Single s) {
                refused = slotRefusal(ring, batch.startSlot() + i) != null || s.args().length > 12
                        || !publishable(s.opcode().wire());
            } else {
                refused = packedRefusal(ring, batch.startSlot() + i, ((SlotDescriptor.Packed) d).ops()) != null;
            }
        }
        int written;
        try {
            written = batch.publishInto(ring);
        } catch (QueueFullException e) {
            assertOneFix(e);
            assertTrue(refused, () -> "refused a valid batch: " + e.getMessage());
            assertArrayEquals(before, bytes(ring), "a refused batch changed the ring");
            return;
        }
        assertTrue(!refused, "accepted a batch the protocol refuses");
        assertEquals(count, written);
        for (int i = 0; i < count; i++) {
            if (batch.items().get(i) instanceof SlotDescriptor.Single s) {
                assertSlot(ring, batch.startSlot() + i, s.opcode().wire(), s.tenantId(), s.args());
            } else {
                assertEquals(0x80000001, word(ring, 16L * (batch.startSlot() + i) + 1));
            }
        }
        assertOthersUnchanged(ring, before, batch.startSlot(), count);
    }

    private static void assertSlot(MemorySegment ring, int slot, int opcode, int tenant, int[] args) {
        long base = 16L * slot;
        assertEquals(PUBLISHED, word(ring, base));
        assertEquals(opcode, word(ring, base + 1));
        assertEquals(tenant, word(ring, base + 2));
        assertEquals(2, word(ring, base + 3), "priority NORMAL");
        for (int a = 0; a < 12; a++) {
            assertEquals(a < args.length ? args[a] : 0, word(ring, base + 4 + a), "slot " + slot + " arg " + a);
        }
    }

    private static void assertOthersUnchanged(MemorySegment ring, byte[] before, int first, int count) {
        byte[] after = bytes(ring);
        for (int b = 0; b < after.length; b++) {
            int slot = b / 64;
            if (slot < first || slot >= first + count) {
                assertEquals(before[b], after[b], "byte " + b + " outside the published slots changed");
            }
        }
    }

    @FuzzTest(maxDuration = "10s")
    void ioQueue(FuzzedDataProvider data) {
        int n = data.consumeInt(0, 8);
        List<IoOutcome> outcomes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int slot = data.consumeBoolean() ? data.consumeInt(-1, 66) : data.consumeInt();
            outcomes.add(new IoOutcome(slot, data.consumeBoolean()));
        }
        byte[] raw = data.consumeRemainingAsBytes();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment queue = Checks.nativeCopy(arena, raw);
            long len = raw.length;
            boolean valid = len % 32 == 0 && len / 32 <= 64;
            Integer slots = null;
            try {
                slots = IoQueue.validateIoQueueBytes(queue);
            } catch (BackendException | QueueFullException e) {
                assertOneFix(e);
            }
            assertEquals(valid, slots != null, "validateIoQueueBytes on " + len + " bytes");
            List<IoRequest> polled = new ArrayList<>();
            try {
                IoQueue.tryPollIoRequestsInto(queue, polled);
                assertTrue(valid);
            } catch (PipelineException e) {
                assertTrue(!valid);
                assertOneFix(e);
                return;
            }
            assertArrayEquals(raw, bytes(queue), "poll changed the queue");
            List<IoRequest> claimed = new ArrayList<>();
            IoQueue.tryClaimIoRequestsInto(queue, claimed);
            assertEquals(polled, claimed);
            int k = 0;
            for (int q = 0; q < slots; q++) {
                long base = 8L * q;
                if (word(raw, base + 6) == PUBLISHED) {
                    IoRequest r = claimed.get(k++);
                    assertEquals(q, r.slotIdx());
                    assertEquals(word(raw, base), r.opType());
                    assertEquals(word(raw, base + 1), r.srcHandle());
                    assertEquals(word(raw, base + 2), r.dstHandle());
                    assertEquals(Integer.toUnsignedLong(word(raw, base + 3))
                            | (Integer.toUnsignedLong(word(raw, base + 4)) << 32), r.offset());
                    assertEquals(word(raw, base + 5), r.byteCount());
                    assertEquals(word(raw, base + 7), r.tag());
                    Checks.setWord(MemorySegment.ofArray(raw), base + 6, CLAIMED);
                }
            }
            assertEquals(k, claimed.size());
            assertArrayEquals(raw, bytes(queue), "claim wrote more than PUBLISHED -> CLAIMED");
            IoQueue.tryClaimIoRequestsInto(queue, claimed);
            assertEquals(List.of(), claimed, "a second claim found requests");

            boolean completable = true;
            for (IoOutcome o : outcomes) {
                completable &= Integer.compareUnsigned(o.slot(), slots) < 0 && word(raw, 8L * o.slot() + 6) == CLAIMED;
            }
            try {
                IoQueue.tryCompleteIoRequestsBatch(queue, outcomes);
            } catch (QueueFullException e) {
                assertOneFix(e);
                assertTrue(!completable, () -> "refused a completable batch: " + e.getMessage());
                assertArrayEquals(raw, bytes(queue), "a refused completion changed the queue");
                return;
            }
            assertTrue(completable, "completed a batch naming a slot that is not CLAIMED");
            for (IoOutcome o : outcomes) {
                Checks.setWord(MemorySegment.ofArray(raw), 8L * o.slot() + 6, o.ok() ? IO_OK : IO_ERROR);
            }
            assertArrayEquals(raw, bytes(queue), "completion wrote more than the status words");
        }
    }

    /** A native ring: a whole number of slots (sometimes not), each status drawn from the protocol's values. */
    private static MemorySegment ring(Arena arena, FuzzedDataProvider data) {
        int slots = data.consumeInt(0, 8);
        int extra = data.consumeBoolean() ? 0 : data.consumeInt(0, 63);
        MemorySegment ring = arena.allocate(64L * slots + extra, 64);
        for (int s = 0; s < slots; s++) {
            Checks.setWord(ring, 16L * s, data.consumeBoolean() ? data.pickValue(new int[] {0, 3}) : data.consumeInt(0, 8));
            if (data.consumeBoolean()) {
                for (int w = 1; w < 16; w++) {
                    Checks.setWord(ring, 16L * s + w, data.consumeInt());
                }
            }
        }
        return ring;
    }

    private static int[] ints(FuzzedDataProvider data, int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = data.consumeInt();
        }
        return a;
    }
}
