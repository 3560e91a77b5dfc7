package dev.vyre.protocol;

import java.lang.foreign.MemorySegment;

/** Shared fix texts and caller-storage checks of the codecs. */
final class Texts {
    static final String WHOLE_WORDS = "pass whole u32 protocol words; do not decode partial DMA/readback buffers";
    static final String MATCHING_ENCODER = "decode only buffers produced by the matching megakernel protocol encoder";
    static final String MATCHING_CONTROL_ENCODER =
            "decode only control buffers produced by the matching megakernel protocol encoder";
    static final String RING_CAP =
            "split the dispatch into smaller ring shards before encoding; slot_count exceeds the megakernel allocation cap or host address space";
    static final String CONTROL_CAP =
            "shard observable results or reduce observable_slots to the megakernel allocation cap before encoding control";
    static final String DEBUG_CAP = "reduce debug-log record_capacity to the megakernel allocation cap before encoding";

    private Texts() {
    }

    /**
     * Refuses a caller-owned destination that cannot hold an encoding. vyre resizes a
     * {@code Vec}; a segment cannot grow, so the caller must size it.
     */
    static void requireCapacity(MemorySegment dst, long needed, String buffer) {
        if (dst.byteSize() < needed) {
            throw new IllegalArgumentException(buffer + " destination has " + dst.byteSize()
                    + " bytes but the encoding needs " + needed + ". Fix: pass a destination of at least "
                    + needed + " bytes (size it with ByteLengths)");
        }
    }

    /** Refuses caller-owned output storage that cannot hold every decoded entry. */
    static void requireEntries(int available, long needed, String what) {
        if (available < needed) {
            throw new IllegalArgumentException("output array holds " + available + " " + what + " but " + needed
                    + " were decoded. Fix: pass an output array with room for " + needed + " " + what);
        }
    }
}
