package dev.vyre.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.api.BackendInfo;
import dev.vyre.api.DispatchRequest;
import dev.vyre.api.DispatchResult;
import dev.vyre.api.Vyre;
import dev.vyre.conformance.Wire;
import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.CustomOpcodes;
import dev.vyre.protocol.SlotStatus;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The scan opcode itself, run as one dispatch on the reference backend (the Java evaluator) and on Vulkan
 * (GLSL; lavapipe in CI, skipped where no Vulkan device is found): counts equal the naive search, chunks
 * overlap in place and own matches by end offset, a pattern straddles every chunk boundary, matches are
 * logged with their positions, refused chunks change nothing but their result word, and both backends
 * leave byte-identical control buffers.
 */
class ScanOpcodeTest {

    private static final ValueLayout.OfInt WORD = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final byte[] LETTERS = "abcdefghijklmnopqrstuvwxyz ".getBytes(StandardCharsets.US_ASCII);

    static Stream<String> backends() {
        return Stream.of("reference", "vulkan");
    }

    static Vyre open(String name) {
        for (BackendInfo b : Vyre.backends()) {
            if (b.name().equals(name)) {
                Assumptions.assumeTrue(b.available(), () -> name + " cannot run here: " + b.reason());
                return Vyre.open(name);
            }
        }
        Assumptions.abort(name + " is not on the class path");
        return null;
    }

    /** One dispatch of the scan over {@code text}, chunked in place; what the device left. */
    record Pass(ScanTable table, ScanResident.Chunks chunks, byte[] control, byte[] ring) {
        int word(long index) {
            return MemorySegment.ofArray(control).get(WORD, 4 * index);
        }

        long[] counts() {
            return table.automaton().patternCounts(table.hits(control));
        }

        /** @return the matches the log holds, as {@code "start:pattern"}, sorted */
        List<String> logged() {
            List<long[]> found = new ArrayList<>();
            for (int i = 0; i < chunks.count(); i++) {
                long first = (long) i * chunks.chunk();
                long origin = first - Math.min(chunks.carry(), first);
                int n = word(ControlLayout.OBSERVABLE_BASE + i);
                for (int k = 0; k < n; k++) {
                    long at = ControlLayout.OBSERVABLE_BASE + table.logs() + (long) i * table.logWords() + 2L * k;
                    table.automaton().matchesAt(word(at + 1), origin + word(at),
                            (start, p) -> found.add(new long[] {start, p}));
                }
            }
            found.sort((x, y) -> x[0] != y[0] ? Long.compare(x[0], y[0]) : Long.compare(x[1], y[1]));
            List<String> out = new ArrayList<>();
            for (long[] m : found) {
                out.add(m[0] + ":" + m[1]);
            }
            return out;
        }
    }

    /**
     * @param extra slots appended after the chunk slots (each its own result word after the chunks')
     */
    static Pass dispatch(Vyre vyre, ScanPatterns patterns, byte[] text, int chunk, boolean log, int[]... extra)
            throws Exception {
        ScanAutomaton a = ScanAutomaton.build(patterns);
        ScanResident.Chunks c = ScanResident.Chunks.of(text.length, chunk, a.longest);
        ScanTable table = new ScanTable(a, c.count() + extra.length, log ? 2 * chunk : 0, c.maxLength());
        long tableAt = (text.length + 3) & ~3L;
        byte[] data = new byte[Math.toIntExact(tableAt + table.bytes() + 4)];
        System.arraycopy(text, 0, data, 0, text.length);
        table.write(MemorySegment.ofArray(data), tableAt);
        byte[] control = Wire.control(false, 1, Math.toIntExact(table.observableWords()));
        byte[] ring = Wire.ring(c.count() + extra.length);
        MemorySegment images = ScanResident.images(java.lang.foreign.Arena.ofAuto(), c);
        for (int i = 0; i < c.count(); i++) {
            int[] args = new int[6];
            for (int k = 0; k < 6; k++) {
                args[k] = images.get(WORD, 64L * i + 16 + 4L * k);
            }
            Wire.publish(ring, i, 0, ScanProgram.OPCODE, args);
        }
        for (int i = 0; i < extra.length; i++) {
            Wire.publish(ring, c.count() + i, 0, ScanProgram.OPCODE, extra[i]);
        }
        DispatchResult r = vyre.dispatch(new DispatchRequest(control, ring, Wire.debugLog(), Wire.ioQueue(), data,
                CustomOpcodes.of(ScanProgram.opcode()), Duration.ofSeconds(5)));
        for (int i = 0; i < c.count() + extra.length; i++) {
            assertEquals(SlotStatus.DONE, MemorySegment.ofArray(r.ring()).get(WORD, 64L * i), "slot " + i);
        }
        return new Pass(table, c, r.control(), r.ring());
    }

    @ParameterizedTest
    @MethodSource("backends")
    void countsEqualTheNaiveSearch(String backend) throws Exception {
        try (Vyre vyre = open(backend)) {
            Random rnd = new Random(11);
            ScanPatterns p = ScanAutomatonTest.patterns("he", "she", "his", "hers", "aa", "a", "abab", "zzzzzzzzzzzz");
            List<byte[]> list = NaiveSearch.list(p);
            byte[] text = NaiveSearch.planted(rnd, 30_001, "abehirsz ".getBytes(StandardCharsets.US_ASCII), list, 40);
            Pass pass = dispatch(vyre, p, text, 4096, false);
            long[] expected = NaiveSearch.counts(text, list);
            assertArrayEquals(expected, pass.counts(), backend);
            assertTrue(expected[4] > 100 && expected[5] > 1000, "overlapping single-letter runs occur");
            long entries = 0;
            for (int i = 0; i < pass.chunks().count(); i++) {
                entries += pass.word(ControlLayout.OBSERVABLE_BASE + i);
            }
            assertEquals(ScanReport.sum(pass.table().hits(pass.control())), entries, "result words vs counters");
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aPatternStraddlesEveryChunkBoundary(String backend) throws Exception {
        try (Vyre vyre = open(backend)) {
            ScanPatterns p = ScanAutomatonTest.patterns("0123456789abcdef", "89ab", "x");
            int chunk = 1024;
            byte[] text = new byte[41 * chunk + 3];
            Arrays.fill(text, (byte) '.');
            byte[] straddler = p.get(0);
            for (int k = 1; k * chunk + 8 <= text.length; k++) {
                System.arraycopy(straddler, 0, text, k * chunk - 8, straddler.length); // 8 bytes on each side
            }
            text[text.length - 1] = 'x';
            Pass pass = dispatch(vyre, p, text, chunk, true);
            List<byte[]> list = NaiveSearch.list(p);
            long[] expected = NaiveSearch.counts(text, list);
            assertEquals(40, expected[0]);
            assertArrayEquals(expected, pass.counts(), backend);
            assertEquals(NaiveSearch.matches(text, list), pass.logged(), backend + ": logged offsets");
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aThousandPatternsWithOffsets(String backend) throws Exception {
        try (Vyre vyre = open(backend)) {
            ScanPatterns p = ScanPatterns.random(1000, 17);
            List<byte[]> list = NaiveSearch.list(p);
            byte[] text = NaiveSearch.planted(new Random(3), 20_000, LETTERS, list, 64);
            Pass pass = dispatch(vyre, p, text, 2048, true);
            long[] expected = NaiveSearch.counts(text, list);
            assertTrue(ScanReport.sum(expected) >= 200, "planted patterns are found");
            assertArrayEquals(expected, pass.counts(), backend);
            assertEquals(NaiveSearch.matches(text, list), pass.logged(), backend + ": logged offsets");
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void refusedChunksChangeOnlyTheirResultWord(String backend) throws Exception {
        try (Vyre vyre = open(backend)) {
            ScanPatterns p = ScanAutomatonTest.patterns("ab");
            byte[] text = "abababab".repeat(16).getBytes(StandardCharsets.US_ASCII);
            int k = 1; // result words after the one chunk
            Pass pass = dispatch(vyre, p, text, 128, false,
                    new int[] {1, 8, k, 0, 0, 0},                             // a0 not a multiple of 4
                    new int[] {0, ScanProgram.MAX_SLOT_BYTES + 4, k + 1, 0, 0, 0}, // longer than a slot may walk
                    new int[] {0, 136, k + 2, 0, 0, 0},                       // longer than the table's 4 + 128
                    new int[] {0x7FFF_FFFC, 8, k + 3, 0, 0, 0});              // outside the data buffer
            assertEquals(64, pass.word(ControlLayout.OBSERVABLE_BASE));
            for (int i = 1; i <= 4; i++) {
                assertEquals(ScanProgram.REFUSED, pass.word(ControlLayout.OBSERVABLE_BASE + i), backend + " slot " + i);
            }
            assertArrayEquals(new long[] {64}, pass.counts(), "refused slots count nothing");
        }
    }

    @Test
    void referenceAndVulkanLeaveTheSameControlBuffer() throws Exception {
        ScanPatterns p = ScanPatterns.random(200, 5);
        byte[] text = NaiveSearch.planted(new Random(8), 12_345, LETTERS, NaiveSearch.list(p), 50);
        byte[] reference;
        try (Vyre vyre = open("reference")) {
            reference = dispatch(vyre, p, text, 1024, true).control();
        }
        try (Vyre vyre = open("vulkan")) {
            assertArrayEquals(reference, dispatch(vyre, p, text, 1024, true).control());
        }
    }
}
