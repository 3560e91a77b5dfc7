package dev.vyre.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The suite's own encoders reproduce the golden bytes of the vectors file (sections C, E, K, M). */
class WireTest {

    @Test
    void controlMatchesSectionC() {
        byte[] c = Wire.control(true, 4, 8);
        assertEquals(672, c.length);
        for (int w = 0; w < 168; w++) {
            int expected = switch (w) {
                case 0 -> 1;
                case 2 -> 3;
                case 3, 4, 5, 6 -> 0xFFFFFFFF;
                case 32, 33, 34, 35 -> 1_000_000;
                default -> 0;
            };
            assertEquals(expected, Wire.word(c, w), "word " + w);
        }
        byte[] many = Wire.control(false, 0xFFFFFFFF, 0);
        assertEquals(0xFFFFFFFF, Wire.word(many, 31));
        assertEquals(1_000_000, Wire.word(many, 63));
        assertEquals(0, Wire.word(many, 64));
    }

    @Test
    void loadMissMatchesSectionE() {
        assertArrayEquals(new int[] {1, 0xFFFD, 0, 0, 42, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, Wire.loadMiss(42, true));
    }

    @Test
    void publishMatchesSectionK() {
        byte[] ring = Wire.ring(4);
        Wire.publish(ring, 1, 42, 1, 100, 200);
        assertArrayEquals(new int[] {1, 1, 42, 2, 100, 200, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, Wire.slot(ring, 1));
        assertArrayEquals(new int[16], Wire.slot(ring, 0));
    }

    @Test
    void packedPayloadsMatchSectionM() {
        assertArrayEquals(new int[] {0x00010302, 0x00000202, 10, 20, 30, 0, 0, 0, 0, 0, 0, 0},
                Wire.packedPayload(new int[] {1, 10, 20}, new int[] {2, 30}));
        assertArrayEquals(new int[] {0x00010a03, 0x07030302, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10},
                Wire.packedPayload(new int[] {1, 1, 2, 3}, new int[] {2, 4, 5, 6, 7}, new int[] {3, 8, 9, 10}));
        assertArrayEquals(new int[] {0x00010404, 0x02030102, 0x00000304, 0xA, 0xB, 0xC, 0xD, 0, 0, 0, 0, 0},
                Wire.packedPayload(new int[] {1, 0xA}, new int[] {2, 0xB}, new int[] {3, 0xC}, new int[] {4, 0xD}));
        assertArrayEquals(new int[] {0x00010707, 0x02030102, 0x04050304, 0x06070506, 0x11, 0x12, 0x13, 0x14, 0x15,
                0x16, 0x17, 0}, Wire.packedPayload(new int[] {1, 0x11}, new int[] {2, 0x12}, new int[] {3, 0x13},
                new int[] {4, 0x14}, new int[] {5, 0x15}, new int[] {6, 0x16}, new int[] {7, 0x17}));
        assertArrayEquals(new int[] {0x00090402, 0x0000030a, 1, 2, 3, 4, 0, 0, 0, 0, 0, 0},
                Wire.packedPayload(new int[] {9, 1, 2, 3}, new int[] {10, 4}));
        assertArrayEquals(new int[] {0x00010a02, 0x00000501, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
                Wire.packedPayload(new int[] {1, 0, 0, 0, 0, 0}, new int[] {1, 0, 0, 0, 0, 0}));
        int[][] nops = new int[23][];
        java.util.Arrays.setAll(nops, i -> new int[] {0});
        assertArrayEquals(new int[] {0x17, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, Wire.packedPayload(nops));
        assertArrayEquals(new int[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, Wire.packedPayload());
    }

    @Test
    void packedPayloadRefusesWhatTheHostEncoderRefuses() {
        assertThrows(IllegalArgumentException.class, () -> Wire.packedPayload(new int[] {1, 1, 2, 3}, new int[] {1, 1, 2, 3},
                new int[] {1, 1, 2, 3}, new int[] {1, 1, 2, 3}, new int[] {1, 1, 2, 3}));
        int[][] nops = new int[24][];
        java.util.Arrays.setAll(nops, i -> new int[] {0});
        assertThrows(IllegalArgumentException.class, () -> Wire.packedPayload(nops));
    }
}
