package dev.vyre.cli;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import java.util.stream.LongStream;

/**
 * The synthetic input of {@code vyre scan --resident}: lower-case letters and spaces with a pattern of
 * the set planted every {@value #PLANT_EVERY} bytes on average, so the automaton leaves its root often and
 * every pattern matches. The bytes depend only on the seed, the size and the patterns; blocks of
 * {@value #BLOCK} bytes are generated in parallel, each from its own seed.
 */
final class ScanText {

    static final int BLOCK = 1 << 20;
    static final int PLANT_EVERY = 4096;
    private static final byte[] LETTERS = "abcdefghijklmnopqrstuvwxyz ".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private ScanText() {
    }

    /** Fills {@code data[0, size)}. */
    static void fill(MemorySegment data, long size, ScanPatterns patterns, long seed) {
        long blocks = (size + BLOCK - 1) / BLOCK;
        LongStream.range(0, blocks).parallel().forEach(k -> {
            int n = (int) Math.min(BLOCK, size - k * BLOCK);
            byte[] block = new byte[n];
            SplittableRandom rnd = new SplittableRandom(seed * 0x9E37_79B9_7F4A_7C15L + k);
            for (int i = 0; i < n; i += 8) {
                long r = rnd.nextLong();
                for (int j = 0; j < 8 && i + j < n; j++) {
                    block[i + j] = LETTERS[(int) (((r >>> (8 * j)) & 0xFF) * LETTERS.length >>> 8)];
                }
            }
            for (int planted = 0; planted < n / PLANT_EVERY; planted++) {
                byte[] p = patterns.get(rnd.nextInt(patterns.size()));
                if (p.length <= n) {
                    System.arraycopy(p, 0, block, rnd.nextInt(n - p.length + 1), p.length);
                }
            }
            MemorySegment.copy(block, 0, data, ValueLayout.JAVA_BYTE, k * BLOCK, n);
        });
    }
}
