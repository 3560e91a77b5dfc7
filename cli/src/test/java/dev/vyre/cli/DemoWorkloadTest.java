package dev.vyre.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.api.Session;
import dev.vyre.api.SessionOptions;
import dev.vyre.api.Slots;
import dev.vyre.api.Vyre;
import dev.vyre.conformance.Wire;
import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.DebugLogLayout;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.SlotImages;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotStatus;
import dev.vyre.protocol.Words;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The demo's model, its images, and its stream on the reference backend, a correct one and a faulty one. */
class DemoWorkloadTest {

    private static int[] image(MemorySegment images, int s) {
        int[] w = new int[SlotLayout.SLOT_WORDS];
        for (int i = 0; i < w.length; i++) {
            w[i] = Words.get(images, (long) s * SlotLayout.SLOT_WORDS + i);
        }
        return w;
    }

    /** The 16 words slot {@code s} of wave {@code w} must hold, written with the conformance suite's encoders. */
    private static int[] expectedImage(DemoWorkload m, int s, int w, int casCurrent) {
        int acc = Slots.observable(m.accIndex(s));
        int k = DemoWorkload.increment(w, s);
        int[] add = {Opcodes.ATOMIC_ADD, k, acc, 0};
        return switch (DemoWorkload.kind(s)) {
            case DemoWorkload.ADD -> Wire.slotWords(SlotStatus.PUBLISHED, Opcodes.ATOMIC_ADD, 0, k, acc, 0);
            case DemoWorkload.PRINTF -> Wire.slotWords(SlotStatus.PUBLISHED, Opcodes.PRINTF, 0,
                    DemoWorkload.PRINTF_FMT, s, w);
            default -> {
                int[] op = switch (DemoWorkload.kind(s)) {
                    case DemoWorkload.STORE -> new int[] {Opcodes.STORE_U32, (w + 1) * 0x01000193 ^ s,
                            Slots.observable(m.auxIndex(s)), 0};
                    case DemoWorkload.CAS -> new int[] {Opcodes.COMPARE_SWAP, Slots.observable(m.casIndex(s)),
                            (w & 2) == 0 ? casCurrent : casCurrent + 1, (w + 1) ^ (s << 8)};
                    case DemoWorkload.LOAD -> new int[] {Opcodes.LOAD_U32, acc, m.auxIndex(s), 0};
                    default -> new int[] {Opcodes.BATCH_FENCE, 1, DemoWorkload.FENCE_TAG, 0};
                };
                yield Wire.slotWords(SlotStatus.PUBLISHED, Opcodes.PACKED_SLOT, 0, Wire.packedPayload(op, add));
            }
        };
    }

    @Test
    void everyImageIsTheProtocolsEncodingWaveAfterWaveAndPassesThePublishChecks() {
        int slots = 2 * DemoWorkload.KINDS + 1;
        DemoWorkload model = new DemoWorkload(slots);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment images = arena.allocate((long) slots * Slots.BYTES, 64);
            model.writeTemplates(images);
            int[] cas = new int[slots];
            for (int w = 0; w < 5; w++) {
                model.encodeRun(images, 0, slots, w);
                for (int s = 0; s < slots; s++) {
                    assertArrayEquals(expectedImage(model, s, w, cas[s]), image(images, s), "slot " + s + " wave " + w);
                    if (DemoWorkload.kind(s) == DemoWorkload.CAS && (w & 2) == 0) {
                        cas[s] = (w + 1) ^ (s << 8);
                    }
                }
                SlotImages.check(slots, 0, images, slots);
            }
            assertEquals(5L * slots, model.executed());
            for (int kind = 0; kind < DemoWorkload.KINDS; kind++) {
                assertTrue(model.executed(kind) >= 10, "kind " + kind + " occurs");
            }
            assertEquals(5L * slots - model.executed(DemoWorkload.PRINTF), model.metric(Opcodes.ATOMIC_ADD),
                    "every kind but PRINTF carries an ATOMIC_ADD");
        }
    }

    @Test
    void aSlotsIncrementIsOddAndNeverRepeatsFromWaveToWave() {
        for (int s : new int[] {0, 1, 4_095, 65_535}) {
            Set<Integer> seen = new HashSet<>();
            for (int w = 0; w < 200_000; w++) {
                int k = DemoWorkload.increment(w, s);
                assertEquals(1, k & 1);
                assertTrue(seen.add(k), "slot " + s + " repeats increment " + k + " in wave " + w);
            }
        }
    }

    @Test
    void observableWordsOfDifferentSlotsNeverOverlap() {
        DemoWorkload model = new DemoWorkload(1_000);
        Set<Integer> words = new HashSet<>();
        words.add(0); // the fence tag
        for (int s = 0; s < model.slots; s++) {
            assertTrue(words.add(model.accIndex(s)) && words.add(model.auxIndex(s)), "slot " + s);
            if (DemoWorkload.kind(s) == DemoWorkload.CAS) {
                assertTrue(words.add(model.casIndex(s)) && words.add(model.casIndex(s) + ControlLayout.OBSERVABLE_BASE),
                        "CAS slot " + s);
            }
        }
        assertTrue(words.stream().allMatch(k -> k >= 0 && k < model.observable), "inside the observable words");
    }

    @Test
    void theStreamVerifiesOnTheReferenceBackendAndAWrongWordIsCaught() {
        DemoWorkload model = new DemoWorkload(100);
        try (Vyre vyre = Vyre.open("reference");
             Session session = vyre.openSession(SessionOptions.builder().slotCount(100)
                     .observableSlots(model.observable).workers(1).build())) {
            LatencyHistogram latency = new LatencyHistogram();
            DemoStream stream = new DemoStream(session, model, 16, latency);
            assertEquals(7, stream.runs());
            long[] progress = new long[1];
            DemoStream.Result r = stream.run(300_000_000L, n -> progress[0] = n);
            assertNull(r.failure(), r.failure());
            assertEquals(model.executed(), r.slots());
            assertEquals(r.slots(), progress[0]);
            assertTrue(r.slots() >= 100 && r.waves() >= 1, r.toString());
            assertTrue(latency.count() > 0, "publish -> DONE latencies recorded");
            assertTrue(r.spotChecks() > 0, "runs were checked while streaming");

            byte[] control = session.controlSnapshot();
            byte[] before = new byte[control.length];
            assertNull(model.verifySlots(control, 0, 100));
            assertNull(model.verifyUnowned(control, 100));
            assertNull(model.verifyCounters(control, before));
            assertNull(model.verifyLog(session.debugLogSnapshot(), r.waves()));

            for (int s : new int[] {6, 13, 20, 27, 34, 41}) { // one slot of each kind
                int word = Slots.observable(model.accIndex(s));
                byte[] wrong = control.clone();
                Wire.setWord(wrong, word, Wire.word(control, word) + 1);
                String bad = model.verifySlots(wrong, 0, 100);
                assertNotNull(bad, "slot " + s);
                assertTrue(bad.startsWith("ring slot " + s + " (" + DemoWorkload.kindName(DemoWorkload.kind(s))
                        + "): ATOMIC_ADD total"), bad);
                assertNull(model.verifySlots(wrong, 0, s), "slots before " + s + " are still right");
            }
            byte[] wrongAux = control.clone();
            Wire.setWord(wrongAux, Slots.observable(model.auxIndex(7)), 12345);
            assertTrue(model.verifySlots(wrongAux, 0, 100).contains("STORE_U32 value"));
            byte[] wrongCas = control.clone();
            int prev = Slots.observable(model.casIndex(8) + ControlLayout.OBSERVABLE_BASE);
            Wire.setWord(wrongCas, prev, Wire.word(control, prev) ^ 1);
            assertTrue(model.verifySlots(wrongCas, 0, 100).contains("COMPARE_SWAP previous value"));
            byte[] stray = control.clone();
            Wire.setWord(stray, Slots.observable(model.casIndex(2) + 150), 1); // a CAS target no slot owns (17 CAS slots)
            assertNotNull(model.verifyUnowned(stray, 100));
            byte[] strayAux = control.clone();
            Wire.setWord(strayAux, Slots.observable(model.auxIndex(0)), 1); // ATOMIC_ADD slots leave aux alone
            assertTrue(model.verifySlots(strayAux, 0, 100).contains("unused word"));

            byte[] wrongCount = control.clone();
            Wire.setWord(wrongCount, ControlLayout.DONE_COUNT, Wire.word(control, ControlLayout.DONE_COUNT) - 1);
            assertTrue(model.verifyCounters(wrongCount, before).startsWith("DONE_COUNT"));
            byte[] wrongMetric = control.clone();
            int metric = ControlLayout.METRICS_BASE + Opcodes.LOAD_U32;
            Wire.setWord(wrongMetric, metric, Wire.word(control, metric) + 1);
            assertTrue(model.verifyCounters(wrongMetric, before).startsWith("metric of opcode 3"));
            byte[] log = session.debugLogSnapshot();
            Wire.setWord(log, DebugLogLayout.CURSOR_WORD, Wire.word(log, DebugLogLayout.CURSOR_WORD) + 4);
            assertTrue(model.verifyLog(log, r.waves()).startsWith("debug-log cursor"));
        }
    }

    @Test
    void theStreamStopsEarlyWhenAsked() {
        DemoWorkload model = new DemoWorkload(64);
        try (Vyre vyre = Vyre.open("reference");
             Session session = vyre.openSession(SessionOptions.builder().slotCount(64)
                     .observableSlots(model.observable).workers(1).build())) {
            DemoStream stream = new DemoStream(session, model, 8, new LatencyHistogram());
            DemoStream.Result r = stream.run(60_000_000_000L, n -> {
                if (n >= 1_000) {
                    stream.stop();
                }
            });
            assertNull(r.failure(), r.failure());
            assertTrue(r.stopped());
            assertTrue(r.slots() >= 1_000 && r.slots() < 1_100, r.toString());
            assertTrue(r.nanos() < 30_000_000_000L, "stopped long before the minute");
        }
    }

    /** A backend that drops or doubles one slot fails the demo, naming the slot. */
    @Test
    void aBackendThatDropsOrDoublesOneSlotIsCaught() {
        for (FaultyTestProvider.Fault fault : new FaultyTestProvider.Fault[] {FaultyTestProvider.Fault.DROP,
                FaultyTestProvider.Fault.DOUBLE}) {
            FaultyTestProvider.fault = fault;
            FaultyTestProvider.INJECTED.set(0);
            DemoWorkload model = new DemoWorkload(96);
            try (Vyre vyre = Vyre.open(FaultyTestProvider.NAME);
                 Session session = vyre.openSession(SessionOptions.builder().slotCount(96)
                         .observableSlots(model.observable).workers(1).build())) {
                DemoStream.Result r = new DemoStream(session, model, 12, new LatencyHistogram())
                        .run(200_000_000L, n -> { });
                assertEquals(1, FaultyTestProvider.INJECTED.get(), fault + " was injected once");
                assertNotNull(r.failure(), fault + " went unnoticed");
                assertTrue(r.failure().contains("ATOMIC_ADD total") || r.failure().contains("debug-log cursor")
                        || r.failure().startsWith("DONE_COUNT"), fault + ": " + r.failure());
            } finally {
                FaultyTestProvider.fault = FaultyTestProvider.Fault.NONE;
            }
        }
        FaultyTestProvider.INJECTED.set(0);
        DemoWorkload model = new DemoWorkload(96);
        try (Vyre vyre = Vyre.open(FaultyTestProvider.NAME);
             Session session = vyre.openSession(SessionOptions.builder().slotCount(96)
                     .observableSlots(model.observable).workers(1).build())) {
            DemoStream.Result r = new DemoStream(session, model, 12, new LatencyHistogram()).run(100_000_000L, n -> { });
            assertNull(r.failure(), "without a fault the same backend passes: " + r.failure());
            assertEquals(0, FaultyTestProvider.INJECTED.get());
        }
        assertFalse(FaultyTestProvider.fault != FaultyTestProvider.Fault.NONE);
    }
}
