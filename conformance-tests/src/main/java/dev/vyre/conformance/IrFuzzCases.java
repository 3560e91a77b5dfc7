package dev.vyre.conformance;

import dev.vyre.api.Vyre;
import dev.vyre.ir.testing.IrProgramGenerator;
import java.util.ArrayList;
import java.util.List;

/**
 * The IR differential fuzzer ({@link IrFuzzer}) as conformance cases, so it runs on every backend: a fixed
 * seed set, every buffer of every batch compared byte for byte with the host model and (by the runner) with
 * the reference backend. {@value #BATCHES_PROPERTY} runs more batches (seeds follow the fixed ones); the
 * long run is {@code dev.vyre.bench.IrFuzzBench}.
 *
 * <p>The first batch and the maximal-loop batch register the IR feature programs beside their own, and the
 * feature cases register both batches' programs ({@link IrCases#programs()}): one opcode set, so a backend
 * compiles one kernel per mode for the whole {@code ir/} family (on lavapipe or PoCL a kernel costs
 * seconds). The session case runs the one-pass case's batches.
 */
final class IrFuzzCases {

    /** System property: batches per fuzz case (default 1). */
    static final String BATCHES_PROPERTY = "vyre.irFuzz.batches";

    static final long SEED = 0x1F0220001L;
    static final long LONG_LOOP_SEED = 0x1F022100FL;
    /** Opcode of the maximal-loop batch's first program (the other batches start at {@link IrFuzzer#FIRST_OPCODE}). */
    static final int LONG_LOOP_OPCODE = 0x3100;

    /** Programs and slots per batch (each backend compiles one kernel per opcode set). */
    static final int PROGRAMS = 8;
    static final int SLOTS_PER_PROGRAM = 2;
    static final List<IrProgramGenerator.Kind> LONG_LOOP_KINDS = List.of(IrProgramGenerator.Kind.MAXIMAL_LOOP,
            IrProgramGenerator.Kind.MAXIMAL_LOOP);

    private IrFuzzCases() {
    }

    static List<ConformanceCase> all() {
        return List.of(
                ConformanceCase.onePass("ir/fuzz", "seeded random IR programs (" + PROGRAMS + " a batch, hostile shifts,"
                        + " zero divisors and out-of-range indices among them) on random slots, one dispatch: every"
                        + " buffer equals the host model's and the reference backend's",
                        vyre -> run(vyre, IrFuzzer.Mode.ONE_PASS))
                        .requires(Requirement.CUSTOM_OPCODES, Requirement.DATA_BUFFER).withTimeout(IrCases.COMPILING),
                ConformanceCase.persistent("ir/fuzz_session", "the same seeded random IR programs on the same slots in a"
                        + " persistent session: every buffer equals the host model's and the reference backend's",
                        vyre -> run(vyre, IrFuzzer.Mode.SESSION))
                        .requires(Requirement.CUSTOM_OPCODES, Requirement.DATA_BUFFER).withTimeout(IrCases.COMPILING),
                ConformanceCase.onePass("ir/fuzz_long_loops", "seeded random IR loop bodies at the maximal bound the"
                        + " work budget allows, one dispatch: every buffer equals the host model's and the reference"
                        + " backend's", IrFuzzCases::longLoops)
                        .requires(Requirement.CUSTOM_OPCODES, Requirement.DATA_BUFFER, Requirement.LONG_LOOPS)
                        .withTimeout(IrCases.COMPILING));
    }

    /** @return the number of batches each fuzz case runs */
    static int batches() {
        String value = System.getProperty(BATCHES_PROPERTY, "1");
        try {
            int n = Integer.parseInt(value.strip());
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + BATCHES_PROPERTY + "=" + value + " is not a positive number."
                    + " Fix: pass a count of batches, for example -D" + BATCHES_PROPERTY + "=20");
        }
    }

    /** @return batch {@code i} of the fixed seed set, registering {@code alsoRegistered} beside its programs */
    static IrFuzzer.Batch batch(int i, java.util.Map<Integer, dev.vyre.ir.Program> alsoRegistered) {
        return IrFuzzer.batch(SEED + i, IrFuzzer.kinds(PROGRAMS, SLOTS_PER_PROGRAM, false), SLOTS_PER_PROGRAM,
                alsoRegistered, IrFuzzer.FIRST_OPCODE);
    }

    /** @return the maximal-loop batch, registering {@code alsoRegistered} beside its programs */
    static IrFuzzer.Batch longLoopBatch(java.util.Map<Integer, dev.vyre.ir.Program> alsoRegistered) {
        return IrFuzzer.batch(LONG_LOOP_SEED, LONG_LOOP_KINDS, 1, alsoRegistered, LONG_LOOP_OPCODE);
    }

    private static List<Snapshot> run(Vyre vyre, IrFuzzer.Mode mode) {
        List<Snapshot> snapshots = new ArrayList<>();
        for (int i = 0; i < batches(); i++) {
            snapshots.add(check(vyre, batch(i, IrCases.programs()), mode));
        }
        return snapshots;
    }

    private static List<Snapshot> longLoops(Vyre vyre) {
        return List.of(check(vyre, longLoopBatch(IrCases.programs()), IrFuzzer.Mode.ONE_PASS));
    }

    /** Runs one batch; a divergence fails the case with the slot, its program's encoding and the seed. */
    private static Snapshot check(Vyre vyre, IrFuzzer.Batch batch, IrFuzzer.Mode mode) {
        IrFuzzer.Result r = IrFuzzer.run(batch, vyre, mode);
        if (r.skipped() != null) {
            throw new CaseSkipped(r.skipped());
        }
        if (r.divergence() != null) {
            IrFuzzer.Divergence d = r.divergence();
            if (d.mismatch() != null) {
                throw new ConformanceFailure(d.annotated());
            }
            throw new ConformanceFailure(d.detail() + " (" + d.where() + ")");
        }
        return Snapshot.exact(batch.toString(), r.buffers());
    }
}
