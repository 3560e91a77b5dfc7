package dev.vyre.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TenantIsolationTest {

    @Test
    void anEqualSplitGivesEachTenantItsShareAndTheRemainderToNobody() {
        int[] block = TenantIsolation.equalSplit(3).encode(10, 50);
        assertEquals(TenantIsolation.BLOCK_WORDS, block.length);
        // q = 3 observable words each (160..162, 163..165, 166..168; 169 belongs to nobody), d = 16 data bytes each
        int[][] windows = {{160, 163, 0, 16}, {163, 166, 16, 32}, {166, 169, 32, 48}};
        for (int t = 0; t < TenantIsolation.TENANTS; t++) {
            int at = TenantIsolation.WINDOWS_BASE + t * TenantIsolation.WINDOW_WORDS;
            int[] expected = t < 3 ? windows[t] : new int[4];
            assertArrayEquals(expected, java.util.Arrays.copyOfRange(block, at, at + 4), "tenant " + t);
            assertEquals(0, block[TenantIsolation.VIOLATIONS_BASE + t], "counters start at 0");
        }
        assertEquals(0xFFFFFFFF, block[TenantIsolation.ADMIN_WORD]);
        assertEquals(2, TenantIsolation.equalSplit(3).withAdmin(2).encode(10, 50)[TenantIsolation.ADMIN_WORD]);
    }

    @Test
    void explicitWindowsAreEncodedAsAbsoluteControlWordsAndDataBytes() {
        int[] block = TenantIsolation.of(new TenantIsolation.Window(5, 4, 2, 8, 12)).encode(16, 64);
        int at = TenantIsolation.WINDOWS_BASE + 5 * TenantIsolation.WINDOW_WORDS;
        assertArrayEquals(new int[] {164, 166, 8, 20}, java.util.Arrays.copyOfRange(block, at, at + 4));
        int other = TenantIsolation.WINDOWS_BASE;
        assertArrayEquals(new int[4], java.util.Arrays.copyOfRange(block, other, other + 4), "no window: nothing");
    }

    @Test
    void windowsOutsideTheBuffersAndBadTenantsAreRefusedWithAFix() {
        VyreArgumentException e = assertThrows(VyreArgumentException.class,
                () -> TenantIsolation.of(new TenantIsolation.Window(0, 10, 7, 0, 0)).encode(16, 0));
        assertTrue(e.getMessage().contains("Fix: "), e.getMessage());
        assertThrows(VyreArgumentException.class,
                () -> TenantIsolation.of(new TenantIsolation.Window(0, 0, 1, 60, 8)).encode(16, 64));
        assertThrows(VyreArgumentException.class, () -> new TenantIsolation.Window(32, 0, 1, 0, 0));
        assertThrows(VyreArgumentException.class, () -> TenantIsolation.equalSplit(0));
        assertThrows(VyreArgumentException.class, () -> TenantIsolation.equalSplit(33));
        assertThrows(VyreArgumentException.class, () -> TenantIsolation.equalSplit(2).withAdmin(-1));
        assertThrows(VyreArgumentException.class, () -> TenantIsolation.of(new TenantIsolation.Window(1, 0, 1, 0, 0),
                new TenantIsolation.Window(1, 1, 1, 0, 0)));
        assertThrows(VyreArgumentException.class, () -> TenantIsolation.equalSplit(2).encode(16, 1L << 32));
    }
}
