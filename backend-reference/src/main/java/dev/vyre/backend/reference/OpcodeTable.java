package dev.vyre.backend.reference;

import dev.vyre.protocol.BackendException;
import dev.vyre.protocol.CustomOpcode;
import dev.vyre.protocol.CustomOpcodes;
import dev.vyre.protocol.OpcodeHandler;
import java.util.Arrays;

/**
 * Custom opcode lookup for the interpreter: opcode to its {@value CustomOpcode#JAVA} body, allocation-free.
 * Opcodes below 65,536 are looked up in a dense array, larger ones by binary search.
 */
final class OpcodeTable {

    private static final int DENSE_LIMIT = 1 << 16;

    private final OpcodeHandler[] dense;
    private final int[] sparseOpcodes;
    private final OpcodeHandler[] sparseHandlers;

    private OpcodeTable(OpcodeHandler[] dense, int[] sparseOpcodes, OpcodeHandler[] sparseHandlers) {
        this.dense = dense;
        this.sparseOpcodes = sparseOpcodes;
        this.sparseHandlers = sparseHandlers;
    }

    /**
     * Builds the table.
     *
     * @throws BackendException when an opcode has no {@value CustomOpcode#JAVA} body
     */
    static OpcodeTable of(CustomOpcodes opcodes) {
        int denseSize = 0;
        int sparseCount = 0;
        for (CustomOpcode op : opcodes.entries()) {
            if (op.handler() == null) {
                throw new BackendException("custom opcode 0x" + Integer.toHexString(op.opcode())
                        + " has no Java body (dialects " + op.dialects() + "), and the reference backend runs only"
                        + " Java handlers", "give it an OpcodeHandler (CustomOpcode.java(opcode, handler) or"
                        + " CustomOpcode.of(opcode).java(handler)) or select a backend that runs one of its dialects");
            }
            if (Integer.compareUnsigned(op.opcode(), DENSE_LIMIT) < 0) {
                denseSize = Math.max(denseSize, op.opcode() + 1);
            } else {
                sparseCount++;
            }
        }
        OpcodeHandler[] dense = new OpcodeHandler[denseSize];
        long[] sparse = new long[sparseCount];
        OpcodeHandler[] byIndex = new OpcodeHandler[sparseCount];
        int n = 0;
        var entries = opcodes.entries();
        for (int i = 0; i < entries.size(); i++) {
            CustomOpcode op = entries.get(i);
            if (Integer.compareUnsigned(op.opcode(), DENSE_LIMIT) < 0) {
                dense[op.opcode()] = op.handler();
            } else {
                byIndex[n] = op.handler();
                sparse[n] = (Integer.toUnsignedLong(op.opcode()) << 32) | n;
                n++;
            }
        }
        Arrays.sort(sparse);
        int[] sparseOpcodes = new int[sparseCount];
        OpcodeHandler[] sparseHandlers = new OpcodeHandler[sparseCount];
        for (int i = 0; i < sparseCount; i++) {
            sparseOpcodes[i] = (int) (sparse[i] >>> 32);
            sparseHandlers[i] = byIndex[(int) sparse[i]];
        }
        return new OpcodeTable(dense, sparseOpcodes, sparseHandlers);
    }

    /** @return the handler of {@code opcode}, or null */
    OpcodeHandler handler(int opcode) {
        if (Integer.compareUnsigned(opcode, dense.length) < 0) {
            return dense[opcode];
        }
        if (sparseOpcodes.length == 0) {
            return null;
        }
        int at = Arrays.binarySearch(sparseOpcodes, opcode);
        return at >= 0 ? sparseHandlers[at] : null;
    }
}
