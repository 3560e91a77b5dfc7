package dev.vyre.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vyre.protocol.BackendException;
import dev.vyre.protocol.ByteLengthOverflowException;
import dev.vyre.protocol.DebugLogReadout;
import dev.vyre.protocol.DebugRecord;
import dev.vyre.protocol.LoadMiss;
import dev.vyre.protocol.MetricCount;
import dev.vyre.protocol.MissingWordException;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.PackedOp;
import dev.vyre.protocol.PipelineException;
import dev.vyre.protocol.QueueFullException;
import dev.vyre.protocol.SlotOp;
import dev.vyre.protocol.SlotStatus;
import dev.vyre.protocol.SlotTransition;
import dev.vyre.protocol.WorkItem;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The codec and publishing part of the {@link Megakernel} facade: vyre's wrapper vectors and error mapping. */
class MegakernelProtocolFacadeTest {

    private static final long SEED = Long.getLong("vyre.seed", System.nanoTime());

    private static <T extends Throwable> T assertError(Class<T> type, String message, Executable call) {
        T e = assertThrows(type, call);
        assertEquals(type, e.getClass());
        assertEquals(message, e.getMessage());
        assertFixRules(e);
        return e;
    }

    private static void assertFixRules(Throwable e) {
        String m = e.getMessage();
        assertTrue(m.contains(". Fix: ") && !m.endsWith("Fix: "), m);
        String lower = m.toLowerCase(Locale.ROOT);
        assertFalse(lower.contains("cpu") || lower.contains("fallback") || lower.contains("software"), m);
    }

    private static String queueFull(String fix) {
        return "io_uring submission queue at capacity. Fix: " + fix;
    }

    private static void setWord(byte[] b, int i, int v) {
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(4 * i, v);
    }

    private static int word(byte[] b, int i) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt(4 * i);
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void byteLengthsAndCapacity() {
        assertEquals(OptionalLong.of(640), Megakernel.controlByteLen(0));
        assertEquals(OptionalLong.empty(), Megakernel.controlByteLen(-1));
        assertEquals(OptionalLong.of(17179869120L), Megakernel.ringByteLen(268435455));
        assertEquals(OptionalLong.empty(), Megakernel.ringByteLen(268435456));
        assertEquals(OptionalLong.of(1028), Megakernel.debugLogByteLen(Megakernel.debugRecordCapacity()));
        assertEquals(64, Megakernel.debugRecordCapacity());
        assertEquals(64, Megakernel.slotByteLen());
        assertEquals(4294967295L, Megakernel.wordIndex(-1));
        assertEquals(53, Megakernel.slotWordIndex(3, 5));
        assertEquals(4294967280L, Megakernel.slotWordBase(0x0FFFFFFF));
        assertError(QueueFullException.class, queueFull("slot word base overflows the u32 protocol word ABI; shard the "
                + "megakernel ring before host access"), () -> Megakernel.slotWordBase(-1));
        assertError(QueueFullException.class, queueFull("slot-local word is outside SLOT_WORDS; keep protocol "
                + "constants within the slot layout"), () -> Megakernel.slotWordIndex(0, 16));
    }

    @Test
    void encoderWrappersMapOverflowToQueueFull() throws Exception {
        assertEquals("4a212764ce4b952a489642a1066fc26a04c7d80f0c834d60e09b19879ced41a3",
                sha256(Megakernel.encodeControl(false, 0, 0)));
        assertEquals("fcdfe88730bcba178aa302083a4e35f64850dac2163e6aa1224e5e4f4c8b216b",
                sha256(Megakernel.tryEncodeControl(false, 1, 16)));
        String controlCap = "shard observable results or reduce observable_slots to the megakernel allocation cap "
                + "before encoding control";
        QueueFullException e = assertError(QueueFullException.class, queueFull(controlCap),
                () -> Megakernel.tryEncodeControl(false, 1, -1));
        assertEquals("submission", e.queue());
        assertError(QueueFullException.class, queueFull(controlCap), () -> Megakernel.encodeControl(false, 1, 1048577));
        byte[] dst = new byte[16];
        assertError(QueueFullException.class, queueFull(controlCap), () -> Megakernel.tryEncodeControlInto(false, 1, -1, dst));
        assertArrayEquals(new byte[16], dst);
        byte[] big = new byte[4096];
        Arrays.fill(big, (byte) 0xAA);
        assertEquals(672, Megakernel.tryEncodeControlInto(false, 2, 8, big));
        assertArrayEquals(Megakernel.encodeControl(false, 2, 8), Arrays.copyOf(big, 672));

        String ringCap = "split the dispatch into smaller ring shards before encoding; slot_count exceeds the megakernel "
                + "allocation cap or host address space";
        assertError(QueueFullException.class, queueFull(ringCap), () -> Megakernel.tryEncodeEmptyRing(268435456));
        assertError(QueueFullException.class, queueFull(ringCap), () -> Megakernel.encodeEmptyRing(-1));
        assertError(QueueFullException.class, queueFull(ringCap),
                () -> Megakernel.tryEncodeEmptyRingInto(1048577, MemorySegment.ofArray(new byte[64])));
        assertArrayEquals(new byte[256], Megakernel.encodeEmptyRing(4));
        assertEquals(64, Megakernel.tryEncodeEmptyRingInto(1, new byte[64]));

        String debugCap = "reduce debug-log record_capacity to the megakernel allocation cap before encoding";
        assertError(QueueFullException.class, queueFull(debugCap), () -> Megakernel.tryEncodeEmptyDebugLog(1073741824));
        assertError(QueueFullException.class, queueFull(debugCap), () -> Megakernel.encodeEmptyDebugLog(-1));
        assertError(QueueFullException.class, queueFull(debugCap), () -> Megakernel.tryEncodeEmptyDebugLogInto(-1, new byte[4]));
        assertArrayEquals(new byte[1028], Megakernel.encodeEmptyDebugLog(64));
        assertEquals(4, Megakernel.tryEncodeEmptyDebugLogInto(0, new byte[4]));
    }

    @Test
    void loadMissWrappers() {
        byte[] slot = Megakernel.encodeLoadMiss(42, true);
        assertArrayEquals(HexFormat.of().parseHex("01000000fdff000000000000000000002a000000010000000000000000000000"
                + "00".repeat(32)), slot);
        assertArrayEquals(slot, Megakernel.tryEncodeLoadMiss(42, true));
        byte[] dst = new byte[64];
        assertEquals(64, Megakernel.tryEncodeLoadMissInto(42, true, dst));
        assertArrayEquals(slot, dst);
        assertEquals(Optional.of(new LoadMiss(42, true)), Megakernel.decodeLoadMiss(slot, 0));
        assertEquals(Optional.empty(), Megakernel.decodeLoadMiss(MemorySegment.ofArray(slot), 1));
        @SuppressWarnings("deprecation")
        Optional<LoadMiss> alias = Megakernel.decodeExpertMiss(slot, 0);
        assertEquals(Optional.of(new LoadMiss(42, true)), alias);
    }

    @Test
    void decoderWrappersMapToBackendErrors() {
        assertError(BackendException.class, "backend error: control is missing word 128 in 4 bytes. Fix: decode only "
                + "buffers produced by the matching megakernel protocol encoder", () -> Megakernel.tryReadEpoch(new byte[4]));
        BackendException e = assertError(BackendException.class, "backend error: control has 5 bytes, not a whole "
                + "number of u32 words. Fix: pass whole u32 protocol words; do not decode partial DMA/readback buffers",
                () -> Megakernel.tryReadDoneCount(new byte[5]));
        assertEquals("control has 5 bytes, not a whole number of u32 words. Fix: pass whole u32 protocol words; do not "
                + "decode partial DMA/readback buffers", e.detail());
        assertError(BackendException.class, "backend error: control is missing word 96 in 384 bytes. Fix: decode only "
                + "control buffers produced by the matching megakernel protocol encoder",
                () -> Megakernel.tryReadMetrics(new byte[384]));
        assertError(BackendException.class, "backend error: debug_log is missing word 0 in 0 bytes. Fix: decode only "
                + "buffers produced by the matching megakernel protocol encoder", () -> Megakernel.tryReadDebugLog(new byte[0]));
        assertError(BackendException.class, "backend error: ring is missing word 16 in 4 bytes. Fix: decode only full "
                + "ring readbacks sized for the submitted megakernel item_count",
                () -> Megakernel.tryCountDoneRingSlots(new byte[4], 1));
        assertError(BackendException.class, "backend error: control is missing word 160 in 640 bytes. Fix: decode only "
                + "buffers produced by the matching megakernel protocol encoder",
                () -> Megakernel.tryReadObservable(Megakernel.encodeControl(false, 1, 0), 0));
        assertError(QueueFullException.class, queueFull("observable index overflows the protocol word offset; shard "
                + "observable reads"), () -> Megakernel.tryReadObservable(new byte[640], (int) 4294967136L));
        BackendException wrapped = assertThrows(BackendException.class, () -> Megakernel.tryReadEpoch(new byte[4]));
        assertEquals(MissingWordException.class, wrapped.getCause().getClass());
    }

    @Test
    void decoderWrappersReturnValues() {
        byte[] control = Megakernel.encodeControl(false, 0, 2);
        setWord(control, 1, 42);
        setWord(control, 128, 7);
        setWord(control, 101, 9);
        setWord(control, 161, 0xBEEF);
        assertEquals(42, Megakernel.readDoneCount(control));
        assertEquals(42, Megakernel.tryReadDoneCount(MemorySegment.ofArray(control)));
        assertEquals(7, Megakernel.readEpoch(control));
        assertEquals(7, Megakernel.tryReadEpoch(control));
        assertEquals(0xBEEF, Megakernel.readObservable(control, 1));
        assertEquals(0xBEEF, Megakernel.tryReadObservable(control, 1));
        assertEquals(0, Megakernel.readObservable(control, 2));
        assertEquals(0, Megakernel.readDoneCount(new byte[9]));
        assertEquals(List.of(new MetricCount(5, 9)), Megakernel.readMetrics(control));
        assertEquals(List.of(new MetricCount(5, 9)), Megakernel.tryReadMetrics(control));
        long[] out = new long[32];
        assertEquals(1, Megakernel.readMetricsInto(control, out));
        assertEquals((5L << 32) | 9, out[0]);
        assertEquals(1, Megakernel.tryReadMetricsInto(MemorySegment.ofArray(control), out));

        byte[] log = Megakernel.encodeEmptyDebugLog(1);
        setWord(log, 0, 4);
        setWord(log, 1, 7);
        setWord(log, 2, 1);
        setWord(log, 3, 2);
        setWord(log, 4, 48);
        assertEquals(List.of(new DebugRecord(7, 1, 2, 48)), Megakernel.tryReadDebugLog(log));
        assertEquals(new DebugLogReadout(List.of(new DebugRecord(7, 1, 2, 48)), 0), Megakernel.readDebugLog(log));
        int[] words = new int[4];
        assertEquals(1, Megakernel.tryReadDebugLogInto(log, words));
        assertArrayEquals(new int[] {7, 1, 2, 48}, words);
        setWord(log, 0, 8);
        assertEquals(new DebugLogReadout(List.of(new DebugRecord(7, 1, 2, 48)), 1), Megakernel.readDebugLog(log));
        assertEquals(1, Megakernel.readDebugLogInto(log, words));
        assertThrows(BackendException.class, () -> Megakernel.tryReadDebugLogInto(MemorySegment.ofArray(log), words));

        byte[] ring = Megakernel.encodeEmptyRing(4);
        setWord(ring, 0, SlotStatus.DONE);
        setWord(ring, 32, SlotStatus.DONE);
        assertEquals(OptionalLong.of(2), Megakernel.countDoneRingSlots(ring, 4));
        assertEquals(OptionalLong.empty(), Megakernel.countDoneRingSlots(ring, 0));
        assertEquals(2, Megakernel.tryCountDoneRingSlots(ring, 4));
        assertEquals(0, Megakernel.tryCountDoneRingSlots(ring, 0));
    }

    @Test
    void publishingThroughTheFacade() throws Exception {
        byte[] ring = Megakernel.encodeEmptyRing(4);
        Megakernel.publishSlot(ring, 1, 42, Opcodes.STORE_U32, 100, 200);
        assertEquals("040dc9b8d725ec5e43a903e658174a76cca326a6877305bb99e633b64506bea1", sha256(ring));
        QueueFullException e = assertError(QueueFullException.class, queueFull("slot is not publishable; only EMPTY and "
                + "DONE slots may be written by the host"), () -> Megakernel.publishSlot(ring, 1, 0, 1));
        assertSame(QueueFullException.class, e.getClass());
        assertEquals(SlotStatus.PUBLISHED, Megakernel.transitionSlotStatus(ring, 1, SlotTransition.CLAIM));
        assertEquals(SlotStatus.CLAIMED, Megakernel.transitionSlotStatus(MemorySegment.ofArray(ring), 1, SlotTransition.DONE));
        assertError(QueueFullException.class, queueFull("publish transitions must use publish_slot or a batch publisher "
                + "so payload words are written before PUBLISHED status"),
                () -> Megakernel.transitionSlotStatus(ring, 1, SlotTransition.PUBLISH));

        byte[] packed = Megakernel.encodeEmptyRing(1);
        Megakernel.publishPackedSlot(packed, 0, 7, List.of(PackedOp.of(1, 10, 20), PackedOp.of(2, 30)));
        assertEquals(0x00010302, word(packed, 4));
        assertEquals(0x00000202, word(packed, 5));
        assertError(QueueFullException.class, queueFull("packed slot supports at most 255 inner opcodes"),
                () -> Megakernel.publishPackedSlot(MemorySegment.ofArray(new byte[64]), 0, 7,
                        java.util.Collections.nCopies(256, PackedOp.of(0))));

        byte[] batch = Megakernel.encodeEmptyRing(8);
        assertEquals(3, Megakernel.batchPublish(batch, 0, 1,
                List.of(SlotOp.of(Opcodes.STORE_U32, 10, 20), SlotOp.of(Opcodes.ATOMIC_ADD, 30, 40)), 99));
        assertEquals(Opcodes.BATCH_FENCE, word(batch, 33));
        assertEquals(99, word(batch, 37));
        assertError(QueueFullException.class, queueFull("batch publish slot index overflowed u32; split the publish batch"),
                () -> Megakernel.batchPublish(MemorySegment.ofArray(batch), -1, 1, List.of(SlotOp.of(1)), 0));

        List<WorkItem> items = List.of(new WorkItem(1, 10, 20, 30), new WorkItem(2, 40, 50, 60));
        byte[] dst = new byte[256];
        assertEquals(256, Megakernel.encodeWorkItemsRingInto(4, 7, items, dst));
        int[] words = new int[64];
        assertEquals(64, Megakernel.encodeWorkItemsRingWordsInto(4, 7, items, words));
        ByteBuffer wrapped = ByteBuffer.wrap(dst).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 64; i++) {
            assertEquals(words[i], wrapped.getInt(4 * i), "word " + i);
        }
        byte[] live = Megakernel.encodeEmptyRing(4);
        assertEquals(2, Megakernel.publishWorkItems(live, 1, 7, items));
        assertEquals(2, Megakernel.publishWorkItems(MemorySegment.ofArray(Megakernel.encodeEmptyRing(2)), 0, 7, items));
        assertArrayEquals(Arrays.copyOfRange(dst, 0, 128), Arrays.copyOfRange(live, 64, 192));
        assertEquals(256, Megakernel.encodeWorkItemsRingInto(4, 7, items, MemorySegment.ofArray(new byte[256])));
    }

    /** Strict facade methods throw only PipelineException subtypes (never a raw ProtocolException). */
    @Test
    void strictFacadeThrowsOnlyPipelineErrors() {
        SplittableRandom rnd = new SplittableRandom(SEED);
        for (int run = 0; run < 20_000; run++) {
            byte[] b = new byte[rnd.nextInt(1100)];
            rnd.nextBytes(b);
            if (b.length >= 4 && rnd.nextBoolean()) {
                setWord(b, 0, 4 * rnd.nextInt(300));
            }
            int k = rnd.nextInt(4) == 0 ? rnd.nextInt() : rnd.nextInt(300);
            String c = "seed=" + SEED + " run=" + run + " len=" + b.length + " (rerun with -Dvyre.seed=" + SEED + ")";
            check(c, () -> Megakernel.tryReadDoneCount(b));
            check(c, () -> Megakernel.tryReadEpoch(b));
            check(c, () -> Megakernel.tryReadObservable(b, k));
            check(c, () -> Megakernel.tryReadMetrics(b));
            check(c, () -> Megakernel.tryReadDebugLog(b));
            check(c, () -> Megakernel.tryCountDoneRingSlots(b, k));
            check(c, () -> Megakernel.tryEncodeControl(false, k, k));
            check(c, () -> Megakernel.tryEncodeEmptyRing(k));
            check(c, () -> Megakernel.tryEncodeEmptyDebugLog(k));
        }
    }

    private static void check(String c, Supplier<?> call) {
        try {
            call.get();
        } catch (PipelineException e) {
            if (!(e instanceof QueueFullException) && !(e instanceof BackendException)) {
                fail("unexpected pipeline error kind " + e + "; " + c);
            }
            if (e instanceof QueueFullException q) {
                assertEquals("submission", q.queue(), c);
            }
            assertFixRules(e);
        } catch (ByteLengthOverflowException e) {
            fail("raw protocol error escaped the facade: " + e + "; " + c);
        } catch (RuntimeException e) {
            fail("undocumented exception " + e + "; " + c, e);
        }
    }
}
