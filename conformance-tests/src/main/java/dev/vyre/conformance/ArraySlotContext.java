package dev.vyre.conformance;

import dev.vyre.protocol.SlotContext;
import java.util.Random;

/**
 * A {@link SlotContext} over plain arrays, for running an opcode's Java body on the host without a backend
 * (differential tests of two bodies, benchmarks of a body alone). It does not apply the bounds rule itself:
 * an index outside its arrays throws, so a body that passes one (the IR's bodies check every index first)
 * fails loudly instead of being masked. Not thread-safe.
 */
public final class ArraySlotContext implements SlotContext {
    private static final int[] HOSTILE_ARGS = {0, -1, Integer.MIN_VALUE, 32, 33, 64, 0x7FFFFFFF, 1};

    private final int[] control;
    private final byte[] data;
    private final int[] args;
    private final int opcode;
    private final int slot;
    private final int tenant;

    /**
     * @param control the control words (used, not copied)
     * @param data    the data buffer (used, not copied)
     * @param args    the 12 argument words (copied; fewer are padded with 0)
     */
    public ArraySlotContext(int[] control, byte[] data, int[] args, int opcode, int slot, int tenant) {
        this.control = control;
        this.data = data;
        this.args = java.util.Arrays.copyOf(args, 12);
        this.opcode = opcode;
        this.slot = slot;
        this.tenant = tenant;
    }

    /**
     * @return a context with {@code words} random control words (a third of them 0), a random data buffer of
     *         0..400 bytes and argument words half of which are hostile (0, -1, MIN, 32, 33, 64, MAX, 1)
     */
    public static ArraySlotContext random(Random rnd, int words, int opcode, int slot) {
        int[] control = new int[words];
        for (int i = 0; i < words; i++) {
            control[i] = rnd.nextInt(3) == 0 ? 0 : rnd.nextInt();
        }
        byte[] data = new byte[rnd.nextInt(4) == 0 ? 0 : 1 + rnd.nextInt(400)];
        rnd.nextBytes(data);
        int[] args = new int[12];
        for (int a = 0; a < args.length; a++) {
            args[a] = rnd.nextBoolean() ? HOSTILE_ARGS[rnd.nextInt(HOSTILE_ARGS.length)] : rnd.nextInt();
        }
        return new ArraySlotContext(control, data, args, opcode, slot, 0);
    }

    /** @return a context with a copy of these control words and the same data, arguments and slot fields */
    public ArraySlotContext copy() {
        return new ArraySlotContext(control.clone(), data, args, opcode, slot, tenant);
    }

    /** @return the control words (live) */
    public int[] control() {
        return control;
    }

    @Override
    public int opcode() {
        return opcode;
    }

    @Override
    public int slot() {
        return slot;
    }

    @Override
    public int tenant() {
        return tenant;
    }

    @Override
    public int arg(int i) {
        return args[i];
    }

    @Override
    public long controlWords() {
        return control.length;
    }

    @Override
    public int loadControl(long word) {
        return control[Math.toIntExact(word)];
    }

    @Override
    public void storeControl(long word, int value) {
        control[Math.toIntExact(word)] = value;
    }

    @Override
    public int atomicAddControl(long word, int delta) {
        int i = Math.toIntExact(word);
        int old = control[i];
        control[i] = old + delta;
        return old;
    }

    @Override
    public int compareAndSwapControl(long word, int expected, int desired) {
        int i = Math.toIntExact(word);
        int old = control[i];
        if (old == expected) {
            control[i] = desired;
        }
        return old;
    }

    @Override
    public long dataBytes() {
        return data.length;
    }

    @Override
    public int loadDataByte(long offset) {
        return data[Math.toIntExact(offset)] & 0xFF;
    }
}
