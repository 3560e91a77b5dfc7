package dev.vyre.flink;

import dev.vyre.api.Session;
import dev.vyre.api.Slots;
import java.lang.foreign.MemorySegment;

/**
 * What a {@link ResultDecoder} reads once a record's slot finished: its observable word and its bytes of the
 * data buffer. One instance is reused for every record of an operator instance, on its completion thread
 * only; it must not be kept.
 */
public final class SlotResult {
    private final Session session;
    private final MemorySegment dataBuffer;
    private final int dataBytesPerSlot;
    private int slot;

    SlotResult(Session session, MemorySegment dataBuffer, int dataBytesPerSlot) {
        this.session = session;
        this.dataBuffer = dataBuffer;
        this.dataBytesPerSlot = dataBytesPerSlot;
    }

    void bind(int ringSlot) {
        this.slot = ringSlot;
    }

    /** @return the ring slot that ran the record */
    public int slot() {
        return slot;
    }

    /** @return observable word {@code slot()} (control word {@code 160 + slot()}), read with acquire */
    public int word() {
        return session.controlWord(Slots.observable(slot));
    }

    /** @return this slot's bytes of the data buffer (see {@link SlotTarget#data()}) */
    public MemorySegment data() {
        return dataBuffer.asSlice((long) slot * dataBytesPerSlot, dataBytesPerSlot);
    }
}
