package dev.vyre.conformance;

import static dev.vyre.conformance.OnePass.done;
import static dev.vyre.conformance.OnePass.metric;

import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.SlotStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Each opcode alone: the GPU execution vectors of vectors section W (adapted to our deliberate
 * fixes) and the order-independent cases of execution-spec Appendix A.
 */
final class OpcodeCases {

    private OpcodeCases() {
    }

    static List<ConformanceCase> all() {
        List<ConformanceCase> cases = new ArrayList<>();
        // Section W: encode_control(false, 1, 160), 4-slot ring, the listed slot is the only PUBLISHED one.
        cases.add(w("store_u32", "W: STORE_U32 [0xABCD, 161] sets word 161", 0, Opcodes.STORE_U32,
                new int[] {0xABCD, 161}, g -> metric(done(g, 0), 1).control(161, 0xABCD)));
        cases.add(w("atomic_add", "W: ATOMIC_ADD [5, 162] adds to word 162 (slot 1)", 1, Opcodes.ATOMIC_ADD,
                new int[] {5, 162}, g -> metric(done(g, 1), 2).control(162, 5)));
        cases.add(w("load_u32", "W: LOAD_U32 [2, 3] copies word 2 into observable 3 (word 163)", 0, Opcodes.LOAD_U32,
                new int[] {2, 3}, g -> metric(done(g, 0), 3).control(163, 3)));
        cases.add(w("compare_swap_hit", "W: COMPARE_SWAP [150, 0, 9] swaps and stores prev 0 at 310", 0,
                Opcodes.COMPARE_SWAP, new int[] {150, 0, 9}, g -> metric(done(g, 0), 4).control(150, 9).control(310, 0)));
        cases.add(w("compare_swap_miss", "W: COMPARE_SWAP [150, 1, 9] leaves word 150 alone", 0, Opcodes.COMPARE_SWAP,
                new int[] {150, 1, 9}, g -> metric(done(g, 0), 4)));
        cases.add(preset("compare_swap_prev", "COMPARE_SWAP on a preset word stores the previous value",
                new int[] {150, 0x1234}, Opcodes.COMPARE_SWAP, new int[] {150, 0x1234, 9},
                g -> metric(done(g, 0), 4).control(150, 9).control(310, 0x1234)));
        cases.add(preset("compare_swap_prev_miss", "A failed COMPARE_SWAP still stores the previous value",
                new int[] {150, 0x1234}, Opcodes.COMPARE_SWAP, new int[] {150, 1, 9},
                g -> metric(done(g, 0), 4).control(310, 0x1234)));
        cases.add(w("memcpy", "W: MEMCPY [3, 165, 1] copies the tenant-0 mask to word 165", 0, Opcodes.MEMCPY,
                new int[] {3, 165, 1}, g -> metric(done(g, 0), 5).control(165, 0xFFFFFFFF)));
        cases.add(w("memcpy_zero", "W: MEMCPY with length 0 copies nothing", 0, Opcodes.MEMCPY, new int[] {3, 165, 0},
                g -> metric(done(g, 0), 5)));
        cases.add(preset("memcpy_overlap", "MEMCPY copies ascending one word at a time: overlap smears forward",
                new int[] {170, 1, 171, 2, 172, 3, 173, 4}, Opcodes.MEMCPY, new int[] {170, 171, 3},
                g -> metric(done(g, 0), 5).control(171, 1).control(172, 1).control(173, 1)));
        cases.add(w("batch_fence", "W: BATCH_FENCE [2, 0x99] bumps the epoch and writes observable 0", 0,
                Opcodes.BATCH_FENCE, new int[] {2, 0x99}, g -> metric(done(g, 0), 7).control(128, 1).control(160, 0x99)));
        cases.add(w("nop", "W: NOP counts metric 0 only", 0, Opcodes.NOP, new int[0], g -> metric(done(g, 0), 0)));
        cases.add(w("printf", "W: PRINTF [7, 1, 2] from slot 3 writes record 7,1,2,48 (no metric)", 3, Opcodes.PRINTF,
                new int[] {7, 1, 2}, g -> done(g, 3).debug(0, 4).debug(1, 7).debug(2, 1).debug(3, 2).debug(4, 48)));
        cases.add(w("shutdown", "W: SHUTDOWN sets control word 0 (no metric)", 0, Opcodes.SHUTDOWN, new int[0],
                g -> done(g, 0).control(0, 1)));
        cases.add(w("user_opcode_unregistered", "W: a user opcode without a handler completes with no effect", 0,
                0x4000_0000, new int[] {1, 161, 2}, g -> done(g, 0)));
        cases.add(w("user_opcode_metric", "W: user opcode 20 without a handler counts metric 20", 0, 20,
                new int[] {1, 161, 2}, g -> metric(done(g, 0), 20)));
        cases.add(w("packed_pair", "W: packed 1:[0xAB,161], 2:[5,162] runs both, one DONE_COUNT", 0,
                Opcodes.PACKED_SLOT, Wire.packedPayload(new int[] {1, 0xAB, 161}, new int[] {2, 5, 162}),
                g -> metric(metric(done(g, 0), 1), 2).control(161, 0xAB).control(162, 5)));

        // Appendix A: encode_control(false, 1, 0) (640 bytes), 4-slot ring, tenant 0.
        cases.add(ConformanceCase.onePass("opcode/a1_store_add_nop",
                "A1 (order-free form): STORE_U32, ATOMIC_ADD and NOP on distinct words; slot 3 stays EMPTY",
                vyre -> {
                    byte[] control = Wire.control(false, 1, 0);
                    byte[] ring = Wire.ring(4);
                    Wire.publish(ring, 0, 0, Opcodes.STORE_U32, 42, 150);
                    Wire.publish(ring, 1, 0, Opcodes.ATOMIC_ADD, 5, 151);
                    Wire.publish(ring, 2, 0, Opcodes.NOP);
                    return OnePass.run(vyre, OnePass.request(control, ring), g -> {
                        done(done(done(g, 0), 1), 2);
                        metric(metric(metric(g, 0), 1), 2).control(150, 42).control(151, 5);
                    });
                }));
        cases.add(ConformanceCase.onePass("opcode/a1_commutative_adds",
                "A1 (commutative form): two ATOMIC_ADDs on one word sum to 47 in any order",
                vyre -> {
                    byte[] control = Wire.control(false, 1, 0);
                    byte[] ring = Wire.ring(4);
                    Wire.publish(ring, 0, 0, Opcodes.ATOMIC_ADD, 42, 150);
                    Wire.publish(ring, 1, 0, Opcodes.ATOMIC_ADD, 5, 150);
                    return OnePass.run(vyre, OnePass.request(control, ring),
                            g -> metric(metric(done(done(g, 0), 1), 2), 2).control(150, 47));
                }));
        cases.add(ConformanceCase.onePass("opcode/a2_unauthorised_tenant",
                "A2: a slot of tenant 1 with tenant_count 1 stays PUBLISHED, nothing counted",
                vyre -> {
                    byte[] control = Wire.control(false, 1, 0);
                    byte[] ring = Wire.ring(4);
                    Wire.publish(ring, 0, 1, Opcodes.STORE_U32, 42, 150);
                    return OnePass.run(vyre, OnePass.request(control, ring), g -> { });
                }));
        cases.add(ConformanceCase.onePass("opcode/a3_printf", "A3: PRINTF [7,8,9] in slot 2 writes 7,8,9,32",
                vyre -> {
                    byte[] ring = Wire.ring(4);
                    Wire.publish(ring, 2, 0, Opcodes.PRINTF, 7, 8, 9);
                    return OnePass.run(vyre, OnePass.request(Wire.control(false, 1, 0), ring),
                            g -> done(g, 2).debug(0, 4).debug(1, 7).debug(2, 8).debug(3, 9).debug(4, 32));
                }));
        cases.add(ConformanceCase.onePass("opcode/a4_batch_fence_no_observable",
                "A4: BATCH_FENCE with a 160-word control buffer bumps the epoch; word 160 does not exist",
                vyre -> {
                    byte[] ring = Wire.ring(4);
                    Wire.publish(ring, 0, 0, Opcodes.BATCH_FENCE, 3, 0xABCD);
                    return OnePass.run(vyre, OnePass.request(Wire.control(false, 1, 0), ring),
                            g -> metric(done(g, 0), 7).control(128, 1));
                }));
        cases.add(ConformanceCase.onePass("opcode/a6_store_out_of_bounds",
                "A6: STORE_U32 [1, 0xFFFFFFF0] changes nothing but its metric and DONE",
                vyre -> {
                    byte[] ring = Wire.ring(4);
                    Wire.publish(ring, 0, 0, Opcodes.STORE_U32, 1, 0xFFFFFFF0);
                    return OnePass.run(vyre, OnePass.request(Wire.control(false, 1, 0), ring), g -> metric(done(g, 0), 1));
                }));
        return cases;
    }

    /** A section-W row: the only PUBLISHED slot of a 4-slot ring over encode_control(false, 1, 160). */
    private static ConformanceCase w(String name, String description, int slot, int opcode, int[] args,
                                     Consumer<Golden> effects) {
        return preset(name, description, new int[0], slot, opcode, args, effects);
    }

    private static ConformanceCase preset(String name, String description, int[] presets, int opcode, int[] args,
                                          Consumer<Golden> effects) {
        return preset(name, description, presets, 0, opcode, args, effects);
    }

    /** Like {@link #w} with control words preset by the host ({@code presets} = word, value pairs). */
    private static ConformanceCase preset(String name, String description, int[] presets, int slot, int opcode,
                                          int[] args, Consumer<Golden> effects) {
        return ConformanceCase.onePass("opcode/" + name, description, vyre -> {
            byte[] control = Wire.control(false, 1, 160);
            for (int i = 0; i < presets.length; i += 2) {
                Wire.setWord(control, presets[i], presets[i + 1]);
            }
            byte[] ring = Wire.ring(4);
            Wire.raw(ring, slot, Wire.slotWords(SlotStatus.PUBLISHED, opcode, 0, args));
            return OnePass.run(vyre, OnePass.request(control, ring), effects);
        });
    }
}
