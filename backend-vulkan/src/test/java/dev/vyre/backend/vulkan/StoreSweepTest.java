package dev.vyre.backend.vulkan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

class StoreSweepTest {

    @Test
    void everyPageOfOrdinaryMemoryKeepsTheStoreAndGetsItsOldValueBack() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = arena.allocate(3 * StoreSweep.PAGE_BYTES + 100, 8);
            for (long i = 0; i < m.byteSize() / 4; i++) {
                m.setAtIndex(ValueLayout.JAVA_INT, i, (int) i * 7);
            }
            assertEquals("ring: 4 of 4 pages kept a host store", StoreSweep.sweep(m, "ring"));
            for (long i = 0; i < m.byteSize() / 4; i++) {
                assertEquals((int) i * 7, m.getAtIndex(ValueLayout.JAVA_INT, i), "word " + i);
            }
        }
    }
}
