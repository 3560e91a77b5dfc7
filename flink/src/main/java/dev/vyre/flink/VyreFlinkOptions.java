package dev.vyre.flink;

import dev.vyre.protocol.TenantRegistry;
import java.io.Serial;
import java.io.Serializable;

/**
 * How a {@link VyreAsyncFunction} reaches its device: the backend and device to use when Flink assigns no
 * GPU, and the layout of the session every operator in a TaskManager shares.
 *
 * <p>The shared session's ring holds {@code maxOperators × lanes} slots. Operator instance (tenant) {@code p}
 * owns ring slots {@code p × lanes .. (p + 1) × lanes - 1} alone; slot {@code s} owns observable word
 * {@code s} and data-buffer bytes {@code s × dataBytesPerSlot .. (s + 1) × dataBytesPerSlot - 1}. Pass
 * {@link #lanes()} as the async operator's capacity ({@link VyreAsync} does), so Flink never has more
 * records in flight in one operator than it has slots.
 *
 * @param backend          backend name for {@code Vyre.open(backend, device)}; null for the default choice
 *                         ({@code -Dvyre.backend}, {@code VYRE_BACKEND}, then the best available)
 * @param device           device index when Flink's external resource framework assigns none
 * @param lanes            ring slots per operator instance, and the async capacity (1..65536)
 * @param maxOperators     operator instances one session serves at a time (1..28, one tenant id each)
 * @param dataBytesPerSlot data-buffer bytes each slot owns (0 .. 1 MiB, a multiple of 4)
 * @param workers          interpreter workers hint, 0 for the backend's default
 * @param slotWaitMillis   how long {@code asyncInvoke} waits for a free slot when Flink's capacity exceeds
 *                         {@code lanes}, before it fails the record (never forever)
 * @param drainMillis      how long {@code close()} waits for its in-flight slots before it gives up its lane
 */
public record VyreFlinkOptions(String backend, int device, int lanes, int maxOperators, int dataBytesPerSlot,
                               int workers, long slotWaitMillis, long drainMillis) implements Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    /** Largest {@link #lanes()}. */
    public static final int MAX_LANES = 1 << 16;
    /** Largest {@link #dataBytesPerSlot()}. */
    public static final int MAX_DATA_BYTES_PER_SLOT = 1 << 20;

    public VyreFlinkOptions {
        if (device < 0) {
            throw new IllegalArgumentException("device " + device + " is negative. Fix: pass a device index from"
                    + " Vyre.devices(backend) (0 is the first)");
        }
        if (lanes < 1 || lanes > MAX_LANES) {
            throw new IllegalArgumentException("lanes " + lanes + " is outside 1.." + MAX_LANES
                    + ". Fix: pass the async capacity you want per operator instance in that range");
        }
        if (maxOperators < 1 || maxOperators > TenantRegistry.MAX_TENANT_ID) {
            throw new IllegalArgumentException("maxOperators " + maxOperators + " is outside 1.."
                    + TenantRegistry.MAX_TENANT_ID + " (one tenant id each). Fix: run at most "
                    + TenantRegistry.MAX_TENANT_ID + " vyre operator instances per TaskManager and device");
        }
        if (dataBytesPerSlot < 0 || dataBytesPerSlot > MAX_DATA_BYTES_PER_SLOT || dataBytesPerSlot % 4 != 0) {
            throw new IllegalArgumentException("dataBytesPerSlot " + dataBytesPerSlot + " is not a multiple of 4"
                    + " in 0.." + MAX_DATA_BYTES_PER_SLOT + ". Fix: round the per-record data up to a multiple of 4");
        }
        if ((long) lanes * maxOperators > dev.vyre.api.SessionOptions.MAX_SLOTS) {
            throw new IllegalArgumentException("lanes x maxOperators = " + (long) lanes * maxOperators
                    + " exceeds the ring limit " + dev.vyre.api.SessionOptions.MAX_SLOTS
                    + ". Fix: lower lanes or maxOperators");
        }
        if ((long) lanes * maxOperators * dataBytesPerSlot > (1L << 31)) {
            throw new IllegalArgumentException("the data buffer of lanes x maxOperators x dataBytesPerSlot = "
                    + (long) lanes * maxOperators * dataBytesPerSlot + " bytes exceeds 2 GiB. Fix: lower one of them");
        }
        if (workers < 0) {
            throw new IllegalArgumentException("workers " + workers + " is negative. Fix: pass 0 for the backend"
                    + " default or a positive count");
        }
        if (slotWaitMillis < 0 || drainMillis < 0) {
            throw new IllegalArgumentException("slotWaitMillis " + slotWaitMillis + " / drainMillis " + drainMillis
                    + " is negative. Fix: pass 0 or more milliseconds");
        }
    }

    /**
     * Defaults: the default backend, device 0, 1024 lanes, 8 operators, 64 data bytes per slot, the
     * backend's workers, 30 s slot wait, 10 s drain.
     */
    public static VyreFlinkOptions defaults() {
        return new VyreFlinkOptions(null, 0, 1024, 8, 64, 0, 30_000, 10_000);
    }

    public VyreFlinkOptions withBackend(String value) {
        return new VyreFlinkOptions(value, device, lanes, maxOperators, dataBytesPerSlot, workers, slotWaitMillis,
                drainMillis);
    }

    public VyreFlinkOptions withDevice(int value) {
        return new VyreFlinkOptions(backend, value, lanes, maxOperators, dataBytesPerSlot, workers, slotWaitMillis,
                drainMillis);
    }

    public VyreFlinkOptions withLanes(int value) {
        return new VyreFlinkOptions(backend, device, value, maxOperators, dataBytesPerSlot, workers, slotWaitMillis,
                drainMillis);
    }

    public VyreFlinkOptions withMaxOperators(int value) {
        return new VyreFlinkOptions(backend, device, lanes, value, dataBytesPerSlot, workers, slotWaitMillis,
                drainMillis);
    }

    public VyreFlinkOptions withDataBytesPerSlot(int value) {
        return new VyreFlinkOptions(backend, device, lanes, maxOperators, value, workers, slotWaitMillis, drainMillis);
    }

    public VyreFlinkOptions withWorkers(int value) {
        return new VyreFlinkOptions(backend, device, lanes, maxOperators, dataBytesPerSlot, value, slotWaitMillis,
                drainMillis);
    }

    public VyreFlinkOptions withSlotWaitMillis(long value) {
        return new VyreFlinkOptions(backend, device, lanes, maxOperators, dataBytesPerSlot, workers, value,
                drainMillis);
    }

    /** @return the ring size of the shared session */
    public int ringSlots() {
        return lanes * maxOperators;
    }
}
