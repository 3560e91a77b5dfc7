package dev.vyre.spi;

import java.lang.foreign.MemorySegment;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * The host's view of a session's five protocol buffers. The ring, the IO queue and the data buffer
 * must be host-visible (the runtime publishes slots and serves IO there); the control buffer and
 * the debug log may live in device memory, in which case their segment is {@link MemorySegment#NULL}
 * and the driver reads and writes them ({@link SessionDriver#readControl},
 * {@link SessionDriver#writeControl}, {@link SessionDriver#copyDeviceBuffer}).
 *
 * <p>Host-visible segments are native, 4-byte aligned, and exactly as long as the session's
 * {@link SessionSpec} implies; the runtime checks this before it uses them.
 *
 * @param control          control buffer, or {@code NULL} when it lives in device memory
 * @param ring             the ring, {@code slotCount * 64} bytes
 * @param debugLog         debug log (1028 bytes), or {@code NULL} when it lives in device memory
 * @param ioQueue          IO queue, 64 slots of 32 bytes
 * @param data             data buffer, {@code NULL} when the session has none
 * @param controlPlacement where the control buffer lives
 * @param ringPlacement    where the ring, the IO queue and the data buffer live
 * @param ringPolled       true when the interpreter polls ring status words itself; the runtime then
 *                         release-stores each slot's status after its other words. False when the
 *                         interpreter reads a slot only after {@link SessionDriver#announce}; the
 *                         runtime may then copy whole runs of slots, status words included, at once
 * @param ioLink           the IO link block ({@code dev.vyre.protocol.IoLink}, {@code IoLink.BYTES} bytes,
 *                         zero at open) when the interpreter cannot share atomic read-modify-writes with
 *                         the host on the IO queue (mapped host memory without host-native atomics, BAR-mapped
 *                         VRAM): the device then alone writes the IO queue, the host alone writes the link's
 *                         completion words, and the runtime serves IO through {@code IoLink}. {@code NULL}
 *                         when host and interpreter compare-and-set the IO queue's status words directly
 * @param isolation        isolated mode: the host-visible isolation block ({@code dev.vyre.protocol.TenantIsolation},
 *                         at least its {@code TenantIsolation.TENANTS} violation counters, tenant {@code t} at word
 *                         {@code t}, which the interpreter increments); {@code NULL} in the default mode or when the
 *                         block lives in device memory, where {@link SessionDriver#copyDeviceBuffer} copies the
 *                         counters ({@link SessionDriver.DeviceBuffer#ISOLATION})
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2")
public record SessionMemory(MemorySegment control, MemorySegment ring, MemorySegment debugLog,
                            MemorySegment ioQueue, MemorySegment data, Placement controlPlacement,
                            Placement ringPlacement, boolean ringPolled, MemorySegment ioLink,
                            MemorySegment isolation) {

    /** A session whose isolation counters, if any, live in device memory (or that is not isolated). */
    public SessionMemory(MemorySegment control, MemorySegment ring, MemorySegment debugLog, MemorySegment ioQueue,
                         MemorySegment data, Placement controlPlacement, Placement ringPlacement, boolean ringPolled,
                         MemorySegment ioLink) {
        this(control, ring, debugLog, ioQueue, data, controlPlacement, ringPlacement, ringPolled, ioLink,
                MemorySegment.NULL);
    }

    /** A session whose host and interpreter compare-and-set the IO queue's status words directly (no IO link). */
    public SessionMemory(MemorySegment control, MemorySegment ring, MemorySegment debugLog, MemorySegment ioQueue,
                         MemorySegment data, Placement controlPlacement, Placement ringPlacement, boolean ringPolled) {
        this(control, ring, debugLog, ioQueue, data, controlPlacement, ringPlacement, ringPolled, MemorySegment.NULL,
                MemorySegment.NULL);
    }

    public SessionMemory {
        Objects.requireNonNull(control, "control");
        Objects.requireNonNull(ring, "ring");
        Objects.requireNonNull(debugLog, "debugLog");
        Objects.requireNonNull(ioQueue, "ioQueue");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(controlPlacement, "controlPlacement");
        Objects.requireNonNull(ringPlacement, "ringPlacement");
        Objects.requireNonNull(ioLink, "ioLink");
        Objects.requireNonNull(isolation, "isolation");
    }

    /** @return true when IO is served through the IO link block (split ownership, no shared atomics) */
    public boolean ioLinked() {
        return ioLink.byteSize() != 0;
    }

    /** @return true when the control buffer and the debug log are host-visible segments */
    public boolean controlOnHost() {
        return control.byteSize() != 0;
    }
}
