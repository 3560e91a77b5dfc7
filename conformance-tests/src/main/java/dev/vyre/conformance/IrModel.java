package dev.vyre.conformance;

import dev.vyre.ir.IrHandler;
import dev.vyre.ir.Program;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.SlotContext;
import dev.vyre.protocol.SlotLayout;
import java.util.Map;

/**
 * The host model of IR opcodes: runs a slot's program with {@link IrHandler} (the IR's Java evaluator,
 * docs/IR.md) over expected buffers, with the protocol's bounds rule, so the expectation of an IR case is
 * computed on the host and never by the backend under test. A top-level slot runs the program of its
 * opcode with its 12 argument words; a packed slot runs the program of each inner op id that has one, with
 * the inner op's 3 argument words as arguments 0..2 and 0 for 3..11, as every interpreter does
 * (docs/PROTOCOL.md, "Packed slots").
 */
final class IrModel implements SlotContext {

    private final byte[] control;
    private final long controlWords;
    private final byte[] data;
    private final int[] args = new int[SlotLayout.ARGS_PER_SLOT];
    private int opcode;
    private int slot;
    private int tenant;

    /** @param expected the buffers to run over: its control buffer changes, its data buffer is read */
    IrModel(Buffers expected) {
        this.control = expected.control();
        this.controlWords = control.length / 4;
        this.data = expected.data();
    }

    /**
     * Runs what {@code opcode} in ring slot {@code slot} does through the programs (nothing for an opcode
     * without one).
     *
     * @param programs the IR program of each custom opcode
     * @param slotArgs the slot's 12 argument words
     */
    void run(Map<Integer, Program> programs, int slot, int tenant, int opcode, int[] slotArgs) {
        this.slot = slot;
        this.tenant = tenant;
        if (opcode != Opcodes.PACKED_SLOT) {
            Program p = programs.get(opcode);
            if (p != null) {
                this.opcode = opcode;
                System.arraycopy(slotArgs, 0, args, 0, SlotLayout.ARGS_PER_SLOT);
                new IrHandler(p).execute(this);
            }
            return;
        }
        int n = payloadByte(slotArgs, 0);
        int meta = (2 + 2 * n + 3) / 4;
        if (meta > SlotLayout.ARGS_PER_SLOT) {
            return;
        }
        for (int k = 0; k < n; k++) {
            int op = payloadByte(slotArgs, 2 + 2 * k);
            int at = meta + payloadByte(slotArgs, 3 + 2 * k);
            Program p = programs.get(op);
            if (p != null && at + 3 <= SlotLayout.ARGS_PER_SLOT) {
                this.opcode = op;
                java.util.Arrays.fill(args, 0);
                System.arraycopy(slotArgs, at, args, 0, 3);
                new IrHandler(p).execute(this);
            }
        }
    }

    private static int payloadByte(int[] payload, int k) {
        return (payload[k >>> 2] >>> (8 * (k & 3))) & 0xFF;
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
        return controlWords;
    }

    @Override
    public int loadControl(long word) {
        return word >= 0 && word < controlWords ? Wire.word(control, word) : 0;
    }

    @Override
    public void storeControl(long word, int value) {
        if (word >= 0 && word < controlWords) {
            Wire.setWord(control, word, value);
        }
    }

    @Override
    public int atomicAddControl(long word, int delta) {
        if (word < 0 || word >= controlWords) {
            return 0;
        }
        int old = Wire.word(control, word);
        Wire.setWord(control, word, old + delta);
        return old;
    }

    @Override
    public int compareAndSwapControl(long word, int expected, int desired) {
        if (word < 0 || word >= controlWords) {
            return 0;
        }
        int old = Wire.word(control, word);
        if (old == expected) {
            Wire.setWord(control, word, desired);
        }
        return old;
    }

    @Override
    public long dataBytes() {
        return data.length;
    }

    @Override
    public int loadDataByte(long offset) {
        return offset >= 0 && offset < data.length ? data[(int) offset] & 0xFF : 0;
    }
}
