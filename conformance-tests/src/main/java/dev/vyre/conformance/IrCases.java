package dev.vyre.conformance;

import static dev.vyre.conformance.OnePass.done;

import dev.vyre.api.Session;
import dev.vyre.api.SessionOptions;
import dev.vyre.api.Vyre;
import dev.vyre.ir.BinaryOp;
import dev.vyre.ir.CompareOp;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Ir;
import dev.vyre.ir.IrException;
import dev.vyre.ir.Program;
import dev.vyre.ir.Programs;
import dev.vyre.ir.testing.IrProgramGenerator;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.SlotStatus;
import dev.vyre.protocol.UnsupportedFeatureException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Custom opcodes written once in the portable IR (docs/IR.md) and lowered by every backend. One family
 * per IR feature (32-bit and u64 arithmetic with wrapping and division by zero, bit operations and masked
 * shifts, compares / select / let / var / conversions, bounded loops up to the maximal bound the work
 * budget allows, control-word loads, stores and atomics, data-buffer bytes and words under the bounds
 * rule, the slot context), each run as one dispatch ({@code ir/<feature>}) and in a persistent session
 * ({@code ir/<feature>_session}), every buffer compared byte for byte with the host model
 * ({@link IrModel}, the IR's Java evaluator), which is itself checked against values written by hand;
 * and CRC-32C written in the IR, equal to {@link java.util.zip.CRC32C}.
 */
final class IrCases {

    /** The IR opcode (above 31, so no metric is counted). */
    static final int IR_CRC32C = 0x2001;
    private static final int DATA_BYTES = 4097;

    static final int ARITH_32 = 0x2010;
    static final int ARITH_U64 = 0x2011;
    static final int BITS = 0x2012;
    static final int COMPARE = 0x2013;
    static final int LOOPS = 0x2014;
    static final int MAX_LOOP = 0x2015;
    static final int CONTROL = 0x2016;
    static final int DATA = 0x2017;
    static final int CONTEXT = 0x2018;
    static final int CONTEXT_WIDE = 0x123456;
    /** Below 256, so it also runs as a packed slot's inner op. */
    static final int CONTEXT_PACKED = 0x41;

    /**
     * Time limit of an IR case: the first case of the family compiles the family's kernel, which on a CPU
     * device (lavapipe's LLVM, PoCL) takes tens of seconds on a loaded machine.
     */
    static final java.time.Duration COMPILING = java.time.Duration.ofSeconds(180);

    private IrCases() {
    }

    /** A feature: its name, what it checks, what it needs, and its workload (built when the case runs). */
    private record Feature(String name, String description, Supplier<IrWorkload> workload, boolean withOracle,
                           Requirement... needs) {
        Feature(String name, String description, Supplier<IrWorkload> workload, Requirement... needs) {
            this(name, description, workload, true, needs);
        }
    }

    /**
     * Every program of the feature cases and of the first and the maximal-loop fuzz batch ({@link IrFuzzCases}), registered
     * together by each of them, so the whole family compiles one kernel per backend and mode (a backend reuses
     * the kernel of an identical opcode set; on lavapipe each kernel costs seconds of LLVM).
     */
    private static final class Registered {
        static final int MAXIMAL_BOUND = IrProgramGenerator.maximalBound(IrCases::countingLoop);
        static final java.util.Map<Integer, Program> PROGRAMS = withFuzzBatch(java.util.Map.ofEntries(
                java.util.Map.entry(IR_CRC32C, Programs.crc32c(DATA_BYTES)),
                java.util.Map.entry(ARITH_32, arith32Program()),
                java.util.Map.entry(ARITH_U64, arithU64Program()),
                java.util.Map.entry(BITS, bitsProgram()),
                java.util.Map.entry(COMPARE, compareProgram()),
                java.util.Map.entry(LOOPS, loopsProgram()),
                java.util.Map.entry(MAX_LOOP, countingLoop(MAXIMAL_BOUND)),
                java.util.Map.entry(CONTROL, controlProgram()),
                java.util.Map.entry(DATA, dataProgram()),
                java.util.Map.entry(CONTEXT, contextProgram()),
                java.util.Map.entry(CONTEXT_WIDE, contextProgram()),
                java.util.Map.entry(CONTEXT_PACKED, packedContextProgram())));

        private static java.util.Map<Integer, Program> withFuzzBatch(java.util.Map<Integer, Program> features) {
            java.util.Map<Integer, Program> all = new java.util.TreeMap<>(features);
            for (IrFuzzer.Batch b : List.of(IrFuzzCases.batch(0, java.util.Map.of()),
                    IrFuzzCases.longLoopBatch(java.util.Map.of()))) {
                for (int i = 0; i < b.programs().size(); i++) {
                    all.put(b.firstOpcode() + i, b.programs().get(i));
                }
            }
            return java.util.Collections.unmodifiableMap(all);
        }
    }

    /** @return the programs of the feature cases by opcode */
    static java.util.Map<Integer, Program> programs() {
        return Registered.PROGRAMS;
    }

    static List<ConformanceCase> all() {
        List<ConformanceCase> cases = new ArrayList<>();
        cases.add(ConformanceCase.onePass("ir/crc32c",
                "CRC-32C written once in the IR equals java.util.zip.CRC32C on every backend: whole buffer,"
                        + " unaligned middle, clamped end, empty, past the end, index sum above 2^32, destination"
                        + " out of range", IrCases::crcOnePass)
                .requires(Requirement.CUSTOM_OPCODES, Requirement.DATA_BUFFER));
        cases.add(ConformanceCase.persistent("ir/crc32c_session",
                "CRC-32C written once in the IR, registered with a session, checksums bytes the host wrote into the"
                        + " data buffer (equal to java.util.zip.CRC32C)", IrCases::crcSession)
                .requires(Requirement.CUSTOM_OPCODES, Requirement.DATA_BUFFER));
        for (Feature f : features()) {
            ConformanceCase one = ConformanceCase.onePass("ir/" + f.name(), f.description() + " (one dispatch)",
                    vyre -> f.workload().get().onePass(vyre)).requires(Requirement.CUSTOM_OPCODES).requires(f.needs())
                    .withTimeout(COMPILING);
            ConformanceCase session = ConformanceCase.persistent("ir/" + f.name() + "_session", f.description()
                    + " (persistent session)", vyre -> f.workload().get().session(vyre)).requires(Requirement.CUSTOM_OPCODES)
                    .requires(f.needs()).withTimeout(COMPILING);
            cases.add(f.withOracle() ? one : one.goldenOnly());
            cases.add(f.withOracle() ? session : session.goldenOnly());
        }
        return cases;
    }

    private static List<Feature> features() {
        return List.of(
                new Feature("arith_32", "u32 and i32 add, sub, mul, neg wrap; div and rem truncate toward zero, give 0"
                        + " for a zero divisor and MIN for MIN / -1; min and max signed and unsigned", IrCases::arith32),
                new Feature("arith_u64", "u64 add and sub carry across the halves, mul keeps the low 64 bits, div and"
                        + " rem (0 for a zero divisor), neg, min, max", IrCases::arithU64),
                new Feature("bits_shifts", "and, or, xor, not on every type and on bools; shl and shr (logical,"
                        + " arithmetic on i32) mask counts of 32 and more, whatever the count's type", IrCases::bits),
                new Feature("compare_select_convert", "eq..ge unsigned and signed, u64 across the halves, bools;"
                        + " select on every type; let, var, set, if/else; conversions extend, sign-extend and"
                        + " truncate", IrCases::compare),
                new Feature("loops", "bounded for loops: counts below, at and above the bound, 0 and 0xFFFFFFFF,"
                        + " nested loops, atomics in a loop", IrCases::loops),
                new Feature("loops_maximal", "a loop at the maximal bound the per-slot work budget allows (one more"
                        + " is refused), run to the bound by a count of 0xFFFFFFFF (the host model covers every byte,"
                        + " so the oracle does not run the millions of iterations again)", IrCases::maximalLoop, false,
                        Requirement.LONG_LOOPS),
                new Feature("control_memory", "control-word load, store, atomic add, CAS (hit and miss), atomic min"
                        + " and max (signed and unsigned); out-of-range loads read 0, stores and atomics do nothing and"
                        + " yield 0, u64 indices above 2^32 never wrap", IrCases::control),
                new Feature("data", "data-buffer byte and word loads under the bounds rule: last byte, a word that"
                        + " is only partly inside reads 0, u64 indices above 2^32 read 0, u32 index sums wrap",
                        IrCases::data, Requirement.DATA_BUFFER),
                new Feature("slot_context", "opcode, slot, tenant, argument words 0..11, control_words and"
                        + " data_bytes, at top level and as packed inner ops", IrCases::context, Requirement.DATA_BUFFER));
    }

    // ---- arithmetic ----

    private static final int ARITH_W = 16;

    /** Words 0..7: u32 add, sub, mul, div, rem, min, max, neg(a); 8..15: the same on i32. */
    static Program arith32Program() {
        return Program.build(b -> {
            IrWindow out = IrWindow.of(b, ARITH_W);
            Expr a = Ir.arg(0);
            Expr c = Ir.arg(1);
            for (Expr[] ab : new Expr[][] {{a, c}, {Ir.asI32(a), Ir.asI32(c)}}) {
                for (BinaryOp op : new BinaryOp[] {BinaryOp.ADD, BinaryOp.SUB, BinaryOp.MUL, BinaryOp.DIV, BinaryOp.REM,
                    BinaryOp.MIN, BinaryOp.MAX}) {
                    out.put(new Expr.Binary(op, ab[0], ab[1]));
                }
                out.put(Ir.neg(ab[0]));
            }
        });
    }

    private static IrWorkload arith32() {
        int[][] pairs = {{7, 0}, {0x80000000, 0xFFFFFFFF}, {0xFFFFFFFF, 1}, {-7, 2}, {5, -2}, {0x10000, 0x10000},
            {0x7FFFFFFF, 0x7FFFFFFF}, {0, 0}};
        IrWorkload.Builder w = IrWorkload.builder(pairs.length * ARITH_W, programs());
        for (int s = 0; s < pairs.length; s++) {
            w.slot(ARITH_32, pairs[s][0], pairs[s][1]);
        }
        return w.expect(at(0, ARITH_W, 3), 0).expect(at(0, ARITH_W, 4), 0)                  // 7 / 0, 7 % 0 (u32)
                .expect(at(0, ARITH_W, 11), 0).expect(at(0, ARITH_W, 12), 0)                // 7 / 0, 7 % 0 (i32)
                .expect(at(1, ARITH_W, 11), 0x80000000).expect(at(1, ARITH_W, 12), 0)       // MIN / -1, MIN % -1
                .expect(at(1, ARITH_W, 15), 0x80000000).expect(at(1, ARITH_W, 3), 0)        // -MIN; u32 0x8.. / 0xF..
                .expect(at(2, ARITH_W, 0), 0)                                              // 0xFFFFFFFF + 1
                .expect(at(3, ARITH_W, 11), -3).expect(at(3, ARITH_W, 12), -1)              // -7 / 2, -7 % 2
                .expect(at(3, ARITH_W, 3), 0x7FFFFFFC).expect(at(3, ARITH_W, 4), 1)         // 0xFFFFFFF9 / 2, % 2
                .expect(at(4, ARITH_W, 11), -2).expect(at(4, ARITH_W, 12), 1)               // 5 / -2, 5 % -2
                .expect(at(4, ARITH_W, 13), -2).expect(at(4, ARITH_W, 14), 5)               // signed min, max
                .expect(at(4, ARITH_W, 5), 5)                                              // unsigned min
                .expect(at(5, ARITH_W, 2), 0)                                              // 0x10000 * 0x10000
                .expect(at(6, ARITH_W, 8), 0xFFFFFFFE).expect(at(6, ARITH_W, 10), 1)        // MAX + MAX, MAX * MAX
                .build();
    }

    private static final int U64_W = 16;

    /** x = a1:a0, y = a3:a2; words 0..15: add, sub, mul, div, rem, min, max, neg(x), each low then high. */
    static Program arithU64Program() {
        return Program.build(b -> {
            IrWindow out = IrWindow.of(b, U64_W);
            Expr.Ref x = b.let(wide(1, 0));
            Expr.Ref y = b.let(wide(3, 2));
            for (BinaryOp op : new BinaryOp[] {BinaryOp.ADD, BinaryOp.SUB, BinaryOp.MUL, BinaryOp.DIV, BinaryOp.REM,
                BinaryOp.MIN, BinaryOp.MAX}) {
                out.put(new Expr.Binary(op, x, y));
            }
            out.put(Ir.neg(x));
        });
    }

    private static IrWorkload arithU64() {
        long[][] pairs = {{-1L, 1}, {1L << 32, 1L << 32}, {12345678901234L, 0}, {Long.MIN_VALUE, 3},
            {1L << 32, 0xFFFFFFFFL}, {0xDEADBEEFCAFEBABEL, 0x123456789ABCDEF0L}, {0xFFFFFFFF00000000L, 0xFFFFFFFF00000001L},
            {7, Long.MIN_VALUE}};
        IrWorkload.Builder w = IrWorkload.builder(pairs.length * U64_W, programs());
        for (long[] p : pairs) {
            w.slot(ARITH_U64, (int) p[0], (int) (p[0] >>> 32), (int) p[1], (int) (p[1] >>> 32));
        }
        return w.expect64(at(0, U64_W, 0), 0).expect64(at(0, U64_W, 14), 1)                 // (2^64 - 1) + 1, -x
                .expect64(at(0, U64_W, 4), -1L)                                           // x * 1
                .expect64(at(1, U64_W, 4), 0).expect64(at(1, U64_W, 6), 1)                 // 2^32 * 2^32, 2^32 / 2^32
                .expect64(at(2, U64_W, 6), 0).expect64(at(2, U64_W, 8), 0)                 // x / 0, x % 0
                .expect64(at(3, U64_W, 6), 0x2AAAAAAAAAAAAAAAL).expect64(at(3, U64_W, 8), 2) // 2^63 / 3, 2^63 % 3
                .expect64(at(4, U64_W, 2), 1)                                             // borrow from the high half
                .expect64(at(4, U64_W, 0), 0x1FFFFFFFFL)                                  // no carry lost
                .expect64(at(6, U64_W, 10), 0xFFFFFFFF00000000L)                          // min by the low half
                .expect64(at(7, U64_W, 6), 0).expect64(at(7, U64_W, 8), 7)                 // 7 / 2^63, 7 % 2^63
                .build();
    }

    /** @return the u64 {@code arg(hi) : arg(lo)} */
    private static Expr wide(int hi, int lo) {
        return Ir.or(Ir.shl(Ir.asU64(Ir.arg(hi)), Ir.u32(32)), Ir.asU64(Ir.arg(lo)));
    }

    // ---- bits and shifts ----

    private static final int BITS_W = 40;

    /**
     * a = a0, count = a1, m = a2, x = a5:a4. Words 0..3: a & m, a | m, a ^ m, ~a; 4: a << c; 5: a >> c;
     * 6: i32 a >> c; 7: i32 a << i32 c; 8: a << u64 c; 9: a >> (c + 2^32) (u64 count); 10..17: x << c,
     * x >> c, x << u64 c, x >> i32 c; 18..25: x & m64, x | m64, x ^ m64, ~x; 26..29: bool and, or, xor, not;
     * 30: 1 << c; 31: i32 MIN >> c; 32..35: i32 and, or, xor with m, ~a; 36: a << i32 c; 37: i32 a >> u64 c.
     */
    static Program bitsProgram() {
        return Program.build(b -> {
            IrWindow out = IrWindow.of(b, BITS_W);
            Expr.Ref a = b.let(Ir.arg(0));
            Expr.Ref c = b.let(Ir.arg(1));
            Expr.Ref m = b.let(Ir.arg(2));
            Expr.Ref x = b.let(wide(5, 4));
            Expr.Ref m64 = b.let(Ir.u64(0xF0F0F0F00FF00FF0L));
            out.put(Ir.and(a, m));
            out.put(Ir.or(a, m));
            out.put(Ir.xor(a, m));
            out.put(Ir.not(a));
            out.put(Ir.shl(a, c));
            out.put(Ir.shr(a, c));
            out.put(Ir.shr(Ir.asI32(a), c));
            out.put(Ir.shl(Ir.asI32(a), Ir.asI32(c)));
            out.put(Ir.shl(a, Ir.asU64(c)));
            out.put(Ir.shr(a, Ir.add(Ir.asU64(c), Ir.u64(1L << 32))));
            out.put(Ir.shl(x, c));
            out.put(Ir.shr(x, c));
            out.put(Ir.shl(x, Ir.asU64(c)));
            out.put(Ir.shr(x, Ir.asI32(c)));
            out.put(Ir.and(x, m64));
            out.put(Ir.or(x, m64));
            out.put(Ir.xor(x, m64));
            out.put(Ir.not(x));
            Expr.Ref p = b.let(Ir.lt(a, m));
            Expr.Ref q = b.let(Ir.ne(c, Ir.u32(0)));
            out.put(Ir.and(p, q));
            out.put(Ir.or(p, q));
            out.put(Ir.xor(p, q));
            out.put(Ir.not(p));
            out.put(Ir.shl(Ir.u32(1), c));
            out.put(Ir.shr(Ir.i32(Integer.MIN_VALUE), c));
            Expr ai = Ir.asI32(a);
            out.put(Ir.and(ai, Ir.asI32(m)));
            out.put(Ir.or(ai, Ir.asI32(m)));
            out.put(Ir.xor(ai, Ir.asI32(m)));
            out.put(Ir.not(ai));
            out.put(Ir.shl(a, Ir.asI32(c)));
            out.put(Ir.shr(ai, Ir.asU64(c)));
        });
    }

    private static IrWorkload bits() {
        int[] counts = {0, 1, 31, 32, 33, 63, 64, 0xFFFFFFFF, 0x80000005, 17};
        IrWorkload.Builder w = IrWorkload.builder(counts.length * BITS_W, programs());
        for (int s = 0; s < counts.length; s++) {
            int a = s % 2 == 0 ? 0x80000001 : 0x12345678;
            w.slot(BITS, a, counts[s], 0x0F0F00FF ^ s, 0, 0x00000003 + s, 0x80000001);
        }
        return w.expect(at(3, BITS_W, 30), 1).expect(at(4, BITS_W, 30), 2)        // 1 << 32 = 1, 1 << 33 = 2
                .expect(at(2, BITS_W, 31), 0xFFFFFFFF)                          // i32 MIN >> 31 (arithmetic)
                .expect(at(2, BITS_W, 5), 1)                                     // u32 0x80000001 >> 31 (logical)
                .expect(at(7, BITS_W, 30), 0x80000000)                           // 1 << (0xFFFFFFFF & 31)
                .expect(at(8, BITS_W, 30), 0x20)                                 // 1 << (0x80000005 & 31)
                .expect(at(3, BITS_W, 8), 0x12345678)                            // a << u64 32 = a
                .expect(at(1, BITS_W, 9), 0x12345678 >>> 1)                      // count 2^32 + 1 shifts by 1
                .expect64(at(6, BITS_W, 10), 0x8000000100000003L + 6)            // x << 64 = x
                .expect64(at(3, BITS_W, 10), 0x0000000600000000L)                // x << 32
                .expect64(at(4, BITS_W, 12), 0x0000000040000000L)                // x >> 33
                .expect64(at(5, BITS_W, 16), 1)                                  // x >> (i32) 63
                .expect(at(0, BITS_W, 3), 0x7FFFFFFE)                            // ~0x80000001
                .expect(at(0, BITS_W, 35), 0x7FFFFFFE)                           // ~ on i32
                .expect(at(1, BITS_W, 36), 0x12345678 << 1)                      // a << i32 1
                .expect(at(2, BITS_W, 37), 0xFFFFFFFF)                           // i32 0x80000001 >> u64 31
                .build();
    }

    // ---- compare, select, let/var, conversions ----

    private static final int CMP_W = 40;

    /**
     * a = a0, c = a1 (words), x = a3:a2, y = a5:a4, p = a6 != 0, q = a7 != 0. Words 0..5: u32 eq..ge;
     * 6..11: i32 eq..ge; 12..17: u64 eq..ge; 18, 19: bool eq, ne; 20: select u32; 21: select i32;
     * 22, 23: select u64; 24: select bool; 25: u32(i32(a)); 26, 27: u64(a); 28, 29: u64(i32(a));
     * 30: u32(x); 31: i32(x); 32, 33: u64(p); 34: u32(p); 35: i32(q); 36: var v = a, +1 if p else -1,
     * *2 if q; 37: let t = a * c, let u = t + a.
     */
    static Program compareProgram() {
        return Program.build(b -> {
            IrWindow out = IrWindow.of(b, CMP_W);
            Expr.Ref a = b.let(Ir.arg(0));
            Expr.Ref c = b.let(Ir.arg(1));
            Expr.Ref x = b.let(wide(3, 2));
            Expr.Ref y = b.let(wide(5, 4));
            Expr.Ref p = b.let(Ir.ne(Ir.arg(6), Ir.u32(0)));
            Expr.Ref q = b.let(Ir.ne(Ir.arg(7), Ir.u32(0)));
            for (Expr[] ab : new Expr[][] {{a, c}, {Ir.asI32(a), Ir.asI32(c)}, {x, y}}) {
                for (CompareOp op : CompareOp.values()) {
                    out.put(new Expr.Compare(op, ab[0], ab[1]));
                }
            }
            out.put(Ir.eq(p, q));
            out.put(Ir.ne(p, q));
            out.put(Ir.select(Ir.lt(a, c), a, c));
            out.put(Ir.select(Ir.lt(Ir.asI32(a), Ir.asI32(c)), Ir.asI32(a), Ir.asI32(c)));
            out.put(Ir.select(p, x, y));
            out.put(Ir.select(q, p, Ir.not(p)));
            out.put(Ir.asU32(Ir.asI32(a)));
            out.put(Ir.asU64(a));
            out.put(Ir.asU64(Ir.asI32(a)));
            out.put(Ir.asU32(x));
            out.put(Ir.asI32(x));
            out.put(Ir.asU64(p));
            out.put(Ir.asU32(p));
            out.put(Ir.asI32(q));
            Expr.Ref v = b.var(a);
            b.ifThenElse(p, t -> t.set(v, Ir.add(v, Ir.u32(1))), e -> e.set(v, Ir.sub(v, Ir.u32(1))));
            b.ifThen(q, t -> t.set(v, Ir.mul(v, Ir.u32(2))));
            out.put(v);
            Expr.Ref t = b.let(Ir.mul(a, c));
            Expr.Ref u = b.let(Ir.add(t, a));
            out.put(u);
        });
    }

    private static IrWorkload compare() {
        IrWorkload.Builder w = IrWorkload.builder(6 * CMP_W, programs());
        w.slot(COMPARE, 0xFFFFFFFF, 0, 0, 1, 0xFFFFFFFF, 0, 1, 0);          // u32 max vs 0; x = 2^32 vs y = 2^32 - 1
        w.slot(COMPARE, 5, 5, 7, 0, 7, 0, 0, 0);                           // equal everything
        w.slot(COMPARE, 0x80000000, 0x7FFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0, 0, 1, 1); // MIN vs MAX; x = 2^64 - 1
        w.slot(COMPARE, 3, 0xFFFFFFFD, 1, 0x80000000, 2, 0x7FFFFFFF, 0, 1); // 3 vs -3
        w.slot(COMPARE, 0, 1, 2, 0, 1, 0, 1, 1);
        w.slot(COMPARE, 0x7FFFFFFF, 0x80000000, 0, 0, 0, 0, 0, 0);
        return w.expect(at(0, CMP_W, 2), 0).expect(at(0, CMP_W, 8), 1)      // 0xFFFFFFFF < 0: unsigned no, signed yes
                .expect(at(0, CMP_W, 14), 0).expect(at(0, CMP_W, 16), 1)    // 2^32 < 2^32 - 1: no; > : yes
                .expect64(at(0, CMP_W, 26), 0xFFFFFFFFL)                   // u64(u32 0xFFFFFFFF)
                .expect64(at(0, CMP_W, 28), -1L)                           // u64(i32 -1) sign-extends
                .expect(at(0, CMP_W, 36), 0)                               // 0xFFFFFFFF + 1 (p), not doubled
                .expect(at(2, CMP_W, 30), 0xFFFFFFFF)                      // u32(2^64 - 1) truncates
                .expect(at(2, CMP_W, 36), 0x2)                             // (MIN + 1) * 2 wraps
                .expect(at(3, CMP_W, 20), 3).expect(at(3, CMP_W, 21), 0xFFFFFFFD) // unsigned min 3, signed min -3
                .expect(at(1, CMP_W, 0), 1).expect(at(1, CMP_W, 3), 1)      // 5 == 5, 5 <= 5
                .expect(at(1, CMP_W, 36), 4)                               // 5 - 1, q false
                .expect(at(1, CMP_W, 37), 30)                              // 5 * 5 + 5
                .build();
    }

    // ---- loops ----

    private static final int LOOP_W = 8;

    /**
     * Word 0: sum of i + 1 for i < min(a0, 10); 1: sum of (i + 1)(j + 1) over two nested loops of
     * min(a1, 4); 2: the last index of a loop of min(a2, 6) (0xFFFF when it never ran); 3: atomic adds
     * of 1 in a loop of min(a3 & 7, 5).
     */
    static Program loopsProgram() {
        return Program.build(b -> {
            IrWindow out = IrWindow.of(b, LOOP_W);
            Expr.Ref acc = b.var(Ir.u32(0));
            b.loop(Ir.arg(0), 10, (body, i) -> body.set(acc, Ir.add(acc, Ir.add(i, Ir.u32(1)))));
            Expr.Ref nest = b.var(Ir.u32(0));
            b.loop(Ir.arg(1), 4, (outer, i) -> outer.loop(Ir.arg(1), 4, (inner, j) ->
                    inner.set(nest, Ir.add(nest, Ir.mul(Ir.add(i, Ir.u32(1)), Ir.add(j, Ir.u32(1)))))));
            Expr.Ref last = b.var(Ir.u32(0xFFFF));
            b.loop(Ir.arg(2), 6, (body, i) -> body.set(last, i));
            out.put(acc);
            out.put(nest);
            out.put(last);
            Expr counter = out.at(3);
            b.loop(Ir.and(Ir.arg(3), Ir.u32(7)), 5, (body, i) -> body.atomicAdd(counter, Ir.u32(1)));
        });
    }

    /** Counts its iterations into window word 0: a loop of min(a0, bound) whose body adds 1. */
    static Program countingLoop(int bound) {
        return Program.build(b -> {
            IrWindow out = IrWindow.of(b, LOOP_W);
            Expr.Ref n = b.var(Ir.u32(0));
            b.loop(Ir.arg(0), bound, (body, i) -> body.set(n, Ir.add(n, Ir.u32(1))));
            out.put(n);
        });
    }

    private static IrWorkload loops() {
        IrWorkload.Builder w = IrWorkload.builder(5 * LOOP_W, programs());
        w.slot(LOOPS, 0, 0, 0, 0);
        w.slot(LOOPS, 3, 2, 1, 2);
        w.slot(LOOPS, 10, 4, 6, 5);
        w.slot(LOOPS, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF);
        w.slot(LOOPS, 11, 5, 7, 0x100);
        return w.expect(at(0, LOOP_W, 0), 0).expect(at(0, LOOP_W, 2), 0xFFFF)
                .expect(at(1, LOOP_W, 0), 6).expect(at(1, LOOP_W, 1), 9).expect(at(1, LOOP_W, 2), 0)
                .expect(at(1, LOOP_W, 3), 2)
                .expect(at(3, LOOP_W, 0), 55).expect(at(3, LOOP_W, 1), 100).expect(at(3, LOOP_W, 2), 5)
                .expect(at(3, LOOP_W, 3), 5)
                .expect(at(4, LOOP_W, 3), 0)                               // 0x100 & 7 = 0 iterations
                .build();
    }

    private static IrWorkload maximalLoop() {
        int max = Registered.MAXIMAL_BOUND;
        return IrWorkload.builder(3 * LOOP_W, programs())
                .slot(MAX_LOOP, 0xFFFFFFFF).slot(MAX_LOOP, 1000).slot(MAX_LOOP, 0)
                .expect(at(0, LOOP_W, 0), max).expect(at(1, LOOP_W, 0), 1000).expect(at(2, LOOP_W, 0), 0)
                .build();
    }

    // ---- control memory ----

    private static final int CTL_W = 28;

    /**
     * Window words 0..7 are operands the slot starts with; 8: load w0; w1 = a0 (store); 9: atomic add a1 to
     * w2; 10: CAS w3 from a2 to a3; 11, 12: signed min / max of w4, w5 with a4; 13, 14: unsigned min / max of
     * w6, w7 with a4; 15..19: out-of-range load, add, CAS, min, max (each 0; they and three out-of-range
     * stores write nothing); 20: stored through a u64 index; 21: w1 loaded back after its store; 22: load
     * through base + 2^32 (0); 23: signed min with a4 through a u64 index, 24: what it returned.
     */
    static Program controlProgram() {
        return Program.build(b -> {
            IrWindow out = IrWindow.of(b, CTL_W, 8);
            Expr.Ref base = out.base();
            out.put(Ir.loadControl(out.at(0)));
            b.store(out.at(1), Ir.arg(0));
            out.put(b.atomicAdd(out.at(2), Ir.arg(1)));
            out.put(b.compareAndSwap(out.at(3), Ir.arg(2), Ir.arg(3)));
            out.put(b.atomicMin(out.at(4), Ir.asI32(Ir.arg(4))));
            out.put(b.atomicMax(out.at(5), Ir.asI32(Ir.arg(4))));
            out.put(b.atomicMin(out.at(6), Ir.arg(4)));
            out.put(b.atomicMax(out.at(7), Ir.arg(4)));
            Expr beyond = Ir.add(Ir.asU64(base), Ir.u64(1L << 32));   // base + 2^32: must not wrap to base
            out.put(Ir.loadControl(Ir.controlWords()));
            b.store(Ir.controlWords(), Ir.u32(0xBAD0));
            b.store(beyond, Ir.u32(0xBAD1));
            b.store(Ir.u32(0xFFFFFFFF), Ir.u32(0xBAD2));
            out.put(b.atomicAdd(Ir.add(Ir.controlWords(), Ir.asU64(Ir.arg(5))), Ir.u32(1)));
            out.put(b.compareAndSwap(Ir.add(beyond, Ir.u64(3)), Ir.u32(0), Ir.u32(0xBAD3)));
            out.put(b.atomicMin(Ir.u32(0xFFFFFFFF), Ir.u32(0)));
            out.put(b.atomicMax(Ir.u64(-1L), Ir.i32(Integer.MAX_VALUE)));
            b.store(Ir.add(Ir.asU64(base), Ir.u64(20)), Ir.xor(Ir.arg(0), Ir.u32(0x5A5A5A5A)));
            out.skip();
            out.put(Ir.loadControl(out.at(1)));
            out.put(Ir.loadControl(beyond));
            out.skip();
            out.put(b.atomicMin(Ir.add(Ir.asU64(base), Ir.u64(23)), Ir.asI32(Ir.arg(4))));
        });
    }

    private static IrWorkload control() {
        int[][] args = {{0xA0, 5, 7, 99, -5, 0}, {0xB0, 0xFFFFFFFF, 8, 99, 10, 0xFFFFFFFF}, {0xC0, 0, 7, 7, 3, 1},
            {0xD0, 0x80000000, 7, 0, 0x80000000, 0x7FFFFFFF}};
        IrWorkload.Builder w = IrWorkload.builder(args.length * CTL_W, programs());
        for (int s = 0; s < args.length; s++) {
            int[] start = {0x11110000 | s, 0xFEED, 100, 7, 3, 3, 3, 3};
            for (int k = 0; k < CTL_W; k++) {
                w.initial(at(s, CTL_W, k), k < start.length ? start[k] : 0xC0DE0000 | k);
            }
            w.slot(CONTROL, args[s]);
        }
        for (int s = 0; s < args.length; s++) {
            for (int k = 15; k <= 19; k++) {
                w.expect(at(s, CTL_W, k), 0);                                // out of range: 0, nothing written
            }
            w.expect(at(s, CTL_W, 8), 0x11110000 | s).expect(at(s, CTL_W, 1), args[s][0])
                    .expect(at(s, CTL_W, 21), args[s][0]).expect(at(s, CTL_W, 22), 0)
                    .expect(at(s, CTL_W, 20), args[s][0] ^ 0x5A5A5A5A).expect(at(s, CTL_W, 24), 0xC0DE0000 | 23)
                    .expect(at(s, CTL_W, 9), 100).expect(at(s, CTL_W, 2), 100 + args[s][1])
                    .expect(at(s, CTL_W, 10), 7);
        }
        return w.expect(at(0, CTL_W, 3), 99)                                   // CAS hit: 7 -> 99
                .expect(at(1, CTL_W, 3), 7)                                    // CAS miss: expected 8
                .expect(at(0, CTL_W, 4), -5).expect(at(0, CTL_W, 5), 3)          // signed min / max with -5
                .expect(at(0, CTL_W, 6), 3).expect(at(0, CTL_W, 7), -5)          // unsigned: 0xFFFFFFFB is large
                .expect(at(0, CTL_W, 11), 3).expect(at(0, CTL_W, 14), 3)         // both return the old word
                .expect(at(3, CTL_W, 4), 0x80000000).expect(at(3, CTL_W, 6), 3)  // MIN is the signed minimum
                .expect(at(1, CTL_W, 2), 99)                                   // 100 + 0xFFFFFFFF wraps
                .expect(at(0, CTL_W, 23), 0xC0DE0017).expect(at(3, CTL_W, 23), 0x80000000) // 0xC0DE0017 < -5 signed
                .build();
    }

    // ---- data memory ----

    private static final int DATA_W = 16;
    /** Odd, so the last word is only partly inside the buffer. */
    private static final int DATA_LEN = 4099;

    /**
     * Words 0: byte a0; 1: byte a0 + 2^32 (0); 2: word a1; 3: word a1 + 2^32 (0); 4: byte a0 + a2 in u32
     * (wraps); 5: byte a0 + a2 in u64; 6, 7: data_bytes; 8: the last whole word; 9: the partial word (0);
     * 10: the last byte; 11: the byte at data_bytes (0); 12: bytes 4 a1 .. 4 a1 + 3 assembled.
     */
    static Program dataProgram() {
        return Program.build(b -> {
            IrWindow out = IrWindow.of(b, DATA_W);
            Expr.Ref a0 = b.let(Ir.arg(0));
            Expr.Ref a1 = b.let(Ir.arg(1));
            Expr.Ref words = b.let(Ir.shr(Ir.dataBytes(), Ir.u32(2)));
            out.put(Ir.loadDataByte(a0));
            out.put(Ir.loadDataByte(Ir.add(Ir.asU64(a0), Ir.u64(1L << 32))));
            out.put(Ir.loadDataWord(a1));
            out.put(Ir.loadDataWord(Ir.add(Ir.asU64(a1), Ir.u64(1L << 32))));
            out.put(Ir.loadDataByte(Ir.add(a0, Ir.arg(2))));
            out.put(Ir.loadDataByte(Ir.add(Ir.asU64(a0), Ir.asU64(Ir.arg(2)))));
            out.put(Ir.dataBytes());
            out.put(Ir.loadDataWord(Ir.sub(words, Ir.u64(1))));
            out.put(Ir.loadDataWord(words));
            out.put(Ir.loadDataByte(Ir.sub(Ir.dataBytes(), Ir.u64(1))));
            out.put(Ir.loadDataByte(Ir.dataBytes()));
            Expr.Ref at = b.let(Ir.shl(Ir.asU64(a1), Ir.u32(2)));
            Expr.Ref assembled = b.var(Ir.u32(0));
            b.loop(Ir.u32(4), 4, (body, i) -> body.set(assembled, Ir.or(assembled,
                    Ir.shl(Ir.loadDataByte(Ir.add(at, Ir.asU64(i))), Ir.mul(i, Ir.u32(8))))));
            out.put(assembled);
        });
    }

    private static IrWorkload data() {
        byte[] bytes = DataCases.crcData(DATA_LEN, 0xDA7A);
        int[][] args = {{0, 0, 1}, {4098, 1023, 0xFFFFFFFF}, {4099, 1024, 2}, {0xFFFFFFFF, 0xFFFFFFFF, 1}, {1234, 77, 0}};
        IrWorkload.Builder w = IrWorkload.builder(args.length * DATA_W, programs()).data(bytes);
        for (int[] a : args) {
            w.slot(DATA, a);
        }
        int lastWord = Wire.word(bytes, 1023);
        for (int s = 0; s < args.length; s++) {
            w.expect(at(s, DATA_W, 1), 0).expect(at(s, DATA_W, 3), 0).expect64(at(s, DATA_W, 6), DATA_LEN)
                    .expect(at(s, DATA_W, 8), lastWord).expect(at(s, DATA_W, 9), 0)
                    .expect(at(s, DATA_W, 10), bytes[DATA_LEN - 1] & 0xFF).expect(at(s, DATA_W, 11), 0);
        }
        return w.expect(at(0, DATA_W, 0), bytes[0] & 0xFF).expect(at(0, DATA_W, 2), Wire.word(bytes, 0))
                .expect(at(1, DATA_W, 0), bytes[4098] & 0xFF).expect(at(1, DATA_W, 2), lastWord)
                .expect(at(1, DATA_W, 4), bytes[4097] & 0xFF)                  // 4098 + 0xFFFFFFFF wraps in u32
                .expect(at(1, DATA_W, 5), 0)                                   // but not in u64
                .expect(at(1, DATA_W, 12), lastWord)
                .expect(at(2, DATA_W, 0), 0).expect(at(2, DATA_W, 2), 0)         // byte 4099 and word 1024: outside
                .expect(at(3, DATA_W, 4), bytes[0] & 0xFF)                       // 0xFFFFFFFF + 1 wraps to 0
                .expect(at(4, DATA_W, 12), Wire.word(bytes, 77))
                .build();
    }

    // ---- slot context ----

    private static final int CTX_W = 20;

    /**
     * Words 0..2: opcode, slot, tenant; 3..14: argument words 0..11; 15, 16: control_words; 17, 18:
     * data_bytes.
     */
    static Program contextProgram() {
        return Program.build(b -> {
            IrWindow out = IrWindow.of(b, CTX_W);
            out.put(Ir.opcode());
            out.put(Ir.slot());
            out.put(Ir.tenant());
            for (int i = 0; i < Ir.ARGS; i++) {
                out.put(Ir.arg(i));
            }
            out.put(Ir.controlWords());
            out.put(Ir.dataBytes());
        });
    }

    /** Window words 4 (a2 &amp; 3) .. +3: opcode, a0, a1, a2 (a packed inner op sees arguments 0..2 only). */
    static Program packedContextProgram() {
        return Program.build(b -> {
            IrWindow out = IrWindow.of(b, CTX_W);
            Expr.Ref at = b.let(Ir.add(out.base(), Ir.mul(Ir.and(Ir.arg(2), Ir.u32(3)), Ir.u32(4))));
            b.store(at, Ir.opcode());
            for (int i = 0; i < 3; i++) {
                b.store(Ir.add(at, Ir.u32(i + 1)), Ir.arg(i));
            }
            b.store(Ir.add(out.base(), Ir.u32(16)), Ir.tenant());
            b.store(Ir.add(out.base(), Ir.u32(17)), Ir.slot());
        });
    }

    private static IrWorkload context() {
        int slots = 4;
        int controlWords = 160 + slots * CTX_W;
        byte[] bytes = DataCases.crcData(100, 0xC7C7);
        IrWorkload.Builder w = IrWorkload.builder(slots * CTX_W, programs()).tenants(3).data(bytes);
        w.tenantSlot(CONTEXT, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
        w.tenantSlot(CONTEXT_WIDE, 2, 0xFFFFFFFF, 0x80000000, 0, 0x7FFFFFFF, 1, 2, 3, 4, 5, 6, 7, 0xA11A11A1);
        w.tenantSlot(Opcodes.PACKED_SLOT, 1, Wire.packedPayload(new int[] {CONTEXT_PACKED, 0xAAAA, 0xBBBB, 0},
                new int[] {CONTEXT_PACKED, 0xCCCC, 0xDDDD, 1}));
        w.tenantSlot(CONTEXT_PACKED, 0, 0x5555, 0x6666, 2, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF,
                0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF);
        for (int s = 0; s < 2; s++) {
            w.expect(at(s, CTX_W, 1), s).expect64(at(s, CTX_W, 15), controlWords).expect64(at(s, CTX_W, 17), 100);
        }
        return w.expect(at(0, CTX_W, 0), CONTEXT).expect(at(0, CTX_W, 2), 0)
                .expect(at(0, CTX_W, 3), 1).expect(at(0, CTX_W, 14), 12)
                .expect(at(1, CTX_W, 0), CONTEXT_WIDE).expect(at(1, CTX_W, 2), 2)
                .expect(at(1, CTX_W, 3), 0xFFFFFFFF).expect(at(1, CTX_W, 14), 0xA11A11A1)
                .expect(at(2, CTX_W, 0), CONTEXT_PACKED).expect(at(2, CTX_W, 1), 0xAAAA).expect(at(2, CTX_W, 2), 0xBBBB)
                .expect(at(2, CTX_W, 3), 0)
                .expect(at(2, CTX_W, 4), CONTEXT_PACKED).expect(at(2, CTX_W, 5), 0xCCCC).expect(at(2, CTX_W, 6), 0xDDDD)
                .expect(at(2, CTX_W, 7), 1).expect(at(2, CTX_W, 16), 1).expect(at(2, CTX_W, 17), 2)
                .expect(at(3, CTX_W, 8), CONTEXT_PACKED).expect(at(3, CTX_W, 9), 0x5555).expect(at(3, CTX_W, 11), 2)
                .expect(at(3, CTX_W, 17), 3)
                .build();
    }

    private static long at(int slot, int words, int k) {
        return IrWindow.word(slot, words, k);
    }

    // ---- CRC-32C ----

    private static List<Snapshot> crcOnePass(Vyre vyre) {
        byte[] data = DataCases.crcData(DATA_BYTES, 0xC3C3);
        byte[] control = Wire.control(false, 1, 16);
        for (int i = 0; i < 16; i++) {
            Wire.setWord(control, 160 + i, 0xC0DE0000 | i);
        }
        byte[] ring = Wire.ring(8);
        Wire.publish(ring, 0, 0, IR_CRC32C, 0, DATA_BYTES, 0);           // the whole buffer
        Wire.publish(ring, 1, 0, IR_CRC32C, 3, 1000, 1);                 // unaligned middle
        Wire.publish(ring, 2, 0, IR_CRC32C, 4000, 500, 2);               // clamped: 97 bytes
        Wire.publish(ring, 3, 0, IR_CRC32C, 17, 0, 3);                   // zero length
        Wire.publish(ring, 4, 0, IR_CRC32C, DATA_BYTES, 1, 4);           // starts at the end
        Wire.publish(ring, 5, 0, IR_CRC32C, 4096, 0xFFFFFFFF, 5);        // a0 + a1 > 2^32: last byte
        Wire.publish(ring, 6, 0, IR_CRC32C, 0xFFFFFFFF, 0xFFFFFFFF, 6);  // far past the end
        Wire.publish(ring, 7, 0, IR_CRC32C, 0, 16, 0xFFFFFFFF);          // destination out of range
        var request = OnePass.request(control, ring).withData(data)
                .withOpcodes(IrWorkload.opcodes(programs()));   // the family's opcode set: CRC-32C at IR_CRC32C
        try {
            return OnePass.run(vyre, request, g -> {
                for (int s = 0; s < 8; s++) {
                    done(g, s);
                }
                g.control(160, DataCases.crc32c(data, 0, DATA_BYTES))
                        .control(161, DataCases.crc32c(data, 3, 1000))
                        .control(162, DataCases.crc32c(data, 4000, 97))
                        .control(163, 0)
                        .control(164, 0)
                        .control(165, DataCases.crc32c(data, 4096, 1))
                        .control(166, 0);
            });
        } catch (UnsupportedFeatureException e) {
            throw new CaseSkipped("the backend runs none of the IR opcode's dialects: " + e.getMessage());
        }
    }

    private static List<Snapshot> crcSession(Vyre vyre) {
        SessionOptions options = SessionOptions.builder().slotCount(4).observableSlots(16).dataBufferBytes(8192)
                .opcodes(IrWorkload.opcodes(programs())).build();   // CRC-32C of at most 4097 bytes at IR_CRC32C
        try (Session s = vyre.openSession(options)) {
            byte[] bytes = DataCases.crcData(8192, 0x5EED);
            MemorySegment.copy(bytes, 0, s.dataBuffer(), ValueLayout.JAVA_BYTE, 0, bytes.length);
            Golden g = Golden.from(Buffers.of(s));
            s.publish(0, 0, IR_CRC32C, 4096, 4096, 9);
            s.publish(1, 0, IR_CRC32C, 8000, 4096, 10);
            s.publish(2, 0, IR_CRC32C, 100, 0xFFFFFFFF, 11);
            Sessions.await(s, 0, SlotStatus.DONE);
            Sessions.await(s, 1, SlotStatus.DONE);
            Sessions.await(s, 2, SlotStatus.DONE);
            Buffers after = Sessions.stop(s);
            g.published(0, 0, IR_CRC32C, 4096, 4096, 9).published(1, 0, IR_CRC32C, 8000, 4096, 10)
                    .published(2, 0, IR_CRC32C, 100, 0xFFFFFFFF, 11);
            done(done(done(g, 0), 1), 2);
            g.control(169, DataCases.crc32c(bytes, 4096, 4096)).control(170, DataCases.crc32c(bytes, 8000, 192))
                    .control(171, DataCases.crc32c(bytes, 100, DATA_BYTES))   // cut at the program's bound, 4097 bytes
                    .control(0, 1);
            g.verify("after shutdown", after);
            return List.of(Snapshot.exact("after shutdown", after));
        } catch (UnsupportedFeatureException e) {
            throw new CaseSkipped("the backend runs none of the IR opcode's dialects: " + e.getMessage());
        }
    }
}
