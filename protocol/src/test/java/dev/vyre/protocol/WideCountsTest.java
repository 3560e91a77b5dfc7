package dev.vyre.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Counts that the wire-compatible runtime takes as usize/u64 are accepted as unsigned longs. */
class WideCountsTest {

    @Test
    void countDoneRingSlotsAcceptsEveryU64ItemCount() {
        byte[] ring = new byte[2 * SlotLayout.SLOT_BYTES];
        Words.set(java.lang.foreign.MemorySegment.ofArray(ring), SlotLayout.SLOT_WORDS + SlotLayout.STATUS_WORD,
                SlotStatus.DONE);
        assertEquals(OptionalLong.of(1), RingCodec.countDoneRingSlots(ring, 2L));
        assertEquals(OptionalLong.empty(), RingCodec.countDoneRingSlots(ring, 3L));
        assertEquals(OptionalLong.empty(), RingCodec.countDoneRingSlots(ring, 1L << 40));
        assertEquals(OptionalLong.empty(), RingCodec.countDoneRingSlots(ring, -1L), "u64::MAX");
        assertEquals(OptionalLong.empty(), RingCodec.countDoneRingSlots(ring, 1L << 58), "×64 would wrap to 0");
        assertEquals(0, RingCodec.tryCountDoneRingSlots(ring, 0L));
        MissingWordException huge = assertThrows(MissingWordException.class,
                () -> RingCodec.tryCountDoneRingSlots(ring, 1L << 58));
        assertEquals(Long.toUnsignedString((1L << 58) * 16), Long.toUnsignedString(huge.wordIndex()));
        MissingWordException max = assertThrows(MissingWordException.class,
                () -> RingCodec.tryCountDoneRingSlots(ring, -1L));
        assertEquals("18446744073709551615", Long.toUnsignedString(max.wordIndex()));
        assertEquals(true, max.getMessage().startsWith("ring is missing word 18446744073709551615 in 128 bytes"),
                max.getMessage());
        assertEquals(OptionalLong.empty(), RingCodec.countDoneRingSlots(ring, -1), "int overloads are u32");
        MissingWordException u32 = assertThrows(MissingWordException.class,
                () -> RingCodec.tryCountDoneRingSlots(ring, -1));
        assertEquals(68_719_476_720L, u32.wordIndex());
    }

    @Test
    void sketchDimensionsAreUnsignedLongs() {
        assertEquals(3, new CountMinSketch(3L, 5L).depth());
        QueueFullException overflow = assertThrows(QueueFullException.class,
                () -> new CountMinSketch(1L << 40, 1L << 40));
        assertEquals(CountMinSketch.FIX_OVERFLOW, overflow.fix());
        assertEquals(CountMinSketch.FIX_OVERFLOW,
                assertThrows(QueueFullException.class, () -> new CountMinSketch(-1L, 2L)).fix(), "usize::MAX");
        assertEquals(CountMinSketch.FIX_ZERO,
                assertThrows(QueueFullException.class, () -> new CountMinSketch(0L, -1L)).fix());
    }
}
