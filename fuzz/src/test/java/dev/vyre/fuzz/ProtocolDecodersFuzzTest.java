package dev.vyre.fuzz;

import static dev.vyre.fuzz.Checks.strict;
import static dev.vyre.fuzz.Checks.word;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vyre.protocol.BackendException;
import dev.vyre.protocol.ByteLengthOverflowException;
import dev.vyre.protocol.ControlCodec;
import dev.vyre.protocol.ControlSnapshot;
import dev.vyre.protocol.DebugLogCodec;
import dev.vyre.protocol.DebugLogReadout;
import dev.vyre.protocol.DebugRecord;
import dev.vyre.protocol.LoadMiss;
import dev.vyre.protocol.LoadMissCodec;
import dev.vyre.protocol.MetricCount;
import dev.vyre.protocol.MetricsCodec;
import dev.vyre.protocol.MisalignedByteLengthException;
import dev.vyre.protocol.MissingWordException;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.QueueFullException;
import dev.vyre.protocol.RingCodec;
import dev.vyre.protocol.RingSlotSnapshot;
import dev.vyre.protocol.RingTelemetry;
import dev.vyre.protocol.SlotStatus;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Jazzer targets over every protocol decoder: control words, metrics, the debug log, ring counts, LOAD_MISS slots,
 * control snapshots and ring telemetry. Each strict decoder may only return or throw its documented exception
 * (with one {@code Fix:}); each lenient decoder never throws and agrees with the strict one; decoded values equal
 * the words read independently. Inputs are decoded both as a heap segment and as an aligned native copy.
 */
class ProtocolDecodersFuzzTest {

    private static final List<Class<? extends Throwable>> WORD_ERRORS =
            List.of(MisalignedByteLengthException.class, MissingWordException.class);
    private static final List<Class<? extends Throwable>> OBSERVABLE_ERRORS =
            List.of(MisalignedByteLengthException.class, MissingWordException.class, ByteLengthOverflowException.class);
    private static final List<Class<? extends Throwable>> SNAPSHOT_ERRORS = List.of(BackendException.class);

    @FuzzTest(maxDuration = "10s")
    void controlDecoders(FuzzedDataProvider data) {
        int observable = data.consumeInt();
        byte[] bytes = data.consumeRemainingAsBytes();
        try (Arena arena = Arena.ofConfined()) {
            for (MemorySegment b : List.of(MemorySegment.ofArray(bytes), Checks.nativeCopy(arena, bytes))) {
                controlDecoders(b, observable);
            }
        }
    }

    private static void controlDecoders(MemorySegment b, int k) {
        long len = b.byteSize();
        boolean whole = len % 4 == 0;
        Integer done = strict("tryReadDoneCount", () -> ControlCodec.tryReadDoneCount(b), WORD_ERRORS);
        assertEquals(whole && len >= 8, done != null);
        assertEquals(done == null ? 0 : done, ControlCodec.readDoneCount(b));
        if (done != null) {
            assertEquals(word(b, 1), done);
        }
        Integer epoch = strict("tryReadEpoch", () -> ControlCodec.tryReadEpoch(b), WORD_ERRORS);
        assertEquals(whole && len >= 4 * 129, epoch != null);
        assertEquals(epoch == null ? 0 : epoch, ControlCodec.readEpoch(b));
        Integer obs = strict("tryReadObservable", () -> ControlCodec.tryReadObservable(b, k), OBSERVABLE_ERRORS);
        assertEquals(obs == null ? 0 : obs, ControlCodec.readObservable(b, k));
        if (obs != null) {
            assertEquals(word(b, 160 + Integer.toUnsignedLong(k)), obs);
        } else if (whole && 4 * (160 + Integer.toUnsignedLong(k)) + 4 <= len) {
            throw new AssertionError("tryReadObservable refused word " + (160 + Integer.toUnsignedLong(k))
                    + " of a " + len + "-byte buffer");
        }

        long[] out = new long[32];
        List<MetricCount> metrics = strict("tryReadMetrics", () -> MetricsCodec.tryReadMetrics(b), WORD_ERRORS);
        List<MetricCount> lenient = MetricsCodec.readMetrics(b);
        int n = MetricsCodec.readMetricsInto(b, out);
        assertEquals(lenient.size(), n);
        for (int i = 0; i < n; i++) {
            assertEquals(lenient.get(i).packed(), out[i]);
            MetricCount m = lenient.get(i);
            assertTrue(m.count() != 0);
            assertEquals(word(b, 96 + m.opcode()), m.count());
        }
        if (metrics != null) {
            assertEquals(metrics, lenient);
            assertEquals(whole && len >= 4 * 128, true);
        }

        int[] records = new int[4 * 256];
        List<DebugRecord> log = strict("tryReadDebugLog", () -> DebugLogCodec.tryReadDebugLog(b), WORD_ERRORS);
        DebugLogReadout readout = DebugLogCodec.readDebugLog(b);
        assertEquals(readout.droppedCount(), DebugLogCodec.droppedRecords(b));
        if (len < 4L * (1 + 4 * 256)) {
            int got = DebugLogCodec.readDebugLogInto(b, records);
            assertEquals(readout.records().size(), got);
        }
        if (whole && len > 0) {
            long capacity = (len / 4 - 1) / 4;
            long reserved = Integer.toUnsignedLong(word(b, 0)) / 4;
            assertEquals(Math.min(capacity, reserved), readout.records().size());
            assertEquals(reserved - readout.records().size(), readout.droppedCount());
            for (int r = 0; r < readout.records().size(); r++) {
                DebugRecord rec = readout.records().get(r);
                assertEquals(word(b, 1 + 4L * r), rec.fmtId());
                for (int a = 0; a < 3; a++) {
                    assertEquals(word(b, 2 + 4L * r + a), rec.arg(a));
                }
            }
        } else {
            assertEquals(0, readout.droppedCount());
            assertTrue(readout.records().isEmpty());
        }
        if (log != null) {
            assertEquals(log, readout.records());
            assertEquals(0, readout.droppedCount());
        }
    }

    @FuzzTest(maxDuration = "10s")
    void ringDecoders(FuzzedDataProvider data) {
        int slot = data.consumeInt();
        long items = data.consumeLong();
        int controlBytes = data.consumeInt(0, 2048);
        byte[] control = data.consumeBytes(controlBytes);
        byte[] ring = data.consumeRemainingAsBytes();
        try (Arena arena = Arena.ofConfined()) {
            ringDecoders(MemorySegment.ofArray(control), MemorySegment.ofArray(ring), slot, items);
            ringDecoders(Checks.nativeCopy(arena, control), Checks.nativeCopy(arena, ring), slot, items);
        }
    }

    private static void ringDecoders(MemorySegment control, MemorySegment ring, int slot, long items) {
        long slots = ring.byteSize() / 64;
        Long strictCount = strict("tryCountDoneRingSlots", () -> RingCodec.tryCountDoneRingSlots(ring, items),
                List.of(MisalignedByteLengthException.class, MissingWordException.class,
                        ByteLengthOverflowException.class));
        OptionalLong lenient = RingCodec.countDoneRingSlots(ring, items);
        if (strictCount != null) {
            long expected = 0;
            for (long s = 0; s < items; s++) {
                expected += word(ring, 16 * s) == SlotStatus.DONE ? 1 : 0;
            }
            assertEquals(expected, (long) strictCount);
            if (items != 0) {
                assertEquals(OptionalLong.of(strictCount), lenient);
            }
        }

        for (boolean expert : new boolean[] {false, true}) {
            Optional<LoadMiss> miss = expert ? LoadMissCodec.decodeExpertMiss(ring, slot)
                    : LoadMissCodec.decodeLoadMiss(ring, slot);
            long base = 16 * Integer.toUnsignedLong(slot);
            if (miss.isPresent()) {
                assertTrue(Integer.toUnsignedLong(slot) < slots);
                assertEquals(Opcodes.LOAD_MISS, word(ring, base + 1));
                assertEquals(new LoadMiss(word(ring, base + 4), word(ring, base + 5) != 0), miss.get());
            } else if (Integer.toUnsignedLong(slot) < slots && ring.byteSize() % 64 == 0) {
                assertTrue(word(ring, base + 1) != Opcodes.LOAD_MISS, "decodeLoadMiss missed a LOAD_MISS slot");
            }
        }

        ControlSnapshot snapshot = strict("ControlSnapshot.tryDecode", () -> ControlSnapshot.tryDecode(control),
                SNAPSHOT_ERRORS);
        if (snapshot != null) {
            assertEquals(word(control, 0) != 0, snapshot.shutdown());
            assertEquals(word(control, 1), snapshot.doneCount());
            assertEquals(word(control, 128), snapshot.epoch());
            for (int i = 0; i < 32; i++) {
                assertEquals(word(control, 64 + i), snapshot.tenantFairness()[i]);
            }
            for (ControlSnapshot.Metric m : snapshot.metrics()) {
                assertEquals(word(control, 96 + m.opcode()), m.count());
            }
        }
        int window = slots > 0 ? word(ring, 1) : 7;
        RingTelemetry telemetry = strict("RingTelemetry.tryDecode",
                () -> RingTelemetry.tryDecodeWithWindowOpcodes(control, ring, window, Opcodes.NOP), SNAPSHOT_ERRORS);
        if (telemetry == null) {
            return;
        }
        assertTrue(snapshot != null, "telemetry decoded a control buffer ControlSnapshot refused");
        assertEquals(slots, telemetry.slots().size());
        long active = 0;
        for (int s = 0; s < slots; s++) {
            RingSlotSnapshot snap = telemetry.slots().get(s);
            assertEquals(s, snap.slotIdx());
            assertEquals(word(ring, 16L * s), snap.status().raw());
            assertEquals(word(ring, 16L * s + 1), snap.opcode());
            assertEquals(word(ring, 16L * s + 2), snap.tenantId());
            active += snap.status().isActive() ? 1 : 0;
        }
        assertEquals(slots, telemetry.occupancy().totalSlots());
        var sketch = telemetry.sketch(4, 64);
        assertEquals(slots, sketch.totalSlots());
        assertEquals(active, sketch.activeSlots());
        try {
            telemetry.tryHealthSince(telemetry);
        } catch (BackendException e) {
            throw new AssertionError("a snapshot compared with itself cannot move backwards", e);
        }
    }

    @FuzzTest(maxDuration = "10s")
    void encodersRoundTrip(FuzzedDataProvider data) {
        boolean shutdown = data.consumeBoolean();
        int tenants = data.consumeInt();
        int observable = data.consumeInt(-1, 5000);
        int capacity = data.consumeInt(-1, 300);
        int slots = data.consumeInt(-1, 300);
        byte[] control = strict("encodeControl", () -> ControlCodec.encodeControl(shutdown, tenants, observable),
                List.of(ByteLengthOverflowException.class, QueueFullException.class));
        if (control != null) {
            assertEquals(shutdown ? 1 : 0, word(control, 0));
            assertEquals(0, ControlCodec.tryReadDoneCount(control));
            assertEquals(0, ControlCodec.tryReadEpoch(control));
            assertEquals(List.of(), MetricsCodec.tryReadMetrics(control));
        }
        byte[] log = strict("encodeEmptyDebugLog", () -> DebugLogCodec.encodeEmptyDebugLog(capacity),
                List.of(ByteLengthOverflowException.class, QueueFullException.class));
        if (log != null) {
            assertEquals(4L * (1 + 4L * capacity), log.length);
            assertEquals(List.of(), DebugLogCodec.tryReadDebugLog(log));
        }
        byte[] ring = strict("encodeEmptyRing", () -> RingCodec.encodeEmptyRing(slots),
                List.of(ByteLengthOverflowException.class, QueueFullException.class));
        if (ring != null) {
            assertArrayEquals(new byte[64 * Math.max(0, slots)], ring);
            if (slots > 0) {
                int s = data.consumeInt(0, slots - 1);
                int resource = data.consumeInt();
                boolean prefetch = data.consumeBoolean();
                LoadMissCodec.tryEncodeLoadMissInto(resource, prefetch, MemorySegment.ofArray(ring).asSlice(64L * s));
                assertEquals(Optional.of(new LoadMiss(resource, prefetch)), LoadMissCodec.decodeLoadMiss(ring, s));
            }
        }
    }
}
