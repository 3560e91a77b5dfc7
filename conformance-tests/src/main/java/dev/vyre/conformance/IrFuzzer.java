package dev.vyre.conformance;

import dev.vyre.api.Vyre;
import dev.vyre.ir.Program;
import dev.vyre.ir.testing.IrProgramGenerator;
import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.SlotLayout;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * The seeded differential fuzzer of the opcode IR. A {@link Batch} is a set of random well-formed programs
 * (each a custom opcode, {@code 0x3000 + i}), random slots that run them (hostile argument words included),
 * random start values of their control words and a random data buffer, all drawn from one seed.
 * {@link #run} runs a batch on a backend, one dispatch or a persistent session, and compares every byte of
 * every buffer with the host model (the IR's Java evaluator over the same inputs); {@link #compare} compares
 * two backends' buffers byte for byte (the reference backend is the oracle). A difference is a
 * {@link Divergence}: it names the slot, its arguments, and the program's canonical encoding in hex
 * ({@link Program#decode} reads it back), so it can be reproduced from the seed or from the program alone.
 *
 * <p>Every batch holds the hostile families of {@link IrProgramGenerator.Kind} (shift counts of 32 and more,
 * division by zero, out-of-range indices) and, when asked, loops at the maximal bound the work budget allows
 * (not on llvmpipe, which cuts loops at 65,535 iterations: {@link Requirement#LONG_LOOPS}). Slots own disjoint
 * windows of control words ({@link IrProgramGenerator}), so the result does not depend on lane order.
 *
 * <p>The conformance suite runs a fixed seed set per backend ({@code ir/fuzz}, {@code ir/fuzz_session},
 * {@code ir/fuzz_long_loops}); {@code dev.vyre.bench.IrFuzzBench} runs it for a given time.
 */
public final class IrFuzzer {

    /** Custom opcode of a batch's first program; program {@code i} is {@code FIRST_OPCODE + i} (by default). */
    public static final int FIRST_OPCODE = 0x3000;

    private static final int[] HOSTILE_ARGS = {0, 1, 2, 3, 7, 31, 32, 33, 63, 64, 0xFFFFFFFF, 0x80000000, 0x7FFFFFFF,
        160, 0xFFFFFFF0, 4096, 0xFFFF};

    private IrFuzzer() {
    }

    /** How a batch is run. */
    public enum Mode {
        /** One {@link Vyre#dispatch} over a pre-filled ring. */
        ONE_PASS("one-pass"),
        /** A persistent session: slots published one by one, then SHUTDOWN. */
        SESSION("session");

        private final String label;

        Mode(String label) {
            this.label = label;
        }

        /** @return {@code one-pass} or {@code session} */
        public String label() {
            return label;
        }
    }

    /** Programs, slots and buffers drawn from one seed; immutable. */
    public static final class Batch {
        private final long seed;
        private final int firstOpcode;
        private final List<Program> programs;
        private final List<IrProgramGenerator.Kind> kinds;
        private final List<IrWorkload.Slot> slots;
        private final IrWorkload workload;

        private Batch(long seed, List<Program> programs, List<IrProgramGenerator.Kind> kinds, int slotsPerProgram,
                      Random rnd, Map<Integer, Program> alsoRegistered, int firstOpcode) {
            this.seed = seed;
            this.firstOpcode = firstOpcode;
            this.programs = List.copyOf(programs);
            this.kinds = List.copyOf(kinds);
            Map<Integer, Program> byOpcode = new LinkedHashMap<>(alsoRegistered);
            for (int i = 0; i < programs.size(); i++) {
                byOpcode.put(firstOpcode + i, programs.get(i));
            }
            int slotCount = programs.size() * slotsPerProgram;
            byte[] data = new byte[rnd.nextInt(4) == 0 ? 0 : 1 + rnd.nextInt(600)];
            rnd.nextBytes(data);
            IrWorkload.Builder w = IrWorkload.builder(slotCount * IrProgramGenerator.WINDOW, byOpcode).data(data);
            List<IrWorkload.Slot> list = new ArrayList<>();
            for (int p = 0; p < programs.size(); p++) {
                for (int k = 0; k < slotsPerProgram; k++) {
                    int[] args = new int[SlotLayout.ARGS_PER_SLOT];
                    for (int a = 0; a < args.length; a++) {
                        args[a] = rnd.nextBoolean() ? HOSTILE_ARGS[rnd.nextInt(HOSTILE_ARGS.length)] : rnd.nextInt();
                    }
                    w.slot(firstOpcode + p, args);
                    list.add(new IrWorkload.Slot(firstOpcode + p, 0, args));
                }
            }
            for (int s = 0; s < slotCount; s++) {
                for (int k = 0; k < IrProgramGenerator.WINDOW; k++) {
                    int v = rnd.nextBoolean() ? IrProgramGenerator.hostileWord(rnd) : rnd.nextInt();
                    w.initial(IrWindow.word(s, IrProgramGenerator.WINDOW, k), v);
                }
            }
            this.slots = List.copyOf(list);
            this.workload = w.build();
        }

        /** @return the seed the batch was drawn from */
        public long seed() {
            return seed;
        }

        /** @return the programs; program {@code i} runs as opcode {@link #firstOpcode()} {@code + i} */
        public List<Program> programs() {
            return programs;
        }

        /** @return the opcode of the first program */
        public int firstOpcode() {
            return firstOpcode;
        }

        /** @return the number of ring slots */
        public int slotCount() {
            return slots.size();
        }

        IrWorkload workload() {
            return workload;
        }

        /** @return one line: seed, programs, slots */
        @Override
        public String toString() {
            return "batch seed " + hexSeed(seed) + " (" + programs.size() + " programs, " + slots.size() + " slots)";
        }
    }

    /**
     * @param seed            the batch's seed
     * @param programs        programs in the batch (at least 3: the hostile families come first)
     * @param slotsPerProgram slots that run each program
     * @param maximalLoops    whether one program loops at the maximal bound (slow on a CPU; wrong on llvmpipe)
     * @return the batch drawn from {@code seed}
     */
    public static Batch batch(long seed, int programs, int slotsPerProgram, boolean maximalLoops) {
        return batch(seed, kinds(programs, slotsPerProgram, maximalLoops), slotsPerProgram, Map.of(), FIRST_OPCODE);
    }

    /** @return the kinds of a batch: the hostile families, then random programs */
    static List<IrProgramGenerator.Kind> kinds(int programs, int slotsPerProgram, boolean maximalLoops) {
        if (programs < 3 || slotsPerProgram < 1) {
            throw new IllegalArgumentException("a batch needs at least 3 programs and 1 slot per program, got "
                    + programs + " and " + slotsPerProgram);
        }
        List<IrProgramGenerator.Kind> kinds = new ArrayList<>(List.of(IrProgramGenerator.Kind.SHIFTS,
                IrProgramGenerator.Kind.DIVISION, IrProgramGenerator.Kind.OUT_OF_RANGE));
        if (maximalLoops && programs > kinds.size()) {
            kinds.add(IrProgramGenerator.Kind.MAXIMAL_LOOP);
        }
        while (kinds.size() < programs) {
            kinds.add(IrProgramGenerator.Kind.RANDOM);
        }
        return kinds;
    }

    /** @return a batch of programs of the given kinds, drawn from {@code seed} */
    static Batch batch(long seed, List<IrProgramGenerator.Kind> kinds, int slotsPerProgram) {
        return batch(seed, kinds, slotsPerProgram, Map.of(), FIRST_OPCODE);
    }

    /**
     * @param alsoRegistered opcodes registered beside the batch's own (no slot runs them), so that cases that
     *                       register the same set share one kernel per backend
     * @param firstOpcode    the opcode of the batch's first program
     * @return a batch of programs of the given kinds, drawn from {@code seed}
     */
    static Batch batch(long seed, List<IrProgramGenerator.Kind> kinds, int slotsPerProgram,
                       Map<Integer, Program> alsoRegistered, int firstOpcode) {
        Random rnd = new Random(seed);
        IrProgramGenerator gen = IrProgramGenerator.windowed(rnd.nextLong());
        List<Program> programs = new ArrayList<>();
        for (IrProgramGenerator.Kind k : kinds) {
            programs.add(gen.next(k));
        }
        return new Batch(seed, programs, kinds, slotsPerProgram, rnd, alsoRegistered, firstOpcode);
    }

    /**
     * @return a batch that runs {@code program} alone (for example one a divergence reported, decoded with
     *         {@link Program#decode}) in {@code slots} slots whose inputs are drawn from {@code seed}
     */
    public static Batch replay(long seed, Program program, int slots) {
        Objects.requireNonNull(program, "program");
        Random rnd = new Random(seed);
        rnd.nextLong();
        return new Batch(seed, List.of(program), List.of(IrProgramGenerator.Kind.RANDOM), slots, rnd, Map.of(),
                FIRST_OPCODE);
    }

    /**
     * What one run gave.
     *
     * @param buffers    the buffers after the run (null when it did not complete)
     * @param divergence the first difference from the host model, or null
     * @param skipped    why the backend could not run the batch (it runs none of the IR's dialects), or null
     */
    public record Result(Buffers buffers, Divergence divergence, String skipped) {
    }

    /**
     * Runs {@code batch} on {@code vyre} and compares every byte of every buffer with the host model. A backend
     * that throws (a lowering its compiler refuses, a device fault) or leaves a slot unfinished diverges too.
     */
    public static Result run(Batch batch, Vyre vyre, Mode mode) {
        try {
            List<Snapshot> snapshots = mode == Mode.ONE_PASS ? batch.workload().onePass(vyre) : batch.workload().session(vyre);
            return new Result(snapshots.get(0).buffers(), null, null);
        } catch (CaseSkipped e) {
            return new Result(null, null, e.getMessage());
        } catch (ConformanceFailure f) {
            return new Result(null, f.mismatch() == null ? new Divergence(vyre.name(), mode, "host model", batch, null,
                    f.getMessage(), -1) : locate(batch, vyre.name(), mode, "host model", f.mismatch()), null);
        } catch (RuntimeException e) {
            return new Result(null, new Divergence(vyre.name(), mode, "host model", batch, null, "the backend threw "
                    + e, -1), null);
        }
    }

    /** @return the first byte difference between {@code expected} (from {@code against}) and {@code actual}, or null */
    public static Divergence compare(Batch batch, String backend, Mode mode, String against, Buffers expected,
                                     Buffers actual) {
        for (BufferKind kind : EnumSet.allOf(BufferKind.class)) {
            Mismatch m = Compare.first(mode.label(), against, kind, expected.get(kind), actual.get(kind));
            if (m != null) {
                return locate(batch, backend, mode, against, m);
            }
        }
        return null;
    }

    /** @return the divergence of {@code m}, attributed to the slot that owns the differing word when one does */
    private static Divergence locate(Batch batch, String backend, Mode mode, String against, Mismatch m) {
        int slot = -1;
        if (m.word() >= 0 && m.buffer() == BufferKind.CONTROL && m.word() >= ControlLayout.OBSERVABLE_BASE) {
            slot = (int) ((m.word() - ControlLayout.OBSERVABLE_BASE) / IrProgramGenerator.WINDOW);
        } else if (m.word() >= 0 && m.buffer() == BufferKind.RING) {
            slot = (int) (m.word() / SlotLayout.SLOT_WORDS);
        }
        return new Divergence(backend, mode, against, batch, m, m.describe(), slot < batch.slotCount() ? slot : -1);
    }

    /**
     * A difference between a backend and the host model or the oracle.
     *
     * @param backend the backend that diverged
     * @param mode    how the batch ran
     * @param against {@code host model} or the oracle backend's name
     * @param batch   the batch
     * @param mismatch the first differing word, or null when the run did not complete
     * @param detail  one line: the mismatch or the failure
     * @param slot    the ring slot whose window holds the differing word, or -1
     */
    public record Divergence(String backend, Mode mode, String against, Batch batch, Mismatch mismatch, String detail,
                             int slot) {

        /** @return the program of the slot that diverged, or null when the difference is not one slot's */
        public Program program() {
            return slot < 0 ? null : batch.programs().get(slot / (batch.slotCount() / batch.programs().size()));
        }

        /** @return one line naming the batch, the slot, its opcode and arguments, and the program's encoding */
        public String where() {
            StringBuilder s = new StringBuilder(batch.toString());
            if (slot >= 0) {
                IrWorkload.Slot k = batch.slots.get(slot);
                int index = k.opcode() - batch.firstOpcode;
                s.append("; slot ").append(slot).append(" runs opcode 0x").append(Integer.toHexString(k.opcode()))
                        .append(" (program ").append(index).append(", ").append(batch.kinds.get(index)).append(") with args ")
                        .append(hexWords(k.args())).append("; program encoding ")
                        .append(HexFormat.of().formatHex(program().encode()));
            }
            return s.toString();
        }

        /** @return the mismatch with {@link #where()} as its note, for a {@link ConformanceFailure} */
        Mismatch annotated() {
            return new Mismatch(mismatch.step(), mismatch.against(), mismatch.buffer(), mismatch.word(),
                    mismatch.expected(), mismatch.actual(), where());
        }

        /** @return several lines: what differs, where, the program's listing and how to reproduce it */
        public String describe() {
            StringBuilder s = new StringBuilder("IR fuzz divergence: ").append(backend).append(" (").append(mode.label())
                    .append(") differs from ").append(against).append(": ").append(detail).append('\n')
                    .append("  ").append(where()).append('\n');
            Program p = program();
            if (p != null) {
                s.append("  program:\n");
                p.toString().lines().forEach(l -> s.append("    ").append(l).append('\n'));
                s.append("  reproduce: IrFuzzBench --replay ").append(HexFormat.of().formatHex(p.encode()))
                        .append(" --seed ").append(hexSeed(batch.seed())).append(" (or --seed ").append(hexSeed(batch.seed()))
                        .append(" --batches 1)\n");
            } else {
                s.append("  reproduce: IrFuzzBench --seed ").append(hexSeed(batch.seed())).append(" --batches 1\n");
            }
            return s.toString();
        }
    }

    /** @return {@code 0x...} */
    public static String hexSeed(long seed) {
        return "0x" + Long.toHexString(seed);
    }

    private static String hexWords(int[] words) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < words.length; i++) {
            s.append(i > 0 ? ", " : "").append("0x").append(Integer.toHexString(words[i]));
        }
        return s.append(']').toString();
    }
}
