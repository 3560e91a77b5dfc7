package dev.vyre.api;

import dev.vyre.protocol.TenantIsolation;
import dev.vyre.protocol.CustomOpcode;
import dev.vyre.protocol.CustomOpcodes;
import dev.vyre.protocol.VyreArgumentException;
import dev.vyre.protocol.replay.SessionGeometry;
import dev.vyre.spi.SessionSpec;
import org.apiguardian.api.API;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How to open a {@link Session}. Immutable; build with {@link #builder()}. Every component is checked
 * when the options are built; a bad one raises a {@link VyreArgumentException} naming it.
 *
 * @param slotCount        ring slots (1 .. 1,048,576)
 * @param tenantCount      tenants authorised by the encoded control buffer (tenant ids 0 .. n-1)
 * @param observableSlots  observable result words after word 160 (0 .. 1,048,576)
 * @param dataBufferBytes  size of the data buffer (binding 4), 0 for none
 * @param workers          executing threads / lanes hint, 0 for the backend's default
 * @param opcodes          custom opcodes the interpreter runs
 * @param ioWaitTimeout    how long a LOAD_MISS waits for the host before the slot FAULTs
 * @param replayLog        where the session records every published slot, or null to record nothing
 * @param isolation        isolated mode's windows (docs/PROTOCOL.md, "Isolated mode"), or null for the default
 *                         mode; checked against the observable words and the data buffer when built
 * @param residentData     the host fills the data buffer once and the device reads it many times (a resident
 *                         table or text): a backend may keep it in device memory, migrating pages on first
 *                         touch, so host writes after that are slower. False (the default) for data the host keeps
 *                         streaming in, such as io_uring ingest (there every host write would move or
 *                         invalidate the device's copy of its pages: correct, but slow)
 * @param residentRangeAt  first byte of the data buffer's resident range (see {@link Builder#residentRange})
 * @param residentRange    the resident range's bytes, or null for none
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2")
public record SessionOptions(int slotCount, int tenantCount, int observableSlots, long dataBufferBytes,
                             int workers, CustomOpcodes opcodes, Duration ioWaitTimeout,
                             ReplayLogOptions replayLog, TenantIsolation isolation, boolean residentData,
                             long residentRangeAt, MemorySegment residentRange) {

    /** Largest ring a session may open (the protocol's allocation cap). */
    public static final int MAX_SLOTS = 1 << 20;
    /** Largest observable area (the protocol's allocation cap). */
    public static final int MAX_OBSERVABLE_SLOTS = 1 << 20;

    public SessionOptions {
        Objects.requireNonNull(opcodes, "opcodes");
        Objects.requireNonNull(ioWaitTimeout, "ioWaitTimeout");
        if (slotCount < 1 || slotCount > MAX_SLOTS) {
            throw new VyreArgumentException("slotCount", slotCount + " is outside 1.." + MAX_SLOTS,
                    "open a session with a ring size in that range");
        }
        if (tenantCount < 0) {
            throw new VyreArgumentException("tenantCount", tenantCount + " is negative",
                    "pass the number of tenants to authorise (0 or more)");
        }
        if (observableSlots < 0 || observableSlots > MAX_OBSERVABLE_SLOTS) {
            throw new VyreArgumentException("observableSlots", observableSlots + " is outside 0.."
                    + MAX_OBSERVABLE_SLOTS, "shard observable results over several sessions");
        }
        if (dataBufferBytes < 0) {
            throw new VyreArgumentException("dataBufferBytes", dataBufferBytes + " is negative",
                    "pass 0 for no data buffer or a positive byte count");
        }
        if (workers < 0) {
            throw new VyreArgumentException("workers", workers + " is negative",
                    "pass 0 for the backend default or a positive count");
        }
        if (ioWaitTimeout.isNegative() || ioWaitTimeout.isZero()) {
            throw new VyreArgumentException("ioWaitTimeout", ioWaitTimeout + " is not positive",
                    "pass a positive duration");
        }
        if (isolation != null) {
            isolation.encode(observableSlots, dataBufferBytes);
        }
        if (residentRange != null && residentRange.isNative() && !residentRange.scope().isAlive()) {
            throw new VyreArgumentException("residentRange", "the segment's arena is closed",
                    "pass bytes that stay readable until the session opens (a heap segment is simplest)");
        }
        long rangeBytes = residentRange == null ? 0 : residentRange.byteSize();
        if (!SessionSpec.residentRangeFits(residentRangeAt, rangeBytes, dataBufferBytes)) {
            throw new VyreArgumentException("residentRange", "[" + residentRangeAt + ", " + residentRangeAt + " + "
                    + rangeBytes + ") is not a 4-byte aligned range inside the " + dataBufferBytes
                    + "-byte data buffer", "pass an offset and a length that are multiples of 4 and end inside the"
                    + " data buffer (round the length up; the buffer may need 3 more bytes)");
        }
    }

    /** Options without a resident range. */
    public SessionOptions(int slotCount, int tenantCount, int observableSlots, long dataBufferBytes, int workers,
                          CustomOpcodes opcodes, Duration ioWaitTimeout, ReplayLogOptions replayLog,
                          TenantIsolation isolation, boolean residentData) {
        this(slotCount, tenantCount, observableSlots, dataBufferBytes, workers, opcodes, ioWaitTimeout, replayLog,
                isolation, residentData, 0, null);
    }

    /** Options whose data buffer is streamed ({@code residentData} false). */
    public SessionOptions(int slotCount, int tenantCount, int observableSlots, long dataBufferBytes, int workers,
                          CustomOpcodes opcodes, Duration ioWaitTimeout, ReplayLogOptions replayLog,
                          TenantIsolation isolation) {
        this(slotCount, tenantCount, observableSlots, dataBufferBytes, workers, opcodes, ioWaitTimeout, replayLog,
                isolation, false);
    }

    /** Options in the default (not isolated) mode. */
    public SessionOptions(int slotCount, int tenantCount, int observableSlots, long dataBufferBytes, int workers,
                          CustomOpcodes opcodes, Duration ioWaitTimeout, ReplayLogOptions replayLog) {
        this(slotCount, tenantCount, observableSlots, dataBufferBytes, workers, opcodes, ioWaitTimeout, replayLog,
                null);
    }

    /** Options that record nothing (the form before {@code replayLog} existed). */
    public SessionOptions(int slotCount, int tenantCount, int observableSlots, long dataBufferBytes, int workers,
                          CustomOpcodes opcodes, Duration ioWaitTimeout) {
        this(slotCount, tenantCount, observableSlots, dataBufferBytes, workers, opcodes, ioWaitTimeout, null, null);
    }

    /** @return a builder with the defaults: 1024 slots, 1 tenant, 256 observable words */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding every component of these options, to derive options that differ in a few */
    public Builder toBuilder() {
        return new Builder().slotCount(slotCount).tenantCount(tenantCount).observableSlots(observableSlots)
                .dataBufferBytes(dataBufferBytes).workers(workers).opcodes(opcodes).ioWaitTimeout(ioWaitTimeout)
                .replayLog(replayLog).isolation(isolation).residentData(residentData)
                .residentRange(residentRangeAt, residentRange);
    }

    /** @return bytes of the resident range, 0 when there is none */
    public long residentRangeBytes() {
        return residentRange == null ? 0 : residentRange.byteSize();
    }

    /** @return the control buffer length in bytes these options encode */
    public long controlBytes() {
        return (160L + observableSlots) * Integer.BYTES;
    }

    /** @return the shape a full-image replay log of this session records */
    SessionGeometry replayGeometry() {
        return new SessionGeometry(slotCount, tenantCount, observableSlots, dataBufferBytes);
    }

    /** @return the request a backend receives */
    SessionSpec toSpec() {
        return new SessionSpec(slotCount, tenantCount, observableSlots, dataBufferBytes, workers, opcodes,
                ioWaitTimeout, isolation, residentData, residentRangeAt, residentRange);
    }

    /** Mutable builder of {@link SessionOptions}. */
    @API(status = API.Status.EXPERIMENTAL, since = "0.2")
    public static final class Builder {
        private int slotCount = 1024;
        private int tenantCount = 1;
        private int observableSlots = 256;
        private long dataBufferBytes;
        private boolean residentData;
        private long residentRangeAt;
        private MemorySegment residentRange;
        private int workers;
        private CustomOpcodes opcodes = CustomOpcodes.none();
        private Duration ioWaitTimeout = Duration.ofSeconds(5);
        private ReplayLogOptions replayLog;
        private TenantIsolation isolation;

        private Builder() {
        }

        public Builder slotCount(int value) {
            this.slotCount = value;
            return this;
        }

        public Builder tenantCount(int value) {
            this.tenantCount = value;
            return this;
        }

        public Builder observableSlots(int value) {
            this.observableSlots = value;
            return this;
        }

        public Builder dataBufferBytes(long value) {
            this.dataBufferBytes = value;
            return this;
        }

        public Builder workers(int value) {
            this.workers = value;
            return this;
        }

        public Builder opcodes(CustomOpcodes value) {
            this.opcodes = value;
            return this;
        }

        /**
         * The session's custom opcodes, e.g. {@code opcodes(IrOpcodes.irOpcode(0x2001, program))}; the
         * same checks as {@link CustomOpcodes#of} (distinct user-range ids).
         */
        public Builder opcodes(CustomOpcode first, CustomOpcode... more) {
            CustomOpcode[] all = new CustomOpcode[more.length + 1];
            all[0] = first;
            System.arraycopy(more, 0, all, 1, more.length);
            this.opcodes = CustomOpcodes.of(all);
            return this;
        }

        public Builder ioWaitTimeout(Duration value) {
            this.ioWaitTimeout = value;
            return this;
        }

        /** Records every published slot into a full-image replay log of {@code capacity} records at {@code path}. */
        public Builder replayLog(Path path, long capacity) {
            return replayLog(ReplayLogOptions.of(path, capacity));
        }

        /** Records every published slot as {@code value} says; null records nothing (the default). */
        public Builder replayLog(ReplayLogOptions value) {
            this.replayLog = value;
            return this;
        }

        /**
         * Runs the session in isolated mode (docs/PROTOCOL.md, "Isolated mode"): each tenant writes only its
         * window of observable words and reads only its range of the data buffer, header words are written only by
         * the host or {@code value}'s admin tenant, and a violating slot ends in FAULT and is counted
         * ({@link Session#isolationViolations}). Null: the default mode (no windows).
         */
        public Builder isolation(TenantIsolation value) {
            this.isolation = value;
            return this;
        }

        /**
         * Marks the data buffer resident: filled once by the host, read many times by the device (see the record's
         * {@code residentData}). On CUDA it then lives in managed memory instead of page-locked host memory. Leave
         * it false for io_uring ingest, which streams into the buffer (correct either way, slow when resident).
         */
        public Builder residentData(boolean value) {
            this.residentData = value;
            return this;
        }

        /**
         * Makes data bytes {@code [offset, offset + bytes.byteSize())} a resident range: the session's data buffer
         * holds {@code bytes} there from the open on (they are copied when the session opens; later changes to
         * {@code bytes} are not seen), and the host does not write the range while the session runs, while the rest of
         * the buffer may stream. A backend may then let the device read its own copy of the range: on CUDA it lives
         * in device memory (a DFA table beside io_uring chunks in page-locked memory). Loads return the same bytes on
         * every backend; only where they are read from differs. The offset and the length are multiples of 4; null
         * (the default) for no range.
         */
        public Builder residentRange(long offset, MemorySegment bytes) {
            this.residentRangeAt = offset;
            this.residentRange = bytes;
            return this;
        }

        public SessionOptions build() {
            return new SessionOptions(slotCount, tenantCount, observableSlots, dataBufferBytes, workers,
                    opcodes, ioWaitTimeout, replayLog, isolation, residentData, residentRangeAt, residentRange);
        }
    }
}
