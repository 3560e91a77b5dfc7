package dev.vyre.uring;

/**
 * One chunk whose slot reached DONE.
 *
 * @param source       the file path or remote socket address the bytes came from
 * @param sequence     the chunk's index within its source (0, 1, 2, ...)
 * @param sourceOffset byte offset of the chunk within its source
 * @param length       bytes in the chunk
 * @param dataOffset   where the chunk sat in the data buffer
 * @param slot         the ring slot that processed it
 * @param deviceCrc    the observable word the slot wrote (CRC-32C for the CRC32C opcode)
 * @param hostCrc      the host's CRC-32C of the staged bytes (0 when not verifying)
 * @param verified     true when verification ran and the two matched
 */
public record ChunkReport(String source, long sequence, long sourceOffset, int length, long dataOffset, int slot,
                          int deviceCrc, int hostCrc, boolean verified) {
}
