package dev.vyre.uring;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * Backs the 2 MiB-aligned interior of a native buffer with transparent huge pages:
 * {@code madvise(MADV_HUGEPAGE)} (later faults and khugepaged use huge pages), then
 * {@code madvise(MADV_COLLAPSE)} (Linux 6.1+: the pages already there are moved into huge pages
 * now; contents and addresses stay the same).
 *
 * <p>Why a reader cares: an O_DIRECT read DMAs into the buffer's physical pages, one
 * scatter-gather segment per physically contiguous run. In 4 KiB pages from a fragmented free
 * list a 1 MiB read needs up to 256 segments; a virtio-blk disk without indirect descriptors
 * (Firecracker: 256-entry queue, seg_max 254) then holds only one or two such reads at a time and
 * the queue depth is lost in the guest's scheduler. In 2 MiB pages the same read is one segment
 * and the block layer merges neighbouring reads up to max_sectors_kb.
 *
 * <p>Best effort: memory that cannot be huge (device mappings such as CUDA pinned memory, pages
 * pinned by someone else, a kernel without MADV_COLLAPSE, THP set to {@code never}) is left as it
 * is and the errno is returned. Runs once per buffer, never on a hot path.
 */
final class HugePages {

    /** The x86-64 / arm64 PMD huge page size. */
    static final long HUGE_PAGE = 2L << 20;
    static final int MADV_HUGEPAGE = 14;
    static final int MADV_COLLAPSE = 25;

    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle MADVISE = lookupMadvise();

    private HugePages() {
    }

    private static MethodHandle lookupMadvise() {
        Linker linker = Linker.nativeLinker();
        return linker.defaultLookup().find("madvise")
                .map(symbol -> linker.downcallHandle(symbol,
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                                ValueLayout.JAVA_INT),
                        Linker.Option.captureCallState("errno")))
                .orElse(null);
    }

    /** @return the first huge-page boundary at or after {@code address} */
    static long alignedStart(long address) {
        return (address + HUGE_PAGE - 1) & -HUGE_PAGE;
    }

    /** @return bytes of {@code [address, address + size)} that whole 2 MiB pages can cover (0 if none) */
    static long alignedBytes(long address, long size) {
        long start = alignedStart(address);
        long end = (address + size) & -HUGE_PAGE;
        return Math.max(0, end - start);
    }

    /**
     * Backs whole 2 MiB pages of {@code [address, address + size)} with huge pages.
     *
     * @return 0 when they are huge now (or the range holds no whole huge page), else the errno of the
     *         refusing {@code madvise} ({@code ENOSYS} when libc has no madvise)
     */
    static int back(long address, long size) {
        long bytes = alignedBytes(address, size);
        if (bytes == 0) {
            return 0;
        }
        if (MADVISE == null) {
            return Errno.ENOSYS;
        }
        long start = alignedStart(address);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int hint = madvise(state, start, bytes, MADV_HUGEPAGE);
            int collapse = madvise(state, start, bytes, MADV_COLLAPSE);
            if (collapse == Errno.EAGAIN) {
                collapse = madvise(state, start, bytes, MADV_COLLAPSE); // transient (a page was busy): once more
            }
            return collapse == 0 ? 0 : (hint != 0 && collapse == Errno.EINVAL ? hint : collapse);
        }
    }

    private static int madvise(MemorySegment state, long address, long bytes, int advice) {
        try {
            int ret = (int) MADVISE.invokeExact(state, address, bytes, advice);
            return ret == 0 ? 0 : (int) ERRNO.get(state, 0L);
        } catch (Throwable e) {
            return Errno.ENOSYS;
        }
    }
}
