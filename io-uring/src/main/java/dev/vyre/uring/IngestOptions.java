package dev.vyre.uring;

import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.QueueFullException;
import java.time.Duration;
import java.util.Objects;

/**
 * How the pump stages chunks and publishes their slots. Immutable; build with {@link #builder()}.
 *
 * <p>Staging region {@code r} is data-buffer bytes {@code [r * chunkBytes, (r + 1) * chunkBytes)},
 * ring slot {@code firstSlot + r} and observable word {@code firstObservable + r}; the number of
 * regions is the smallest of what the data buffer, the slot range and the observable range hold.
 *
 * @param chunkBytes      bytes per chunk (and per staging region), 1 .. 2^30
 * @param queueDepth      io_uring reads in flight at most (capped by the region count)
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
 */
public record IngestOptions(int chunkBytes, int queueDepth, int opcode, int tenant, int firstSlot, int slotLimit,
                            int firstObservable, boolean verify, boolean directIo, boolean fixedBuffers,
                            Duration stallTimeout) {

    /** Default chunk: 1 MiB. */
    public static final int DEFAULT_CHUNK = 1 << 20;

    public IngestOptions {
        Objects.requireNonNull(stallTimeout, "stallTimeout");
        if (chunkBytes < 1 || chunkBytes > (1 << 30)) {
            throw QueueFullException.submission("chunk size " + chunkBytes + " is outside 1..2^30 bytes;"
                    + " pass a chunk size in that range (1 MiB is a good default)");
        }
        if (queueDepth < 1 || queueDepth > 4096) {
            throw QueueFullException.submission("queue depth " + queueDepth + " is outside 1..4096;"
                    + " pass a depth in that range");
        }
        if (!Opcodes.isPublishable(opcode)) {
            throw QueueFullException.submission("opcode 0x" + Integer.toHexString(opcode) + " cannot be published;"
                    + " use CRC32C (0xFFF1) or a user opcode");
        }
        if (firstSlot < 0 || slotLimit < 0 || firstObservable < 0) {
            throw QueueFullException.submission("negative slot or observable range; pass indices of 0 or more");
        }
        if (stallTimeout.isNegative() || stallTimeout.isZero()) {
            throw QueueFullException.submission("stall timeout " + stallTimeout + " is not positive; pass a duration");
        }
    }

    /** @return the defaults: 1 MiB chunks, depth 32, CRC32C, tenant 0, every slot, verify, O_DIRECT when aligned, READ_FIXED, 30 s */
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

        public IngestOptions build() {
            return new IngestOptions(chunkBytes, queueDepth, opcode, tenant, firstSlot, slotLimit, firstObservable,
                    verify, directIo, fixedBuffers, stallTimeout);
        }
    }
}
