package dev.vyre.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** protocol-vectors.md §Q (IO queue), byte-exact. */
class IoQueueVectorsTest {

    private static final String QF = "io_uring submission queue at capacity. Fix: ";

    private static MemorySegment seg(byte[] b) {
        return MemorySegment.ofArray(b);
    }

    @Test
    void megakernelIoQueuePublishSlotBytesAndCompletion() {
        MegakernelIoQueue q = new MegakernelIoQueue(4);
        q.publishSlot(2, 7, 4096, 99);
        byte[] bytes = q.toByteArray();
        assertEquals(128, bytes.length);
        assertArrayEquals(Le.hex("01000000 00000000 07000000 00000000 00000000 00100000 01000000 63000000"),
                Le.slice(bytes, 64, 32));
        assertArrayEquals(new byte[64], Le.slice(bytes, 0, 64));
        assertArrayEquals(new byte[32], Le.slice(bytes, 96, 32));
        assertEquals(Optional.of(new IoCompletion(2, 7, 4096, 99)), q.completion(2));
        assertEquals(Optional.empty(), q.completion(1));
        assertEquals(Optional.empty(), q.completion(9));
        assertFalse(q.isRecycled(2));
        assertTrue(q.isRecycled(1));
        var busy = assertThrows(QueueFullException.class, () -> q.publishSlot(2, 1, 1, 1));
        assertEquals(QF + "io_queue slot still in flight; wait for the GPU to recycle it before publishing again",
                busy.getMessage());
        var oob = assertThrows(QueueFullException.class, () -> q.publishSlot(4, 1, 1, 1));
        assertEquals(QF + "io_queue slot exceeds MegakernelIoQueue.slotCount(); enlarge the queue or publish into a "
                + "valid slot id", oob.getMessage());
        assertArrayEquals(bytes, q.toByteArray(), "refusals leave the queue unchanged");
    }

    @Test
    void submitDmaReadBytesPollClaimComplete() {
        MegakernelIoQueue q = new MegakernelIoQueue(4);
        q.submitDmaRead(1, 10, 20, 4096, 99);
        assertArrayEquals(Le.hex("01000000 0a000000 14000000 00000000 00000000 00100000 01000000 63000000"),
                Le.slice(q.toByteArray(), 32, 32));
        assertEquals(QF + "io_queue slot still in flight; wait for completion before submitting a new request",
                assertThrows(QueueFullException.class, () -> q.submitDmaRead(1, 1, 1, 1, 1)).getMessage());
        assertEquals(QF + "io_queue slot exceeds MegakernelIoQueue.slotCount(); enlarge the queue or submit into a "
                + "valid slot id", assertThrows(QueueFullException.class, () -> q.submitDmaRead(4, 1, 1, 1, 1))
                .getMessage());

        byte[] b = q.toByteArray();
        IoRequest expected = new IoRequest(1, 1, 10, 20, 0, 4096, 99);
        assertEquals(List.of(expected), IoQueue.pollIoRequests(seg(b)));
        assertEquals(List.of(expected), IoQueue.tryPollIoRequests(seg(b)));

        byte[] off = b.clone();
        Le.put(off, 8 + 3, 0x1000);
        Le.put(off, 8 + 4, 2);
        assertEquals(8589938688L, IoQueue.pollIoRequests(seg(off)).get(0).offset());

        List<IoRequest> out = new ArrayList<>();
        assertEquals(1, IoQueue.claimIoRequestsInto(seg(b), out));
        assertEquals(List.of(expected), out);
        assertEquals(2, Le.word(b, 8 + 6));
        assertEquals(0, IoQueue.tryClaimIoRequestsInto(seg(b), out));
        assertEquals(List.of(), out);

        byte[] before = b.clone();
        assertEquals(QF + IoQueue.FIX_COMPLETE_NOT_CLAIMED,
                assertThrows(QueueFullException.class, () -> IoQueue.completeIoRequest(seg(b), 0, true)).getMessage());
        assertEquals(QF + "io_queue completion requires a CLAIMED request; poll with Megakernel.claimIoRequestsInto before "
                + "completing so the same DMA is not completed without ownership", QF + IoQueue.FIX_COMPLETE_NOT_CLAIMED);
        assertEquals(QF + "io_queue completion slot exceeds queue length; complete a valid slot id",
                assertThrows(QueueFullException.class, () -> IoQueue.completeIoRequest(seg(b), 9, true)).getMessage());
        assertArrayEquals(before, b);
        IoQueue.tryCompleteIoRequest(seg(b), 1, false);
        assertEquals(0x11, Le.word(b, 8 + 6));
        byte[] diff = b.clone();
        Le.put(diff, 8 + 6, Le.word(before, 8 + 6));
        assertArrayEquals(before, diff, "only the status word changes");
        assertThrows(QueueFullException.class, () -> IoQueue.completeIoRequest(seg(b), 1, true));
    }

    @Test
    void batchValidatesEveryEntryBeforeWriting() {
        byte[] b = IoQueue.encodeEmptyIoQueue(4);
        Le.put(b, 6, SlotStatus.CLAIMED);
        byte[] before = b.clone();
        var e = assertThrows(QueueFullException.class, () -> IoQueue.completeIoRequestsBatch(seg(b),
                List.of(IoOutcome.success(0), IoOutcome.success(1))));
        assertEquals(QF + IoQueue.FIX_COMPLETE_NOT_CLAIMED, e.getMessage());
        assertArrayEquals(before, b, "nothing written on a failed batch");
        assertThrows(QueueFullException.class, () -> IoQueue.tryCompleteIoRequestsBatch(seg(b),
                List.of(IoOutcome.success(0), IoOutcome.success(7))));
        assertArrayEquals(before, b);
        Le.put(b, 8 + 6, SlotStatus.CLAIMED);
        IoQueue.tryCompleteIoRequestsBatch(seg(b), List.of(new IoOutcome(0, true), IoOutcome.failure(1)));
        assertEquals(0x10, Le.word(b, 6));
        assertEquals(0x11, Le.word(b, 14));

        byte[] dup = IoQueue.encodeEmptyIoQueue(1);
        Le.put(dup, 6, SlotStatus.CLAIMED);
        IoQueue.completeIoRequestsBatch(seg(dup), List.of(IoOutcome.success(0), IoOutcome.failure(0)));
        assertEquals(0x11, Le.word(dup, 6), "a slot listed twice ends with the later entry's status");
    }

    @Test
    void viewErrors() {
        assertEquals("backend error: io_queue has 3 bytes, which is not 4-byte aligned. Fix: pass a whole u32 queue buffer.",
                assertThrows(BackendException.class, () -> IoQueue.pollIoRequests(seg(new byte[3]))).getMessage());
        assertEquals("backend error: io_queue has 36 bytes, which is not a multiple of slot size 32. Fix: pass whole IO slots.",
                assertThrows(BackendException.class, () -> IoQueue.validateIoQueueBytes(new byte[36])).getMessage());
        assertEquals(QF + "io_queue byte view exceeds the compiled IO poll window of 64 slots; split the queue or "
                + "rebuild the megakernel with a larger IO_SLOT_COUNT",
                assertThrows(QueueFullException.class, () -> IoQueue.validateIoQueueBytes(new byte[65 * 32])).getMessage());
        assertEquals(0, IoQueue.validateIoQueueBytes(new byte[0]));
        assertEquals(List.of(), IoQueue.pollIoRequests(seg(new byte[0])));
        assertEquals(QF + IoQueue.FIX_COMPLETE_BOUNDS,
                assertThrows(QueueFullException.class, () -> IoQueue.completeIoRequest(seg(new byte[32]), 1, true)).getMessage());
        assertEquals(QF + IoQueue.FIX_COMPLETE_BOUNDS, assertThrows(QueueFullException.class,
                () -> IoQueue.completeIoRequest(seg(new byte[32]), 0xFFFF_FFFF, true)).getMessage());
        assertEquals(QF + IoQueue.FIX_COMPLETE_BOUNDS, assertThrows(QueueFullException.class,
                () -> IoQueue.completeIoRequest(seg(new byte[0]), 0, true)).getMessage());
    }

    @Test
    void encoders() {
        assertEquals(64 * 32, IoQueue.encodeEmptyIoQueue(64).length);
        assertArrayEquals(new byte[32], IoQueue.tryEncodeEmptyIoQueue(1));
        assertEquals(QF + "io_queue requires at least one slot",
                assertThrows(QueueFullException.class, () -> IoQueue.encodeEmptyIoQueue(0)).getMessage());
        String tooMany = QF + "io_queue exceeds the compiled IO poll window of 64 slots; enlarge IO_SLOT_COUNT and "
                + "rebuild the megakernel before encoding a larger queue";
        assertEquals(tooMany, assertThrows(QueueFullException.class, () -> IoQueue.encodeEmptyIoQueue(65)).getMessage());
        assertEquals(tooMany, assertThrows(QueueFullException.class, () -> IoQueue.tryEncodeEmptyIoQueue(-1)).getMessage());
        byte[] dst = new byte[100];
        java.util.Arrays.fill(dst, (byte) 0xAA);
        assertThrows(QueueFullException.class, () -> IoQueue.tryEncodeEmptyIoQueueInto(0, dst));
        assertEquals((byte) 0xAA, dst[0], "dst untouched on error");
        assertEquals(64, IoQueue.tryEncodeEmptyIoQueueInto(2, dst));
        assertArrayEquals(new byte[64], Le.slice(dst, 0, 64));
        assertEquals((byte) 0xAA, dst[64]);
        assertThrows(IllegalArgumentException.class, () -> IoQueue.tryEncodeEmptyIoQueueInto(4, dst));
    }

    @Test
    void megakernelIoQueueConstructorErrors() {
        assertEquals(QF + "MegakernelIoQueue requires at least one slot",
                assertThrows(QueueFullException.class, () -> new MegakernelIoQueue(0)).getMessage());
        String tooMany = QF + "MegakernelIoQueue exceeds the compiled IO poll window of 64 slots; enlarge "
                + "IO_SLOT_COUNT and rebuild the megakernel before publishing more than 64 completions";
        assertEquals(tooMany, assertThrows(QueueFullException.class, () -> new MegakernelIoQueue(65)).getMessage());
        assertEquals(tooMany, assertThrows(QueueFullException.class, () -> new MegakernelIoQueue(-1)).getMessage());
        assertThrows(QueueFullException.class, () -> MegakernelIoQueue.wrap(seg(new byte[0])));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 0x10, 0x11, 5})
    void statusWordDrivesRecycledAndCompletion(int status) {
        byte[] b = new byte[64];
        MegakernelIoQueue q = MegakernelIoQueue.wrap(seg(b));
        assertTrue(q.isRecycled(0));
        assertEquals(Optional.empty(), q.completion(0));
        Le.put(b, 6, status);
        Le.put(b, 2, 5);
        assertFalse(q.isRecycled(0));
        assertEquals(Optional.of(new IoCompletion(0, 5, 0, 0)), q.completion(0));
    }

    @Test
    void sixtyFourSlotsThenTheSixtyFifthIsRefused() {
        MegakernelIoQueue q = new MegakernelIoQueue(64);
        for (int i = 0; i < 64; i++) {
            q.publishSlot(i, i, i, i);
        }
        assertThrows(QueueFullException.class, () -> q.publishSlot(64, 0, 0, 0));
        assertEquals(64, IoQueue.pollIoRequests(q.segment()).size());
    }

    @Test
    void completionOfATakenBackRequestOnANativeSegmentIsAClearError() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment q = arena.allocate(64 * 32, 8);
            MegakernelIoQueue host = MegakernelIoQueue.wrap(q);
            host.submitDmaRead(0, 1, 1, 8, 1);
            host.submitDmaRead(1, 2, 2, 8, 2);
            assertEquals(2, IoQueue.claimIoRequestsInto(q, new ArrayList<>()));
            // The interpreter's IO wait timed out: it takes slot 0 back (CLAIMED -> EMPTY).
            assertTrue(Words.compareAndSet(q, 6, SlotStatus.CLAIMED, SlotStatus.EMPTY));
            var e = assertThrows(QueueFullException.class, () -> IoQueue.completeIoRequest(q, 0, true));
            assertEquals(QF + IoQueue.FIX_COMPLETE_NOT_CLAIMED, e.getMessage());
            assertEquals(SlotStatus.EMPTY, Words.get(q, 6), "a taken-back request is never overwritten");
            IoQueue.completeIoRequest(q, 1, true);
            assertEquals(IoQueueLayout.STATUS_OK, Words.get(q, 14));
        }
    }

    @Test
    void batchRaceReportsTheLostSlotAndCompletesTheOthers() {
        // A queue whose status word of slot 0 flips from CLAIMED to EMPTY between validation and
        // write: modelled by a segment view that the validation pass reads as CLAIMED.
        byte[] b = IoQueue.encodeEmptyIoQueue(2);
        Le.put(b, 6, SlotStatus.CLAIMED);
        Le.put(b, 14, SlotStatus.CLAIMED);
        MemorySegment q = MemorySegment.ofArray(b);
        // Validation passes; then the "interpreter" takes slot 0 back before the write pass.
        List<IoOutcome> outcomes = new java.util.AbstractList<>() {
            private int reads;

            @Override
            public IoOutcome get(int i) {
                if (++reads == 3) {
                    Le.put(b, 6, SlotStatus.EMPTY);
                }
                return i == 0 ? IoOutcome.success(0) : IoOutcome.success(1);
            }

            @Override
            public int size() {
                return 2;
            }
        };
        var e = assertThrows(QueueFullException.class, () -> IoQueue.completeIoRequestsBatch(q, outcomes));
        assertTrue(e.getMessage().contains("io_queue slot 0 is no longer CLAIMED (status EMPTY)"), e.getMessage());
        assertTrue(e.getMessage().contains("Fix: "));
        assertEquals(SlotStatus.EMPTY, Le.word(b, 6));
        assertEquals(IoQueueLayout.STATUS_OK, Le.word(b, 14));
    }
}
