package dev.vyre.protocol.replay;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Builds replay-log files by hand from the spec's tables (io-cache-tenant spec C.2, protocol spec
 * appendix A; docs/PROTOCOL.md for the full-image variant), independently of {@link ReplayLog}.
 */
final class Vrrl {

    private Vrrl() {
    }

    /** A VRRL0001 file: 32-byte header, {@code capacity} zeroed 64-byte records. */
    static ByteBuffer file(long capacity, long cursor) {
        ByteBuffer b = ByteBuffer.allocate((int) (32 + 64 * capacity)).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, "VRRL0001".getBytes(StandardCharsets.US_ASCII));
        b.putInt(8, 1);        // version
        b.putInt(12, 0);       // flags
        b.putLong(16, capacity);
        b.putLong(24, cursor); // next_slot
        return b;
    }

    /** Writes VRRL0001 record {@code i}: every field at its table offset. */
    static void record(ByteBuffer b, int i, long timestampNs, int slot, int tenant, int opcode, int[] args4, int epoch,
                       int slotStatus, int failureClass, int errorCode, long digest) {
        int at = 32 + 64 * i;
        b.putInt(at, 0xDEADBEEF);
        b.putLong(at + 4, timestampNs);
        b.putInt(at + 12, slot);
        b.putInt(at + 16, tenant);
        b.putInt(at + 20, opcode);
        for (int k = 0; k < 4; k++) {
            b.putInt(at + 24 + 4 * k, args4[k]);
        }
        b.putInt(at + 40, epoch);
        b.putInt(at + 44, slotStatus);
        b.putInt(at + 48, failureClass);
        b.putInt(at + 52, errorCode);
        b.putLong(at + 56, digest);
    }

    /** A VRRI0001 (full-image) file: 64-byte header with the geometry, {@code capacity} zeroed 128-byte records. */
    static ByteBuffer fullFile(long capacity, long cursor, int slots, int tenants, int observable, long dataBytes) {
        ByteBuffer b = ByteBuffer.allocate((int) (64 + 128 * capacity)).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, "VRRI0001".getBytes(StandardCharsets.US_ASCII));
        b.putInt(8, 1);
        b.putInt(12, 0);
        b.putLong(16, capacity);
        b.putLong(24, cursor);
        b.putInt(32, slots);
        b.putInt(36, tenants);
        b.putInt(40, observable);
        b.putInt(44, 0);
        b.putLong(48, dataBytes);
        b.putLong(56, 0);
        return b;
    }

    /** Writes VRRI0001 record {@code i}. */
    static void fullRecord(ByteBuffer b, int i, int slot, long timestampNs, long sequence, int epoch, int[] image16,
                           int slotStatus, int failureClass, int errorCode, long digest) {
        int at = 64 + 128 * i;
        b.putInt(at, 0xDEADBEEF);
        b.putInt(at + 4, slot);
        b.putLong(at + 8, timestampNs);
        b.putLong(at + 16, sequence);
        b.putInt(at + 24, epoch);
        b.putInt(at + 28, slotStatus);
        b.putInt(at + 32, failureClass);
        b.putInt(at + 36, errorCode);
        b.putLong(at + 40, digest);
        for (int w = 0; w < 16; w++) {
            b.putInt(at + 64 + 4 * w, image16[w]);
        }
    }

    static byte[] bytes(ByteBuffer b) {
        return b.array().clone();
    }
}
