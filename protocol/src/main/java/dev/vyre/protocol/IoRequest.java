package dev.vyre.protocol;

/**
 * One PUBLISHED request read from the IO queue.
 *
 * @param slotIdx   IO slot index (0..63)
 * @param opType    word 0: READ 1, WRITE 2, FENCE 3 (raw, not validated)
 * @param srcHandle word 1 (LOAD_MISS: the resource id)
 * @param dstHandle word 2
 * @param offset    {@code (word4 << 32) | word3}, an unsigned 64-bit byte offset
 * @param byteCount word 5 (u32)
 * @param tag       word 7
 */
public record IoRequest(int slotIdx, int opType, int srcHandle, int dstHandle, long offset, int byteCount,
                        int tag) {
}
