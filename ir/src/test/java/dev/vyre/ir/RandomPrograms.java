package dev.vyre.ir;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded generator of well-formed programs for round-trip and differential tests. Programs mix every
 * node kind, hostile values (shift counts of 32 and more, division by zero, MIN / -1, out-of-range
 * and 64-bit indices) and small nested loops, and end by storing every top-level binding into control
 * words 160.. so their values are observable.
 */
final class RandomPrograms {
    /** Control words the generated programs expect (indices above it are out of range). */
    static final int CONTROL_WORDS = 240;

    private static final int[] WORDS = {0, 1, 2, 3, 7, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, 31, 32, 33, 63, 64,
        0x80000001, 160, 255, 0xFFFF};
    private static final long[] LONGS = {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE, 1L << 32, (1L << 32) + 5, 63, 64,
        0xFFFF_FFFFL, 160, 1L << 63 | 1};

    private final Random rnd;

    RandomPrograms(long seed) {
        this.rnd = new Random(seed);
    }

    /** The bindings visible in a block: all of them, and the mutable ones. */
    private record Env(List<Expr.Ref> refs, List<Expr.Ref> vars) {
        Env copy() {
            return new Env(new ArrayList<>(refs), new ArrayList<>(vars));
        }
    }

    Program next() {
        return Program.build(b -> {
            Env env = new Env(new ArrayList<>(), new ArrayList<>());
            block(b, env, 0, 4 + rnd.nextInt(10));
            int at = 160;
            for (Expr.Ref r : env.refs()) {
                switch (r.type()) {
                    case BOOL -> b.store(Ir.u32(at++), Ir.asU32(r));
                    case U32, I32 -> b.store(Ir.u32(at++), r);
                    case U64 -> {
                        b.store(Ir.u32(at++), Ir.asU32(r));
                        b.store(Ir.u32(at++), Ir.asU32(Ir.shr(r, Ir.u32(32))));
                    }
                }
                if (at >= CONTROL_WORDS - 1) {
                    at = 160;
                }
            }
        });
    }

    private void block(Block b, Env env, int depth, int statements) {
        for (int s = 0; s < statements; s++) {
            switch (rnd.nextInt(depth < 2 ? 11 : 8)) {
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
                case 8 -> b.ifThenElse(expr(Type.BOOL, env, 3),
                        t -> block(t, env.copy(), depth + 1, 1 + rnd.nextInt(3)),
                        e -> block(e, env.copy(), depth + 1, rnd.nextInt(3)));
                default -> {
                    Expr count = rnd.nextBoolean() ? Ir.u32(rnd.nextInt(6)) : Ir.and(expr(Type.U32, env, 2), Ir.u32(7));
                    b.loop(count, 1 + rnd.nextInt(6), (body, i) -> {
                        Env inner = env.copy();
                        inner.refs().add(i);
                        block(body, inner, depth + 1, 1 + rnd.nextInt(3));
                    });
                }
            }
        }
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

    private Expr index(Env env) {
        return switch (rnd.nextInt(6)) {
            case 0 -> Ir.u32(rnd.nextInt(CONTROL_WORDS + 20));
            case 1 -> Ir.and(expr(Type.U32, env, 2), Ir.u32(0xFF));
            case 2 -> expr(Type.U32, env, 2);
            case 3 -> Ir.add(Ir.u64(160), Ir.asU64(Ir.and(expr(Type.U32, env, 1), Ir.u32(0x7F))));
            case 4 -> Ir.u64(rnd.nextBoolean() ? (1L << 32) + 161 : rnd.nextInt(CONTROL_WORDS + 20));
            default -> expr(Type.U64, env, 2);
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
                    Type u = integer();
                    yield new Expr.Compare(CompareOp.values()[rnd.nextInt(6)], expr(u, env, d), expr(u, env, d));
                }
                case 1 -> new Expr.Binary(BinaryOp.values()[BinaryOp.AND.ordinal() + rnd.nextInt(3)],
                        expr(Type.BOOL, env, d), expr(Type.BOOL, env, d));
                case 2 -> Ir.not(expr(Type.BOOL, env, d));
                default -> Ir.select(expr(Type.BOOL, env, d), expr(Type.BOOL, env, d), expr(Type.BOOL, env, d));
            };
        }
        return switch (rnd.nextInt(8)) {
            case 0 -> new Expr.Unary(UnaryOp.values()[rnd.nextInt(2)], expr(t, env, d));
            case 1, 2, 3 -> {
                BinaryOp op = BinaryOp.values()[rnd.nextInt(BinaryOp.values().length)];
                yield new Expr.Binary(op, expr(t, env, d), expr(op.isShift() ? integer() : t, env, d));
            }
            case 4 -> Ir.select(expr(Type.BOOL, env, d), expr(t, env, d), expr(t, env, d));
            case 5 -> Ir.convert(t, expr(Type.values()[rnd.nextInt(4)], env, d));
            case 6 -> {
                Memory m = Memory.values()[rnd.nextInt(3)];
                Expr index = rnd.nextBoolean() ? Ir.and(expr(Type.U32, env, d), Ir.u32(0x7F)) : expr(Type.U32, env, d);
                yield Ir.convert(t, new Expr.Load(m, rnd.nextInt(4) == 0 ? Ir.asU64(index) : index));
            }
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
}
