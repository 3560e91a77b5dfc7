package dev.vyre.protocol.replay;

import dev.vyre.protocol.VyreArgumentException;
import java.util.Arrays;
import java.util.Objects;

/**
 * One host-published ring slot as a VRRL0001 record keeps it: only the first four of the slot's twelve
 * argument words. {@link ReplayRecord} carries the whole slot image of a full-image log.
 *
 * @param timestampNs nanoseconds since the UNIX epoch at publish
 * @param slotIndex   the ring slot it was published into
 * @param tenantId    slot word 2
 * @param opcode      slot word 1
 * @param args        argument words 0..3 (exactly four; the array is copied)
 * @param epoch       the BATCH_FENCE epoch it was published in
 */
public record RecordedSlot(long timestampNs, int slotIndex, int tenantId, int opcode, int[] args, int epoch) {

    /** Argument words a VRRL0001 record keeps. */
    public static final int ARGS = 4;

    public RecordedSlot {
        Objects.requireNonNull(args, "args");
        if (args.length != ARGS) {
            throw new VyreArgumentException("args", "a recorded slot keeps exactly 4 argument words, got "
                    + args.length, "pass new int[] {a0, a1, a2, a3}, zeros for unused words");
        }
        args = args.clone();
    }

    /** @return argument words 0..3 (a copy) */
    @Override
    public int[] args() {
        return args.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RecordedSlot r && timestampNs == r.timestampNs && slotIndex == r.slotIndex
                && tenantId == r.tenantId && opcode == r.opcode && epoch == r.epoch && Arrays.equals(args, r.args);
    }

    @Override
    public int hashCode() {
        return Objects.hash(timestampNs, slotIndex, tenantId, opcode, epoch, Arrays.hashCode(args));
    }

    @Override
    public String toString() {
        return "RecordedSlot[timestampNs=" + timestampNs + ", slotIndex=" + slotIndex + ", tenantId=" + tenantId
                + ", opcode=0x" + Integer.toHexString(opcode) + ", args=" + Arrays.toString(args) + ", epoch=" + epoch
                + "]";
    }
}
