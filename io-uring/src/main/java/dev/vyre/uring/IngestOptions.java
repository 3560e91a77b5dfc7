package dev.vyre.uring;

import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.QueueFullException;
import dev.vyre.protocol.VyreArgumentException;
import java.time.Duration;
import java.util.Objects;

/**
 * How the pump stages chunks and publishes their slots. Immutable; build with {@link #builder()}.
 *
 * <p>Staging region {@code r} is data-buffer bytes {@code [r * stride, (r + 1) * stride)} with
 * {@code stride = carryCapacity() + chunkBytes} ({@code chunkBytes} without overlap), ring slot
 * {@code firstSlot + r} and observable word {@code firstObservable + r}; the number of regions is the
 * smallest of what the data buffer, the slot range and the observable range hold.
 *
 * <p>A chunk slot gets six argument words: {@code [data offset, length, observable word, sequence low,
 * sequence high, overlap]}. The slot's bytes are {@code length} bytes at the data offset: first
 * {@code overlap} bytes repeated from the end of the source's previous chunk, then the chunk's new
 * bytes. Without overlap, {@code overlap} is 0 and the bytes are the chunk's alone.
 *
 * @param chunkBytes      bytes per chunk (and per staging region), 1 .. 2^30 ({@link #MAX_CHUNK})
 * @param queueDepth      io_uring reads in flight at most, 1 .. 4096 (capped by the region count)
 * @param opcode          opcode of every chunk slot (CRC32C by default: the slot checksums its chunk)
 * @param tenant          tenant id of every chunk slot
 * @param firstSlot       first ring slot the pump owns
 * @param slotLimit       ring slots the pump owns, 0 for all from {@code firstSlot} on
 * @param firstObservable first observable word the pump owns (CRC32C writes {@code C[160 + k]})
 * @param verify          compare each chunk's observable word with the host's CRC-32C (opcode CRC32C only)
 * @param directIo        open files with O_DIRECT when the data buffer and chunk size are 4096-byte aligned
 * @param fixedBuffers    register the data buffer and read with READ_FIXED (false: plain READ)
 * @param stallTimeout    how long the pump waits for a staging region's slot to reach DONE before it
 *                        gives up with a {@link QueueFullException}
 * @param idleTimeout     how long a streamed source (FIFO, pipe, standard input, character device) may
 *                        deliver nothing, waiting for a writer included, before the pump ends it with an
 *                        error; zero waits without limit
 * @param overlapBytes    0 .. {@link #MAX_OVERLAP}: every chunk of a source but its first is staged behind a
 *                        copy of the source bytes just before it, at least {@code overlapBytes} of them (all
 *                        there are when fewer precede it), so an opcode sees every run of up to
 *                        {@code overlapBytes + 1} consecutive source bytes inside one slot; see
 *                        {@link ChunkReport#overlap()} and {@link #carryCapacity()}
 * @param hostStaging     read (or receive) every chunk into host memory and copy it into its staging region
 *                        just before its slot is published; the pumps do so anyway when the session's data
 *                        buffer is device memory ({@code Session#dataInDeviceMemory()}), which io_uring cannot
 *                        register or read into with O_DIRECT and whose host reads (the host CRC) are uncached
 */
public record IngestOptions(int chunkBytes, int queueDepth, int opcode, int tenant, int firstSlot, int slotLimit,
                            int firstObservable, boolean verify, boolean directIo, boolean fixedBuffers,
                            Duration stallTimeout, Duration idleTimeout, int overlapBytes, boolean hostStaging) {

    /** Default chunk: 1 MiB. */
    public static final int DEFAULT_CHUNK = 1 << 20;
    /** Largest chunk: 1 GiB. */
    public static final int MAX_CHUNK = 1 << 30;
    /** Largest io_uring queue depth. */
    public static final int MAX_QUEUE_DEPTH = 4096;
    /** Largest {@link #overlapBytes()}: 1 MiB. */
    public static final int MAX_OVERLAP = 1 << 20;

    /**
     * @throws VyreArgumentException naming the component that is out of its range
     */
    public IngestOptions {
        Objects.requireNonNull(stallTimeout, "stallTimeout");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        if (chunkBytes < 1 || chunkBytes > MAX_CHUNK) {
            throw new VyreArgumentException("chunkBytes", chunkBytes + " is outside 1.." + MAX_CHUNK,
                    "pass a chunk size in that range (1 MiB is a good default)");
        }
        if (queueDepth < 1 || queueDepth > MAX_QUEUE_DEPTH) {
            throw new VyreArgumentException("queueDepth", queueDepth + " is outside 1.." + MAX_QUEUE_DEPTH,
                    "pass a depth in that range (16 .. 64 keeps a disk busy)");
        }
        if (!Opcodes.isPublishable(opcode)) {
            throw new VyreArgumentException("opcode", "0x" + Integer.toHexString(opcode) + " cannot be published",
                    "use CRC32C (0xFFF1) or a user opcode");
        }
        if (firstSlot < 0 || slotLimit < 0 || firstObservable < 0) {
            throw new VyreArgumentException(firstSlot < 0 ? "firstSlot" : slotLimit < 0 ? "slotLimit" : "firstObservable",
                    "is negative", "pass an index or count of 0 or more");
        }
        if (stallTimeout.isNegative() || stallTimeout.isZero()) {
            throw new VyreArgumentException("stallTimeout", stallTimeout + " is not positive", "pass a positive duration");
        }
        if (idleTimeout.isNegative()) {
            throw new VyreArgumentException("idleTimeout", idleTimeout + " is negative",
                    "pass a positive duration, or zero to wait without limit");
        }
        if (overlapBytes < 0 || overlapBytes > MAX_OVERLAP) {
            throw new VyreArgumentException("overlapBytes", overlapBytes + " is outside 0.." + MAX_OVERLAP,
                    "pass 0 for disjoint chunks, or the longest run an opcode must see whole minus 1");
        }
    }

    /**
     * Bytes each staging region reserves in front of its chunk for the overlap: {@link #overlapBytes()}
     * rounded up to a multiple of 4096 (0 without overlap), so region offsets, and for O_DIRECT reads
     * the file offsets too, stay 4096-byte aligned. A region is {@code carryCapacity() + chunkBytes()}
     * bytes; an O_DIRECT read repeats up to {@code carryCapacity()} bytes, other reads exactly
     * {@code overlapBytes()}.
     */
    public int carryCapacity() {
        return (int) ((overlapBytes + (long) NativeFiles.DIRECT_ALIGNMENT - 1) & -NativeFiles.DIRECT_ALIGNMENT);
    }

    /** The options without host staging (it is then used only where the data buffer is device memory). */
    public IngestOptions(int chunkBytes, int queueDepth, int opcode, int tenant, int firstSlot, int slotLimit,
                         int firstObservable, boolean verify, boolean directIo, boolean fixedBuffers,
                         Duration stallTimeout, Duration idleTimeout, int overlapBytes) {
        this(chunkBytes, queueDepth, opcode, tenant, firstSlot, slotLimit, firstObservable, verify, directIo,
                fixedBuffers, stallTimeout, idleTimeout, overlapBytes, false);
    }

    /** @return these options with {@code chunkBytes} instead */
    public IngestOptions withChunkBytes(int chunkBytes) {
        return new IngestOptions(chunkBytes, queueDepth, opcode, tenant, firstSlot, slotLimit, firstObservable, verify,
                directIo, fixedBuffers, stallTimeout, idleTimeout, overlapBytes, hostStaging);
    }

    /**
     * @return the defaults: 1 MiB chunks, depth 32, CRC32C, tenant 0, every slot, verify, O_DIRECT when
     *         aligned, READ_FIXED, 30 s stall timeout, no idle timeout, no overlap, host staging only where the
     *         data buffer is device memory
     */
    public static IngestOptions defaults() {
        return builder().build();
    }

    /** @return a builder holding the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** Mutable builder of {@link IngestOptions}. */
    public static final class Builder {
        private int chunkBytes = DEFAULT_CHUNK;
        private int queueDepth = 32;
        private int opcode = Opcodes.CRC32C;
        private int tenant;
        private int firstSlot;
        private int slotLimit;
        private int firstObservable;
        private boolean verify = true;
        private boolean directIo = true;
        private boolean fixedBuffers = true;
        private boolean hostStaging;
        private Duration stallTimeout = Duration.ofSeconds(30);
        private Duration idleTimeout = Duration.ZERO;
        private int overlapBytes;

        private Builder() {
        }

        public Builder chunkBytes(int v) {
            chunkBytes = v;
            return this;
        }

        public Builder queueDepth(int v) {
            queueDepth = v;
            return this;
        }

        public Builder opcode(int v) {
            opcode = v;
            return this;
        }

        public Builder tenant(int v) {
            tenant = v;
            return this;
        }

        public Builder firstSlot(int v) {
            firstSlot = v;
            return this;
        }

        public Builder slotLimit(int v) {
            slotLimit = v;
            return this;
        }

        public Builder firstObservable(int v) {
            firstObservable = v;
            return this;
        }

        public Builder verify(boolean v) {
            verify = v;
            return this;
        }

        public Builder directIo(boolean v) {
            directIo = v;
            return this;
        }

        public Builder fixedBuffers(boolean v) {
            fixedBuffers = v;
            return this;
        }

        public Builder stallTimeout(Duration v) {
            stallTimeout = v;
            return this;
        }

        public Builder idleTimeout(Duration v) {
            idleTimeout = v;
            return this;
        }

        public Builder overlapBytes(int v) {
            overlapBytes = v;
            return this;
        }

        public Builder hostStaging(boolean v) {
            hostStaging = v;
            return this;
        }

        /** @throws VyreArgumentException naming the first option out of its range */
        public IngestOptions build() {
            return new IngestOptions(chunkBytes, queueDepth, opcode, tenant, firstSlot, slotLimit, firstObservable,
                    verify, directIo, fixedBuffers, stallTimeout, idleTimeout, overlapBytes, hostStaging);
        }
    }
}
