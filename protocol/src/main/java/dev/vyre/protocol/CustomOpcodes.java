package dev.vyre.protocol;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An immutable, ordered set of custom opcodes. Handlers run in registration order; an opcode
 * may be registered once.
 */
public final class CustomOpcodes {

    private static final CustomOpcodes NONE = new CustomOpcodes(List.of());

    private final List<CustomOpcode> entries;
    private final int[] sortedOpcodes;

    private CustomOpcodes(List<CustomOpcode> entries) {
        this.entries = List.copyOf(entries);
        this.sortedOpcodes = this.entries.stream().mapToInt(CustomOpcode::opcode).sorted().toArray();
    }

    /** @return the empty set */
    public static CustomOpcodes none() {
        return NONE;
    }

    /**
     * @throws VyreArgumentException when an opcode appears twice
     */
    public static CustomOpcodes of(CustomOpcode... opcodes) {
        List<CustomOpcode> list = new ArrayList<>(opcodes.length);
        for (CustomOpcode op : opcodes) {
            for (CustomOpcode seen : list) {
                if (seen.opcode() == op.opcode()) {
                    throw new VyreArgumentException("opcodes", "custom opcode 0x" + Integer.toHexString(op.opcode())
                            + " is registered twice", "register each opcode once");
                }
            }
            list.add(op);
        }
        return new CustomOpcodes(list);
    }

    /** @return the opcodes in registration order */
    public List<CustomOpcode> entries() {
        return entries;
    }

    /** @return true when {@code opcode} has a registered handler */
    public boolean contains(int opcode) {
        return Arrays.binarySearch(sortedOpcodes, opcode) >= 0;
    }

    /** @return every dialect some opcode has a body in */
    public java.util.Set<String> dialects() {
        java.util.Set<String> all = new java.util.TreeSet<>();
        for (CustomOpcode op : entries) {
            all.addAll(op.dialects());
        }
        return all;
    }

    /** @return true when empty */
    public boolean isEmpty() {
        return entries.isEmpty();
    }
}
