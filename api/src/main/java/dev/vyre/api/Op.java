package dev.vyre.api;

import dev.vyre.protocol.Opcodes;
import org.apiguardian.api.API;

/** The built-in opcodes a slot can carry (see {@code docs/PROTOCOL.md} for what each does). */
@API(status = API.Status.EXPERIMENTAL, since = "0.2")
public final class Op {
    /** Does nothing but complete. */
    public static final int NOP = Opcodes.NOP;
    /** {@code control[arg1] = arg0}. */
    public static final int STORE_U32 = Opcodes.STORE_U32;
    /** {@code control[arg1] += arg0}. */
    public static final int ATOMIC_ADD = Opcodes.ATOMIC_ADD;
    /** {@code control[160 + arg1] = control[arg0]}. */
    public static final int LOAD_U32 = Opcodes.LOAD_U32;
    /** {@code prev = CAS(control[arg0], arg1, arg2); control[160 + arg0] = prev}. */
    public static final int COMPARE_SWAP = Opcodes.COMPARE_SWAP;
    /** {@code control[arg1 + i] = control[arg0 + i]} for {@code i < arg2}, ascending. */
    public static final int MEMCPY = Opcodes.MEMCPY;
    /** One DFA transition over a table in the data buffer. */
    public static final int DFA_STEP = Opcodes.DFA_STEP;
    /** Marks the end of a batch. */
    public static final int BATCH_FENCE = Opcodes.BATCH_FENCE;
    /** CRC-32C of a data-buffer range into an observable word. */
    public static final int CRC32C = Opcodes.CRC32C;
    /** Asks the host for bytes through the IO queue. */
    public static final int LOAD_MISS = Opcodes.LOAD_MISS;
    /** Appends a record to the debug log. */
    public static final int PRINTF = Opcodes.PRINTF;
    /** Several small operations in one slot. */
    public static final int PACKED_SLOT = Opcodes.PACKED_SLOT;
    /** Stops the interpreter. */
    public static final int SHUTDOWN = Opcodes.SHUTDOWN;

    private Op() {
    }
}
