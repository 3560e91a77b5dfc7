package dev.vyre.ir.testing;

import dev.vyre.protocol.SlotContext;
import dev.vyre.protocol.SlotLayout;
import java.util.Arrays;
import java.util.Random;
import org.apiguardian.api.API;

/**
 * A {@link SlotContext} over plain arrays with the protocol's bounds rule: a control index outside
 * {@code 0 .. controlWords - 1} loads 0 and stores nothing, an atomic on one returns 0 and changes nothing,
 * and a data offset outside {@code 0 .. dataBytes - 1} loads 0. It is the host model the IR's evaluator and
 * compiled bodies run on in tests and in the conformance suite's expectations.
 *
 * <p>Every call that reached it with an out-of-range index is counted ({@link #outOfRangeCalls()}): the IR's
 * Java bodies check each index before calling the context, so a test can assert the count stays 0.
 * Atomics are plain read-modify-writes: one context serves one thread. The opcode, slot and tenant are 0
 * and the 12 argument words 0 until set.
 */
@API(status = API.Status.INTERNAL, since = "0.2")
public final class BoundedSlotContext implements SlotContext {
    private static final int[] HOSTILE_ARGS = {0, -1, Integer.MIN_VALUE, 32, 33, 64, 0x7FFFFFFF, 1};

    private final int[] control;
    private final byte[] data;
    private final int[] args = new int[SlotLayout.ARGS_PER_SLOT];
    private int opcode;
    private int slot;
    private int tenant;
    private int outOfRangeCalls;

    /**
     * @param control the control words (used live, not copied)
     * @param data    the data buffer (used live, not copied; only read)
     */
    public BoundedSlotContext(int[] control, byte[] data) {
        this.control = control;
        this.data = data;
    }

    /** A context over {@code controlWords} zero control words and {@code data} (used live). */
    public BoundedSlotContext(int controlWords, byte[] data) {
        this(new int[controlWords], data);
    }

    /**
     * @return a context of tenant 0 with {@code words} random control words (a third of them 0), a random data
     *         buffer of 0..400 bytes and argument words half of which are hostile (0, -1, MIN, 32, 33, 64, MAX, 1)
     */
    public static BoundedSlotContext random(Random rnd, int words, int opcode, int slot) {
        int[] control = new int[words];
        for (int i = 0; i < words; i++) {
            control[i] = rnd.nextInt(3) == 0 ? 0 : rnd.nextInt();
        }
        byte[] data = new byte[rnd.nextInt(4) == 0 ? 0 : 1 + rnd.nextInt(400)];
        rnd.nextBytes(data);
        int[] args = new int[SlotLayout.ARGS_PER_SLOT];
        for (int a = 0; a < args.length; a++) {
            args[a] = rnd.nextBoolean() ? HOSTILE_ARGS[rnd.nextInt(HOSTILE_ARGS.length)] : rnd.nextInt();
        }
        return new BoundedSlotContext(control, data).args(args).identity(opcode, slot, 0);
    }

    /**
     * Sets the argument words: {@code values} are arguments {@code 0 .. values.length - 1}, the rest are 0.
     *
     * @return this context
     * @throws IllegalArgumentException for more than 12 values
     */
    public BoundedSlotContext args(int... values) {
        if (values.length > args.length) {
            throw new IllegalArgumentException(values.length + " argument words, a slot has " + args.length
                    + ". Fix: pass at most " + args.length + " values.");
        }
        System.arraycopy(values, 0, args, 0, values.length);
        Arrays.fill(args, values.length, args.length, 0);
        return this;
    }

    /** Sets the opcode, slot and tenant the context reports; @return this context */
    public BoundedSlotContext identity(int opcode, int slot, int tenant) {
        this.opcode = opcode;
        this.slot = slot;
        this.tenant = tenant;
        return this;
    }

    /**
     * @return a context with a copy of the control words, the same data array, arguments, opcode, slot and
     *         tenant, and no out-of-range calls counted
     */
    public BoundedSlotContext copy() {
        BoundedSlotContext c = new BoundedSlotContext(control.clone(), data).identity(opcode, slot, tenant);
        System.arraycopy(args, 0, c.args, 0, args.length);
        return c;
    }

    /** @return the control words (live) */
    public int[] control() {
        return control;
    }

    /** @return the data buffer (live) */
    public byte[] data() {
        return data;
    }

    /** @return how many calls passed an index outside the control words or the data buffer */
    public int outOfRangeCalls() {
        return outOfRangeCalls;
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
        return i >= 0 && i < args.length ? args[i] : 0;
    }

    @Override
    public long controlWords() {
        return control.length;
    }

    private boolean inControl(long word) {
        boolean in = word >= 0 && word < control.length;
        if (!in) {
            outOfRangeCalls++;
        }
        return in;
    }

    @Override
    public int loadControl(long word) {
        return inControl(word) ? control[(int) word] : 0;
    }

    @Override
    public void storeControl(long word, int value) {
        if (inControl(word)) {
            control[(int) word] = value;
        }
    }

    @Override
    public int atomicAddControl(long word, int delta) {
        if (!inControl(word)) {
            return 0;
        }
        int old = control[(int) word];
        control[(int) word] = old + delta;
        return old;
    }

    @Override
    public int compareAndSwapControl(long word, int expected, int desired) {
        if (!inControl(word)) {
            return 0;
        }
        int old = control[(int) word];
        if (old == expected) {
            control[(int) word] = desired;
        }
        return old;
    }

    @Override
    public long dataBytes() {
        return data.length;
    }

    @Override
    public int loadDataByte(long offset) {
        if (offset < 0 || offset >= data.length) {
            outOfRangeCalls++;
            return 0;
        }
        return data[(int) offset] & 0xFF;
    }
}
