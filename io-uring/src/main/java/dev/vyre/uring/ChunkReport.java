package dev.vyre.uring;

/**
 * One chunk whose slot reached DONE.
 *
 * @param source       the file path or remote socket address the bytes came from
 * @param sequence     the chunk's index within its source (0, 1, 2, ...)
 * @param sourceOffset byte offset of the chunk's first new byte within its source
 * @param length       new bytes in the chunk (the overlap excluded)
 * @param dataOffset   where the chunk's staged bytes (the overlap included) began in the data buffer
 * @param slot         the ring slot that processed it
 * @param deviceCrc    the observable word the slot wrote (CRC-32C for the CRC32C opcode)
 * @param hostCrc      the host's CRC-32C of the staged bytes, overlap included (0 when not verifying)
 * @param verified     true when verification ran and the two matched
 * @param overlap      bytes staged in front of the new ones, repeated from the end of the source's previous
 *                     chunk ({@link IngestOptions#overlapBytes()}): source bytes
 *                     {@code [sourceOffset - overlap, sourceOffset)}; 0 for a source's first chunk
 */
public record ChunkReport(String source, long sequence, long sourceOffset, int length, long dataOffset, int slot,
                          int deviceCrc, int hostCrc, boolean verified, int overlap) {
}
