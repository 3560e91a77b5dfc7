package dev.vyre.conformance;

import dev.vyre.ir.IrHandler;
import dev.vyre.ir.Program;
import dev.vyre.ir.testing.BoundedSlotContext;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.SlotLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.util.Map;

/**
 * The host model of IR opcodes: runs a slot's program with {@link IrHandler} (the IR's Java evaluator,
 * docs/IR.md) over expected buffers, with the protocol's bounds rule ({@link BoundedSlotContext}), so the
 * expectation of an IR case is computed on the host and never by the backend under test. A top-level slot runs the program of its
 * opcode with its 12 argument words; a packed slot runs the program of each inner op id that has one, with
 * the inner op's 3 argument words as arguments 0..2 and 0 for 3..11, as every interpreter does
 * (docs/PROTOCOL.md, "Packed slots").
 */
final class IrModel {

    private final IntBuffer control;
    private final BoundedSlotContext context;

    /** @param expected the buffers to run over: its control buffer changes, its data buffer is read */
    IrModel(Buffers expected) {
        this.control = ByteBuffer.wrap(expected.control()).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer();
        this.context = new BoundedSlotContext(new int[control.capacity()], expected.data());
    }

    /**
     * Runs what {@code opcode} in ring slot {@code slot} does through the programs (nothing for an opcode
     * without one). The control words are read from the expected buffer before the run and written back
     * after it, so changes made to that buffer between runs (slot states, counters) are seen.
     *
     * @param programs the IR program of each custom opcode
     * @param slotArgs the slot's 12 argument words
     */
    void run(Map<Integer, Program> programs, int slot, int tenant, int opcode, int[] slotArgs) {
        control.get(0, context.control());
        if (opcode != Opcodes.PACKED_SLOT) {
            Program p = programs.get(opcode);
            if (p != null) {
                new IrHandler(p).execute(context.identity(opcode, slot, tenant).args(slotArgs));
            }
        } else {
            runPacked(programs, slot, tenant, slotArgs);
        }
        control.put(0, context.control());
    }

    private void runPacked(Map<Integer, Program> programs, int slot, int tenant, int[] slotArgs) {
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
                new IrHandler(p).execute(context.identity(op, slot, tenant).args(slotArgs[at], slotArgs[at + 1],
                        slotArgs[at + 2]));
            }
        }
    }

    private static int payloadByte(int[] payload, int k) {
        return (payload[k >>> 2] >>> (8 * (k & 3))) & 0xFF;
    }
}
