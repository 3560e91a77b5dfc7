package dev.vyre.spi.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MemoryLruTest {

    static CacheKey key(int i) {
        return new CacheKey(CacheKey.sha256("source " + i), "test", "device", "compiler 1");
    }

    @Test
    void theEntryBudgetEvictsTheLeastRecentlyUsed() {
        MemoryLru lru = new MemoryLru(2, 1 << 20);
        assertTrue(lru.put(key(1), new byte[10]));
        assertTrue(lru.put(key(2), new byte[20]));
        lru.get(key(1)); // 2 is now the least recently used
        assertTrue(lru.put(key(3), new byte[30]));
        assertTrue(lru.contains(key(1)));
        assertFalse(lru.contains(key(2)));
        assertTrue(lru.contains(key(3)));
        assertEquals(2, lru.entries());
        assertEquals(40, lru.bytes());
        assertEquals(1, lru.evictions());
    }

    @Test
    void theByteBudgetEvictsUntilTheNewEntryFits() {
        MemoryLru lru = new MemoryLru(100, 100);
        lru.put(key(1), new byte[40]);
        lru.put(key(2), new byte[40]);
        lru.put(key(3), new byte[40]); // 120 > 100: key 1 goes
        assertFalse(lru.contains(key(1)));
        assertEquals(80, lru.bytes());
        lru.put(key(4), new byte[100]); // fills the budget alone
        assertEquals(1, lru.entries());
        assertEquals(100, lru.bytes());
        assertTrue(lru.contains(key(4)));
        assertEquals(3, lru.evictions());
    }

    @Test
    void anArtifactOverTheByteBudgetIsNotKeptAndReplacesNothing() {
        MemoryLru lru = new MemoryLru(10, 100);
        byte[] small = {1, 2, 3};
        lru.put(key(1), small);
        assertFalse(lru.put(key(1), new byte[101]));
        assertArrayEquals(small, lru.get(key(1)));
        assertEquals(3, lru.bytes());
    }

    @Test
    void replacingAnEntryAccountsItsBytesOnce() {
        MemoryLru lru = new MemoryLru(10, 100);
        lru.put(key(1), new byte[60]);
        lru.put(key(1), new byte[30]);
        assertEquals(1, lru.entries());
        assertEquals(30, lru.bytes());
        assertEquals(0, lru.evictions());
    }

    @Test
    void aZeroBudgetKeepsNothing() {
        MemoryLru lru = new MemoryLru(0, 100);
        assertFalse(lru.put(key(1), new byte[1]));
        assertNull(lru.get(key(1)));
        MemoryLru noBytes = new MemoryLru(10, 0);
        assertFalse(noBytes.put(key(1), new byte[1]));
        assertEquals(0, noBytes.entries());
    }
}
