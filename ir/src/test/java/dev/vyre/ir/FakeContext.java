package dev.vyre.ir;

import dev.vyre.protocol.SlotContext;

/**
 * A {@link SlotContext} over plain arrays with the protocol's bounds rule. It also counts calls that
 * reached it with an out-of-range index (the evaluator should never make one).
 */
final class FakeContext implements SlotContext {
    final int[] control;
    final byte[] data;
    final int[] args = new int[Ir.ARGS];
    int opcode = 0x1234;
    int slot = 3;
    int tenant = 1;
    int outOfRangeCalls;

    FakeContext(int controlWords, byte[] data) {
        this.control = new int[controlWords];
        this.data = data;
    }

    FakeContext args(int... values) {
        System.arraycopy(values, 0, args, 0, values.length);
        return this;
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
