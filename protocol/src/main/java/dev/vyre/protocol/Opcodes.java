package dev.vyre.protocol;

/** VIR0 opcode numbers and their classification. */
public final class Opcodes {
    public static final int NOP = 0;
    public static final int STORE_U32 = 1;
    public static final int ATOMIC_ADD = 2;
    public static final int LOAD_U32 = 3;
    public static final int COMPARE_SWAP = 4;
    public static final int MEMCPY = 5;
    public static final int DFA_STEP = 6;
    public static final int BATCH_FENCE = 7;
    /**
     * vyre-java data-plane extension in the reserved system range:
     * {@code C[160 + a2] = crc32c(B[a0 .. min(a0 + a1, dataBytes)))} (CRC-32C/Castagnoli,
     * reflected, init and final xor 0xFFFFFFFF, as {@link java.util.zip.CRC32C}); no metric.
     */
    public static final int CRC32C = 0x0000FFF1;
    public static final int LOAD_MISS = 0x0000FFFD;
    /** Deprecated alias of {@link #LOAD_MISS}. */
    public static final int EXPERT_LOAD_MISS = LOAD_MISS;
    public static final int PRINTF = 0x0000FFFE;
    public static final int PACKED_SLOT = 0x80000001;
    public static final int SHUTDOWN = 0xFFFFFFFF;
    public static final int SYSTEM_MASK = 0x80000000;
    public static final int RESERVED_MAX_RANGE_MIN = 0x0000FFF0;
    /** Opcodes below this get a per-opcode metric counter. */
    public static final int METRIC_OPCODES = 32;

    private Opcodes() {
    }

    /** @return true for opcodes reserved to the system: high bit, 0xFFF0..0xFFFF, or 0..7 */
    public static boolean isSystem(int opcode) {
        return (opcode & SYSTEM_MASK) != 0
                || (opcode >= RESERVED_MAX_RANGE_MIN && opcode <= 0xFFFF)
                || Integer.compareUnsigned(opcode, BATCH_FENCE) <= 0;
    }

    /** @return true for the opcodes the interpreter runs itself and hosts may publish */
    public static boolean isBuiltin(int opcode) {
        return Integer.compareUnsigned(opcode, BATCH_FENCE) <= 0
                || opcode == PACKED_SLOT || opcode == PRINTF || opcode == SHUTDOWN || opcode == CRC32C;
    }

    /** @return true when a host publisher accepts this opcode */
    public static boolean isPublishable(int opcode) {
        return isBuiltin(opcode) || !isSystem(opcode);
    }
}
