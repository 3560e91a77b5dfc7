package dev.vyre.flink;

import java.io.Serializable;

/**
 * Turns one record into one slot: writes image 0 of {@link SlotTarget#images()} with
 * {@code dev.vyre.api.Slots.encode} (tenant {@link SlotTarget#tenant()}) and, when the opcode reads the data
 * buffer, the record's bytes into {@link SlotTarget#data()}. It must depend on the record alone, so that a
 * record replayed after a restore gives the same slot. Called on the task thread; must not keep the target.
 */
@FunctionalInterface
public interface SlotEncoder<IN> extends Serializable {
    void encode(IN record, SlotTarget target);
}
