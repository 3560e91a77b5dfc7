package dev.vyre.conformance;

import static dev.vyre.conformance.OnePass.done;
import static dev.vyre.conformance.OnePass.metric;

import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Every packed-slot row and boundary of vectors section M, decoded the way deliberate fix 4
 * says: metadata {@code ceil((2+2n)/4)} words, every inner op whose three argument words fit
 * runs (five and more ops included), in order. Each row is slot 0 of a 1-slot ring, tenant 7,
 * over {@code encode_control(false, 8, 32)}.
 */
final class PackedCases {

    private static final int TENANT = 7;

    private PackedCases() {
    }

    static List<ConformanceCase> all() {
        List<ConformanceCase> cases = new ArrayList<>();
        cases.add(row("m01_two_ops_short_args", "1:[10,20], 2:[30]: op 2 reads a zero a1 and adds 30 to word 0",
                ops(op(1, 10, 20), op(2, 30)),
                g -> metrics(g, 1, 2).control(20, 10).controlAdd(0, 30)));
        cases.add(row("m02_two_ops", "1:[10,32], 2:[1,64]", ops(op(1, 10, 32), op(2, 1, 64)),
                g -> metrics(g, 1, 2).control(32, 10).controlAdd(64, 1)));
        cases.add(row("m03_empty", "no ops: the outer slot completes, no metric", ops(), g -> g));
        cases.add(row("m04_one_nop", "0:[]: one NOP reading zero args", ops(op(0)), g -> metrics(g, 0)));
        cases.add(row("m05_eleven_args", "1:[1..11]: STORE word 2 = 1 (12 payload words used)",
                ops(op(1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)), g -> metrics(g, 1).control(2, 1)));
        cases.add(row("m06_three_ops_full", "1:[1,2,3], 2:[4,5,6,7], 3:[8,9,10]: 2 + 10 words",
                ops(op(1, 1, 2, 3), op(2, 4, 5, 6, 7), op(3, 8, 9, 10)),
                g -> metrics(g, 1, 2, 3).control(2, 1).control(5, 3).control(169, 0xFFFFFFFF)));
        cases.add(row("m07_four_ops", "1..4 with one arg each: ops run in order within the slot",
                ops(op(1, 0xA), op(2, 0xB), op(3, 0xC), op(4, 0xD)),
                g -> metrics(g, 1, 2, 3, 4).control(11, 0xA).control(12, 0xB).control(173, 0)));
        cases.add(row("m08_five_ops", "1..5 with one arg each: all five run (vyre 0.6.3 dropped the fifth)",
                ops(op(1, 0x11), op(2, 0x12), op(3, 0x13), op(4, 0x14), op(5, 0x15)),
                g -> metrics(g, 1, 2, 3, 4, 5).control(18, 0x11).control(19, 0x12).control(180, 0)));
        cases.add(row("m09_seven_ops", "1..7 with one arg each: meta 4 words on both sides; op 7's args do not fit",
                ops(op(1, 0x11), op(2, 0x12), op(3, 0x13), op(4, 0x14), op(5, 0x15), op(6, 0x16), op(7, 0x17)),
                g -> {
                    metrics(g, 1, 2, 3, 4, 5, 6).control(18, 0x11).control(19, 0x12).control(180, 0);
                    for (int w = 32; w < 40; w++) {
                        g.control(w, 0); // MEMCPY [0x15, 0x16, 0x17] smears word 21 (0) over 22..44
                    }
                    return g;
                }));
        int[][] nops = new int[23][];
        for (int i = 0; i < nops.length; i++) {
            nops[i] = op(0);
        }
        cases.add(row("m10_23_nops", "23 x 0:[]: meta 12 words, no op's args fit, none runs", nops, g -> g));
        cases.add(row("m11_unknown_inner", "9:[1,2,3], 10:[4]: unknown inner ops count their metrics",
                ops(op(9, 1, 2, 3), op(10, 4)), g -> metrics(g, 9, 10)));
        cases.add(row("m12_same_op_twice", "1:[0;5], 1:[0;5]: the same op twice",
                ops(op(1, 0, 0, 0, 0, 0), op(1, 0, 0, 0, 0, 0)), g -> metrics(g, 1, 1)));
        cases.add(row("m13_second_op_does_not_fit", "1:[0;8], 2:[0x77]: op 2 at base 10 does not fit",
                ops(op(1, 0, 0, 0, 0, 0, 0, 0, 0), op(2, 0x77)), g -> metrics(g, 1)));
        cases.add(raw("m14_malformed_24_ops", "byte 0 = 24: meta 13 words > 12, no inner op runs",
                0x00010118, 0x01000001, 5, 6));
        cases.add(raw("m15_malformed_255_ops", "byte 0 = 255: meta 128 words, no inner op runs",
                0xFFFFFFFF, 0x01000001, 0x01000001, 0x01000001));
        cases.add(raw("m16_22_ops_meta_12", "byte 0 = 22 (meta 12): every op's args fall off the payload",
                0x00010116, 0x01010101, 0x01010101, 0x01010101));
        return cases;
    }

    private static int[] op(int id, int... args) {
        int[] o = new int[args.length + 1];
        o[0] = id;
        System.arraycopy(args, 0, o, 1, args.length);
        return o;
    }

    private static int[][] ops(int[]... ops) {
        return ops;
    }

    private static Golden metrics(Golden g, int... opcodes) {
        for (int op : opcodes) {
            metric(g, op);
        }
        return g;
    }

    private static ConformanceCase row(String name, String description, int[][] ops,
                                       java.util.function.UnaryOperator<Golden> effects) {
        int[] payload = Wire.packedPayload(ops);
        return slot(name, description, payload, g -> effects.apply(done(g, 0)));
    }

    /** A hand-written payload (malformed layouts the host encoder refuses to produce). */
    private static ConformanceCase raw(String name, String description, int... payloadStart) {
        int[] payload = new int[SlotLayout.ARGS_PER_SLOT];
        System.arraycopy(payloadStart, 0, payload, 0, payloadStart.length);
        return slot(name, description, payload, g -> done(g, 0));
    }

    private static ConformanceCase slot(String name, String description, int[] payload, Consumer<Golden> effects) {
        return ConformanceCase.onePass("packed/" + name, description, vyre -> {
            byte[] ring = Wire.ring(1);
            Wire.raw(ring, 0, Wire.slotWords(SlotStatus.PUBLISHED, Opcodes.PACKED_SLOT, TENANT, payload));
            return OnePass.run(vyre, OnePass.request(Wire.control(false, 8, 32), ring), effects);
        });
    }
}
