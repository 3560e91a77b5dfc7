package dev.vyre.spi;

import dev.vyre.protocol.CustomOpcodes;
import dev.vyre.protocol.TenantIsolation;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * What the runtime asks a backend to open: already validated against the protocol's limits and
 * the backend's {@link Capabilities}.
 *
 * @param slotCount       ring slots (1 .. {@link Capabilities#maxSlots()})
 * @param tenantCount     tenants the initial control buffer authorises (ids 0 .. n-1)
 * @param observableSlots observable result words after control word 160
 * @param dataBufferBytes size of the data buffer (binding 4), 0 for none
 * @param workers         executing threads or lanes, 0 for the backend's default
 * @param opcodes         custom opcodes, each with a body in one of the backend's dialects
 * @param ioWaitTimeout   how long a LOAD_MISS waits for the host before its slot FAULTs
 * @param isolation       isolated mode's windows (docs/PROTOCOL.md, "Isolated mode"), already checked against
 *                        the session's sizes; {@code null} for the default mode. Only passed to a backend whose
 *                        {@link Capabilities#isolation()} is true
 * @param residentData    the host fills the data buffer once and the device reads it many times: the backend may
 *                        place it in device memory (pages migrated on first touch); false for a buffer the host
 *                        keeps writing (io_uring ingest), which is best left in host memory the device maps.
 *                        A placement hint only: the buffer's contents and the protocol are the same either way
 * @param residentRangeAt first byte of the data buffer's resident range (a multiple of 4; 0 with no range)
 * @param residentRange   the resident range's bytes (a multiple of 4 of them), or {@code null} for none: the data
 *                        buffer holds them from the open on (the runtime writes them into the host-visible data
 *                        buffer before any publication), and the host does not write them while the session runs,
 *                        so a driver may keep its own device copy of the range, filled from these bytes when it
 *                        opens, while the rest of the buffer streams (e.g. a table in device memory beside io_uring
 *                        chunks). Placement only: every load returns the buffer's bytes either way
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2")
public record SessionSpec(int slotCount, int tenantCount, int observableSlots, long dataBufferBytes, int workers,
                          CustomOpcodes opcodes, Duration ioWaitTimeout, TenantIsolation isolation,
                          boolean residentData, long residentRangeAt, MemorySegment residentRange) {

    /** A session without a resident range. */
    public SessionSpec(int slotCount, int tenantCount, int observableSlots, long dataBufferBytes, int workers,
                       CustomOpcodes opcodes, Duration ioWaitTimeout, TenantIsolation isolation,
                       boolean residentData) {
        this(slotCount, tenantCount, observableSlots, dataBufferBytes, workers, opcodes, ioWaitTimeout, isolation,
                residentData, 0, null);
    }

    /** A session whose data buffer is streamed ({@code residentData} false). */
    public SessionSpec(int slotCount, int tenantCount, int observableSlots, long dataBufferBytes, int workers,
                       CustomOpcodes opcodes, Duration ioWaitTimeout, TenantIsolation isolation) {
        this(slotCount, tenantCount, observableSlots, dataBufferBytes, workers, opcodes, ioWaitTimeout, isolation,
                false);
    }

    /** A session in the default (not isolated) mode. */
    public SessionSpec(int slotCount, int tenantCount, int observableSlots, long dataBufferBytes, int workers,
                       CustomOpcodes opcodes, Duration ioWaitTimeout) {
        this(slotCount, tenantCount, observableSlots, dataBufferBytes, workers, opcodes, ioWaitTimeout, null);
    }

    public SessionSpec {
        Objects.requireNonNull(opcodes, "opcodes");
        Objects.requireNonNull(ioWaitTimeout, "ioWaitTimeout");
        long rangeBytes = residentRange == null ? 0 : residentRange.byteSize();
        if (!residentRangeFits(residentRangeAt, rangeBytes, dataBufferBytes)) {
            throw new IllegalArgumentException("resident range [" + residentRangeAt + ", +" + rangeBytes
                    + ") is not 4-byte aligned inside the " + dataBufferBytes + "-byte data buffer. Fix: pass a range"
                    + " the runtime validated (SessionOptions.Builder.residentRange)");
        }
    }

    /**
     * The resident-range rule: offset and length are multiples of 4 and the range lies inside the data buffer.
     *
     * @return true when {@code [at, at + bytes)} is a valid resident range of a {@code dataBufferBytes}-byte buffer
     */
    public static boolean residentRangeFits(long at, long bytes, long dataBufferBytes) {
        return at >= 0 && bytes >= 0 && (at & 3) == 0 && (bytes & 3) == 0 && at <= dataBufferBytes - bytes;
    }

    /** @return bytes of the resident range, 0 when there is none */
    public long residentRangeBytes() {
        return residentRange == null ? 0 : residentRange.byteSize();
    }

    /** @return the control buffer length in bytes: {@code (160 + observableSlots) * 4} */
    public long controlBytes() {
        return (160L + observableSlots) * Integer.BYTES;
    }

    /** @return true in isolated mode */
    public boolean isolated() {
        return isolation != null;
    }

    /**
     * @return the isolation block ({@link TenantIsolation#BLOCK_WORDS} words: counters 0, windows, admin word)
     *         for this session's sizes
     * @throws IllegalStateException in the default mode
     */
    public int[] isolationBlock() {
        if (isolation == null) {
            throw new IllegalStateException("the session is not isolated. Fix: check isolated() first");
        }
        return isolation.encode(observableSlots, dataBufferBytes);
    }
}
