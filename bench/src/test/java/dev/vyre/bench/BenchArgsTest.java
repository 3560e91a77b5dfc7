package dev.vyre.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchArgsTest {

    private static final List<String> KNOWN = List.of("help", "seconds", "backend");

    @Test
    void pairsFlagsAndEqualsFormsAreRead() {
        Map<String, String> a = BenchArgs.options(new String[] {"--seconds", "2", "--help", "--backend=cuda"}, KNOWN,
                List.of("help"));
        assertEquals(Map.of("seconds", "2", "help", "", "backend", "cuda"), a);
    }

    @Test
    void anUnknownOptionIsRefusedWithTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BenchArgs.options(new String[] {"--bogus", "1"}, KNOWN, List.of("help")));
        assertEquals("unknown option --bogus. Fix: use one of --help, --seconds, --backend", e.getMessage());
    }

    @Test
    void aMissingValueAndAStrayArgumentAreRefused() {
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> BenchArgs.options(new String[] {"--seconds"}, KNOWN, List.of())).getMessage()
                .endsWith("Fix: pass --seconds VALUE"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> BenchArgs.options(new String[] {"seconds"}, KNOWN, List.of())).getMessage()
                .contains("unexpected argument 'seconds'. Fix:"));
    }

    @Test
    void numbersOutsideTheirRangeNameTheOption() {
        assertEquals(2.5, BenchArgs.decimal("--seconds", "2.5", 0.001, 10));
        assertEquals("--seconds 'x' is not a number in 0.001..10.0. Fix: pass one in that range",
                assertThrows(IllegalArgumentException.class, () -> BenchArgs.decimal("--seconds", "x", 0.001, 10))
                        .getMessage());
        assertThrows(IllegalArgumentException.class, () -> BenchArgs.decimal("--seconds", "0", 0.001, 10));
        assertEquals(1_000_000L, BenchArgs.number("--slots", "1_000_000", 1, 1 << 24));
    }

    @Test
    void sizesTakeKMGSuffixesInPowersOf1024AndRefuseTheRest() {
        assertEquals(128L << 20, BenchArgs.size("--noise", "128M"));
        assertEquals(256L << 10, BenchArgs.size("--noise", "256k"));
        assertEquals(3L << 30, BenchArgs.size("--noise", "3G"));
        assertEquals(4096L, BenchArgs.size("--noise", "4096"));
        for (String bad : List.of("", "M", "-1K", "1.5M", "2T", "0")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> BenchArgs.size("--noise", bad), bad);
            assertTrue(e.getMessage().startsWith("--noise '") && e.getMessage().contains("Fix: "), e.getMessage());
        }
    }

    @Test
    void memoryNoiseRefusesUnknownKindsAndSmallBuffersAndStopsWhenClosed() throws Exception {
        for (String bad : List.of("stream:1M", "spin:1M", "write", "write:64K", "cache:1M@0")) {
            assertThrows(IllegalArgumentException.class, () -> MemoryNoise.start(bad), bad);
        }
        try (MemoryNoise none = MemoryNoise.start("none")) {
            assertEquals("none", none.describe());
        }
        MemoryNoise write = MemoryNoise.start("write:1M");
        Thread.sleep(50);
        write.close();
        assertTrue(write.describe().matches("write:1048576 bytes at [0-9.]+ GB/s"), write.describe());
    }
}
