package dev.vyre.protocol;

import java.lang.foreign.MemorySegment;

/**
 * Dispatch-time buffer checks (vyre {@code execution.rs}, {@code protocol_api.rs},
 * {@code readback.rs}); a dispatch validates control, debug log, IO queue, then ring, and the
 * first failure wins.
 */
public final class BufferValidation {

    private BufferValidation() {
    }

    /**
     * @throws BackendException unless the control buffer is at least 640 bytes and 4-byte aligned
     */
    public static void validateControlBytes(MemorySegment control) {
        long len = control.byteSize();
        if (len < ControlLayout.CONTROL_MIN_BYTES || len % Integer.BYTES != 0) {
            throw new BackendException("megakernel control buffer has " + len + " bytes, expected at least "
                    + ControlLayout.CONTROL_MIN_BYTES + " bytes and 4-byte alignment",
                    "build it with Megakernel.encodeControl.");
        }
    }

    /** @throws BackendException unless the debug log is exactly 1028 bytes */
    public static void validateDebugLogBytes(MemorySegment debugLog) {
        long len = debugLog.byteSize();
        if (len != DebugLogLayout.BUFFER_BYTES) {
            throw new BackendException("megakernel debug-log buffer has " + len + " bytes, expected exactly "
                    + DebugLogLayout.BUFFER_BYTES + " bytes for " + DebugLogLayout.RECORD_CAPACITY + " PRINTF records",
                    "build it with Megakernel.encodeEmptyDebugLog(Megakernel.debugRecordCapacity()).");
        }
    }

    /** @throws BackendException unless the ring is exactly {@code slotCount × 64} bytes */
    public static void validateRingBytes(MemorySegment ring, int slotCount) {
        long len = ring.byteSize();
        long expected = Integer.toUnsignedLong(slotCount) * SlotLayout.SLOT_BYTES;
        if (len != expected) {
            throw new BackendException("megakernel ring buffer has " + len + " bytes, expected " + expected + " for "
                    + Integer.toUnsignedString(slotCount) + " slots",
                    "build ring bytes with Megakernel.encodeEmptyRing(slotCount) for this handle.");
        }
    }

    /**
     * @return the slot count of a read-back ring
     * @throws BackendException when the ring is not a whole number of 64-byte slots
     */
    public static long readbackSlotCount(MemorySegment ring) {
        long len = ring.byteSize();
        if (len % SlotLayout.SLOT_BYTES != 0) {
            throw new BackendException("megakernel readback ring has " + len + " bytes, not a multiple of "
                    + SlotLayout.SLOT_BYTES, "rebuild the ring with Megakernel.encodeEmptyRing.");
        }
        return len / SlotLayout.SLOT_BYTES;
    }

    /**
     * Validates a dispatch's buffers in the protocol's order: control, debug log, IO queue, ring.
     *
     * @throws PipelineException on the first failing buffer
     */
    public static void validateDispatchBuffers(MemorySegment control, MemorySegment ring, int slotCount,
                                               MemorySegment debugLog, MemorySegment ioQueue) {
        validateControlBytes(control);
        validateDebugLogBytes(debugLog);
        IoQueue.validateIoQueueBytes(ioQueue);
        validateRingBytes(ring, slotCount);
    }
}
