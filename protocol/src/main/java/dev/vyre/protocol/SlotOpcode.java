package dev.vyre.protocol;

/**
 * The opcode of a descriptor slot: a {@link BuiltinOpcode} or a
 * {@link Custom} wire value.
 */
public sealed interface SlotOpcode permits BuiltinOpcode, SlotOpcode.Custom {

    /** @return the opcode word written to the ring */
    int wire();

    /** @return a custom (user or tenant) opcode */
    static SlotOpcode custom(int wire) {
        return new Custom(wire);
    }

    /**
     * A caller-defined opcode, written as is (publishers still refuse reserved values).
     *
     * @param wire the opcode word
     */
    record Custom(int wire) implements SlotOpcode {
        @Override
        public String toString() {
            return "Custom(0x" + Integer.toHexString(wire) + ")";
        }
    }
}
