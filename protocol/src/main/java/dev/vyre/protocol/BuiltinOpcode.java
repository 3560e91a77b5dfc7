package dev.vyre.protocol;

/** The interpreter's built-in opcodes as a typed API. */
public enum BuiltinOpcode implements SlotOpcode {
    NOP(Opcodes.NOP),
    STORE_U32(Opcodes.STORE_U32),
    ATOMIC_ADD(Opcodes.ATOMIC_ADD),
    LOAD_U32(Opcodes.LOAD_U32),
    COMPARE_SWAP(Opcodes.COMPARE_SWAP),
    MEMCPY(Opcodes.MEMCPY),
    DFA_STEP(Opcodes.DFA_STEP),
    BATCH_FENCE(Opcodes.BATCH_FENCE),
    PRINTF(Opcodes.PRINTF),
    SHUTDOWN(Opcodes.SHUTDOWN);

    private final int wire;

    BuiltinOpcode(int wire) {
        this.wire = wire;
    }

    /** @return the wire value */
    @Override
    public int wire() {
        return wire;
    }
}
