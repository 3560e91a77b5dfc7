package dev.vyre.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;
import java.util.function.Supplier;

/** Assertions shared by the fuzz targets. */
final class Checks {

    private static final ValueLayout.OfInt WORD = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Checks() {
    }

    /** Asserts the house rule for an error message: it contains {@code "Fix: "} exactly once, with a remedy after it. */
    static void assertOneFix(Throwable e) {
        String m = e.getMessage();
        assertNotNull(m, () -> "message of " + e);
        int at = m.indexOf("Fix: ");
        assertTrue(at > 0, () -> "no 'Fix: ' in: " + m);
        assertEquals(-1, m.indexOf("Fix: ", at + 1), () -> "'Fix: ' more than once in: " + m);
        assertTrue(m.length() > at + 5 && !m.substring(at + 5).isBlank(), () -> "empty Fix in: " + m);
    }

    /**
     * Runs {@code call}; returns its value, or null when it threw one of {@code allowed} (exact classes) with a
     * proper Fix. Anything else fails the target.
     */
    static <T> T strict(String what, Supplier<T> call, List<Class<? extends Throwable>> allowed) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            if (!allowed.contains(e.getClass())) {
                fail(what + " threw undocumented " + e, e);
            }
            assertOneFix(e);
            return null;
        }
    }

    /** @return a 64-byte aligned native copy of {@code bytes} in {@code arena} */
    static MemorySegment nativeCopy(Arena arena, byte[] bytes) {
        MemorySegment s = arena.allocate(Math.max(1, bytes.length), 64).asSlice(0, bytes.length);
        MemorySegment.copy(bytes, 0, s, ValueLayout.JAVA_BYTE, 0, bytes.length);
        return s;
    }

    /** @return little-endian word {@code i} of {@code b} */
    static int word(byte[] b, long i) {
        return MemorySegment.ofArray(b).get(WORD, 4 * i);
    }

    /** @return little-endian word {@code i} of {@code s} */
    static int word(MemorySegment s, long i) {
        return s.get(WORD, 4 * i);
    }

    static void setWord(MemorySegment s, long i, int v) {
        s.set(WORD, 4 * i, v);
    }

    /** @return a copy of the segment's bytes */
    static byte[] bytes(MemorySegment s) {
        return s.toArray(ValueLayout.JAVA_BYTE);
    }
}
