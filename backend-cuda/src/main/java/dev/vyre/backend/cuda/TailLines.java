package dev.vyre.backend.cuda;

import dev.vyre.protocol.BackendException;
import dev.vyre.protocol.UnsupportedFeatureException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.Locale;

/**
 * Where a session's submission-queue tail lines live, the lines the megakernel's leader polls
 * ({@link SubmissionQueues#tailLineByte}; their consumed words stay in the link block).
 *
 * <ul>
 *   <li><b>vram</b>: a block of the GPU's own memory the host writes through BAR1 ({@link BarMappedVram}, imported
 *       into CUDA by {@link ImportedMemory}). A poll is an L2 read instead of a PCIe read, so a publication is seen
 *       sooner: the C round trip fell from 3.20 to 2.39-2.51 us on the H100 (bench/native/vram_doorbell.cu). The
 *       host mapping is write-combined, so a tail line is written between two full fences
 *       ({@link #isWriteCombined()}).</li>
 *   <li><b>host</b>: the link block itself, pinned host memory the leader reads across PCIe.</li>
 * </ul>
 *
 * <p>{@value #PROPERTY} chooses: {@code host} (the default), {@code vram} (required: the session fails to open
 * without it) or {@code auto} (vram where Vulkan can map and export device memory of this GPU, else host, with the
 * reason in {@link #placement()}). Every session in device memory first proves that the host's and the device's
 * views are the same bytes and starts from lines the device zeroed ({@link #checkOneView}); a mismatch is an
 * "unsupported". Not the default: on the H100 the megakernel's round trip was slower with the lines in device memory
 * than in host memory (docs/PERFORMANCE.md, "Session 18 on the H100").
 */
final class TailLines implements AutoCloseable {

    /** The system property choosing the placement: auto, vram or host. */
    static final String PROPERTY = "vyre.cuda.tailLines";
    /** Bytes of device memory allocated for one session's tail lines (covers every queue's line). */
    static final long VRAM_BYTES = 64 * 1024;
    /** Volatile 8-byte reads of the views in {@link #checkOneView}: every read goes to the memory. */
    private static final VarHandle WORD = ValueLayout.JAVA_LONG.varHandle();

    private final MemorySegment host;
    private final long deviceAddress;
    private final String placement;
    private final BarMappedVram vram;
    private final ImportedMemory imported;

    private TailLines(MemorySegment host, long deviceAddress, String placement, BarMappedVram vram,
                      ImportedMemory imported) {
        this.host = host;
        this.deviceAddress = deviceAddress;
        this.placement = placement;
        this.vram = vram;
        this.imported = imported;
    }

    /**
     * Places the tail lines as {@value #PROPERTY} says, zeroed. Call with the device's context current.
     *
     * @param link the session's link block (the host placement)
     * @throws BackendException when the property names no placement, or says vram and it cannot be had
     */
    static TailLines open(CudaDevice device, MemorySegment link) {
        String mode = System.getProperty(PROPERTY, "host").trim().toLowerCase(Locale.ROOT);
        switch (mode) {
            case "host":
                return new TailLines(link, 0L, "host memory", null, null);
            case "auto", "vram":
                try {
                    return inVram(device);
                } catch (UnsupportedFeatureException e) {
                    if (mode.equals("vram")) {
                        throw new BackendException("-D" + PROPERTY + "=vram, but " + e.problem(), e.fix(), e);
                    }
                    return new TailLines(link, 0L, "host memory (device memory unavailable: " + e.problem() + ")",
                            null, null);
                }
            default:
                throw new BackendException("-D" + PROPERTY + "=" + mode + " is not auto, vram or host",
                        "pass one of those, or leave the property unset");
        }
    }

    private static TailLines inVram(CudaDevice device) {
        BarMappedVram vram = BarMappedVram.open(device.uuid(), VRAM_BYTES);
        try {
            ImportedMemory imported = new ImportedMemory(vram.exportFd(), vram.bytes());
            try {
                checkOneView(vram.host(), imported);
                return new TailLines(vram.host(), imported.devicePointer(), "device memory written through BAR1", vram,
                        imported);
            } catch (RuntimeException | Error e) {
                imported.close();
                throw e;
            }
        } catch (RuntimeException | Error e) {
            vram.close();
            throw e;
        }
    }

    /**
     * Proves that the host's mapping and the device's address name the same bytes, and leaves the block zeroed: the
     * host writes a pattern over the lines (fenced, so the write-combining buffers are flushed), the device copies
     * them back and must find it; then the device zeroes the whole block through its L2 and the host must read zeros.
     * Without it, a tail line the leader reads could hold what an earlier user of the same memory left there: a tag
     * ahead of the session's first publication hides that publication from the leader.
     *
     * @throws UnsupportedFeatureException when either view disagrees
     */
    static void checkOneView(MemorySegment host, ImportedMemory imported) {
        long checked = SubmissionQueues.LINK_BYTES_NEEDED;
        for (long at = 0; at < checked; at += Long.BYTES) {
            WORD.setVolatile(host, at, pattern(at));
        }
        VarHandle.fullFence();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment copy = arena.allocate(checked, 64);
            imported.copyToHost(copy);
            long wrong = firstMismatch(copy, checked, true);
            if (wrong >= 0) {
                throw unsupported("the device reads byte " + wrong + " of the block otherwise than the host wrote it"
                        + " through BAR1", "pass -D" + PROPERTY + "=host, and report the GPU and driver");
            }
        }
        imported.zero();
        long wrong = firstMismatch(host, checked, false);
        if (wrong >= 0) {
            throw unsupported("the host reads byte " + wrong + " of the block as non-zero after the device zeroed it",
                    "pass -D" + PROPERTY + "=host, and report the GPU and driver");
        }
    }

    /**
     * @return the pattern's 8 bytes at {@code at}: every byte non-zero (its top bit set), the word's index in the low
     *         7 bits of the even bytes and the index's next 7 bits in the odd ones, so no two words of the first
     *         128 KiB are alike
     */
    static long pattern(long at) {
        long word = at / Long.BYTES;
        return 0x8080_8080_8080_8080L | (word & 0x7F) * 0x0001_0001_0001_0001L
                | ((word >>> 7) & 0x7F) * 0x0100_0100_0100_0100L;
    }

    /**
     * @param bytes 8-byte aligned
     * @return the offset of the first 8 bytes of {@code bytes[0, length)} that are not the pattern (or not zero), or -1
     */
    static long firstMismatch(MemorySegment bytes, long length, boolean patterned) {
        for (long at = 0; at < length; at += Long.BYTES) {
            long expected = patterned ? pattern(at) : 0L;
            if ((long) WORD.getVolatile(bytes, at) != expected) {
                return at;
            }
        }
        return -1;
    }

    /** @return the host view of the lines, at the link block's offsets ({@link SubmissionQueues#tailLineByte}) */
    MemorySegment host() {
        return host;
    }

    /** @return the kernel's address of the lines ({@code VyreArgs.tail}), 0 when they are in the link block */
    long deviceAddress() {
        return deviceAddress;
    }

    /** @return whether host stores to the lines are write-combined (each line needs a fence before and after) */
    boolean isWriteCombined() {
        return vram != null;
    }

    /** @return where the lines are, in words (for traces and diagnostics) */
    String placement() {
        return placement;
    }

    static UnsupportedFeatureException unsupported(String problem, String fix) {
        return new UnsupportedFeatureException("cuda", "tail lines in device memory", problem, fix);
    }

    /** Frees the device memory block, if any (after the kernel has stopped); idempotent. */
    @Override
    public void close() {
        if (vram != null) {
            try {
                imported.close();
            } finally {
                vram.close();
            }
        }
    }
}
