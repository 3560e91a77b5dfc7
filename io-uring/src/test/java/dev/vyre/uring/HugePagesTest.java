package dev.vyre.uring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Huge-page backing of the reader's buffer: the aligned interior, registered pieces that never
 * mix page sizes, contents kept byte-exactly, and reads that cross piece boundaries landing
 * every byte without counting as short reads.
 */
class HugePagesTest {

    private static final long MIB = 1L << 20;
    private static final long TWO_MIB = 2 * MIB;

    @TempDir
    Path dir;

    @BeforeAll
    static void ioUringAvailable() {
        UringSupport.assumeAvailable();
    }

    @Test
    void alignedInteriorCoversOnlyWholeHugePages() {
        assertEquals(0, HugePages.alignedStart(0));
        assertEquals(TWO_MIB, HugePages.alignedStart(1));
        assertEquals(TWO_MIB, HugePages.alignedStart(TWO_MIB));
        assertEquals(2 * TWO_MIB, HugePages.alignedStart(TWO_MIB + 4096));
        assertEquals(4 * MIB, HugePages.alignedBytes(0, 4 * MIB));
        assertEquals(2 * MIB, HugePages.alignedBytes(4096, 4 * MIB)); // [2 MiB, 4 MiB)
        assertEquals(0, HugePages.alignedBytes(4096, TWO_MIB)); // ends before the next boundary + 2 MiB
        assertEquals(0, HugePages.alignedBytes(TWO_MIB, TWO_MIB - 1));
        assertEquals(TWO_MIB, HugePages.alignedBytes(TWO_MIB, TWO_MIB));
        assertEquals(0, HugePages.alignedBytes(4096, 0));
    }

    @Test
    void registeredPiecesSeparateTheHugeInteriorAndStayWithinOneGib() {
        long gib = UringFileReader.REGISTERED_PIECE;
        // no huge pages: 1 GiB pieces
        assertArrayEquals(new long[] {0, 5 * MIB}, UringFileReader.pieceStarts(4096, 5 * MIB, 0));
        assertArrayEquals(new long[] {0, gib, 2 * gib, 2 * gib + 5}, UringFileReader.pieceStarts(4096, 2 * gib + 5, 0));
        // base 4 KiB past a boundary, 6 MiB: head [0, 2 MiB - 4 KiB), interior 4 MiB, tail 4 KiB
        long base = 10 * TWO_MIB + 4096;
        long head = TWO_MIB - 4096;
        assertArrayEquals(new long[] {0, head, head + 4 * MIB, 6 * MIB},
                UringFileReader.pieceStarts(base, 6 * MIB, HugePages.alignedBytes(base, 6 * MIB)));
        // aligned base and size: one piece, no empty head or tail
        assertArrayEquals(new long[] {0, 8 * MIB}, UringFileReader.pieceStarts(16 * TWO_MIB, 8 * MIB, 8 * MIB));
        // a huge interior over 1 GiB is split at 1 GiB, the head and tail keep their own pieces
        long big = 2 * gib + TWO_MIB;
        long interior = HugePages.alignedBytes(base, big);
        assertEquals(2 * gib, interior);
        assertArrayEquals(new long[] {0, head, head + gib, head + 2 * gib, big},
                UringFileReader.pieceStarts(base, big, interior));
    }

    @Test
    void backingKeepsEveryByteAndMakesTheInteriorHuge() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment raw = arena.allocate(8 * MIB + TWO_MIB, TWO_MIB);
            MemorySegment buf = raw.asSlice(4096, 8 * MIB); // starts 4 KiB past a boundary
            byte[] pattern = new byte[(int) buf.byteSize()];
            new Random(7).nextBytes(pattern);
            MemorySegment.copy(pattern, 0, buf, ValueLayout.JAVA_BYTE, 0, pattern.length);

            int errno = HugePages.back(buf.address(), buf.byteSize());

            assertArrayEquals(pattern, buf.toArray(ValueLayout.JAVA_BYTE), "contents after madvise");
            Assumptions.assumeTrue(errno == 0, "this kernel refused transparent huge pages: " + Errno.name(errno));
            long start = HugePages.alignedStart(buf.address());
            long bytes = HugePages.alignedBytes(buf.address(), buf.byteSize());
            assertEquals(3 * TWO_MIB, bytes);
            assertEquals(bytes >> 10, anonHugeKib(start), "AnonHugePages of the VMA at the aligned start");
        }
    }

    @Test
    void readsAcrossPieceBoundariesLandEveryByteWithoutShortReads() throws Exception {
        int size = 7 * (int) MIB;
        byte[] content = new byte[size];
        new Random(11).nextBytes(content);
        Path file = dir.resolve("pieces.bin");
        Files.write(file, content);
        for (boolean huge : List.of(true, false)) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment buf = arena.allocate(size + TWO_MIB, TWO_MIB).asSlice(4096, size);
                int fd = NativeFiles.openRead(file, false);
                try (UringFileReader reader = new UringFileReader(buf, 4, true, huge)) {
                    Assumptions.assumeTrue(reader.fixedBuffers(), "registration refused: " + reader.registrationErrno());
                    long hugeBytes = reader.hugePageBytes();
                    if (huge) {
                        Assumptions.assumeTrue(reader.hugePageErrno() == 0,
                                "no transparent huge pages here: " + Errno.name(reader.hugePageErrno()));
                        assertEquals(2 * TWO_MIB, hugeBytes); // [2 MiB - 4 KiB, 6 MiB - 4 KiB) of the buffer
                    } else {
                        assertEquals(0, hugeBytes);
                        assertEquals(0, reader.hugePageErrno());
                    }
                    long[] landed = new long[7];
                    int[] errors = {0};
                    UringFileReader.Completion sink = (token, bytes, err) -> {
                        landed[(int) token] = bytes;
                        errors[0] |= err;
                    };
                    for (int i = 0; i < 7; i++) {
                        long at = i * MIB;
                        while (!reader.submitRead(fd, at, at, MIB, MIB, i)) {
                            reader.reap(sink, 1_000_000L);
                        }
                    }
                    while (reader.inFlight() > 0) {
                        reader.reap(sink, 1_000_000L);
                    }
                    assertEquals(0, errors[0]);
                    for (int i = 0; i < 7; i++) {
                        assertEquals(MIB, landed[i], "read " + i);
                    }
                    assertArrayEquals(content, buf.toArray(ValueLayout.JAVA_BYTE), "buffer vs file, huge=" + huge);
                    assertEquals(0, reader.shortReads(), "a read split at a piece boundary is not a short read");
                    // huge: pieces [0, 2 MiB-4 KiB), [.., 8 MiB-4 KiB) -> reads 1 and 5 cross a boundary
                    assertEquals(huge ? 9 : 7, reader.submissions(), "SQEs");
                } finally {
                    NativeFiles.close(fd);
                }
            }
        }
    }

    /** @return the AnonHugePages (KiB) of the mapping that starts at {@code address} in /proc/self/smaps */
    private static long anonHugeKib(long address) throws Exception {
        List<String> lines = Files.readAllLines(Path.of("/proc/self/smaps"));
        String head = Long.toHexString(address) + "-";
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(head)) {
                for (int j = i + 1; j < lines.size() && !lines.get(j).matches("^[0-9a-f]+-[0-9a-f]+ .*"); j++) {
                    if (lines.get(j).startsWith("AnonHugePages:")) {
                        return Long.parseLong(lines.get(j).replaceAll("\\D", ""));
                    }
                }
            }
        }
        throw new AssertionError("no mapping starts at 0x" + Long.toHexString(address) + " in /proc/self/smaps");
    }
}
