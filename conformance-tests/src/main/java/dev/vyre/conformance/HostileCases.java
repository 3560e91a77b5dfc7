package dev.vyre.conformance;

import static dev.vyre.conformance.OnePass.done;
import static dev.vyre.conformance.OnePass.metric;

import dev.vyre.api.Vyre;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.SlotStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Hostile slots (deliberate fix 1): out-of-range indices (including those that would land on a
 * low word if index arithmetic wrapped at 32 bits), MEMCPY lengths up to 0xFFFFFFFF, reserved
 * and unknown opcodes, garbage status and tenant words, and seeded random 64-byte slots. The
 * observable area is filled with canary words, and every buffer is compared byte for byte, so a
 * write anywhere it should not be fails.
 */
final class HostileCases {

    /** Observable words of the hostile control buffer: 224 words in all. */
    private static final int OBSERVABLE = 64;
    private static final int CW = 160 + OBSERVABLE;
    private static final int CANARY = 0xC0DE0000;

    private HostileCases() {
    }

    static List<ConformanceCase> all() {
        List<ConformanceCase> cases = new ArrayList<>();
        cases.add(ConformanceCase.onePass("hostile/crafted",
                "out-of-range and wrap-around indices, huge MEMCPY lengths, reserved opcodes, garbage statuses and tenants",
                HostileCases::crafted));
        for (long seed : new long[] {0x5EED_0001L, 0x5EED_0002L, 0x5EED_0003L, 0x5EED_0004L}) {
            cases.add(ConformanceCase.onePass("hostile/random_" + Long.toHexString(seed),
                    "256 seeded random 64-byte slots over a 160-word control buffer: only counters may change",
                    vyre -> random(vyre, seed)));
        }
        return cases;
    }

    private static List<Snapshot> crafted(Vyre vyre) {
        byte[] control = Wire.control(false, 1, OBSERVABLE);
        for (int i = 0; i < OBSERVABLE; i++) {
            Wire.setWord(control, 160 + i, CANARY | i);
        }
        byte[] ring = Wire.ring(64);
        int s = 0;
        Wire.publish(ring, s++, 0, Opcodes.STORE_U32, 0xBAD, CW);
        Wire.publish(ring, s++, 0, Opcodes.STORE_U32, 0xBAD, 0xFFFFFFFF);
        Wire.publish(ring, s++, 0, Opcodes.ATOMIC_ADD, 1, 0xFFFFFFF0);
        Wire.publish(ring, s++, 0, Opcodes.LOAD_U32, 0xFFFFFFFF, 10);           // C[170] = 0 (OOB load)
        Wire.publish(ring, s++, 0, Opcodes.LOAD_U32, 3, 0xFFFFFFFF);            // 160 + a1 must not wrap to 159
        Wire.publish(ring, s++, 0, Opcodes.LOAD_U32, 3, OBSERVABLE);            // destination = CW: OOB
        Wire.publish(ring, s++, 0, Opcodes.LOAD_U32, 3, OBSERVABLE - 3);        // C[221] = C[3]
        Wire.publish(ring, s++, 0, Opcodes.COMPARE_SWAP, 0xFFFFFF61, 0, 7);     // result must not wrap to C[1]
        Wire.publish(ring, s++, 0, Opcodes.COMPARE_SWAP, CW, 0, 7);
        Wire.publish(ring, s++, 0, Opcodes.COMPARE_SWAP, 20, 0, 0x77);          // C[20] = 0x77, C[180] = 0
        Wire.publish(ring, s++, 0, Opcodes.MEMCPY, 2, CW - 2, 0xFFFFFFFF);      // C[222..223] = C[2..3], then stop
        Wire.publish(ring, s++, 0, Opcodes.MEMCPY, 0xFFFFFFF0, 200, 4);         // OOB source reads 0
        Wire.publish(ring, s++, 0, Opcodes.MEMCPY, 3, 0xFFFFFFFF, 0xFFFFFFFF);  // every destination OOB
        Wire.publish(ring, s++, 0, Opcodes.MEMCPY, 0xFFFFFFFE, 190, 5);         // source must not wrap to C[0..2]
        Wire.publish(ring, s++, 0, Opcodes.DFA_STEP, 0xFFFFFFFF, 0xFF, 5);      // no data buffer: C[165] = 0
        Wire.publish(ring, s++, 0, Opcodes.DFA_STEP, 0, 0, 0xFFFFFFFF);
        Wire.publish(ring, s++, 0, Opcodes.BATCH_FENCE, 0, 0xFEED);
        for (int op : new int[] {0xFFF0, 0x80000002, 0x80000000, 0xFFFF, 0xFFFFFFFE, 31, 32}) {
            Wire.publish(ring, s++, 0, op, 0xBAD, 161, 162);
        }
        int[] malformed = new int[12];
        malformed[0] = 0xFFFFFFFF;
        Wire.publish(ring, s++, 0, Opcodes.PACKED_SLOT, malformed);
        Wire.publish(ring, s++, 0, Opcodes.PACKED_SLOT,
                Wire.packedPayload(new int[] {1, 0xBAD, 0xFFFFFFFF}, new int[] {3, 3, 0xFFFFFFFF}));
        int executed = s; // slots 0 .. 25 run
        for (int status : new int[] {8, 0xFFFFFFFF, 0x10, 2, 3, 7, 4, 5, 6, 0, 0x11, 0x80000001}) {
            Wire.raw(ring, s++, Wire.slotWords(status, Opcodes.STORE_U32, 0, 0xBAD, 161));
        }
        Wire.publish(ring, s++, 0x80000000, Opcodes.STORE_U32, 0xBAD, 161);
        Wire.publish(ring, s++, 0xFFFFFFFE, Opcodes.STORE_U32, 0xBAD, 162);   // 3 + t must not wrap to C[1]
        int addSlot = s;
        Wire.publish(ring, s++, 0, Opcodes.ATOMIC_ADD, 0xFFFFFFFF, 166);        // wrapping add
        int casSlot = s;
        Wire.publish(ring, s++, 0, Opcodes.COMPARE_SWAP, 0xFFFFFF60, 0, 1);     // result must not wrap to C[0]
        return OnePass.run(vyre, OnePass.request(control, ring), g -> {
            for (int slot = 0; slot < executed; slot++) {
                done(g, slot);
            }
            done(done(g, addSlot), casSlot);
            counts(g, 1, 3);
            counts(g, 2, 2);
            counts(g, 3, 5);
            counts(g, 4, 4);
            counts(g, 5, 4);
            counts(g, 6, 2);
            counts(g, 7, 1);
            counts(g, 31, 1);
            g.control(170, 0).control(221, 0xFFFFFFFF).control(20, 0x77).control(180, 0)
                    .control(222, 3).control(223, 0xFFFFFFFF).control(165, 0).control(128, 1).control(160, 0xFEED)
                    .controlAdd(166, 0xFFFFFFFF);
            for (int w = 200; w < 204; w++) {
                g.control(w, 0);
            }
            for (int w = 190; w < 195; w++) {
                g.control(w, 0);
            }
        });
    }

    private static void counts(Golden g, int opcode, int times) {
        for (int i = 0; i < times; i++) {
            metric(g, opcode);
        }
    }

    /**
     * Random slots over a control buffer with no observable words: every result word is out of
     * range, so only DONE_COUNT, metrics and the epoch may change (and the statuses of the slots
     * that run), whatever order they run in. The expectation is computed from the slots.
     */
    private static List<Snapshot> random(Vyre vyre, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        byte[] control = Wire.control(false, 2, 0);
        int slots = 256;
        byte[] ring = Wire.ring(slots);
        int[] hostileOps = {0xFFF0, 0x80000002, 0xFFFF, 31, 32, 0x80000000, 0x4000_0000, 20};
        for (int s = 0; s < slots; s++) {
            int[] w = new int[16];
            for (int i = 0; i < w.length; i++) {
                w[i] = rnd.nextInt();
            }
            if (rnd.nextInt(8) < 3) {
                w[0] = SlotStatus.PUBLISHED;
            }
            switch (rnd.nextInt(4)) {
                case 0 -> w[1] = rnd.nextInt(8);
                case 1 -> w[1] = Opcodes.PACKED_SLOT;
                case 2 -> w[1] = hostileOps[rnd.nextInt(hostileOps.length)];
                default -> { }
            }
            if (w[1] == Opcodes.PRINTF || w[1] == Opcodes.SHUTDOWN || w[1] == Opcodes.LOAD_MISS) {
                w[1] = Opcodes.NOP; // order-dependent effects stay out of random workloads
            }
            if (rnd.nextBoolean()) {
                w[2] = rnd.nextInt(3); // tenants 0 and 1 are authorised, 2 is not
            }
            Wire.raw(ring, s, w);
        }
        return OnePass.run(vyre, OnePass.request(control, ring), g -> {
            for (int s = 0; s < slots; s++) {
                int[] w = Wire.slot(ring, s);
                long t = 3 + Integer.toUnsignedLong(w[2]);
                if (w[0] != SlotStatus.PUBLISHED || t >= 32 || Wire.word(control, t) == 0) {
                    continue;
                }
                done(g, s);
                if (w[1] != Opcodes.PACKED_SLOT) {
                    count(g, w[1]);
                    continue;
                }
                byte[] payload = new byte[48];
                for (int i = 0; i < 12; i++) {
                    Wire.setWord(payload, i, w[4 + i]);
                }
                int n = payload[0] & 0xFF;
                int meta = (2 + 2 * n + 3) / 4;
                for (int k = 0; meta <= 12 && k < n; k++) {
                    int base = meta + (payload[3 + 2 * k] & 0xFF);
                    if (base + 3 <= 12) {
                        count(g, payload[2 + 2 * k] & 0xFF);
                    }
                }
            }
        });
    }

    private static void count(Golden g, int opcode) {
        if (Integer.compareUnsigned(opcode, 32) < 0) {
            metric(g, opcode);
        }
        if (opcode == Opcodes.BATCH_FENCE) {
            g.controlAdd(128, 1);
        }
    }
}
