package dev.vyre.uring;

import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.QueueFullException;
import dev.vyre.protocol.VyreArgumentException;
import java.time.Duration;
import java.util.Objects;

/**
 * How the pump stages chunks and publishes their slots. Immutable; build with {@link #builder()}.
 *
 * <p>Staging region {@code r} is data-buffer bytes {@code [r * chunkBytes, (r + 1) * chunkBytes)},
 * ring slot {@code firstSlot + r} and observable word {@code firstObservable + r}; the number of
 * regions is the smallest of what the data buffer, the slot range and the observable range hold.
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
 */
public record IngestOptions(int chunkBytes, int queueDepth, int opcode, int tenant, int firstSlot, int slotLimit,
                            int firstObservable, boolean verify, boolean directIo, boolean fixedBuffers,
                            Duration stallTimeout, Duration idleTimeout) {

    /** Default chunk: 1 MiB. */
    public static final int DEFAULT_CHUNK = 1 << 20;
    /** Largest chunk: 1 GiB. */
    public static final int MAX_CHUNK = 1 << 30;
    /** Largest io_uring queue depth. */
    public static final int MAX_QUEUE_DEPTH = 4096;

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
    }

    /**
     * @return the defaults: 1 MiB chunks, depth 32, CRC32C, tenant 0, every slot, verify, O_DIRECT when
     *         aligned, READ_FIXED, 30 s stall timeout, no idle timeout
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
        private Duration stallTimeout = Duration.ofSeconds(30);
        private Duration idleTimeout = Duration.ZERO;

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

        /** @throws VyreArgumentException naming the first option out of its range */
        public IngestOptions build() {
            return new IngestOptions(chunkBytes, queueDepth, opcode, tenant, firstSlot, slotLimit, firstObservable,
                    verify, directIo, fixedBuffers, stallTimeout, idleTimeout);
        }
    }
}
