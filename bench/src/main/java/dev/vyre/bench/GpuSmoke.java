package dev.vyre.bench;

import dev.vyre.api.BackendInfo;
import dev.vyre.api.DispatchRequest;
import dev.vyre.api.DispatchResult;
import dev.vyre.api.Session;
import dev.vyre.api.SessionOptions;
import dev.vyre.api.Vyre;
import dev.vyre.protocol.ControlCodec;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.PackedOp;
import dev.vyre.protocol.RingPublisher;
import dev.vyre.protocol.SlotStatus;
import dev.vyre.protocol.Words;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * First-light check of a backend against the reference backend: one mixed one-pass ring compared
 * byte for byte, then a persistent session (single-slot round trips, a recycled stream of
 * ATOMIC_ADD slots, SHUTDOWN). Usage: {@code GpuSmoke [backend]} (default: the best available).
 * Exit code 1 on any mismatch.
 */
public final class GpuSmoke {

    private GpuSmoke() {
    }

    public static void main(String[] args) throws Exception {
        for (BackendInfo s : Vyre.backends()) {
            System.out.println("provider " + s.describe());
        }
        String name = args.length > 0 ? args[0] : null;
        boolean ok = true;
        try (Vyre reference = Vyre.open("reference"); Vyre backend = Vyre.open(name)) {
            System.out.println("backend " + backend.name() + " on " + backend.device());
            ok &= onePass(reference, backend);
            ok &= persistent(backend);
            ok &= bulk(backend, false);
            ok &= bulk(backend, true);
        }
        System.out.println(ok ? "SMOKE OK" : "SMOKE FAILED");
        System.exit(ok ? 0 : 1);
    }

    private static boolean onePass(Vyre reference, Vyre backend) {
        byte[] control = ControlCodec.encodeControl(false, 2, 64);
        byte[] ring = new byte[64 * 64];
        int s = 0;
        RingPublisher.publishSlot(ring, s++, 0, Opcodes.STORE_U32, 0xABCD, 170);
        RingPublisher.publishSlot(ring, s++, 0, Opcodes.ATOMIC_ADD, 5, 171);
        RingPublisher.publishSlot(ring, s++, 1, Opcodes.ATOMIC_ADD, 7, 171);
        RingPublisher.publishSlot(ring, s++, 0, Opcodes.LOAD_U32, 2, 3);
        RingPublisher.publishSlot(ring, s++, 0, Opcodes.COMPARE_SWAP, 150, 0, 9);
        RingPublisher.publishSlot(ring, s++, 0, Opcodes.MEMCPY, 3, 175, 2);
        RingPublisher.publishSlot(ring, s++, 0, Opcodes.BATCH_FENCE, 2, 0x99);
        RingPublisher.publishSlot(ring, s++, 0, Opcodes.PRINTF, 7, 1, 2);
        RingPublisher.publishSlot(ring, s++, 0, Opcodes.STORE_U32, 1, 0xFFFFFFF0);
        RingPublisher.publishSlot(ring, s++, 0, Opcodes.MEMCPY, 0, 0xFFFFFF00, -1);
        RingPublisher.publishSlot(ring, s++, 0, 20, 1, 2, 3);
        RingPublisher.publishSlot(ring, s++, 5, Opcodes.STORE_U32, 1, 180);
        RingPublisher.publishPackedSlot(ring, s++, 0, List.of(new PackedOp(1, new int[] {0xAB, 181}),
                new PackedOp(2, new int[] {5, 182}), new PackedOp(2, new int[] {6, 182}),
                new PackedOp(1, new int[] {0xCD, 183}), new PackedOp(0, new int[] {})));
        RingPublisher.publishSlot(ring, s++, 0, Opcodes.DFA_STEP, 0, 3, 30);
        byte[] data = new byte[1024];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 7);
        }
        DispatchRequest request = DispatchRequest.of(control, ring, new byte[1028]).withData(data);
        DispatchResult want = reference.dispatch(request);
        long t0 = System.nanoTime();
        DispatchResult got = backend.dispatch(request);
        long t1 = System.nanoTime();
        boolean ok = same("control", want.control(), got.control()) & same("ring", want.ring(), got.ring())
                & same("debug", want.debugLog(), got.debugLog()) & same("io", want.ioQueue(), got.ioQueue());
        System.out.printf("one-pass mixed ring: %s (%.1f us)%n", ok ? "identical" : "DIFFERENT", (t1 - t0) / 1e3);
        return ok;
    }

    private static boolean same(String what, byte[] want, byte[] got) {
        if (Arrays.equals(want, got)) {
            return true;
        }
        MemorySegment w = MemorySegment.ofArray(want);
        MemorySegment g = MemorySegment.ofArray(got);
        int shown = 0;
        for (long i = 0; i < Math.min(want.length, got.length) / 4 && shown < 12; i++) {
            if (Words.get(w, i) != Words.get(g, i)) {
                System.out.printf("  %s word %d: want 0x%x got 0x%x%n", what, i, Words.get(w, i), Words.get(g, i));
                shown++;
            }
        }
        if (want.length != got.length) {
            System.out.printf("  %s length: want %d got %d%n", what, want.length, got.length);
        }
        return false;
    }

    /** Host publish ceiling and device drain rate: a 1 Mi-slot ring published once, no recycling. */
    private static boolean bulk(Vyre backend, boolean deferred) {
        int slots = 1 << 20;
        SessionOptions options = SessionOptions.builder().slotCount(slots).observableSlots(1024).build();
        try (Session session = backend.openSession(options)) {
            long t0 = System.nanoTime();
            for (int slot = 0; slot < slots; slot++) {
                if (deferred) {
                    session.publishDeferred(slot, 0, Opcodes.ATOMIC_ADD, 1, 160 + (slot & 1023), 0);
                } else {
                    session.publish(slot, 0, Opcodes.ATOMIC_ADD, 1, 160 + (slot & 1023), 0);
                }
            }
            session.flush();
            long t1 = System.nanoTime();
            boolean drained = session.awaitDoneCount(slots, Duration.ofSeconds(30));
            long t2 = System.nanoTime();
            System.out.printf((deferred ? "bulk deferred" : "bulk") + ": host published %d fresh slots at %.2f M/s; all DONE after %.3f s = %.2f M slots/s"
                    + " (drained %s)%n", slots, slots / ((t1 - t0) / 1e3), (t2 - t0) / 1e9, slots / ((t2 - t0) / 1e3),
                    drained);
            return drained;
        }
    }

    private static boolean persistent(Vyre backend) {
        int slots = 4096;
        SessionOptions options = SessionOptions.builder().slotCount(slots).observableSlots(slots).build();
        boolean ok = true;
        try (Session session = backend.openSession(options)) {
            // single-slot round trips
            long[] rtt = new long[20_000];
            for (int i = 0; i < rtt.length; i++) {
                int slot = i % slots;
                long t0 = System.nanoTime();
                session.publish(slot, 0, Opcodes.ATOMIC_ADD, 1, 160 + slot, 0);
                if (!session.awaitSlotStatus(slot, SlotStatus.DONE, Duration.ofSeconds(5))) {
                    System.out.println("round trip " + i + " timed out; slot status " + session.slotStatus(slot)
                            + " done " + session.doneCount() + " alive " + session.isAlive());
                    return false;
                }
                rtt[i] = System.nanoTime() - t0;
            }
            long[] tail = Arrays.copyOfRange(rtt, 2000, rtt.length);
            Arrays.sort(tail);
            System.out.printf("persistent single-slot publish->DONE: p50 %.2f us p99 %.2f us p99.9 %.2f us%n",
                    tail[tail.length / 2] / 1e3, tail[(int) (tail.length * 0.99)] / 1e3,
                    tail[(int) (tail.length * 0.999)] / 1e3);
            // recycled stream
            long total = 2_000_000;
            long t0 = System.nanoTime();
            for (long n = 0; n < total; n++) {
                int slot = (int) (n % slots);
                while (true) {
                    int st = session.slotStatus(slot);
                    if (st == SlotStatus.DONE || st == SlotStatus.EMPTY) {
                        break;
                    }
                    Thread.onSpinWait();
                }
                session.publish(slot, 0, Opcodes.ATOMIC_ADD, 1, 160 + slot, 0);
            }
            long published = System.nanoTime();
            System.out.printf("  publishing %d slots took %.3f s (%.2f M/s host side)%n", total, (published - t0) / 1e9,
                    total / ((published - t0) / 1e3));
            long expectDone = rtt.length + total;
            boolean drained = session.awaitDoneCount(expectDone, Duration.ofSeconds(30));
            long t1 = System.nanoTime();
            System.out.printf("persistent stream: %d slots in %.3f s = %.2f M slots/s (drained %s, done %d)%n", total,
                    (t1 - t0) / 1e9, total / ((t1 - t0) / 1e3), drained, session.doneCount());
            byte[] control = session.controlSnapshot();
            long sum = 0;
            for (int slot = 0; slot < slots; slot++) {
                sum += Integer.toUnsignedLong(ControlCodec.readObservable(control, slot));
            }
            ok &= drained && sum == expectDone;
            System.out.println("observable sum " + sum + " expected " + expectDone + " done_count "
                    + Integer.toUnsignedLong(ControlCodec.readDoneCount(control)));
            session.publish(0, 0, Opcodes.SHUTDOWN, 0, 0, 0);
            boolean stopped = session.awaitTermination(Duration.ofSeconds(5));
            System.out.println("shutdown by opcode: stopped " + stopped);
            ok &= stopped;
        }
        return ok;
    }
}
