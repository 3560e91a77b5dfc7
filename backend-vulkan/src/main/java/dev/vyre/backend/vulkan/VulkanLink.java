package dev.vyre.backend.vulkan;

import dev.vyre.protocol.TenantIsolation;
import dev.vyre.protocol.IoLink;
import dev.vyre.protocol.IoQueueLayout;
import dev.vyre.protocol.Words;
import java.lang.foreign.MemorySegment;

/**
 * The link block (binding 5): buffer lengths and mode words the host writes before a dispatch, and
 * the heartbeat / stopped words a persistent shader writes (extension words outside the control
 * buffer, docs/PROTOCOL.md). A persistent session's block also holds, from word {@link #GEN_BASE},
 * one generation word per slot (the host's doorbell) and then one seen word per slot (the shader's
 * own bookkeeping). Word offsets must match {@code vyre_megakernel.comp}.
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
    /**
     * The host's ping (persistent sessions): workgroup 0 of the shader echoes every new value into the
     * status mirror's pong word, which proves at open that host stores to the block reach the shader.
     */
    static final int PING = 10;
    /** Written and read back by the host only ({@link VulkanSession#linkState}): does a host store land? */
    static final int PROBE = 12;
    /** Isolated mode: the first word of the isolation block ({@code dev.vyre.protocol.TenantIsolation}) in the block. */
    static final int ISOLATION = 11;
    static final int HEARTBEAT = 16;
    static final int STOPPED = 17;
    static final int CLOCK_LO = 18;
    static final int CLOCK_HI = 19;
    static final int MODE_CLOCK_PROBE = 1;
    /**
     * First word of the persistent session's generation array, the doorbell: word {@code GEN_BASE + s}
     * holds the generation of the host's latest write to slot {@code s}. The host stores it after the
     * slot's whole 64-byte line (payload and status) and a full fence; the persistent shader looks at a
     * slot's ring line only when this word differs from the slot's {@link #seenBase seen} word, and tags
     * its status-mirror entries with it (see {@link StatusMirror}).
     */
    static final int GEN_BASE = 64;
    /** Bytes of the block without generation and seen arrays (one-pass dispatches). */
    static final long BYTES = 256;

    /**
     * @return the first word of the seen array, which follows the generation array: word
     *         {@code seenBase(slots) + s} holds the last generation of slot {@code s} the shader settled
     *         (device-only; zero at open, like the generations)
     */
    static int seenBase(int slots) {
        return GEN_BASE + slots;
    }

    /**
     * @return the first word of the IO link block ({@link IoLink}), which follows the seen array: the shader
     *         writes its sequence and accepted words, the host its completion words
     */
    static int ioLinkBase(int slots) {
        return GEN_BASE + 2 * slots;
    }

    /** Device-only words after the IO link block: IO slot reservations, then the last sequence per IO slot. */
    static final int IO_DEVICE_WORDS = 2 * IoQueueLayout.IO_SLOT_COUNT;

    /**
     * @return bytes of a persistent session's block: the header, one generation and one seen word per slot,
     *         the IO link block and the device-only IO words
     */
    static long persistentBytes(int slots) {
        return BYTES + 8L * slots + IoLink.BYTES + IO_DEVICE_WORDS * 4L;
    }

    /** @return bytes of the block with the isolation block appended after {@code plainBytes} when {@code isolated} */
    static long bytes(long plainBytes, boolean isolated) {
        return isolated ? plainBytes + (long) TenantIsolation.BLOCK_WORDS * Integer.BYTES : plainBytes;
    }

    /** Isolated mode: writes the isolation block at word {@code plainBytes / 4} and points {@link #ISOLATION} at it. */
    static void writeIsolation(MemorySegment link, long plainBytes, int[] block) {
        int base = (int) (plainBytes / Integer.BYTES);
        for (int i = 0; i < block.length; i++) {
            Words.set(link, base + i, block[i]);
        }
        Words.set(link, ISOLATION, base);
    }

    /** Isolated mode: the violation counter of {@code tenant} (acquire). */
    static int violations(MemorySegment link, int tenant) {
        return Words.getAcquire(link, Words.get(link, ISOLATION) + TenantIsolation.VIOLATIONS_BASE + tenant);
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
