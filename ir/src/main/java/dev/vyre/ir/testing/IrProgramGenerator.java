package dev.vyre.ir.testing;

import dev.vyre.ir.BinaryOp;
import dev.vyre.ir.Block;
import dev.vyre.ir.CompareOp;
import dev.vyre.ir.ContextField;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Ir;
import dev.vyre.ir.IrException;
import dev.vyre.ir.Memory;
import dev.vyre.ir.Program;
import dev.vyre.ir.Type;
import dev.vyre.ir.UnaryOp;
import dev.vyre.protocol.ControlLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntFunction;
import org.apiguardian.api.API;

/**
 * Seeded generator of well-formed IR programs for differential tests and fuzzers, built through the public
 * builder (so every program passes the validator). The same seed gives the same programs, in the same
 * order, on every JVM. Programs mix every node kind and every statement, hostile constants (shift counts of
 * 32 and more, zero divisors, MIN / -1, out-of-range and 64-bit indices) and small nested loops; {@link Kind}
 * adds dedicated hostile families.
 *
 * <p><b>Windows.</b> Slot {@code s} owns control words {@code 160 + 64 s .. 160 + 64 s + 63}
 * ({@link #controlWords(int)} covers slots {@code 0 .. n - 1}). In a {@link #windowed(long) windowed}
 * generator every control index a program computes is either inside its own window (words 0..15, through a
 * masked offset from {@link Ir#slot()}) or provably outside the control buffer (at least
 * {@code control_words}, at least 2<sup>31</sup> as a u32, or above 2<sup>32</sup> as a u64): slots never
 * share a word, so the buffers do not depend on the order a backend runs its lanes in, and any stray write
 * shows up in a byte comparison. An {@link #anywhere(long, int) anywhere} generator, for a harness that runs
 * one slot context at a time, also draws control indices and control loads anywhere in or just past a
 * buffer of a given size. Data indices are unconstrained. A program ends by storing its top-level bindings
 * in window words 16..62 and a digest of the rest in word 63, so the slot number a harness runs a program
 * in must be one whose window the control buffer holds.
 *
 * <p>Loops have bounds 1..6 and nest at most two deep, and u64 division (a 64-step loop in GLSL) stays out
 * of loops, so a program runs a few thousand loop iterations at most on any backend (well inside llvmpipe's
 * 65,535 per invocation); {@link Kind#MAXIMAL_LOOP} programs loop to the largest bound the work budget
 * allows ({@link #maximalBound(IntFunction)}).
 *
 * <p>Not thread-safe: one generator serves one thread.
 */
@API(status = API.Status.INTERNAL, since = "0.2")
public final class IrProgramGenerator {

    /** Control words a slot owns. */
    public static final int WINDOW = 64;
    /** Window words that random in-window indices reach (0..15). */
    public static final int SCRATCH = 16;
    private static final int DIGEST = WINDOW - 1;

    /** What a generated program stresses. */
    public enum Kind {
        /** Random statements and expressions of every kind. */
        RANDOM,
        /** Shifts of every type by counts of 32 and more, of every count type. */
        SHIFTS,
        /** Division and remainder by zero, MIN / -1, on every type. */
        DIVISION,
        /** Loads, stores and atomics with out-of-range control indices; data loads past the end. */
        OUT_OF_RANGE,
        /** A loop at the largest bound the per-slot work budget allows, with a random body. */
        MAXIMAL_LOOP
    }

    private static final int[] WORDS = {0, 1, 2, 3, 7, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, 31, 32, 33, 63, 64, 65,
        0x80000001, 160, 255, 0xFFFF, 0x10000};
    private static final long[] LONGS = {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE, 1L << 32, (1L << 32) + 5, 63, 64,
        0xFFFF_FFFFL, 160, 1L << 63 | 1, 0x1_0000_00A0L};
    private static final int[] COUNTS = {32, 33, 63, 64, 65, 96, 0xFFFFFFFF, 0x80000000, 0x80000021, 0x7FFFFFFF};

    private static final List<Type> INTEGER_TYPES = List.of(Type.U32, Type.I32, Type.U64);
    private static final int OUTSIDE_FORMS = 7;

    private final Random rnd;
    /** 0 for a windowed generator, else the control words an anywhere generator's indices range over. */
    private final int anywhereWords;
    /** Loops around the statement being generated. */
    private int loopDepth;

    private IrProgramGenerator(long seed, int anywhereWords) {
        this.rnd = new Random(seed);
        this.anywhereWords = anywhereWords;
    }

    /**
     * @return a generator whose programs touch only their own slot's window of control words (or words
     *         outside every control buffer), for runs of many slots over one buffer in any lane order
     */
    public static IrProgramGenerator windowed(long seed) {
        return new IrProgramGenerator(seed, 0);
    }

    /**
     * @param controlWords the size of the control buffer the programs will run over: random control indices
     *                     also range over {@code 0 .. controlWords + 19}
     * @return a generator whose programs, besides the windowed forms, load, store and update control words
     *         anywhere in or just past the buffer: for a harness that runs one slot context at a time
     * @throws IllegalArgumentException if {@code controlWords} is not positive
     */
    public static IrProgramGenerator anywhere(long seed, int controlWords) {
        if (controlWords <= 0) {
            throw new IllegalArgumentException("control words " + controlWords
                    + ". Fix: pass the positive size of the control buffer the programs run over.");
        }
        return new IrProgramGenerator(seed, controlWords);
    }

    /** @return the control words that hold the windows of slots {@code 0 .. slots - 1} */
    public static int controlWords(int slots) {
        return ControlLayout.OBSERVABLE_BASE + WINDOW * slots;
    }

    /** @return one of the hostile 32-bit values the programs use as constants (0, -1, MIN, MAX, 32, 160, ...) */
    public static int hostileWord(Random rnd) {
        return WORDS[rnd.nextInt(WORDS.length)];
    }

    /**
     * @param program a program whose work bound is linear in its loop's bound (two builds give the slope and
     *                intercept)
     * @return the largest bound for which {@code program} stays within {@link Program#WORK_BUDGET}
     * @throws IllegalStateException when the program at that bound is refused or the next bound is not
     */
    public static int maximalBound(IntFunction<Program> program) {
        long w1 = program.apply(1).workBound();
        long perIteration = program.apply(2).workBound() - w1;
        long bound = Math.min(Program.WORK_BUDGET, (Program.WORK_BUDGET - (w1 - perIteration)) / perIteration);
        if (program.apply((int) bound).workBound() > Program.WORK_BUDGET) {
            throw new IllegalStateException("the bound " + bound + " exceeds the work budget. Fix: pass a program"
                    + " whose work bound grows linearly with its loop bound.");
        }
        if (bound < Program.WORK_BUDGET) {
            try {
                program.apply((int) bound + 1);
                throw new IllegalStateException("the bound " + (bound + 1) + " is accepted, so " + bound
                        + " is not maximal. Fix: pass a program whose work bound grows linearly with its loop bound.");
            } catch (IrException expected) {
                // the next bound is over the budget
            }
        }
        return (int) bound;
    }

    /** The bindings visible in a block, and the mutable ones. */
    private record Env(List<Expr.Ref> refs, List<Expr.Ref> vars, Expr.Ref base) {
        Env copy() {
            return new Env(new ArrayList<>(refs), new ArrayList<>(vars), base);
        }
    }

    /** @return the next program of {@code kind} */
    public Program next(Kind kind) {
        if (kind == Kind.MAXIMAL_LOOP) {
            long seed = rnd.nextLong();
            return maximalLoop(seed, anywhereWords, maximalBound(bound -> maximalLoop(seed, anywhereWords, bound)));
        }
        return Program.build(b -> {
            Env env = new Env(new ArrayList<>(), new ArrayList<>(), window(b));
            switch (kind) {
                case RANDOM -> block(b, env, 0, 4 + rnd.nextInt(10));
                case SHIFTS -> shifts(b, env);
                case DIVISION -> division(b, env);
                case OUT_OF_RANGE -> outOfRange(b, env);
                case MAXIMAL_LOOP -> throw new IllegalStateException("built above");
            }
            observe(b, env);
        });
    }

    /** A loop of {@code min(a0 or 0xFFFFFFFF, bound)} iterations over a random body drawn from {@code seed}. */
    private static Program maximalLoop(long seed, int anywhereWords, int bound) {
        IrProgramGenerator g = new IrProgramGenerator(seed, anywhereWords);
        return Program.build(b -> {
            Env env = new Env(new ArrayList<>(), new ArrayList<>(), window(b));
            Expr.Ref acc = b.var(Ir.u32(g.rnd.nextInt()));
            env.refs().add(acc);
            env.vars().add(acc);
            Expr count = g.rnd.nextBoolean() ? Ir.arg(0) : Ir.u32(0xFFFFFFFF);
            b.loop(count, bound, (body, i) -> {
                Env inner = env.copy();
                inner.refs().add(i);
                g.loopDepth++;
                body.set(acc, Ir.add(Ir.mul(acc, Ir.u32(0x01000193)), Ir.xor(i, g.expr(Type.U32, inner, 2))));
                g.block(body, inner, 2, 1 + g.rnd.nextInt(2));
                g.loopDepth--;
            });
            g.observe(b, env);
        });
    }

    private static Expr.Ref window(Block b) {
        return b.let(Ir.add(Ir.u32(ControlLayout.OBSERVABLE_BASE), Ir.mul(Ir.slot(), Ir.u32(WINDOW))));
    }

    /** Stores the top-level bindings in window words 16..62 and a digest of the rest in word 63. */
    private void observe(Block b, Env env) {
        int at = SCRATCH;
        Expr digest = Ir.u32(0x811C9DC5);
        for (Expr.Ref r : env.refs()) {
            List<Expr> words = switch (r.type()) {
                case BOOL -> List.of(Ir.asU32(r));
                case U32, I32 -> List.of(r);
                case U64 -> List.of(Ir.asU32(r), Ir.asU32(Ir.shr(r, Ir.u32(32))));
            };
            for (Expr w : words) {
                if (at < DIGEST) {
                    b.store(Ir.add(env.base(), Ir.u32(at++)), w);
                } else {
                    digest = b.let(Ir.mul(Ir.xor(digest, Ir.asU32(w)), Ir.u32(0x01000193)));
                }
            }
        }
        b.store(Ir.add(env.base(), Ir.u32(DIGEST)), digest);
    }

    // ---- hostile families ----

    private void shifts(Block b, Env env) {
        for (Type t : INTEGER_TYPES) {   // every value type by a count of 32 or more of every count type
            env.refs().add(b.let(Ir.shl(expr(t, env, 1), Ir.u32(32 + rnd.nextInt(40)))));
            env.refs().add(b.let(Ir.shr(expr(t, env, 1), Ir.i32(COUNTS[rnd.nextInt(COUNTS.length)]))));
            env.refs().add(b.let(Ir.shr(expr(t, env, 1), Ir.u64((1L << 32) + 64 + rnd.nextInt(64)))));
        }
        for (int n = 0; n < 6; n++) {
            Type t = integer();
            Expr value = expr(t, env, 1);
            Expr count = switch (rnd.nextInt(4)) {
                case 0 -> Ir.u32(COUNTS[rnd.nextInt(COUNTS.length)]);
                case 1 -> Ir.i32(COUNTS[rnd.nextInt(COUNTS.length)]);
                case 2 -> Ir.u64(Integer.toUnsignedLong(COUNTS[rnd.nextInt(COUNTS.length)])
                        | (rnd.nextBoolean() ? 1L << 40 : 0));
                default -> expr(integer(), env, 1);
            };
            env.refs().add(b.let(rnd.nextBoolean() ? Ir.shl(value, count) : Ir.shr(value, count)));
        }
    }

    private void division(Block b, Env env) {
        for (Type t : INTEGER_TYPES) {   // every type by zero, and MIN / -1
            env.refs().add(b.let(Ir.div(expr(t, env, 1), constant(t, 0))));
            env.refs().add(b.let(Ir.rem(expr(t, env, 1), constant(t, 0))));
        }
        env.refs().add(b.let(Ir.div(Ir.i32(Integer.MIN_VALUE), Ir.i32(-1))));
        env.refs().add(b.let(Ir.rem(Ir.asI32(Ir.arg(rnd.nextInt(Ir.ARGS))), Ir.i32(-1))));
        for (int n = 0; n < 6; n++) {
            Type t = integer();
            long[] hostile = {Long.MIN_VALUE, Integer.MIN_VALUE, -1, 0, 7};
            Expr dividend = rnd.nextBoolean() ? constant(t, hostile[rnd.nextInt(hostile.length)]) : expr(t, env, 1);
            Expr divisor = switch (rnd.nextInt(3)) {
                case 0 -> constant(t, 0);
                case 1 -> constant(t, -1);
                default -> expr(t, env, 1);   // hostile arguments are often 0 or -1
            };
            env.refs().add(b.let(rnd.nextBoolean() ? Ir.div(dividend, divisor) : Ir.rem(dividend, divisor)));
        }
    }

    private void outOfRange(Block b, Env env) {
        for (int n = 0; n < OUTSIDE_FORMS; n++) {   // every out-of-range index form, each with a random access
            Expr i = outside(env, n);
            switch (rnd.nextInt(7)) {
                case 0 -> env.refs().add(b.let(Ir.loadControl(i)));
                case 1 -> b.store(i, expr(word(), env, 1));
                case 2 -> env.refs().add(b.atomicAdd(i, expr(word(), env, 1)));
                case 3 -> env.refs().add(b.compareAndSwap(i, Ir.u32(0), expr(Type.U32, env, 1)));
                case 4 -> env.refs().add(rnd.nextBoolean() ? b.atomicMin(i, expr(word(), env, 1))
                        : b.atomicMax(i, expr(word(), env, 1)));
                case 5 -> env.refs().add(b.let(Ir.loadDataByte(dataOutside())));
                default -> env.refs().add(b.let(Ir.loadDataWord(dataOutside())));
            }
            if (rnd.nextBoolean()) {
                b.store(inside(env), expr(word(), env, 1));   // in-window work between the hostile accesses
            }
        }
    }

    /** @return a data index at or past the end: data_bytes, 2^32 + small, 0xFFFFFFFF, a u64 sum */
    private Expr dataOutside() {
        return switch (rnd.nextInt(4)) {
            case 0 -> Ir.dataBytes();
            case 1 -> Ir.u64((1L << 32) + rnd.nextInt(64));
            case 2 -> Ir.u32(0xFFFFFFFF);
            default -> Ir.add(Ir.dataBytes(), Ir.asU64(Ir.arg(rnd.nextInt(Ir.ARGS))));
        };
    }

    // ---- random statements and expressions ----

    private void block(Block b, Env env, int depth, int statements) {
        for (int s = 0; s < statements; s++) {
            switch (rnd.nextInt(depth < 2 ? 12 : 9)) {
                case 0, 1 -> env.refs().add(b.let(expr(type(), env, 3)));
                case 2 -> {
                    Expr.Ref v = b.var(expr(type(), env, 3));
                    env.refs().add(v);
                    env.vars().add(v);
                }
                case 3 -> {
                    if (!env.vars().isEmpty()) {
                        Expr.Ref v = env.vars().get(rnd.nextInt(env.vars().size()));
                        b.set(v, expr(v.type(), env, 3));
                    }
                }
                case 4, 5 -> b.store(index(env), expr(word(), env, 3));
                case 6, 7 -> {
                    Type t = word();
                    Expr i = index(env);
                    Expr v = expr(t, env, 2);
                    env.refs().add(switch (rnd.nextInt(4)) {
                        case 0 -> b.atomicAdd(i, v);
                        case 1 -> b.atomicMin(i, v);
                        case 2 -> b.atomicMax(i, v);
                        default -> b.compareAndSwap(i, expr(t, env, 2), v);
                    });
                }
                case 8 -> {
                    if (rnd.nextBoolean()) {
                        b.ifThenElse(expr(Type.BOOL, env, 3), t -> block(t, env.copy(), depth + 1, 1 + rnd.nextInt(3)),
                                e -> block(e, env.copy(), depth + 1, rnd.nextInt(3)));
                    } else {
                        b.ifThen(expr(Type.BOOL, env, 3), t -> block(t, env.copy(), depth + 1, 1 + rnd.nextInt(3)));
                    }
                }
                default -> {
                    Expr count = switch (rnd.nextInt(4)) {
                        case 0 -> Ir.u32(rnd.nextInt(7));
                        case 1 -> Ir.arg(rnd.nextInt(Ir.ARGS));                   // often 0xFFFFFFFF: clamped
                        case 2 -> Ir.u32(0xFFFFFFFF);
                        default -> Ir.and(expr(Type.U32, env, 2), Ir.u32(7));
                    };
                    b.loop(count, 1 + rnd.nextInt(6), (body, i) -> {
                        Env inner = env.copy();
                        inner.refs().add(i);
                        loopDepth++;
                        block(body, inner, depth + 1, 1 + rnd.nextInt(3));
                        loopDepth--;
                    });
                }
            }
        }
    }

    /**
     * @return a control index inside this slot's window (words 0..15) or provably outside the buffer; for an
     *         anywhere generator, a third of the time one anywhere in or just past the buffer
     */
    private Expr index(Env env) {
        if (anywhereWords > 0 && rnd.nextInt(3) == 0) {
            return anywhere(env);
        }
        return rnd.nextInt(4) == 0 ? outside(env) : inside(env);
    }

    /** @return a control index anywhere in or just past a buffer of {@code anywhereWords}, or far past it */
    private Expr anywhere(Env env) {
        int mask = Integer.highestOneBit(anywhereWords) * 2 - 1;
        return switch (rnd.nextInt(6)) {
            case 0 -> Ir.u32(rnd.nextInt(anywhereWords + 20));
            case 1 -> Ir.and(expr(Type.U32, env, 2), Ir.u32(mask));
            case 2 -> expr(Type.U32, env, 2);
            case 3 -> Ir.add(Ir.u64(ControlLayout.OBSERVABLE_BASE),
                    Ir.asU64(Ir.and(expr(Type.U32, env, 1), Ir.u32(2 * WINDOW - 1))));
            case 4 -> Ir.u64(rnd.nextBoolean() ? (1L << 32) + ControlLayout.OBSERVABLE_BASE + 1
                    : rnd.nextInt(anywhereWords + 20));
            default -> expr(Type.U64, env, 2);
        };
    }

    private Expr inside(Env env) {
        return switch (rnd.nextInt(4)) {
            case 0 -> Ir.add(env.base(), Ir.u32(rnd.nextInt(SCRATCH)));
            case 1 -> Ir.add(env.base(), Ir.and(expr(Type.U32, env, 2), Ir.u32(SCRATCH - 1)));
            case 2 -> Ir.add(Ir.asU64(env.base()), Ir.asU64(Ir.and(expr(Type.U32, env, 1), Ir.u32(SCRATCH - 1))));
            default -> Ir.add(Ir.asU64(env.base()), Ir.and(expr(Type.U64, env, 1), Ir.u64(SCRATCH - 1)));
        };
    }

    /** @return a control index that no control buffer of the fuzzer contains */
    private Expr outside(Env env) {
        return outside(env, rnd.nextInt(OUTSIDE_FORMS));
    }

    /** @return out-of-range control index form {@code form} (0 .. {@value #OUTSIDE_FORMS} - 1) */
    private Expr outside(Env env, int form) {
        return switch (form) {
            case 0 -> Ir.controlWords();
            case 1 -> Ir.add(Ir.controlWords(), Ir.asU64(expr(Type.U32, env, 1)));
            case 2 -> Ir.or(expr(Type.U32, env, 1), Ir.u32(0x80000000));
            case 3 -> Ir.or(Ir.asU64(expr(Type.U32, env, 1)), Ir.u64(1L << 32));  // high word set: never wraps
            case 4 -> Ir.add(Ir.asU64(env.base()), Ir.u64(1L << 32));           // own window + 2^32
            case 5 -> Ir.u64(rnd.nextLong() | 1L << 62);
            default -> Ir.u32(0xFFFFFFFF);
        };
    }

    private Expr expr(Type t, Env env, int depth) {
        if (depth == 0 || rnd.nextInt(10) < 3) {
            return leaf(t, env);
        }
        int d = depth - 1;
        if (t == Type.BOOL) {
            return switch (rnd.nextInt(4)) {
                case 0 -> {
                    Type u = rnd.nextInt(5) == 0 ? Type.BOOL : integer();
                    CompareOp op = u == Type.BOOL ? (rnd.nextBoolean() ? CompareOp.EQ : CompareOp.NE)
                            : CompareOp.values()[rnd.nextInt(6)];
                    yield new Expr.Compare(op, expr(u, env, d), expr(u, env, d));
                }
                case 1 -> new Expr.Binary(BinaryOp.values()[BinaryOp.AND.ordinal() + rnd.nextInt(3)],
                        expr(Type.BOOL, env, d), expr(Type.BOOL, env, d));
                case 2 -> Ir.not(expr(Type.BOOL, env, d));
                default -> Ir.select(expr(Type.BOOL, env, d), expr(Type.BOOL, env, d), expr(Type.BOOL, env, d));
            };
        }
        return switch (rnd.nextInt(9)) {
            case 0 -> new Expr.Unary(UnaryOp.values()[rnd.nextInt(2)], expr(t, env, d));
            case 1, 2, 3 -> {
                BinaryOp op = BinaryOp.values()[rnd.nextInt(BinaryOp.values().length)];
                if (t == Type.U64 && loopDepth > 0 && (op == BinaryOp.DIV || op == BinaryOp.REM)) {
                    // a u64 division is a 64-step loop in GLSL: kept out of loops, so no program nears llvmpipe's
                    // 65,535 loop iterations per invocation (the DIVISION family divides u64 at top level)
                    op = BinaryOp.XOR;
                }
                yield new Expr.Binary(op, expr(t, env, d), expr(op.isShift() ? integer() : t, env, d));
            }
            case 4 -> Ir.select(expr(Type.BOOL, env, d), expr(t, env, d), expr(t, env, d));
            case 5 -> Ir.convert(t, expr(Type.values()[rnd.nextInt(4)], env, d));
            case 6 -> {
                // a control load at a raw index would read another slot's window: anywhere generators only
                Memory m = anywhereWords > 0 ? Memory.values()[rnd.nextInt(3)] : Memory.values()[1 + rnd.nextInt(2)];
                Expr index = rnd.nextBoolean() ? Ir.and(expr(Type.U32, env, d), Ir.u32(0x1FF)) : expr(Type.U32, env, d);
                yield Ir.convert(t, new Expr.Load(m, rnd.nextInt(4) == 0 ? Ir.asU64(index) : index));
            }
            case 7 -> Ir.convert(t, Ir.loadControl(index(env)));
            default -> leaf(t, env);
        };
    }

    private Expr leaf(Type t, Env env) {
        List<Expr.Ref> refs = env.refs().stream().filter(r -> r.type() == t).toList();
        if (!refs.isEmpty() && rnd.nextInt(3) == 0) {
            return refs.get(rnd.nextInt(refs.size()));
        }
        return switch (t) {
            case BOOL -> Ir.bool(rnd.nextBoolean());
            case U32 -> switch (rnd.nextInt(5)) {
                case 0 -> Ir.arg(rnd.nextInt(Ir.ARGS));
                case 1 -> new Expr.Context(ContextField.values()[rnd.nextInt(3)]);
                case 2 -> Ir.u32(rnd.nextInt());
                default -> Ir.u32(WORDS[rnd.nextInt(WORDS.length)]);
            };
            case I32 -> rnd.nextBoolean() ? Ir.i32(WORDS[rnd.nextInt(WORDS.length)]) : Ir.asI32(Ir.arg(rnd.nextInt(Ir.ARGS)));
            case U64 -> switch (rnd.nextInt(4)) {
                case 0 -> rnd.nextBoolean() ? Ir.controlWords() : Ir.dataBytes();
                case 1 -> Ir.u64(rnd.nextLong());
                default -> Ir.u64(LONGS[rnd.nextInt(LONGS.length)]);
            };
        };
    }

    private Expr constant(Type t, long v) {
        return switch (t) {
            case U64 -> Ir.u64(v);
            case I32 -> Ir.i32((int) (v == Long.MIN_VALUE ? Integer.MIN_VALUE : v));
            default -> Ir.u32((int) (v == Long.MIN_VALUE ? Integer.MIN_VALUE : v));
        };
    }

    private Type type() {
        int k = rnd.nextInt(20);
        return k < 3 ? Type.BOOL : k < 10 ? Type.U32 : k < 15 ? Type.I32 : Type.U64;
    }

    private Type word() {
        return rnd.nextBoolean() ? Type.U32 : Type.I32;
    }

    private Type integer() {
        int k = rnd.nextInt(3);
        return k == 0 ? Type.U32 : k == 1 ? Type.I32 : Type.U64;
    }
}
