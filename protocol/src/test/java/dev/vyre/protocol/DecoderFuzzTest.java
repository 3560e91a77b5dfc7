package dev.vyre.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Randomised decoder properties: on random, truncated and misaligned inputs every strict decoder
 * returns or throws only its documented exception types (with a Fix: clause), every lenient
 * decoder never throws and agrees with the strict one, and encode/decode round-trips. The seed is
 * {@code -Dvyre.seed} or {@code System.nanoTime()} and appears in every failure message.
 */
class DecoderFuzzTest {

    static final long SEED = Long.getLong("vyre.seed", System.nanoTime());
    private static final int RUNS = 100_000;
    private static final int[] INTERESTING = {0, 1, 2, 3, 4, 5, 7, 8, 16, 255, 256, 257, 260, 0x7FFFFFFF,
        0x80000000, 0xFFFFFFFF, 0xFFFFFFFC, 0xFFFD, 1_000_000};
    private static final int[] LENGTHS = {0, 1, 3, 4, 5, 7, 8, 9, 20, 23, 24, 60, 63, 64, 65, 128, 256, 257, 384,
        388, 404, 407, 508, 512, 513, 516, 517, 636, 640, 641, 644, 648, 649, 1024, 1027, 1028, 1029, 1032};

    private final SplittableRandom rnd = new SplittableRandom(SEED);

    private String ctx(int run, MemorySegment b) {
        return "seed=" + SEED + " run=" + run + " len=" + b.byteSize() + " (rerun with -Dvyre.seed=" + SEED + ")";
    }

    /** A random buffer: random or boundary length, random or structured words, sometimes an unaligned slice. */
    private MemorySegment input() {
        int len = rnd.nextInt(4) == 0 ? rnd.nextInt(1200) : LENGTHS[rnd.nextInt(LENGTHS.length)];
        int shift = rnd.nextInt(3) == 0 ? 1 + rnd.nextInt(3) : 0;
        byte[] raw = new byte[len + shift];
        switch (rnd.nextInt(3)) {
            case 0 -> rnd.nextBytes(raw);
            case 1 -> {
                for (int i = 0; i + 4 <= raw.length; i += 4) {
                    if (rnd.nextInt(8) == 0) {
                        Bytes.setWord(raw, i / 4, INTERESTING[rnd.nextInt(INTERESTING.length)]);
                    }
                }
            }
            default -> {
                if (raw.length >= 4) {
                    Bytes.setWord(raw, 0, rnd.nextBoolean() ? 4 * rnd.nextInt(70) : INTERESTING[rnd.nextInt(INTERESTING.length)]);
                }
            }
        }
        MemorySegment s = MemorySegment.ofArray(raw);
        return shift == 0 ? s : s.asSlice(shift);
    }

    private int index() {
        return rnd.nextInt(4) == 0 ? INTERESTING[rnd.nextInt(INTERESTING.length)] : rnd.nextInt(400);
    }

    /** Runs a strict call; returns its value or null when it threw an allowed type. */
    private <T> T strict(String what, int run, MemorySegment b, Supplier<T> call, List<Class<?>> allowed) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            if (!allowed.contains(e.getClass())) {
                fail(what + " threw undocumented " + e + " " + ctx(run, b), e);
            }
            Bytes.assertFixRules(e);
            return null;
        }
    }

    private static final List<Class<?>> WORD_ERRORS = List.of(MisalignedByteLengthException.class, MissingWordException.class);
    private static final List<Class<?>> OBSERVABLE_ERRORS = List.of(MisalignedByteLengthException.class,
            MissingWordException.class, ByteLengthOverflowException.class);

    @Test
    void scalarControlDecoders() {
        for (int run = 0; run < RUNS; run++) {
            MemorySegment b = input();
            String c = ctx(run, b);
            Integer done = strict("tryReadDoneCount", run, b, () -> ControlCodec.tryReadDoneCount(b), WORD_ERRORS);
            assertEquals(done == null ? 0 : done, ControlCodec.readDoneCount(b), c);
            if (done != null) {
                assertTrue(b.byteSize() % 4 == 0 && b.byteSize() >= 8, c);
                assertEquals(Words.get(b, 1), done, c);
            }
            Integer epoch = strict("tryReadEpoch", run, b, () -> ControlCodec.tryReadEpoch(b), WORD_ERRORS);
            assertEquals(epoch == null ? 0 : epoch, ControlCodec.readEpoch(b), c);
            int k = index();
            Integer obs = strict("tryReadObservable", run, b, () -> ControlCodec.tryReadObservable(b, k), OBSERVABLE_ERRORS);
            assertEquals(obs == null ? 0 : obs, ControlCodec.readObservable(b, k), c);
            if (obs != null) {
                assertEquals(Words.get(b, 160 + Integer.toUnsignedLong(k)), obs, c);
            }
        }
    }

    @Test
    void metricsDecoders() {
        long[] out = new long[32];
        for (int run = 0; run < RUNS; run++) {
            MemorySegment b = input();
            String c = ctx(run, b);
            List<MetricCount> strictList = strict("tryReadMetrics", run, b, () -> MetricsCodec.tryReadMetrics(b), WORD_ERRORS);
            Integer strictInto = strict("tryReadMetricsInto", run, b, () -> MetricsCodec.tryReadMetricsInto(b, out), WORD_ERRORS);
            List<MetricCount> lenient = MetricsCodec.readMetrics(b);
            int n = MetricsCodec.readMetricsInto(b, out);
            assertEquals(lenient.size(), n, c);
            for (int i = 0; i < n; i++) {
                assertEquals(lenient.get(i).packed(), out[i], c);
                assertTrue(lenient.get(i).count() != 0, c);
            }
            if (strictList != null) {
                assertEquals(strictList, lenient, c);
                assertEquals(strictList.size(), (int) strictInto, c);
            }
        }
    }

    private static final List<Class<?>> DEBUG_ERRORS = WORD_ERRORS;

    @Test
    void debugLogDecoders() {
        int[] out = new int[4 * 300];
        for (int run = 0; run < RUNS; run++) {
            MemorySegment b = input();
            String c = ctx(run, b);
            List<DebugRecord> records = strict("tryReadDebugLog", run, b, () -> DebugLogCodec.tryReadDebugLog(b), DEBUG_ERRORS);
            Integer into = strict("tryReadDebugLogInto", run, b, () -> DebugLogCodec.tryReadDebugLogInto(b, out), DEBUG_ERRORS);
            DebugLogReadout readout = DebugLogCodec.readDebugLog(b);
            assertEquals(readout.droppedCount(), DebugLogCodec.droppedRecords(b), c);
            int n = DebugLogCodec.readDebugLogInto(b, out);
            assertEquals(readout.records().size(), n, c);
            if (records != null) {
                assertEquals(records, readout.records(), c);
                assertEquals(0, readout.droppedCount(), c);
                assertEquals(records.size(), (int) into, c);
            }
            if (b.byteSize() % 4 == 0 && b.byteSize() > 0) {
                long capacity = (b.byteSize() / 4 - 1) / 4;
                long reserved = Integer.toUnsignedLong(Words.get(b, 0)) / 4;
                assertEquals(Math.min(capacity, reserved), readout.records().size(), c);
                assertEquals(reserved - readout.records().size(), readout.droppedCount(), c);
            } else {
                assertEquals(0, readout.droppedCount(), c);
                assertTrue(readout.records().isEmpty(), c);
                assertEquals(0, n, c);
            }
        }
    }

    @Test
    void ringDecoders() {
        for (int run = 0; run < RUNS; run++) {
            MemorySegment b = input();
            String c = ctx(run, b);
            int n = rnd.nextInt(5) == 0 ? INTERESTING[rnd.nextInt(INTERESTING.length)] : rnd.nextInt(20);
            Long strictCount = strict("tryCountDoneRingSlots", run, b, () -> RingCodec.tryCountDoneRingSlots(b, n), WORD_ERRORS);
            OptionalLong lenient = RingCodec.countDoneRingSlots(b, n);
            if (strictCount != null && n != 0) {
                assertEquals(OptionalLong.of(strictCount), lenient, c);
            }
            if (lenient.isPresent()) {
                long expected = 0;
                for (int s = 0; s < n; s++) {
                    expected += Words.get(b, 16L * s) == SlotStatus.DONE ? 1 : 0;
                }
                assertEquals(expected, lenient.getAsLong(), c);
            }
            int slot = index();
            Optional<LoadMiss> miss = LoadMissCodec.decodeLoadMiss(b, slot);
            if (miss.isPresent()) {
                long base = 16 * Integer.toUnsignedLong(slot);
                assertEquals(Opcodes.LOAD_MISS, Words.get(b, base + 1), c);
                assertEquals(new LoadMiss(Words.get(b, base + 4), Words.get(b, base + 5) != 0), miss.get(), c);
            }
        }
    }

    @Test
    void encodeDecodeRoundTrips() {
        for (int run = 0; run < 20_000; run++) {
            String c = "seed=" + SEED + " run=" + run;
            boolean shutdown = rnd.nextBoolean();
            int tenants = rnd.nextInt(5) == 0 ? rnd.nextInt() : rnd.nextInt(70);
            int obs = rnd.nextInt(40);
            byte[] control = ControlCodec.encodeControl(shutdown, tenants, obs);
            assertArrayEquals(ControlCodecVectorsTest.referenceControl(shutdown, tenants, obs), control, c);
            assertEquals(0, ControlCodec.tryReadDoneCount(control), c);
            assertEquals(0, ControlCodec.tryReadEpoch(control), c);
            List<MetricCount> metrics = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                int v = rnd.nextInt(3) == 0 ? rnd.nextInt() : 0;
                Bytes.setWord(control, 96 + i, v);
                if (v != 0) {
                    metrics.add(new MetricCount(i, v));
                }
            }
            assertEquals(metrics, MetricsCodec.tryReadMetrics(control), c);
            for (int k = 0; k < obs; k++) {
                int v = rnd.nextInt();
                Bytes.setWord(control, 160 + k, v);
                assertEquals(v, ControlCodec.tryReadObservable(control, k), c);
            }

            int slots = 1 + rnd.nextInt(8);
            byte[] ring = RingCodec.encodeEmptyRing(slots);
            int s = rnd.nextInt(slots);
            int resource = rnd.nextInt();
            boolean prefetch = rnd.nextBoolean();
            LoadMissCodec.tryEncodeLoadMissInto(resource, prefetch, MemorySegment.ofArray(ring).asSlice(64L * s));
            assertEquals(Optional.of(new LoadMiss(resource, prefetch)), LoadMissCodec.decodeLoadMiss(ring, s), c);

            int capacity = rnd.nextInt(10);
            byte[] log = DebugLogCodec.encodeEmptyDebugLog(capacity);
            int count = capacity == 0 ? 0 : rnd.nextInt(capacity + 1);
            List<DebugRecord> expected = new ArrayList<>();
            for (int r = 0; r < count; r++) {
                DebugRecord rec = new DebugRecord(rnd.nextInt(), rnd.nextInt(), rnd.nextInt(), 16 * rnd.nextInt(1000));
                expected.add(rec);
                Bytes.setWord(log, 1 + 4 * r, rec.fmtId());
                for (int a = 0; a < 3; a++) {
                    Bytes.setWord(log, 2 + 4 * r + a, rec.arg(a));
                }
            }
            Bytes.setWord(log, 0, 4 * count);
            assertEquals(expected, DebugLogCodec.tryReadDebugLog(log), c);
            assertEquals(new DebugLogReadout(expected, 0), DebugLogCodec.readDebugLog(log), c);
        }
    }
}
