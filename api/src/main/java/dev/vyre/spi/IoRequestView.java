package dev.vyre.spi;

/**
 * One IO request read from the IO queue.
 *
 * @param slot      IO slot index
 * @param opType    READ 1, WRITE 2, FENCE 3
 * @param srcHandle source handle (LOAD_MISS: resource id)
 * @param dstHandle destination handle
 * @param offset    byte offset (u64)
 * @param byteCount byte count (u32)
 * @param tag       request tag
 */
public record IoRequestView(int slot, int opType, int srcHandle, int dstHandle, long offset, int byteCount,
                            int tag) {
}
