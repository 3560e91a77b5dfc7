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
}
