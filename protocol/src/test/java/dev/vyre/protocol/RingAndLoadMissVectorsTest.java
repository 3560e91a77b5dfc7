package dev.vyre.protocol;

import static dev.vyre.protocol.Bytes.assertError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Vectors §D (empty rings), §E (load-miss slot) and §I (count_done_ring_slots). */
class RingAndLoadMissVectorsTest {

    private static final String RING_CAP = "ring byte length overflow. Fix: split the dispatch into smaller ring "
            + "shards before encoding; slot_count exceeds the megakernel allocation cap or host address space";

    @Test
    void emptyRings() {
        for (int n : new int[] {0, 1, 4, 16}) {
            assertArrayEquals(new byte[64 * n], RingCodec.encodeEmptyRing(n));
        }
        byte[] big = RingCodec.encodeEmptyRing(1048576);
        assertEquals(67108864, big.length);
        assertEquals(-1, Arrays.mismatch(big, new byte[big.length]));
        assertError(ByteLengthOverflowException.class, RING_CAP, () -> RingCodec.encodeEmptyRing(1048577));
        assertError(ByteLengthOverflowException.class, RING_CAP, () -> RingCodec.encodeEmptyRing(-1));

        byte[] dst = new byte[300];
        Arrays.fill(dst, (byte) 0xAA);
        assertEquals(256, RingCodec.encodeEmptyRingInto(4, dst));
        assertArrayEquals(new byte[256], Arrays.copyOf(dst, 256));
        assertEquals((byte) 0xAA, dst[256]);
        byte[] before = dst.clone();
        assertError(ByteLengthOverflowException.class, RING_CAP, () -> RingCodec.encodeEmptyRingInto(1048577, dst));
        assertError(IllegalArgumentException.class, "ring destination has 300 bytes but the encoding needs 320. "
                + "Fix: pass a destination of at least 320 bytes (size it with ByteLengths)",
                () -> RingCodec.encodeEmptyRingInto(5, dst));
        assertArrayEquals(before, dst);
    }

    @Test
    void loadMissEncodings() {
        String zeros32 = "00".repeat(32);
        assertArrayEquals(Bytes.hex("01000000fdff000000000000000000002a000000010000000000000000000000" + zeros32),
                LoadMissCodec.encodeLoadMiss(42, true));
        assertArrayEquals(Bytes.hex("01000000fdff0000000000000000000007000000000000000000000000000000" + zeros32),
                LoadMissCodec.encodeLoadMiss(7, false));
        assertArrayEquals(Bytes.hex("01000000fdff00000000000000000000efbeadde010000000000000000000000" + zeros32),
                LoadMissCodec.tryEncodeLoadMiss(0xDEADBEEF, true));
        assertArrayEquals(Bytes.hex("01000000fdff0000" + "00".repeat(56)), LoadMissCodec.encodeLoadMiss(0, false));
        @SuppressWarnings("deprecation")
        byte[] alias = LoadMissCodec.encodeExpertMiss(42, true);
        assertArrayEquals(LoadMissCodec.encodeLoadMiss(42, true), alias);

        byte[] dst = new byte[80];
        Arrays.fill(dst, (byte) 0x11);
        assertEquals(64, LoadMissCodec.tryEncodeLoadMissInto(7, false, dst));
        assertArrayEquals(LoadMissCodec.encodeLoadMiss(7, false), Arrays.copyOf(dst, 64));
        assertEquals((byte) 0x11, dst[64]);
        byte[] small = new byte[63];
        assertError(IllegalArgumentException.class, "slot destination has 63 bytes but the encoding needs 64. "
                + "Fix: pass a destination of at least 64 bytes (size it with ByteLengths)",
                () -> LoadMissCodec.tryEncodeLoadMissInto(7, false, small));
        assertArrayEquals(new byte[63], small);
    }

    @Test
    void loadMissDecoding() {
        byte[] b = LoadMissCodec.encodeLoadMiss(42, true);
        Optional<LoadMiss> hit = Optional.of(new LoadMiss(42, true));
        assertEquals(hit, LoadMissCodec.decodeLoadMiss(b, 0));
        assertEquals(Optional.empty(), LoadMissCodec.decodeLoadMiss(b, 1));
        assertEquals(hit, LoadMissCodec.decodeLoadMiss(Arrays.copyOf(b, 60), 0));
        assertEquals(hit, LoadMissCodec.decodeLoadMiss(Arrays.copyOf(b, 24), 0));
        assertEquals(Optional.empty(), LoadMissCodec.decodeLoadMiss(Arrays.copyOf(b, 23), 0));
        byte[] noOp = b.clone();
        Bytes.setWord(noOp, 1, 0);
        assertEquals(Optional.empty(), LoadMissCodec.decodeLoadMiss(noOp, 0));
        byte[] five = b.clone();
        Bytes.setWord(five, 5, 5);
        assertEquals(hit, LoadMissCodec.decodeLoadMiss(five, 0));
        byte[] odd = new byte[65];
        System.arraycopy(b, 0, odd, 1, 64);
        assertEquals(hit, LoadMissCodec.decodeLoadMiss(MemorySegment.ofArray(odd).asSlice(1), 0));
        assertEquals(Optional.empty(), LoadMissCodec.decodeLoadMiss(b, -1));
        assertEquals(Optional.empty(), LoadMissCodec.decodeLoadMiss(new byte[60], 0));
        byte[] two = new byte[128];
        System.arraycopy(LoadMissCodec.encodeLoadMiss(7, false), 0, two, 0, 64);
        System.arraycopy(LoadMissCodec.encodeLoadMiss(99, true), 0, two, 64, 64);
        assertEquals(Optional.of(new LoadMiss(7, false)), LoadMissCodec.decodeLoadMiss(two, 0));
        assertEquals(Optional.of(new LoadMiss(99, true)), LoadMissCodec.decodeLoadMiss(two, 1));
        assertEquals(Optional.empty(), LoadMissCodec.decodeLoadMiss(two, 2));
        @SuppressWarnings("deprecation")
        Optional<LoadMiss> alias = LoadMissCodec.decodeExpertMiss(two, 1);
        assertEquals(Optional.of(new LoadMiss(99, true)), alias);
    }

    private static byte[] doneRing() {
        byte[] r = RingCodec.encodeEmptyRing(4);
        Bytes.setWord(r, 0, SlotStatus.DONE);
        Bytes.setWord(r, 16, SlotStatus.CLAIMED);
        Bytes.setWord(r, 32, SlotStatus.DONE);
        return r;
    }

    @Test
    void countDoneRingSlotsVectors() {
        byte[] r = doneRing();
        assertEquals(OptionalLong.of(2), RingCodec.countDoneRingSlots(r, 4));
        assertEquals(OptionalLong.empty(), RingCodec.countDoneRingSlots(r, 0));
        assertEquals(OptionalLong.empty(), RingCodec.countDoneRingSlots(Arrays.copyOf(r, 8), 4));
        assertEquals(OptionalLong.of(2), RingCodec.countDoneRingSlots(r, 3));
        assertEquals(OptionalLong.empty(), RingCodec.countDoneRingSlots(r, 5));
        assertEquals(OptionalLong.of(2), RingCodec.countDoneRingSlots(Arrays.copyOf(r, 257), 4));
        byte[] odd = new byte[257];
        System.arraycopy(r, 0, odd, 1, 256);
        assertEquals(OptionalLong.of(2), RingCodec.countDoneRingSlots(MemorySegment.ofArray(odd).asSlice(1), 4));

        assertEquals(2, RingCodec.tryCountDoneRingSlots(r, 4));
        assertEquals(0, RingCodec.tryCountDoneRingSlots(r, 0));
        String full = "decode only full ring readbacks sized for the submitted megakernel item_count";
        assertError(MissingWordException.class, "ring is missing word 80 in 256 bytes. Fix: " + full,
                () -> RingCodec.tryCountDoneRingSlots(r, 5));
        String whole = "pass whole u32 protocol words; do not decode partial DMA/readback buffers";
        assertError(MisalignedByteLengthException.class, "ring has 257 bytes, not a whole number of u32 words. Fix: "
                + whole, () -> RingCodec.tryCountDoneRingSlots(Arrays.copyOf(r, 257), 4));
        assertEquals(0, RingCodec.tryCountDoneRingSlots(new byte[0], 0));
        assertEquals(0, RingCodec.tryCountDoneRingSlots(new byte[3], 0));
        assertError(MisalignedByteLengthException.class, "ring has 3 bytes, not a whole number of u32 words. Fix: "
                + whole, () -> RingCodec.tryCountDoneRingSlots(new byte[3], 1));
        assertError(MissingWordException.class, "ring is missing word 16 in 4 bytes. Fix: " + full,
                () -> RingCodec.tryCountDoneRingSlots(new byte[4], 1));
        assertError(MissingWordException.class, "ring is missing word 68719476720 in 4 bytes. Fix: " + full,
                () -> RingCodec.tryCountDoneRingSlots(new byte[4], -1));
    }

    @Test
    void opcodeClassificationTableJ() {
        int[] builtinSystem = {0, 1, 5, 6, 7, 0xFFFE, 0x80000001, 0xFFFFFFFF};
        for (int op : builtinSystem) {
            assertEquals(true, Opcodes.isSystem(op), Integer.toHexString(op));
            assertEquals(true, Opcodes.isBuiltin(op), Integer.toHexString(op));
            assertEquals(true, Opcodes.isPublishable(op), Integer.toHexString(op));
        }
        int[] user = {8, 9, 0xBEEF, 0xF101, 0xFFEF, 0x10000, 0x40000000, 0x7FFFFFFF};
        for (int op : user) {
            assertEquals(false, Opcodes.isSystem(op), Integer.toHexString(op));
            assertEquals(false, Opcodes.isBuiltin(op), Integer.toHexString(op));
            assertEquals(true, Opcodes.isPublishable(op), Integer.toHexString(op));
        }
        int[] reserved = {0xFFF0, 0xFFFD, 0xFFFF, 0x80000000, 0x80000002, 0xFFFFFFFE};
        for (int op : reserved) {
            assertEquals(true, Opcodes.isSystem(op), Integer.toHexString(op));
            assertEquals(false, Opcodes.isBuiltin(op), Integer.toHexString(op));
            assertEquals(false, Opcodes.isPublishable(op), Integer.toHexString(op));
        }
    }

    @Test
    void crc32cIsABuiltinExtensionInTheReservedRange() {
        assertEquals(0xFFF1, Opcodes.CRC32C);
        assertEquals(true, Opcodes.isSystem(Opcodes.CRC32C));
        assertEquals(true, Opcodes.isBuiltin(Opcodes.CRC32C));
        assertEquals(true, Opcodes.isPublishable(Opcodes.CRC32C));
        for (int op : new int[] {0xFFF0, 0xFFF2, 0xFFFC}) {
            assertEquals(false, Opcodes.isPublishable(op), Integer.toHexString(op));
        }
    }
}
