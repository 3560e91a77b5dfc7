package dev.vyre.protocol;

/**
 * One decoded ring slot.
 *
 * @param slotIdx  slot index
 * @param status   decoded status word
 * @param tenantId word 2
 * @param opcode   word 1
 * @param arg0     word 4
 * @param arg1     word 5
 * @param arg2     word 6
 */
public record RingSlotSnapshot(int slotIdx, RingStatus status, int tenantId, int opcode, int arg0, int arg1,
                               int arg2) {

    /** @return {@code [arg0, arg1, arg2]} */
    public int[] argsPrefix() {
        return new int[] {arg0, arg1, arg2};
    }
}
