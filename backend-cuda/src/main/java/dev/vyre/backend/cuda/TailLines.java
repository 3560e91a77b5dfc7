package dev.vyre.backend.cuda;

import dev.vyre.protocol.BackendException;
import dev.vyre.protocol.UnsupportedFeatureException;
import java.lang.foreign.MemorySegment;
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
 * reason in {@link #placement()}). Not the default: on the H100 (session 16) runs of slots and the soak were exactly
 * once with the lines in device memory, but a lone publication after an idle spell was never seen by the leader
 * (RingBench latency and three conformance cases stalled), cause not yet found (docs/PERFORMANCE.md).
 */
final class TailLines implements AutoCloseable {

    /** The system property choosing the placement: auto, vram or host. */
    static final String PROPERTY = "vyre.cuda.tailLines";
    /** Bytes of device memory allocated for one session's tail lines (covers every queue's line). */
    static final long VRAM_BYTES = 64 * 1024;

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
                        throw new BackendException("-D" + PROPERTY + "=vram, but " + problemOf(e), e.fix(), e);
                    }
                    return new TailLines(link, 0L, "host memory (device memory unavailable: " + problemOf(e) + ")",
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
            ImportedMemory imported = new ImportedMemory(vram.exportFd(), vram.bytes()); // zeroed by the device
            return new TailLines(vram.host(), imported.devicePointer(), "device memory written through BAR1", vram,
                    imported);
        } catch (RuntimeException | Error e) {
            vram.close();
            throw e;
        }
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

    private static String problemOf(UnsupportedFeatureException e) {
        String message = e.getMessage();
        int fix = message.lastIndexOf(". Fix: ");
        return fix < 0 ? message : message.substring(0, fix);
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
