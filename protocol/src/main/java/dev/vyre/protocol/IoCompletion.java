package dev.vyre.protocol;

/**
 * A host-to-GPU completion notice as read back from a {@link MegakernelIoQueue} slot
 *.
 *
 * @param slotIdx    IO slot index
 * @param mappedSlot word 2 (the destination handle / mapped ring slot)
 * @param byteCount  word 5
 * @param tag        word 7
 */
public record IoCompletion(int slotIdx, int mappedSlot, int byteCount, int tag) {
}
