package dev.vyre.conformance;

import static dev.vyre.conformance.OnePass.done;

import dev.vyre.api.DispatchRequest;
import dev.vyre.api.Session;
import dev.vyre.api.SessionOptions;
import dev.vyre.api.Vyre;
import dev.vyre.ir.IrOpcodes;
import dev.vyre.ir.Program;
import dev.vyre.protocol.CustomOpcode;
import dev.vyre.protocol.CustomOpcodes;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotStatus;
import dev.vyre.protocol.UnsupportedFeatureException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A workload of IR opcodes: programs registered under opcodes ({@link IrOpcodes#irOpcode}, every dialect's
 * body), the ring slots that run them (slot {@code i} of the list is ring slot {@code i}), the control words
 * they start from and the data buffer they read. It runs as one dispatch ({@link #onePass}) or in a
 * persistent session ({@link #session}) and checks every byte of every buffer against the host model
 * ({@link IrModel}), after checking the model itself against the values written by hand.
 *
 * <p>The slots must not race: each writes only words no other slot reads or writes (or adds to a word
 * only with atomic adds whose results it does not observe), so the outcome does not depend on the order
 * in which a backend's lanes run them.
 */
final class IrWorkload {

    /** One ring slot: a top-level opcode (or {@code PACKED_SLOT}), its tenant and its 12 argument words. */
    record Slot(int opcode, int tenant, int[] args) {
        Slot {
            args = java.util.Arrays.copyOf(args, SlotLayout.ARGS_PER_SLOT);
        }
    }

    private final Map<Integer, Program> programs;
    private final List<Slot> slots;
    private final int observable;
    private final int tenants;
    private final byte[] data;
    private final Map<Long, Integer> initial;
    private final Map<Long, Integer> byHand;

    private IrWorkload(Builder b) {
        this.programs = Map.copyOf(b.programs);
        this.slots = List.copyOf(b.slots);
        this.observable = b.observable;
        this.tenants = b.tenants;
        this.data = b.data.clone();
        this.initial = new TreeMap<>(b.initial);
        this.byHand = new TreeMap<>(b.byHand);
    }

    /**
     * @param observable observable words (control words 160..)
     * @param programs   the IR program of each custom opcode the workload registers (opcodes above 31, so no
     *                   metric); a family of cases that registers one set compiles one kernel per backend
     * @return a builder of a workload
     */
    static Builder builder(int observable, Map<Integer, Program> programs) {
        return new Builder(observable, programs);
    }

    /** @return the custom opcodes of the programs, in ascending opcode order */
    CustomOpcodes opcodes() {
        return opcodes(programs);
    }

    /** @return {@code programs} as custom opcodes with every dialect's body, in ascending opcode order */
    static CustomOpcodes opcodes(Map<Integer, Program> programs) {
        List<CustomOpcode> ops = new ArrayList<>();
        new TreeMap<>(programs).forEach((opcode, program) -> ops.add(IrOpcodes.irOpcode(opcode, program)));
        return CustomOpcodes.of(ops.toArray(CustomOpcode[]::new));
    }

    /** Runs every slot in one dispatch and checks all buffers. */
    List<Snapshot> onePass(Vyre vyre) {
        byte[] control = Wire.control(false, tenants, observable);
        initial.forEach((word, value) -> Wire.setWord(control, word, value));
        byte[] ring = Wire.ring(Math.max(1, slots.size()));
        for (int i = 0; i < slots.size(); i++) {
            Slot s = slots.get(i);
            Wire.publish(ring, i, s.tenant(), s.opcode(), s.args());
        }
        DispatchRequest request = OnePass.request(control, ring).withData(data).withOpcodes(opcodes());
        return refusalSkips(() -> OnePass.run(vyre, request, this::expect));
    }

    /** Runs every slot in a persistent session (published one by one, then SHUTDOWN) and checks all buffers. */
    List<Snapshot> session(Vyre vyre) {
        SessionOptions options = SessionOptions.builder().slotCount(Math.max(1, slots.size())).tenantCount(tenants)
                .observableSlots(observable).dataBufferBytes(data.length).opcodes(opcodes()).build();
        return refusalSkips(() -> {
            try (Session s = vyre.openSession(options)) {
                if (data.length > 0) {
                    MemorySegment.copy(data, 0, s.dataBuffer(), ValueLayout.JAVA_BYTE, 0, data.length);
                }
                initial.forEach((word, value) -> s.writeControlWord(Math.toIntExact(word), value));
                Golden g = Golden.from(Buffers.of(s));
                for (int i = 0; i < slots.size(); i++) {
                    Slot slot = slots.get(i);
                    s.publish(i, slot.tenant(), slot.opcode(), slot.args(), SlotLayout.ARGS_PER_SLOT);
                }
                for (int i = 0; i < slots.size(); i++) {
                    Sessions.await(s, i, SlotStatus.DONE);
                }
                Buffers after = Sessions.stop(s);
                for (int i = 0; i < slots.size(); i++) {
                    Slot slot = slots.get(i);
                    g.published(i, slot.tenant(), slot.opcode(), slot.args());
                }
                expect(g);
                g.control(dev.vyre.protocol.ControlLayout.SHUTDOWN, 1);
                g.verify("after shutdown", after);
                return List.of(Snapshot.exact("after shutdown", after));
            }
        });
    }

    /**
     * Writes the workload's effects into {@code g}: each slot DONE (DONE_COUNT + 1; the opcodes are above 31,
     * so no metric), then the host model's control words, which must agree with every value written by hand.
     */
    void expect(Golden g) {
        IrModel model = new IrModel(g.buffers());
        for (int i = 0; i < slots.size(); i++) {
            Slot s = slots.get(i);
            done(g, i);
            model.run(programs, i, s.tenant(), s.opcode(), s.args());
        }
        byHand.forEach((word, value) -> {
            int modelled = g.buffers().control(Math.toIntExact(word));
            if (modelled != value) {
                throw new ConformanceFailure("the host model gives 0x" + Integer.toHexString(modelled) + " at control word "
                        + word + " where the value written by hand is 0x" + Integer.toHexString(value)
                        + " (the evaluator, not the backend, disagrees with docs/IR.md)");
            }
        });
    }

    /** The runtime's refusal of every dialect the opcodes carry is the one legitimate skip. */
    private static List<Snapshot> refusalSkips(java.util.function.Supplier<List<Snapshot>> body) {
        try {
            return body.get();
        } catch (UnsupportedFeatureException e) {
            throw new CaseSkipped("the backend runs none of the IR opcode's dialects: " + e.getMessage());
        }
    }

    /** Collects a workload. */
    static final class Builder {
        private final int observable;
        private final Map<Integer, Program> programs = new LinkedHashMap<>();
        private final List<Slot> slots = new ArrayList<>();
        private final Map<Long, Integer> initial = new LinkedHashMap<>();
        private final Map<Long, Integer> byHand = new LinkedHashMap<>();
        private int tenants = 1;
        private byte[] data = new byte[0];

        private Builder(int observable, Map<Integer, Program> programs) {
            this.observable = observable;
            programs.forEach((opcode, program) -> {
                if (opcode < 32) {
                    throw new IllegalArgumentException("opcode 0x" + Integer.toHexString(opcode) + " is below 32");
                }
                this.programs.put(opcode, Objects.requireNonNull(program, "program"));
            });
        }

        /** Appends a slot of tenant 0 running {@code opcode} with {@code args}. */
        Builder slot(int opcode, int... args) {
            return tenantSlot(opcode, 0, args);
        }

        /** Appends a slot of {@code tenant}. */
        Builder tenantSlot(int opcode, int tenant, int... args) {
            slots.add(new Slot(opcode, tenant, args));
            return this;
        }

        /** Authorises tenants 0 .. {@code count - 1}. */
        Builder tenants(int count) {
            this.tenants = count;
            return this;
        }

        /** The data buffer's bytes (none by default). */
        Builder data(byte[] bytes) {
            this.data = bytes.clone();
            return this;
        }

        /** Control word {@code word} holds {@code value} before any slot runs. */
        Builder initial(long word, int value) {
            initial.put(word, value);
            return this;
        }

        /** After the run, control word {@code word} holds {@code value}: a check of the model, written by hand. */
        Builder expect(long word, int value) {
            byHand.put(word, value);
            return this;
        }

        /** Control words {@code word} (low) and {@code word + 1} (high) hold the u64 {@code value}. */
        Builder expect64(long word, long value) {
            return expect(word, (int) value).expect(word + 1, (int) (value >>> 32));
        }

        IrWorkload build() {
            return new IrWorkload(this);
        }
    }
}
