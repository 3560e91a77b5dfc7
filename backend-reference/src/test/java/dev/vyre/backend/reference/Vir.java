package dev.vyre.backend.reference;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Test helpers: little-endian word access on byte arrays and vyre's buffer encodings. */
final class Vir {

    private Vir() {
    }

    static int word(byte[] buf, int index) {
        return ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN).getInt(index * 4);
    }

    static void setWord(byte[] buf, int index, int value) {
        ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN).putInt(index * 4, value);
    }

    /** vyre's {@code encode_control(shutdown, tenantCount, observableSlots)} reference rule. */
    static byte[] control(boolean shutdown, int tenantCount, int observableSlots) {
        byte[] c = new byte[(160 + observableSlots) * 4];
        setWord(c, 0, shutdown ? 1 : 0);
        setWord(c, 2, 3);
        for (int w = 3; w < Math.min(3 + tenantCount, 32); w++) {
            setWord(c, w, 0xFFFFFFFF);
        }
        for (int w = 32; w < Math.min(32 + tenantCount, 64); w++) {
            setWord(c, w, 1_000_000);
        }
        return c;
    }

    static byte[] ring(int slots) {
        return new byte[slots * 64];
    }

    static byte[] debugLog() {
        return new byte[1028];
    }

    /** Writes a slot: status, opcode, tenant, priority 2, args (rest zero). */
    static void slot(byte[] ring, int slot, int status, int opcode, int tenant, int... args) {
        int base = slot * 16;
        setWord(ring, base, status);
        setWord(ring, base + 1, opcode);
        setWord(ring, base + 2, tenant);
        setWord(ring, base + 3, 2);
        for (int i = 0; i < 12; i++) {
            setWord(ring, base + 4 + i, i < args.length ? args[i] : 0);
        }
    }

    /** Writes a PUBLISHED tenant-0 slot. */
    static void published(byte[] ring, int slot, int opcode, int... args) {
        slot(ring, slot, 1, opcode, 0, args);
    }

    static int[] words(int... w) {
        return w;
    }
}
