package dev.vyre.protocol;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Structured host telemetry of one control + ring snapshot: the
 * control view, per-slot status, occupancy, ticketed windows, runtime counters, watchdog health
 * and Count-Min sketches. Immutable.
 */
public final class RingTelemetry {

    private final ControlSnapshot control;
    private final RingOccupancy occupancy;
    private final List<RingSlotSnapshot> slots;
    private final List<WindowTelemetry> windows;

    private RingTelemetry(ControlSnapshot control, RingOccupancy occupancy, List<RingSlotSnapshot> slots,
                          List<WindowTelemetry> windows) {
        this.control = control;
        this.occupancy = occupancy;
        this.slots = List.copyOf(slots);
        this.windows = List.copyOf(windows);
    }

    /** @return the decoded control snapshot */
    public ControlSnapshot control() {
        return control;
    }

    /** @return slot counts per status */
    public RingOccupancy occupancy() {
        return occupancy;
    }

    /** @return every decoded slot, by index */
    public List<RingSlotSnapshot> slots() {
        return slots;
    }

    /** @return the windows of the requested window opcodes, sorted by (ticket, opcode) */
    public List<WindowTelemetry> windows() {
        return windows;
    }

    /** Same as {@link #tryDecode(MemorySegment, MemorySegment)}. */
    public static RingTelemetry decode(MemorySegment control, MemorySegment ring) {
        return tryDecodeWithWindowOpcodes(control, ring);
    }

    /**
     * Decodes control and ring snapshots without windows.
     *
     * @throws BackendException when the control snapshot is shorter than 640 bytes or misaligned,
     *                          or the ring is not a whole number of 64-byte slots
     */
    public static RingTelemetry tryDecode(MemorySegment control, MemorySegment ring) {
        return tryDecodeWithWindowOpcodes(control, ring);
    }

    /** {@link #tryDecode(MemorySegment, MemorySegment)} on byte arrays. */
    public static RingTelemetry tryDecode(byte[] control, byte[] ring) {
        return tryDecodeWithWindowOpcodes(MemorySegment.ofArray(control), MemorySegment.ofArray(ring));
    }

    /**
     * Decodes control and ring snapshots and groups every slot (any status, EMPTY included) whose
     * opcode is in {@code windowOpcodes} by {@code (ticket = arg0, opcode)}; class word arg1: 0
     * required, 1 lookahead, other neither. Duplicate window opcodes are ignored.
     *
     * @throws BackendException as {@link #tryDecode(MemorySegment, MemorySegment)}
     */
    public static RingTelemetry tryDecodeWithWindowOpcodes(MemorySegment control, MemorySegment ring,
                                                           int... windowOpcodes) {
        ControlSnapshot.validate(control);
        long ringLen = ring.byteSize();
        if (ringLen % SlotLayout.SLOT_BYTES != 0) {
            throw new BackendException("megakernel ring snapshot has " + ringLen + " bytes, not a multiple of slot size "
                    + SlotLayout.SLOT_BYTES, "capture whole ring slots.");
        }
        long slotCount = ringLen / SlotLayout.SLOT_BYTES;
        if (slotCount > Integer.MAX_VALUE - 8) {
            throw new BackendException("megakernel ring snapshot has " + slotCount
                    + " slots, above what one host snapshot can list", "shard ring snapshots before host decode.");
        }
        ControlSnapshot controlSnapshot = ControlSnapshot.tryDecode(control);
        int[] ops = windowOpcodes.clone();
        Arrays.sort(ops);
        List<RingSlotSnapshot> slots = new ArrayList<>((int) slotCount);
        Map<Long, int[]> windows = ops.length == 0 ? Map.of() : new HashMap<>();
        int[] occ = new int[9];
        for (int s = 0; s < slotCount; s++) {
            long base = (long) s * SlotLayout.SLOT_WORDS;
            int raw = Words.getAcquire(ring, base + SlotLayout.STATUS_WORD);
            RingStatus status = RingStatus.fromRaw(raw);
            occ[status instanceof RingStatus.Known k ? k.ordinal() : 8]++;
            int tenant = Words.get(ring, base + SlotLayout.TENANT_WORD);
            int opcode = Words.get(ring, base + SlotLayout.OPCODE_WORD);
            int a0 = Words.get(ring, base + SlotLayout.ARG0_WORD);
            int a1 = Words.get(ring, base + SlotLayout.ARG0_WORD + 1);
            int a2 = Words.get(ring, base + SlotLayout.ARG0_WORD + 2);
            if (ops.length != 0 && Arrays.binarySearch(ops, opcode) >= 0) {
                long key = (Integer.toUnsignedLong(a0) << 32) | Integer.toUnsignedLong(opcode);
                int[] acc = windows.computeIfAbsent(key, k -> new int[] {tenant, 0, 0, 0, 0, 0, 0, 0, 0, 0});
                if (a1 == 0) {
                    acc[1]++;
                } else if (a1 == 1) {
                    acc[2]++;
                }
                if (status instanceof RingStatus.Known k && k != RingStatus.Known.EMPTY) {
                    acc[2 + k.ordinal()]++;
                }
            }
            slots.add(new RingSlotSnapshot(s, status, tenant, opcode, a0, a1, a2));
        }
        List<WindowTelemetry> out = new ArrayList<>(windows.size());
        windows.entrySet().stream()
                .sorted((x, y) -> Long.compareUnsigned(x.getKey(), y.getKey()))
                .forEach(e -> {
                    int[] a = e.getValue();
                    out.add(new WindowTelemetry((int) (e.getKey() >>> 32), a[0], (int) (long) e.getKey(), a[1], a[2],
                            a[3], a[4], a[5], a[6], a[7], a[8], a[9]));
                });
        RingOccupancy occupancy = new RingOccupancy(occ[0], occ[1], occ[2], occ[3], occ[4], occ[5], occ[6], occ[7],
                occ[8]);
        return new RingTelemetry(controlSnapshot, occupancy, slots, out);
    }

    /** @return the active slots (PUBLISHED, CLAIMED, WAIT_IO, YIELD, REQUEUE) whose opcode is {@code opcode} */
    public List<RingSlotSnapshot> activeSlotsForOpcode(int opcode) {
        List<RingSlotSnapshot> out = new ArrayList<>();
        for (RingSlotSnapshot s : slots) {
            if (s.opcode() == opcode && s.status().isActive()) {
                out.add(s);
            }
        }
        return out;
    }

    /** @return the windows that still have unfinished work */
    public List<WindowTelemetry> activeWindows() {
        return windows.stream().filter(WindowTelemetry::isActive).toList();
    }

    /** @return requeue pressure: {@code {occupancy.requeue, 0, 0}} */
    public PriorityRequeueAccounting priorityAccounting() {
        return new PriorityRequeueAccounting(Integer.toUnsignedLong(occupancy.requeue()), 0, 0);
    }

    /** @return queue, idle, fairness and drain counters of this snapshot */
    public RuntimeCounters runtimeCounters() {
        long total = occupancy.totalSlots();
        long depth = occupancy.queueDepth();
        long empty = Integer.toUnsignedLong(occupancy.empty());
        long idlePpm = total == 0 ? 0 : Math.min(empty * 1_000_000L / total, 1_000_000L);
        long tenantTotal = 0;
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int i = 0; i < ControlLayout.TENANT_FAIRNESS_SLOTS; i++) {
            long c = Integer.toUnsignedLong(control.tenantFairness(i));
            tenantTotal += c;
            if (c != 0) {
                min = Math.min(min, c);
                max = Math.max(max, c);
            }
        }
        long priorityTotal = 0;
        for (int i = 0; i < ControlLayout.PRIORITY_FAIRNESS_SLOTS; i++) {
            priorityTotal += Integer.toUnsignedLong(control.priorityFairness(i));
        }
        return new RuntimeCounters(total, depth, empty, idlePpm, densityBps(depth, total),
                densityBps(Math.max(total - empty, 0), total), Integer.toUnsignedLong(control.doneCount()),
                Integer.toUnsignedLong(occupancy.done()), tenantTotal, min == Long.MAX_VALUE ? 0 : max - min,
                priorityTotal, Integer.toUnsignedLong(occupancy.requeue()), Integer.toUnsignedLong(occupancy.fault()));
    }

    private static int densityBps(long numerator, long denominator) {
        return denominator == 0 ? 0 : (int) Math.min(numerator * 10_000L / denominator, 65_535L);
    }

    /** Same as {@link #tryHealthSince(RingTelemetry)}. */
    public WatchdogSnapshot healthSince(RingTelemetry previous) {
        return tryHealthSince(previous);
    }

    /**
     * Compares with an earlier snapshot: {@code suspectedStall} when work is queued, DONE_COUNT did
     * not move and nothing faulted.
     *
     * @throws BackendException when DONE_COUNT decreased (a reset or a wrap)
     */
    public WatchdogSnapshot tryHealthSince(RingTelemetry previous) {
        RuntimeCounters c = runtimeCounters();
        long cur = Integer.toUnsignedLong(control.doneCount());
        long prev = Integer.toUnsignedLong(previous.control.doneCount());
        if (cur < prev) {
            throw new BackendException("megakernel done counter moved backwards from " + prev + " to " + cur,
                    "treat counter reset/wrap as a new telemetry epoch.");
        }
        long delta = cur - prev;
        boolean stall = c.queueDepth() > 0 && delta == 0 && c.faultSlots() == 0;
        return new WatchdogSnapshot(delta, c.queueDepth(), c.faultSlots(), c.requeueSlots(), c.gpuIdlePpm(), stall);
    }

    /**
     * Builds Count-Min sketches of this snapshot: ring opcode, tenant and raw status of every
     * slot, opcode of every active slot, and the control metrics {@code (i, count)}.
     *
     * @throws QueueFullException (queue {@code telemetry}) on invalid dimensions
     */
    public SketchTelemetry sketch(long depth, long width) {
        CountMinSketch ringOpcode = new CountMinSketch(depth, width);
        CountMinSketch activeOpcode = new CountMinSketch(depth, width);
        CountMinSketch tenant = new CountMinSketch(depth, width);
        CountMinSketch status = new CountMinSketch(depth, width);
        CountMinSketch metrics = new CountMinSketch(depth, width);
        long active = 0;
        for (RingSlotSnapshot s : slots) {
            ringOpcode.add(s.opcode(), 1);
            tenant.add(s.tenantId(), 1);
            status.add(s.status().raw(), 1);
            if (s.status().isActive()) {
                active++;
                activeOpcode.add(s.opcode(), 1);
            }
        }
        for (ControlSnapshot.Metric m : control.metrics()) {
            metrics.add(m.opcode(), Integer.toUnsignedLong(m.count()));
        }
        return new SketchTelemetry(ringOpcode, activeOpcode, tenant, status, metrics, slots.size(), active);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RingTelemetry t && control.equals(t.control) && occupancy.equals(t.occupancy)
                && slots.equals(t.slots) && windows.equals(t.windows);
    }

    @Override
    public int hashCode() {
        return ((control.hashCode() * 31 + occupancy.hashCode()) * 31 + slots.hashCode()) * 31 + windows.hashCode();
    }

    @Override
    public String toString() {
        return "RingTelemetry[control=" + control + ", occupancy=" + occupancy + ", slots=" + slots.size()
                + ", windows=" + windows + "]";
    }
}
