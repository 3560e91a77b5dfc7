package dev.vyre.conformance;

import dev.vyre.protocol.SlotLayout;
import java.util.EnumSet;
import java.util.Set;

/**
 * Expected buffers written from the spec: a copy of the buffers before the workload with the
 * words the spec says change. {@link #verify} compares every byte of the chosen buffers, so a
 * word that changed but is not listed (an out-of-bounds write that landed inside a buffer, a
 * stray metric) fails as surely as a missing change.
 */
public final class Golden {

    private final Buffers expected;

    private Golden(Buffers before) {
        this.expected = before.copy();
    }

    /** @return an expectation that starts from {@code before} (copied) */
    public static Golden from(Buffers before) {
        return new Golden(before);
    }

    /** Control word {@code index} becomes {@code value}. */
    public Golden control(long index, int value) {
        Wire.setWord(expected.control(), index, value);
        return this;
    }

    /** Control word {@code index} grows by {@code delta} (wrapping). */
    public Golden controlAdd(long index, int delta) {
        Wire.setWord(expected.control(), index, Wire.word(expected.control(), index) + delta);
        return this;
    }

    /** The slot's status word becomes {@code status}. */
    public Golden status(int slot, int status) {
        Wire.setWord(expected.ring(), (long) slot * SlotLayout.SLOT_WORDS, status);
        return this;
    }

    /** Ring word {@code word} of {@code slot} becomes {@code value}. */
    public Golden ring(int slot, int word, int value) {
        Wire.setWord(expected.ring(), (long) slot * SlotLayout.SLOT_WORDS + word, value);
        return this;
    }

    /** Slot {@code slot} holds {@code words} (all 16). */
    public Golden slot(int slot, int[] words) {
        for (int i = 0; i < SlotLayout.SLOT_WORDS; i++) {
            ring(slot, i, words[i]);
        }
        return this;
    }

    /** Slot {@code slot} holds what a host publisher writes: PUBLISHED, opcode, tenant, priority 2, args. */
    public Golden published(int slot, int tenant, int opcode, int... args) {
        return slot(slot, Wire.slotWords(dev.vyre.protocol.SlotStatus.PUBLISHED, opcode, tenant, args));
    }

    /** Debug-log word {@code index} becomes {@code value}. */
    public Golden debug(int index, int value) {
        Wire.setWord(expected.debugLog(), index, value);
        return this;
    }

    /** IO-queue word {@code index} becomes {@code value}. */
    public Golden io(int index, int value) {
        Wire.setWord(expected.ioQueue(), index, value);
        return this;
    }

    /** @return the expected buffers (live view: later edits show) */
    public Buffers buffers() {
        return expected;
    }

    /** Compares every buffer byte for byte; throws {@link ConformanceFailure} at the first difference. */
    public void verify(String step, Buffers actual) {
        verify(step, actual, EnumSet.allOf(BufferKind.class));
    }

    /** Compares the listed buffers byte for byte. */
    public void verify(String step, Buffers actual, Set<BufferKind> kinds) {
        Compare.exactly(step, "golden", expected, actual, kinds);
    }
}
