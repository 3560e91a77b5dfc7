package dev.vyre.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link Words#copyAcquire} copies exactly the whole words, from native (8-aligned or not) and heap segments. */
class WordsCopyTest {

    @Test
    void copiesEveryWholeWordAndNothingElse() {
        SplittableRandom random = new SplittableRandom(5);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment block = arena.allocate(4096 + 16, 64);
            for (int bytes : new int[] {0, 3, 4, 8, 12, 28, 1028, 4096}) {
                for (long shift : new long[] {0, 4}) { // 8-aligned, and 4-aligned only (word by word)
                    MemorySegment from = block.asSlice(shift, bytes);
                    byte[] source = new byte[bytes];
                    for (int i = 0; i < bytes; i++) {
                        source[i] = (byte) random.nextInt();
                    }
                    MemorySegment.copy(source, 0, from, ValueLayout.JAVA_BYTE, 0, bytes);
                    byte[] expected = new byte[bytes];
                    System.arraycopy(source, 0, expected, 0, bytes & ~3); // trailing bytes of a partial word stay 0
                    byte[] copy = new byte[bytes];
                    Words.copyAcquire(from, MemorySegment.ofArray(copy));
                    assertArrayEquals(expected, copy, bytes + " bytes at +" + shift);
                    byte[] fromHeap = new byte[bytes];
                    Words.copyAcquire(MemorySegment.ofArray(source), MemorySegment.ofArray(fromHeap));
                    assertArrayEquals(expected, fromHeap, bytes + " bytes from the heap");
                }
            }
        }
    }
}
