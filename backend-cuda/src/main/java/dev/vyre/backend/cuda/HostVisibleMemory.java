package dev.vyre.backend.cuda;

import java.lang.foreign.MemorySegment;

/** Memory the host reads and writes as a {@link MemorySegment} and the kernel through one device address. */
sealed interface HostVisibleMemory extends AutoCloseable permits PinnedBuffer, ManagedBuffer {

    /** @return the host view, exactly the requested size */
    MemorySegment segment();

    /** @return the address the kernel uses */
    long deviceAddress();

    /** Frees the memory (idempotent). */
    @Override
    void close();
}
