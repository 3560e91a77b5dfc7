package dev.vyre.ir;

import dev.vyre.ir.testing.IrProgramGenerator;

/** Programs the tests share. */
final class Samples {
    private Samples() {
    }

    /** Reflected CRC-32C polynomial (Castagnoli). */
    static final int CRC32C_POLY = Programs.CRC32C_POLY;

    /** See {@link Programs#crc32c(int)}. */
    static Program crc32c(int maxBytes) {
        return Programs.crc32c(maxBytes);
    }

    /**
     * The worked example of docs/IR.md: adds to control word {@code 160 + a3} the number of bytes equal to
     * {@code a2 & 0xFF} in the data range {@code [a0, min(a0 + a1, dataBytes))}, at most 4096 bytes a slot.
     */
    static Program countByte() {
        return Program.build(b -> {
            Expr.Ref start = b.let(Ir.asU64(Ir.arg(0)));
            Expr.Ref end = b.let(Ir.min(Ir.add(start, Ir.asU64(Ir.arg(1))), Ir.dataBytes()));
            Expr.Ref n = b.let(Ir.select(Ir.lt(start, end), Ir.asU32(Ir.sub(end, start)), Ir.u32(0)));
            Expr.Ref wanted = b.let(Ir.and(Ir.arg(2), Ir.u32(0xFF)));
            Expr.Ref hits = b.var(Ir.u32(0));
            b.loop(n, 4096, (body, i) -> {
                Expr.Ref at = body.let(Ir.loadDataByte(Ir.add(start, Ir.asU64(i))));
                body.set(hits, Ir.add(hits, Ir.select(Ir.eq(at, wanted), Ir.u32(1), Ir.u32(0))));
            });
            b.atomicAdd(Ir.add(Ir.u64(160), Ir.asU64(Ir.arg(3))), hits);
        });
    }

    /** The conformance suite's opcode 20 in the IR: {@code C[160 + a1] += a0} (sum of the index in 64 bits). */
    static Program addToObservable() {
        return Program.build(b -> b.atomicAdd(Ir.add(Ir.u64(160), Ir.asU64(Ir.arg(1))), Ir.arg(0)));
    }

    /**
     * Every binary operator of {@code ops} on {@code t}, for operand pairs drawn from the slot's arguments
     * and hostile constants (0, 1, -1, MIN, shift counts past the width), stored to control words 0, 1, ...
     * (a u64 result as its low then high word).
     */
    static Program operatorMatrix(Type t, java.util.List<BinaryOp> ops) {
        return Program.build(b -> {
            Expr[] as = {value(t, 0, 1), value(t, 2, 3)};
            Expr[] bs = {value(t, 4, 5), constant(t, 0), constant(t, 1), constant(t, -1), constant(t, 33),
                constant(t, 64), constant(t, Long.MIN_VALUE), value(t, 6, 7)};
            int[] at = {0};
            for (BinaryOp op : ops) {
                for (Expr a : as) {
                    for (Expr c : bs) {
                        observe(b, at, new Expr.Binary(op, a, c));
                    }
                }
            }
        });
    }

    /** Unary operators, comparisons, conversions and select over arguments and hostile constants. */
    static Program miscMatrix() {
        return Program.build(b -> {
            int[] at = {0};
            for (Type t : new Type[] {Type.U32, Type.I32, Type.U64}) {
                Expr[] vs = {value(t, 0, 1), value(t, 2, 3), constant(t, -1), constant(t, Long.MIN_VALUE), constant(t, 0)};
                for (Expr v : vs) {
                    observe(b, at, Ir.not(v));
                    observe(b, at, Ir.neg(v));
                    for (Type to : new Type[] {Type.U32, Type.I32, Type.U64}) {
                        observe(b, at, Ir.convert(to, v));
                    }
                }
                for (CompareOp op : CompareOp.values()) {
                    for (int i = 0; i < 3; i++) {
                        observe(b, at, Ir.asU32(new Expr.Compare(op, vs[i], vs[(i + 1) % vs.length])));
                    }
                }
                observe(b, at, Ir.select(Ir.lt(vs[0], vs[1]), vs[2], vs[3]));
                observe(b, at, Ir.loadControl(Ir.asU64(Ir.convert(Type.U32, vs[0]))));
            }
            observe(b, at, Ir.asU32(Ir.xor(Ir.lt(Ir.arg(0), Ir.arg(1)), Ir.bool(true))));
            observe(b, at, Ir.asU64(Ir.ne(Ir.arg(2), Ir.arg(3))));
            observe(b, at, Ir.loadDataWord(Ir.arg(8)));
            observe(b, at, Ir.loadDataByte(Ir.and(Ir.arg(9), Ir.u32(0x7F))));
            observe(b, at, Ir.loadDataWord(Ir.and(Ir.arg(10), Ir.u32(0x1F))));
            observe(b, at, Ir.loadDataWord(Ir.u64(1L << 32)));
        });
    }

    private static void observe(Block b, int[] at, Expr e) {
        Expr.Ref r = b.let(e);
        if (r.type() == Type.U64) {
            b.store(Ir.u32(at[0]++), Ir.asU32(r));
            b.store(Ir.u32(at[0]++), Ir.asU32(Ir.shr(r, Ir.u32(32))));
        } else {
            b.store(Ir.u32(at[0]++), r.type() == Type.BOOL ? Ir.asU32(r) : r);
        }
    }

    private static Expr value(Type t, int hi, int lo) {
        return switch (t) {
            case U32 -> Ir.arg(lo);
            case I32 -> Ir.asI32(Ir.arg(lo));
            default -> Ir.or(Ir.shl(Ir.asU64(Ir.arg(hi)), Ir.u32(32)), Ir.asU64(Ir.arg(lo)));
        };
    }

    private static Expr constant(Type t, long v) {
        return t == Type.U64 ? Ir.u64(v) : new Expr.Const(t, v == Long.MIN_VALUE ? Integer.MIN_VALUE : (int) v);
    }

    /**
     * Programs of the shared generator for harnesses that run one slot context at a time: {@code random}
     * random programs (every node and statement kind, hostile constants, nested loops), then {@code hostile}
     * programs of each hostile family (shift counts of 32 and more, division by zero and MIN / -1,
     * out-of-range indices), drawn from an anywhere generator over {@link HostHarness#CONTROL_WORDS} words.
     * Run them in slots 0 .. {@link HostHarness#SLOTS} - 1, whose windows that buffer holds.
     */
    static java.util.List<Program> generated(long seed, int random, int hostile) {
        IrProgramGenerator gen = IrProgramGenerator.anywhere(seed, HostHarness.CONTROL_WORDS);
        java.util.List<Program> list = new java.util.ArrayList<>();
        for (int i = 0; i < random; i++) {
            list.add(gen.next(IrProgramGenerator.Kind.RANDOM));
        }
        for (IrProgramGenerator.Kind kind : java.util.List.of(IrProgramGenerator.Kind.SHIFTS,
                IrProgramGenerator.Kind.DIVISION, IrProgramGenerator.Kind.OUT_OF_RANGE)) {
            for (int i = 0; i < hostile; i++) {
                list.add(gen.next(kind));
            }
        }
        return list;
    }

    /** The operator matrices and the misc matrix: every operator on every type, hostile operands included. */
    static java.util.List<Program> matrices() {
        java.util.List<BinaryOp> all = java.util.List.of(BinaryOp.values());
        return java.util.List.of(operatorMatrix(Type.U32, all.subList(0, 6)), operatorMatrix(Type.U32, all.subList(6, 12)),
                operatorMatrix(Type.I32, all.subList(0, 6)), operatorMatrix(Type.I32, all.subList(6, 12)),
                operatorMatrix(Type.U64, all.subList(0, 3)), operatorMatrix(Type.U64, all.subList(3, 6)),
                operatorMatrix(Type.U64, all.subList(6, 9)), operatorMatrix(Type.U64, all.subList(9, 12)),
                miscMatrix());
    }
}
