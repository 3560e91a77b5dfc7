package dev.vyre.backend.vulkan;

import dev.vyre.protocol.Words;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * A diagnostic for devices where host stores to mapped device memory were seen not to land: for every
 * 4 KiB page of a mapped range it reads the page's last word, stores a marker, reads the word back
 * through the same mapping and puts the old value back, and says which pages did not keep the marker.
 * It is meant for words the shader does not write (the ring before any publication, the data buffer);
 * it touches one word per page for a few microseconds.
 */
final class StoreSweep {

    static final long PAGE_BYTES = 4096;

    private StoreSweep() {
    }

    /**
     * @param mapped the host mapping to test (at least one word)
     * @param label  what the range holds, for the report
     * @return e.g. {@code "data buffer: 256 of 256 pages kept a host store"} or the page ranges that did not
     */
    static String sweep(MemorySegment mapped, String label) {
        long pages = Math.max(1, (mapped.byteSize() + PAGE_BYTES - 1) / PAGE_BYTES);
        long kept = 0;
        StringBuilder dropped = new StringBuilder();
        long runStart = -1;
        int ranges = 0;
        for (long p = 0; p <= pages; p++) {
            boolean lost = false;
            if (p < pages) {
                long word = word(mapped, p);
                int old = Words.getAcquire(mapped, word);
                int marker = old ^ 0x5A5A_A5A5;
                Words.setRelease(mapped, word, marker);
                VarHandle.fullFence();
                int back = Words.getAcquire(mapped, word);
                Words.setRelease(mapped, word, old);
                VarHandle.fullFence();
                lost = back != marker;
                if (!lost) {
                    kept++;
                }
            }
            if (lost && runStart < 0) {
                runStart = p;
            } else if (!lost && runStart >= 0) {
                if (ranges++ < 6) {
                    dropped.append(ranges == 1 ? "" : ", ").append("pages ").append(runStart).append('-').append(p - 1)
                            .append(" (bytes 0x").append(Long.toHexString(runStart * PAGE_BYTES)).append("..)");
                }
                runStart = -1;
            }
        }
        return label + ": " + kept + " of " + pages + " pages kept a host store"
                + (kept == pages ? "" : "; lost in " + ranges + " range(s): " + dropped);
    }

    /**
     * @return how many of the range's pages kept a marker stored into their last word with no read of the
     *         range before (all stores first, one fence, then all reads); the markers stay
     */
    static String writeFirst(MemorySegment mapped, String label) {
        long pages = Math.max(1, (mapped.byteSize() + PAGE_BYTES - 1) / PAGE_BYTES);
        for (long p = 0; p < pages; p++) {
            Words.setRelease(mapped, word(mapped, p), (int) (0x6A5A_0000 + p));
        }
        VarHandle.fullFence();
        long kept = 0;
        for (long p = 0; p < pages; p++) {
            if (Words.getAcquire(mapped, word(mapped, p)) == (int) (0x6A5A_0000 + p)) {
                kept++;
            }
        }
        return label + ": " + kept + " of " + pages + " pages kept a store made before any read";
    }

    private static long word(MemorySegment mapped, long page) {
        return Math.min(page * PAGE_BYTES + PAGE_BYTES - 4, (mapped.byteSize() & ~3L) - 4) / 4;
    }

    /**
     * Diagnostic ({@code -Dvyre.vulkan.storeProbe=true} at session open): allocates host-coherent blocks of
     * growing size, DEVICE_LOCAL where the device has it host-visible, one after another and all kept until
     * the end, first as storage-only buffers (as the raw C ping-pong of gpu-microbench does), then with the
     * copy usages vyre's blocks carry; for each it stores into every page before any read, reads back, then
     * sweeps ({@link #sweep}); the report names each block's size, usage, memory type, mapped address and the
     * line of {@code /proc/self/maps} that holds it.
     */
    static String probeAllocations(VulkanDevice device) {
        long[] sizes = {4096, 1L << 20, 8L << 20, 64L << 20};
        StringBuilder out = new StringBuilder("store probe on ").append(device.name()).append(": ");
        java.util.List<DeviceBlock> made = new java.util.ArrayList<>();
        try {
            for (boolean storageOnly : new boolean[] {true, false}) {
                for (long size : sizes) {
                    DeviceBlock b = DeviceBlock.forProbe(device, size, storageOnly, 0x2 | 0x4, 0x1);
                    made.add(b);
                    long address = b.mapped().address();
                    out.append("[").append(size).append(" B ").append(storageOnly ? "storage" : "storage+copy")
                            .append(", type ").append(b.memoryType()).append(" flags 0x")
                            .append(Integer.toHexString(b.flags())).append(", at 0x").append(Long.toHexString(address))
                            .append(" (").append(mapsLine(address)).append("): ")
                            .append(writeFirst(b.mapped(), "write first")).append("; ")
                            .append(sweep(b.mapped(), "then read-write-read")).append("] ");
                }
            }
        } catch (RuntimeException e) {
            out.append("failed: ").append(e.getMessage());
        } finally {
            for (DeviceBlock b : made) {
                b.close();
            }
        }
        return out.append("; ").append(device.memorySummary()).toString();
    }

    private static String mapsLine(long address) {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/maps"))) {
                int dash = line.indexOf('-');
                int space = line.indexOf(' ');
                long from = Long.parseUnsignedLong(line.substring(0, dash), 16);
                long to = Long.parseUnsignedLong(line.substring(dash + 1, space), 16);
                if (address >= from && address < to) {
                    return line.trim().replaceAll(" +", " ");
                }
            }
            return "not in /proc/self/maps";
        } catch (java.io.IOException | RuntimeException e) {
            return "maps unreadable: " + e.getMessage();
        }
    }
}
