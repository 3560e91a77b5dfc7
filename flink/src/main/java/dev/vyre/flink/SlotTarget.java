package dev.vyre.flink;

import dev.vyre.api.Slots;
import java.lang.foreign.MemorySegment;

/**
 * Where a {@link SlotEncoder} writes one record: the 64-byte slot image (image index 0 of {@link #images()},
 * written with {@link Slots#encode}), under {@link #tenant()}, and this slot's own bytes of the session's data
 * buffer ({@link #data()}, at {@link #dataOffset()} in the buffer a slot's arguments address). The result of
 * the slot goes to observable word {@link #observable()}. One instance is reused for every record of an
 * operator instance, on its task thread only; it must not be kept.
 */
public final class SlotTarget {
    private final MemorySegment images;
    private final MemorySegment dataBuffer;
    private final int tenant;
    private final int dataBytesPerSlot;
    private int slot;

    SlotTarget(MemorySegment images, MemorySegment dataBuffer, int tenant, int dataBytesPerSlot) {
        this.images = images;
        this.dataBuffer = dataBuffer;
        this.tenant = tenant;
        this.dataBytesPerSlot = dataBytesPerSlot;
    }

    void bind(int ringSlot) {
        this.slot = ringSlot;
    }

    /** @return the slot image buffer: write image 0 with {@link Slots#encode} (status PUBLISHED) */
    public MemorySegment images() {
        return images;
    }

    /** @return the tenant id every image of this operator must carry */
    public int tenant() {
        return tenant;
    }

    /** @return the ring slot the image goes to */
    public int slot() {
        return slot;
    }

    /** @return the observable word index ({@code k} in {@code Slots.observable(k)}) that belongs to this slot */
    public int observable() {
        return slot;
    }

    /** @return the byte offset, in the session's data buffer, of this slot's bytes */
    public int dataOffset() {
        return Math.toIntExact((long) slot * dataBytesPerSlot);
    }

    /** @return how many data-buffer bytes this slot owns */
    public int dataBytes() {
        return dataBytesPerSlot;
    }

    /**
     * @return this slot's {@link #dataBytes()} bytes of the data buffer; written before the publication,
     *         they are visible to the slot
     */
    public MemorySegment data() {
        return dataBuffer.asSlice((long) slot * dataBytesPerSlot, dataBytesPerSlot);
    }
}
