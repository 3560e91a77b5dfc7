package dev.vyre.protocol;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * Dry runs of {@link RingPublisher}'s checks, same order and texts, so that descriptor batches
 * and windows can validate every slot before writing any.
 */
final class DescriptorChecks {

    private DescriptorChecks() {
    }

    static void checkSingle(MemorySegment ring, int slotIdx, int opcode, int argCount) {
        long slot = checkSlot(ring, slotIdx);
        if (argCount > SlotLayout.ARGS_PER_SLOT) {
            throw QueueFullException.submission(RingPublisher.TOO_MANY_ARGS);
        }
        if (!Opcodes.isPublishable(opcode)) {
            throw QueueFullException.submission(RingPublisher.BAD_OPCODE);
        }
        checkStatus(ring, slot);
    }

    static void checkPacked(MemorySegment ring, int slotIdx, List<PackedOp> ops) {
        int n = ops.size();
        if (n > ProtocolLimits.MAX_PACKED_OPS) {
            throw QueueFullException.submission(RingPublisher.PACKED_COUNT);
        }
        int metaWords = RingPublisher.packedMetaWords(n);
        if (metaWords > SlotLayout.ARGS_PER_SLOT) {
            throw QueueFullException.submission(RingPublisher.PACKED_METADATA);
        }
        long run = 0;
        for (PackedOp op : ops) {
            run += op.args().length;
            if (metaWords + run > SlotLayout.ARGS_PER_SLOT) {
                throw QueueFullException.submission(RingPublisher.PACKED_PAYLOAD);
            }
        }
        checkStatus(ring, checkSlot(ring, slotIdx));
    }

    private static long checkSlot(MemorySegment ring, int slotIdx) {
        long len = ring.byteSize();
        if (len % SlotLayout.SLOT_BYTES != 0) {
            throw QueueFullException.submission(RingPublisher.RING_LENGTH);
        }
        long slot = Integer.toUnsignedLong(slotIdx);
        if (slot >= len / SlotLayout.SLOT_BYTES) {
            throw QueueFullException.submission(RingPublisher.SLOT_BOUNDS);
        }
        return slot;
    }

    private static void checkStatus(MemorySegment ring, long slot) {
        if (!SlotStatus.isPublishable(Words.getAcquire(ring, slot * SlotLayout.SLOT_WORDS))) {
            throw QueueFullException.submission(RingPublisher.NOT_PUBLISHABLE);
        }
    }
}
