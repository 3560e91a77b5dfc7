package dev.vyre.conformance;

import static dev.vyre.conformance.OnePass.done;
import static dev.vyre.conformance.OnePass.metric;

import dev.vyre.api.Vyre;
import dev.vyre.protocol.IoQueueLayout;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.SlotStatus;
import java.util.List;

/** Every opcode in one ring, and one pass over a ring with every slot pre-filled. */
final class MixedCases {

    private MixedCases() {
    }

    static List<ConformanceCase> all() {
        return List.of(
                ConformanceCase.onePass("mixed/all_opcodes_one_ring",
                        "every built-in opcode, a packed slot, unknown opcodes, an unauthorised tenant and a LOAD_MISS"
                                + " in one 16-slot ring, on distinct words", MixedCases::allOpcodes),
                ConformanceCase.onePass("mixed/prefilled_4096",
                        "one pass over a 4096-slot ring with every slot PUBLISHED (STORE_U32 and ATOMIC_ADD)",
                        MixedCases::prefilled));
    }

    private static List<Snapshot> allOpcodes(Vyre vyre) {
        byte[] ring = Wire.ring(16);
        Wire.publish(ring, 0, 0, Opcodes.NOP);
        Wire.publish(ring, 1, 0, Opcodes.STORE_U32, 0x1111, 161);
        Wire.publish(ring, 2, 0, Opcodes.ATOMIC_ADD, 5, 162);
        Wire.publish(ring, 3, 0, Opcodes.ATOMIC_ADD, 7, 162);
        Wire.publish(ring, 4, 0, Opcodes.LOAD_U32, 3, 3);
        Wire.publish(ring, 5, 0, Opcodes.COMPARE_SWAP, 40, 0, 9);
        Wire.publish(ring, 6, 0, Opcodes.MEMCPY, 3, 180, 2);
        Wire.publish(ring, 7, 0, Opcodes.BATCH_FENCE, 2, 0x99);
        Wire.publish(ring, 8, 0, Opcodes.PRINTF, 7, 8, 9);
        Wire.publish(ring, 9, 0, Opcodes.PACKED_SLOT, Wire.packedPayload(new int[] {1, 0xAB, 190}, new int[] {2, 5, 191}));
        Wire.publish(ring, 10, 0, 0x4000_0000, 1, 2, 3);
        Wire.publish(ring, 11, 0, 20, 1, 2, 3);
        Wire.publish(ring, 12, 0, Opcodes.DFA_STEP, 0, 0, 10);
        Wire.publish(ring, 13, 1, Opcodes.STORE_U32, 0x2222, 164);
        Wire.publish(ring, 14, 5, Opcodes.STORE_U32, 0x5555, 165);
        Wire.raw(ring, 15, Wire.loadMiss(7, false));
        byte[] control = Wire.control(false, 2, 64);
        Wire.setWord(control, 170, 0xC0DE);
        return OnePass.run(vyre, OnePass.request(control, ring), g -> {
            for (int s = 0; s <= 13; s++) {
                done(g, s);
            }
            g.status(15, SlotStatus.FAULT);
            metric(g, 0);
            metric(metric(metric(g, 1), 1), 1);
            metric(metric(metric(g, 2), 2), 2);
            for (int op = 3; op <= 7; op++) {
                metric(g, op);
            }
            metric(g, 20);
            g.control(161, 0x1111).control(162, 12).control(163, 0xFFFFFFFF).control(40, 9).control(200, 0)
                    .control(180, 0xFFFFFFFF).control(181, 0xFFFFFFFF).control(128, 1).control(160, 0x99)
                    .control(190, 0xAB).control(191, 5).control(170, 0).control(164, 0x2222);
            g.debug(0, 4).debug(1, 7).debug(2, 8).debug(3, 9).debug(4, 8 * 16);
            g.io(0, IoQueueLayout.OP_READ).io(1, 7).io(2, 7).io(7, 7);
        });
    }

    private static List<Snapshot> prefilled(Vyre vyre) {
        int slots = 4096;
        byte[] ring = Wire.ring(slots);
        for (int s = 0; s < slots; s++) {
            switch (s % 3) {
                case 0 -> Wire.publish(ring, s, 0, Opcodes.STORE_U32, s ^ 0x5A5A, 160 + s);
                case 1 -> Wire.publish(ring, s, 0, Opcodes.ATOMIC_ADD, s, 160 + s);
                default -> Wire.publish(ring, s, 0, Opcodes.ATOMIC_ADD, 1, 160 + slots);
            }
        }
        return OnePass.run(vyre, OnePass.request(Wire.control(false, 1, slots + 1), ring), g -> {
            int shared = 0;
            for (int s = 0; s < slots; s++) {
                done(g, s);
                switch (s % 3) {
                    case 0 -> metric(g, 1).control(160 + s, s ^ 0x5A5A);
                    case 1 -> metric(g, 2).control(160 + s, s);
                    default -> {
                        metric(g, 2);
                        shared++;
                    }
                }
            }
            g.control(160 + slots, shared);
        });
    }
}
