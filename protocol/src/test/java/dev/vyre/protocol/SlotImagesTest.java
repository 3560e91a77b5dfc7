package dev.vyre.protocol;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class SlotImagesTest {

    private static MemorySegment images(int count) {
        MemorySegment m = MemorySegment.ofArray(new int[count * SlotLayout.SLOT_WORDS]);
        for (int i = 0; i < count; i++) {
            Words.set(m, (long) i * SlotLayout.SLOT_WORDS, SlotStatus.PUBLISHED);
            Words.set(m, (long) i * SlotLayout.SLOT_WORDS + SlotLayout.OPCODE_WORD, Opcodes.ATOMIC_ADD);
        }
        return m;
    }

    private static void refused(String parameter, String part, Runnable call) {
        VyreArgumentException e = assertThrows(VyreArgumentException.class, call::run);
        assertEquals(parameter, e.parameter());
        assertTrue(e.getMessage().contains("Fix: ") && e.getMessage().contains(part), e.getMessage());
    }

    @Test
    void aWellFormedRunInsideTheRingPassesAndIsLeftAsItWas() {
        MemorySegment run = images(8);
        byte[] before = run.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        assertDoesNotThrow(() -> SlotImages.check(16, 8, run, 8));
        assertDoesNotThrow(() -> SlotImages.check(16, 16, images(0), 0));
        assertDoesNotThrow(() -> SlotImages.check(16, 0, run.asSlice(0, 64L * 3), 3));
        org.junit.jupiter.api.Assertions.assertArrayEquals(before, run.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
        refused("firstSlot", "inside the ring", () -> SlotImages.check(16, 9, run, 8));
        refused("images", "count * 64 bytes", () -> SlotImages.check(16, 0, run.asSlice(0, 64L * 3 - 1), 3));
    }

    @Test
    void runsOutsideTheRingAreRefused() {
        refused("firstSlot", "inside the ring", () -> SlotImages.check(16, 9, images(8), 8));
        refused("firstSlot", "inside the ring", () -> SlotImages.check(16, -1, images(1), 1));
        refused("firstSlot", "inside the ring", () -> SlotImages.check(16, 0, images(1), -1));
        refused("firstSlot", "inside the ring", () -> SlotImages.check(16, Integer.MAX_VALUE, images(1), 1));
    }

    @Test
    void aShortSegmentIsRefused() {
        refused("images", "count * 64 bytes", () -> SlotImages.check(16, 0, images(3), 4));
        refused("images", "count * 64 bytes", () -> SlotImages.check(16, 0, null, 1));
    }

    @Test
    void aWrongStatusOrOpcodeNamesTheImage() {
        MemorySegment m = images(4);
        Words.set(m, 2L * SlotLayout.SLOT_WORDS, SlotStatus.DONE);
        refused("images", "slot image 2 has status DONE. Fix: every slot image must carry status PUBLISHED", () -> SlotImages.check(16, 0, m, 4));
        MemorySegment n = images(4);
        Words.set(n, 3L * SlotLayout.SLOT_WORDS + SlotLayout.OPCODE_WORD, 0x8000_0002);
        refused("images", "slot image 3 has opcode 0x80000002", () -> SlotImages.check(16, 0, n, 4));
    }
}
