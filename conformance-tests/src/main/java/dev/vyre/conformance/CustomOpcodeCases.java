package dev.vyre.conformance;

import static dev.vyre.conformance.OnePass.done;
import static dev.vyre.conformance.OnePass.metric;

import dev.vyre.api.Session;
import dev.vyre.api.SessionOptions;
import dev.vyre.api.Vyre;
import dev.vyre.protocol.CustomOpcode;
import dev.vyre.protocol.CustomOpcodes;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.SlotContext;
import dev.vyre.protocol.SlotStatus;
import dev.vyre.protocol.UnsupportedFeatureException;
import java.util.List;

/**
 * Custom opcodes (DESIGN 4.2): run after the built-in step, at top level and as packed inner
 * ops, with bounds-checked access. Opcode 20 (metric counted) adds {@code a0} to observable
 * {@code a1}; opcode 0x1234 stores {@code a0 ^ a1 ^ arg11} at observable {@code a2}.
 *
 * <p>Each opcode carries a body in the {@code java}, {@code cuda-c}, {@code glsl} and {@code opencl-c} dialects
 * (docs/PROTOCOL.md, "Custom opcodes"); a backend that runs none of them, or refuses them, reports
 * these cases SKIPPED with its refusal.
 */
final class CustomOpcodeCases {

    static final int ADD_OP = 20;
    static final int XOR_OP = 0x1234;
    /** Stores {@code arg(i) ^ (0xA0 + i)} for every argument word i at observable {@code a2 + i}. */
    static final int ARGS_OP = 0x40;

    private CustomOpcodeCases() {
    }

    /** The opcodes the cases register: each with a {@code java}, a {@code cuda-c}, a {@code glsl} and an {@code opencl-c} body. */
    static CustomOpcodes opcodes() {
        return CustomOpcodes.of(
                CustomOpcode.of(ADD_OP).java(CustomOpcodeCases::add)
                        .text("cuda-c", "vyre_atomic_add_control(ctx, 160ull + (u64)vyre_arg(ctx, 1), vyre_arg(ctx, 0));")
                        .text("glsl", "vyre_atomic_add_control(vyre_index_add(160u, vyre_arg(1u)), vyre_arg(0u));")
                        .text("opencl-c", "vyre_atomic_add_control(ctx, 160ul + (u64)vyre_arg(ctx, 1), vyre_arg(ctx, 0));")
                        .build(),
                CustomOpcode.of(XOR_OP).java(CustomOpcodeCases::xor)
                        .text("cuda-c", "vyre_store_control(ctx, 160ull + (u64)vyre_arg(ctx, 2),"
                                + " vyre_arg(ctx, 0) ^ vyre_arg(ctx, 1) ^ vyre_arg(ctx, 11));")
                        .text("glsl", "vyre_store_control(vyre_index_add(160u, vyre_arg(2u)),"
                                + " vyre_arg(0u) ^ vyre_arg(1u) ^ vyre_arg(11u));")
                        .text("opencl-c", "vyre_store_control(ctx, 160ul + (u64)vyre_arg(ctx, 2),"
                                + " vyre_arg(ctx, 0) ^ vyre_arg(ctx, 1) ^ vyre_arg(ctx, 11));")
                        .build());
    }

    /** The argument-word opcode: a packed inner op reads words 0..2 as its arguments and 3..11 as 0. */
    static CustomOpcodes argsOpcode() {
        return CustomOpcodes.of(CustomOpcode.of(ARGS_OP).java(CustomOpcodeCases::args)
                .text("cuda-c", "for (u32 i = 0u; i < 12u; ++i)"
                        + " vyre_store_control(ctx, 160ull + (u64)vyre_arg(ctx, 2) + i, vyre_arg(ctx, i) ^ (0xA0u + i));")
                .text("glsl", "for (uint i = 0u; i < 12u; ++i)"
                        + " vyre_store_control(vyre_index_add(160u + i, vyre_arg(2u)), vyre_arg(i) ^ (0xA0u + i));")
                .text("opencl-c", "for (u32 i = 0u; i < 12u; ++i)"
                        + " vyre_store_control(ctx, 160ul + (u64)vyre_arg(ctx, 2) + i, vyre_arg(ctx, i) ^ (0xA0u + i));")
                .build());
    }

    private static void args(SlotContext c) {
        for (int i = 0; i < 12; i++) {
            c.storeControl(160L + Integer.toUnsignedLong(c.arg(2)) + i, c.arg(i) ^ (0xA0 + i));
        }
    }

    private static void add(SlotContext c) {
        c.atomicAddControl(160L + Integer.toUnsignedLong(c.arg(1)), c.arg(0));
    }

    private static void xor(SlotContext c) {
        c.storeControl(160L + Integer.toUnsignedLong(c.arg(2)), c.arg(0) ^ c.arg(1) ^ c.arg(11));
    }

    static List<ConformanceCase> all() {
        return List.of(
                ConformanceCase.onePass("custom/one_pass",
                        "custom opcodes at top level and inside a packed slot; out-of-range access does nothing",
                        CustomOpcodeCases::onePass).requires(Requirement.CUSTOM_OPCODES),
                ConformanceCase.persistent("custom/session",
                        "custom opcodes registered with a persistent session",
                        CustomOpcodeCases::session).requires(Requirement.CUSTOM_OPCODES),
                ConformanceCase.onePass("custom/packed_args",
                        "a packed inner op reads argument words 0..2 as its arguments and 3..11 as 0; at top level"
                                + " all 12 words", CustomOpcodeCases::packedArgs).requires(Requirement.CUSTOM_OPCODES));
    }

    /**
     * Slot 0: a packed slot whose first inner op ({@link #ARGS_OP}, arguments 0x11, 0x22, 0) is followed by a
     * second whose arguments fill raw payload words 5..7, so a backend that let the inner op read the raw words
     * would store them. Slot 1: the same opcode at top level with 12 argument words, observable base 20.
     */
    private static List<Snapshot> packedArgs(Vyre vyre) {
        byte[] ring = Wire.ring(2);
        int[] packed = Wire.packedPayload(new int[] {ARGS_OP, 0x11, 0x22, 0}, new int[] {ARGS_OP, 0x33, 0x44, 40});
        Wire.publish(ring, 0, 0, Opcodes.PACKED_SLOT, packed);
        int[] top = {0x5001, 0x5002, 20, 0x5004, 0x5005, 0x5006, 0x5007, 0x5008, 0x5009, 0x500A, 0x500B, 0xFFFFFFFF};
        Wire.publish(ring, 1, 0, ARGS_OP, top);
        var request = OnePass.request(Wire.control(false, 1, 64), ring).withOpcodes(argsOpcode());
        return refusalSkips(() -> OnePass.run(vyre, request, g -> {
            done(done(g, 0), 1);
            int[] first = {0x11, 0x22, 0};
            int[] second = {0x33, 0x44, 40};
            for (int i = 0; i < 12; i++) {
                int inner = i < 3 ? first[i] : 0;
                g.control(160 + i, inner ^ (0xA0 + i));
                g.control(160 + 40 + i, (i < 3 ? second[i] : 0) ^ (0xA0 + i));
                g.control(160 + 20 + i, top[i] ^ (0xA0 + i));
            }
        }));
    }

    private static List<Snapshot> onePass(Vyre vyre) {
        byte[] ring = Wire.ring(8);
        Wire.publish(ring, 0, 0, ADD_OP, 5, 0);
        Wire.publish(ring, 1, 0, ADD_OP, 6, 0);
        Wire.publish(ring, 2, 0, XOR_OP, 1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0x100);
        Wire.publish(ring, 3, 0, Opcodes.PACKED_SLOT, Wire.packedPayload(new int[] {ADD_OP, 7, 1}));
        Wire.publish(ring, 4, 0, ADD_OP, 1, 0xFFFFFFFF);        // out of range: no effect
        Wire.publish(ring, 5, 2, ADD_OP, 1, 2);                 // unauthorised tenant: stays PUBLISHED
        var request = OnePass.request(Wire.control(false, 1, 16), ring).withOpcodes(opcodes());
        return refusalSkips(() -> OnePass.run(vyre, request, g -> {
            for (int s = 0; s < 5; s++) {
                done(g, s);
            }
            metric(metric(metric(metric(g, ADD_OP), ADD_OP), ADD_OP), ADD_OP);
            g.control(160, 11).control(163, 1 ^ 2 ^ 0x100).control(161, 7);
        }));
    }

    private static List<Snapshot> session(Vyre vyre) {
        SessionOptions options = SessionOptions.builder().slotCount(4).observableSlots(16).opcodes(opcodes()).build();
        return refusalSkips(() -> {
            try (Session s = vyre.openSession(options)) {
                Golden g = Golden.from(Buffers.of(s));
                s.publish(0, 0, ADD_OP, 9, 4, 0);
                s.publish(1, 0, XOR_OP, new int[] {0xF0, 0x0F, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0x3000}, 12);
                Sessions.await(s, 0, SlotStatus.DONE);
                Sessions.await(s, 1, SlotStatus.DONE);
                Buffers after = Sessions.stop(s);
                g.published(0, 0, ADD_OP, 9, 4, 0)
                        .published(1, 0, XOR_OP, 0xF0, 0x0F, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0x3000);
                metric(done(done(g, 0), 1), ADD_OP).control(164, 9).control(165, 0xFF ^ 0x3000).control(0, 1);
                g.verify("after shutdown", after);
                return List.of(Snapshot.exact("after shutdown", after));
            }
        });
    }

    /**
     * Only a dedicated refusal is a skip: the runtime's {@link UnsupportedFeatureException} for a backend
     * that runs none of these bodies' dialects. Any other error, a backend that crashes in a custom-opcode
     * dispatch included, fails the case.
     */
    private static List<Snapshot> refusalSkips(java.util.function.Supplier<List<Snapshot>> body) {
        try {
            return body.get();
        } catch (UnsupportedFeatureException e) {
            throw new CaseSkipped("the backend refused the custom opcodes (it runs none of the dialects these"
                    + " cases carry): " + e.getMessage());
        }
    }
}
