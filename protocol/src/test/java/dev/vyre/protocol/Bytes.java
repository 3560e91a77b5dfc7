package dev.vyre.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import org.junit.jupiter.api.function.Executable;

/** Test helpers: word views, hex, SHA-256, and exact error assertions. */
final class Bytes {
    private Bytes() {
    }

    static int[] words(byte[] b) {
        int[] w = new int[b.length / 4];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(w);
        return w;
    }

    static byte[] fromWords(int... words) {
        ByteBuffer buf = ByteBuffer.allocate(words.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asIntBuffer().put(words);
        return buf.array();
    }

    static int word(byte[] b, int i) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt(4 * i);
    }

    static void setWord(byte[] b, int i, int v) {
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(4 * i, v);
    }

    /** The 16 words of one slot. */
    static int[] slot(byte[] ring, int s) {
        int[] all = words(ring);
        int[] out = new int[16];
        System.arraycopy(all, 16 * s, out, 0, 16);
        return out;
    }

    static byte[] hex(String h) {
        return HexFormat.of().parseHex(h.replace(" ", ""));
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    static MemorySegment seg(byte[] b) {
        return MemorySegment.ofArray(b);
    }

    /** Asserts the exact exception type and full message, and the Fix: suffix rules. */
    static <T extends Throwable> T assertError(Class<T> type, String message, Executable call) {
        T e = assertThrows(type, call);
        assertEquals(type, e.getClass(), "exact exception type");
        assertEquals(message, e.getMessage());
        assertFixRules(e);
        return e;
    }

    /** Every error ends with a Fix: clause and never suggests a CPU/software fallback. */
    static void assertFixRules(Throwable e) {
        String m = e.getMessage();
        assertTrue(m != null && m.contains(". Fix: ") && !m.endsWith("Fix: "), "Fix: suffix missing in: " + m);
        String lower = m.toLowerCase(Locale.ROOT);
        assertFalse(lower.contains("cpu") || lower.contains("fallback") || lower.contains("software"), m);
    }

    static String queueFull(String fix) {
        return "io_uring submission queue at capacity. Fix: " + fix;
    }
}
