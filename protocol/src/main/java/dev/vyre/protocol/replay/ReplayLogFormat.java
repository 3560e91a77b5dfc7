package dev.vyre.protocol.replay;

import java.nio.charset.StandardCharsets;

/**
 * The two on-disk replay log layouts. Both are little-endian, start with an 8-byte ASCII magic, a u32
 * version (1), a u32 flags word (0, ignored on read), the u64 capacity in records at offset 16 and the
 * u64 write cursor at offset 24, and keep {@code capacity} fixed-size records after the header in a
 * circle. docs/PROTOCOL.md ("Replay logs") gives every field.
 */
public enum ReplayLogFormat {
    /**
     * The wire-compatible format: a 32-byte header, then 64-byte records at {@code 32 + 64 i} holding opcode, tenant and
     * argument words 0..3 of each slot.
     */
    VRRL0001("VRRL0001", 32, 64),
    /**
     * vyre-java's full-image variant: a 64-byte header that also records the session's geometry, then
     * 128-byte records at {@code 64 + 128 i}: 64 bytes of metadata (with a publish sequence number) and the
     * whole 64-byte slot image, so packed slots and all 12 argument words replay exactly.
     */
    FULL_IMAGE("VRRI0001", 64, 128);

    /** Version every format writes and accepts. */
    public static final int VERSION = 1;
    /** Record magic of a written record (a never-written record holds 0). */
    public static final int RECORD_MAGIC = 0xDEADBEEF;
    /** Header offset of the u32 version. */
    public static final int VERSION_OFFSET = 8;
    /** Header offset of the u32 flags word. */
    public static final int FLAGS_OFFSET = 12;
    /** Header offset of the u64 capacity. */
    public static final int CAPACITY_OFFSET = 16;
    /** Header offset of the u64 write cursor (the next record to write, modulo capacity). */
    public static final int CURSOR_OFFSET = 24;

    private final String magic;
    private final int headerBytes;
    private final int recordBytes;

    ReplayLogFormat(String magic, int headerBytes, int recordBytes) {
        this.magic = magic;
        this.headerBytes = headerBytes;
        this.recordBytes = recordBytes;
    }

    /** @return the 8-character ASCII magic at offset 0 */
    public String magic() {
        return magic;
    }

    /** @return the magic's 8 bytes */
    public byte[] magicBytes() {
        return magic.getBytes(StandardCharsets.US_ASCII);
    }

    /** @return header bytes; record 0 starts here */
    public int headerBytes() {
        return headerBytes;
    }

    /** @return bytes per record */
    public int recordBytes() {
        return recordBytes;
    }

    /** @return the file offset of record {@code index} */
    public long recordOffset(long index) {
        return headerBytes + index * recordBytes;
    }

    /** @return the length of a log file of {@code capacity} records */
    public long fileBytes(long capacity) {
        return recordOffset(capacity);
    }

    /** @return the format whose magic is the first 8 bytes of {@code header}, or null */
    public static ReplayLogFormat ofMagic(byte[] header) {
        for (ReplayLogFormat f : values()) {
            if (header.length >= 8 && java.util.Arrays.equals(header, 0, 8, f.magicBytes(), 0, 8)) {
                return f;
            }
        }
        return null;
    }
}
