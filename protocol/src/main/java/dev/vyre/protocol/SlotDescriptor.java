package dev.vyre.protocol;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One typed slot publication: a normal slot or a packed slot.
 * Argument arrays are copied on construction.
 */
public sealed interface SlotDescriptor permits SlotDescriptor.Single, SlotDescriptor.Packed {

    /** @return the tenant id written to word 2 */
    int tenantId();

    /**
     * Publishes this slot at {@code slotIdx} exactly like
     * {@link RingPublisher#publishSlot(MemorySegment, int, int, int, int...)} or
     * {@link RingPublisher#publishPackedSlot(MemorySegment, int, int, List)}.
     *
     * @throws QueueFullException on any refusal; the ring is unchanged
     */
    void publishInto(MemorySegment ring, int slotIdx);

    /**
     * Runs every check {@link #publishInto} runs, in the same order, without writing.
     *
     * @throws QueueFullException with the text {@link #publishInto} would throw
     */
    void check(MemorySegment ring, int slotIdx);

    /** @return a normal slot descriptor */
    static SlotDescriptor single(int tenantId, SlotOpcode opcode, int... args) {
        return new Single(tenantId, opcode, args);
    }

    /** @return a packed slot descriptor */
    static SlotDescriptor packed(int tenantId, List<PackedOp> ops) {
        return new Packed(tenantId, ops);
    }

    /**
     * A normal slot.
     *
     * @param tenantId tenant id
     * @param opcode   slot opcode
     * @param args     up to 12 argument words
     */
    record Single(int tenantId, SlotOpcode opcode, int[] args) implements SlotDescriptor {
        public Single {
            Objects.requireNonNull(opcode, "opcode");
            args = args.clone();
        }

        @Override
        public int[] args() {
            return args.clone();
        }

        @Override
        public void publishInto(MemorySegment ring, int slotIdx) {
            RingPublisher.publishSlot(ring, slotIdx, tenantId, opcode.wire(), args);
        }

        @Override
        public void check(MemorySegment ring, int slotIdx) {
            DescriptorChecks.checkSingle(ring, slotIdx, opcode.wire(), args.length);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Single s && tenantId == s.tenantId && opcode.equals(s.opcode)
                    && Arrays.equals(args, s.args);
        }

        @Override
        public int hashCode() {
            return (tenantId * 31 + opcode.hashCode()) * 31 + Arrays.hashCode(args);
        }

        @Override
        public String toString() {
            return "Single[tenantId=" + Integer.toUnsignedString(tenantId) + ", opcode=" + opcode + ", args="
                    + Arrays.toString(args) + "]";
        }
    }

    /**
     * A packed slot.
     *
     * @param tenantId tenant id
     * @param ops      inner ops
     */
    record Packed(int tenantId, List<PackedOp> ops) implements SlotDescriptor {
        public Packed {
            ops = List.copyOf(ops);
        }

        @Override
        public void publishInto(MemorySegment ring, int slotIdx) {
            RingPublisher.publishPackedSlot(ring, slotIdx, tenantId, ops);
        }

        @Override
        public void check(MemorySegment ring, int slotIdx) {
            DescriptorChecks.checkPacked(ring, slotIdx, ops);
        }
    }
}
