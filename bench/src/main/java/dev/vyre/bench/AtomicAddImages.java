package dev.vyre.bench;

import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.Priority;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotStatus;
import dev.vyre.protocol.Words;
import java.lang.foreign.MemorySegment;

/**
 * The benchmarks' slot: ATOMIC_ADD of 1 into the observable word of its own ring slot, so a check can
 * count every slot's publications. Encodes runs of such images for {@code publishSlots} without
 * allocating.
 */
final class AtomicAddImages {

    private AtomicAddImages() {
    }

    /**
     * Writes {@code count} images into {@code images} (from offset 0), image {@code i} for ring slot
     * {@code firstSlot + i}: PUBLISHED, ATOMIC_ADD, tenant 0, priority NORMAL, a0 = 1, a1 = its slot's
     * observable word, a2 = 0.
     */
    static void encode(MemorySegment images, int firstSlot, int count) {
        encode(images, firstSlot, count, Opcodes.ATOMIC_ADD);
    }

    /** {@link #encode(MemorySegment, int, int)} with {@code opcode} (one that adds a0 to control word a1). */
    static void encode(MemorySegment images, int firstSlot, int count, int opcode) {
        for (int i = 0; i < count; i++) {
            long base = (long) i * SlotLayout.SLOT_WORDS;
            Words.set(images, base + SlotLayout.STATUS_WORD, SlotStatus.PUBLISHED);
            Words.set(images, base + SlotLayout.OPCODE_WORD, opcode);
            Words.set(images, base + SlotLayout.TENANT_WORD, 0);
            Words.set(images, base + SlotLayout.PRIORITY_WORD, Priority.NORMAL);
            Words.set(images, base + SlotLayout.ARG0_WORD, 1);
            Words.set(images, base + SlotLayout.ARG0_WORD + 1, ControlLayout.OBSERVABLE_BASE + firstSlot + i);
            Words.set(images, base + SlotLayout.ARG0_WORD + 2, 0);
        }
    }
}
