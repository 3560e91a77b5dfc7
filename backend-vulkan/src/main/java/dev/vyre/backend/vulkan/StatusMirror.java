package dev.vyre.backend.vulkan;

import dev.vyre.protocol.Words;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * What the host polls of a persistent session, in memory it reads from its own caches.
 *
 * <p>The ring and control buffer stay in BAR-mapped VRAM, where the shader polls them; but every
 * host read of BAR memory is an uncached PCIe read (about 1 µs). So the shader also writes each slot
 * status it stores (CLAIMED, then DONE or FAULT, the latter after the effects, DONE_COUNT and the
 * ring's own status, with release) into this mirror: {@code HOST_VISIBLE | HOST_COHERENT} system
 * memory, {@code HOST_CACHED} where offered, which the shader only writes (a shader polling system
 * memory hangs on NVIDIA). Workgroup 0 also mirrors DONE_COUNT (when it changed) and, every 64
 * sweeps, its heartbeat.
 *
 * <p>Generations: each host write of a slot status (publish, deferred publish, raw slot write, a run
 * of {@code publishSlots}) bumps the slot's generation here ({@link #begin}, as the status is stored).
 * The host then stores the generation into the link block after the slot's whole line, behind a full
 * fence: it is the doorbell the persistent shader polls, and the shader tags its mirror entries with
 * the generation it read ({@code generation << 3 | status}). A mirror entry counts only while its
 * generation is the host's latest for that slot, so a stale entry of an earlier round (or one the
 * device wrote late, or one tagged with the previous generation because the doorbell of this round
 * was not rung yet) is never mistaken for the current one; until the shader writes one, the slot's
 * status is the one the host wrote. Word offsets must match {@code vyre_megakernel.comp}.
 */
final class StatusMirror implements AutoCloseable {

    static final int DONE_COUNT = 0;
    static final int HEARTBEAT = 1;
    /** The shader's echo of the link block's ping word ({@link VulkanLink#PING}). */
    static final int PONG = 2;
    static final int STATUS_BASE = 32;
    static final int GEN_SHIFT = 3;
    /** Generations wrap within 29 bits (the 3 low bits of a mirror entry hold the status). */
    static final int GEN_MASK = (1 << (32 - GEN_SHIFT)) - 1;

    private static final VarHandle ENTRY = MethodHandles.arrayElementVarHandle(long[].class);

    private final DeviceBlock block;
    private final MemorySegment words;
    /** Per slot: {@code generation << 32 | status the host wrote}. */
    private final long[] entries;

    StatusMirror(VulkanDevice device, int slots) {
        this.block = DeviceBlock.hostCached(device, bytes(slots));
        this.words = block.mapped();
        this.entries = new long[slots];
        words.fill((byte) 0);
    }

    /** @return bytes of the mirror buffer for {@code slots} slots */
    static long bytes(int slots) {
        return (STATUS_BASE + (long) slots) * Integer.BYTES;
    }

    /** @return the Vulkan buffer the shader writes (binding 6) */
    long buffer() {
        return block.buffer();
    }

    /** @return property flags of the mirror's memory type */
    int flags() {
        return block.flags();
    }

    /**
     * Records that the host is about to store {@code status} into the slot (release).
     *
     * @return the slot's new generation, to be stored in the link block (the doorbell) after the
     *         slot's line, behind a full fence
     */
    int begin(int slot, int status) {
        long e = (long) ENTRY.getAcquire(entries, slot);
        int gen = ((int) (e >>> 32) + 1) & GEN_MASK;
        ENTRY.setRelease(entries, slot, (long) gen << 32 | Integer.toUnsignedLong(status));
        return gen;
    }

    /** @return the slot's generation of the host's latest {@link #begin} (what the doorbell word should hold) */
    int generation(int slot) {
        return (int) ((long) ENTRY.getAcquire(entries, slot) >>> 32);
    }

    /** @return the status the host last stored into the slot */
    int hostStatus(int slot) {
        return (int) (long) ENTRY.getAcquire(entries, slot);
    }

    /**
     * @return the slot's status as far as the mirror shows: the shader's latest entry for the host's
     *         latest write, else the status the host wrote (possibly older than the ring, never newer)
     */
    int status(int slot) {
        long e = (long) ENTRY.getAcquire(entries, slot);
        int m = Words.getAcquire(words, STATUS_BASE + (long) slot);
        return m >>> GEN_SHIFT == (int) (e >>> 32) ? m & ((1 << GEN_SHIFT) - 1) : (int) e;
    }

    /** @return the mirrored DONE_COUNT (lags the control word by at most one sweep of workgroup 0) */
    int doneCount() {
        return Words.getAcquire(words, DONE_COUNT);
    }

    /** @return the last ping the shader echoed */
    int pong() {
        return Words.getAcquire(words, PONG);
    }

    /** @return the mirrored heartbeat (updated every 64 sweeps) */
    int heartbeat() {
        return Words.getAcquire(words, HEARTBEAT);
    }

    @Override
    public void close() {
        block.close();
    }
}
