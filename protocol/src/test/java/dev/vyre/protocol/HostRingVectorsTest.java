package dev.vyre.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** protocol-vectors.md §U. */
class HostRingVectorsTest {

    @Test
    void errorTexts() {
        HostRing ring = new HostRing(4);
        assertEquals("in-process-host", ring.name());
        byte[] slot = new byte[64];
        assertEquals("ring slot is missing word 64 in 256 bytes. Fix: pass a slot index below the ring's slot count",
                assertThrows(MissingWordException.class, () -> ring.publish(4, slot)).getMessage());
        assertEquals("ring slot is missing word 68719476720 in 256 bytes. Fix: pass a slot index below the ring's slot count",
                assertThrows(MissingWordException.class, () -> ring.publish(0xFFFF_FFFF, slot)).getMessage());
        for (int n : new int[] {63, 68, 65}) {
            assertEquals("ring slot has " + n + " bytes, not a whole number of u32 words. Fix: encoded slot must be "
                    + "exactly SLOT_BYTES (64) long", assertThrows(MisalignedByteLengthException.class,
                    () -> ring.publish(9, new byte[n])).getMessage());
        }
        assertEquals("ring slot has 63 bytes, not a whole number of u32 words. Fix: out slice must be exactly "
                + "SLOT_BYTES (64) long", assertThrows(MisalignedByteLengthException.class,
                () -> ring.readSlot(0, new byte[63])).getMessage());
        assertEquals("ring slot is missing word 64 in 256 bytes. Fix: pass a slot index below the ring's slot count",
                assertThrows(MissingWordException.class, () -> ring.readSlot(4, slot)).getMessage());
        assertEquals("ring byte length overflow. Fix: split the dispatch into smaller ring shards before encoding; "
                + "slot_count exceeds the megakernel allocation cap or host address space",
                assertThrows(ByteLengthOverflowException.class, () -> new HostRing(1_048_577)).getMessage());
        assertEquals(0, new HostRing(0).tryDoneCount());
        assertArrayEquals(new byte[256], ring.toByteArray());
    }

    @Test
    void publishHasNoStatusCheck() {
        HostRing ring = new HostRing(1);
        byte[] a = LoadMissCodec.encodeLoadMiss(1, true);
        byte[] b = LoadMissCodec.encodeLoadMiss(2, false);
        ring.publish(0, a);
        ring.publish(0, b);
        assertArrayEquals(b, ring.toByteArray());
    }

    @Test
    void publishReadSweep() {
        for (int c = 0; c < 256; c++) {
            int slotCount = 1 + c % 16;
            int slot = c % slotCount;
            int resource = (int) ((c * 0x9E3779B9L) & 0xFFFF_FFFFL);
            byte[] payload = LoadMissCodec.encodeLoadMiss(resource, (c & 1) == 1);
            HostRing ring = new HostRing(slotCount);
            ring.publish(slot, payload);
            byte[] bytes = ring.toByteArray();
            assertArrayEquals(payload, Le.slice(bytes, slot * 64, 64), "case " + c);
            byte[] out = new byte[64];
            ring.readSlot(slot, out);
            assertArrayEquals(payload, out);
            assertEquals(resource, Le.word(out, 4));
            assertEquals((c & 1) == 1 ? 1 : 0, Le.word(out, 5));
        }
    }

    @Test
    void doneCountSweep() {
        for (int c = 0; c < 256; c++) {
            int slotCount = 2 + c % 8;
            HostRing ring = new HostRing(slotCount);
            int expected = 0;
            for (int s = 0; s < slotCount; s++) {
                if (Integer.bitCount(c + s) % 2 == 0) {
                    byte[] slot = new byte[64];
                    Le.put(slot, 0, SlotStatus.DONE);
                    ring.publish(s, slot);
                    expected++;
                }
            }
            assertEquals(expected, ring.tryDoneCount(), "case " + c);
        }
    }
}
