package dev.vyre.backend.vulkan;

import dev.vyre.protocol.Words;
import java.lang.foreign.MemorySegment;

/**
 * The link block (binding 5): buffer lengths and mode words the host writes before a dispatch, and
 * the heartbeat / stopped words a persistent shader writes (extension words outside the control
 * buffer, docs/PROTOCOL.md). Word offsets must match {@code vyre_megakernel.comp}.
 */
final class VulkanLink {

    static final int CONTROL_WORDS = 0;
    static final int SLOT_COUNT = 1;
    static final int DEBUG_WORDS = 2;
    static final int IO_SLOTS = 3;
    static final int DATA_BYTES = 4;
    static final int IO_TIMEOUT_LO = 5;
    static final int IO_TIMEOUT_HI = 6;
    static final int STRIDE = 7;
    static final int MODE = 8;
    static final int IO_ITERATIONS = 9;
    static final int HEARTBEAT = 16;
    static final int STOPPED = 17;
    static final int CLOCK_LO = 18;
    static final int CLOCK_HI = 19;
    static final int MODE_CLOCK_PROBE = 1;
    /**
     * First word of the persistent session's generation array: word {@code GEN_BASE + s} holds the
     * generation of the host's latest write to slot {@code s}, which the shader copies into the status
     * mirror (see {@link StatusMirror}).
     */
    static final int GEN_BASE = 64;
    /** Bytes of the block without a generation array (one-pass dispatches). */
    static final long BYTES = 256;

    /** @return bytes of a persistent session's block: the header and one generation word per slot */
    static long persistentBytes(int slots) {
        return BYTES + 4L * slots;
    }

    private VulkanLink() {
    }

    /** Writes the sizes and the IO wait bound (clock ticks and iterations) into a zeroed block. */
    static void write(MemorySegment link, long controlWords, long slots, long debugWords, long ioSlots, long dataBytes,
                      long timeoutTicks, long timeoutIterations, long stride, int mode) {
        link.fill((byte) 0);
        Words.set(link, CONTROL_WORDS, (int) controlWords);
        Words.set(link, SLOT_COUNT, (int) slots);
        Words.set(link, DEBUG_WORDS, (int) debugWords);
        Words.set(link, IO_SLOTS, (int) ioSlots);
        Words.set(link, DATA_BYTES, (int) dataBytes);
        Words.set(link, IO_TIMEOUT_LO, (int) timeoutTicks);
        Words.set(link, IO_TIMEOUT_HI, (int) (timeoutTicks >>> 32));
        Words.set(link, STRIDE, (int) stride);
        Words.set(link, MODE, mode);
        Words.set(link, IO_ITERATIONS, (int) Math.min(Math.max(timeoutIterations, 1), 0xFFFF_FFFFL));
    }
}
