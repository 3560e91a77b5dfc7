package dev.vyre.ir;

import dev.vyre.protocol.SlotContext;
import java.util.List;

/**
 * Runs a program over a {@link SlotContext} by walking its nodes. Every memory access is checked
 * against the context's lengths first (an out-of-range load reads 0, an out-of-range store or atomic
 * does nothing and yields 0), so the context sees only in-range indices. Atomic min/max are
 * compare-and-swap loops over {@link SlotContext#compareAndSwapControl}; data words are four
 * {@link SlotContext#loadDataByte} calls.
 */
final class Evaluator {
    private final SlotContext ctx;
    private final long[] values;

    private Evaluator(SlotContext ctx, int bindings) {
        this.ctx = ctx;
        this.values = new long[bindings];
    }

    static void run(Program program, SlotContext ctx) {
        new Evaluator(ctx, program.bindings()).block(program.body());
    }

    private void block(List<Stmt> stmts) {
        for (int i = 0, n = stmts.size(); i < n; i++) {
            statement(stmts.get(i));
        }
    }

    private void statement(Stmt s) {
        switch (s) {
            case Stmt.Let l -> values[l.id()] = eval(l.value());
            case Stmt.Var v -> values[v.id()] = eval(v.init());
            case Stmt.Assign a -> values[a.target().id()] = eval(a.value());
            case Stmt.Store st -> {
                long i = Arith.index(st.index().type(), eval(st.index()));
                int v = (int) eval(st.value());
                if (i >= 0 && i < ctx.controlWords()) {
                    ctx.storeControl(i, v);
                }
            }
            case Stmt.Atomic a -> values[a.id()] = atomic(a);
            case Stmt.If i -> block(eval(i.condition()) != 0 ? i.then() : i.otherwise());
            case Stmt.For f -> {
                long n = Math.min(eval(f.count()) & 0xFFFF_FFFFL, f.bound());
                for (int k = 0; k < n; k++) {
                    values[f.id()] = k;
                    block(f.body());
                }
            }
        }
    }

    private int atomic(Stmt.Atomic a) {
        long i = Arith.index(a.index().type(), eval(a.index()));
        int value = (int) eval(a.value());
        int expected = a.expected() == null ? 0 : (int) eval(a.expected());
        if (i < 0 || i >= ctx.controlWords()) {
            return 0;
        }
        return switch (a.op()) {
            case ADD -> ctx.atomicAddControl(i, value);
            case CAS -> ctx.compareAndSwapControl(i, expected, value);
            case MIN, MAX -> {
                int old = ctx.loadControl(i);
                while (true) {
                    int c = Arith.compare(a.type(), value, old);
                    boolean replace = a.op() == AtomicOp.MIN ? c < 0 : c > 0;
                    if (!replace) {
                        yield old;
                    }
                    int prev = ctx.compareAndSwapControl(i, old, value);
                    if (prev == old) {
                        yield old;
                    }
                    old = prev;
                }
            }
        };
    }

    private long eval(Expr e) {
        return switch (e) {
            case Expr.Const c -> c.bits();
            case Expr.Ref r -> values[r.id()];
            case Expr.Unary u -> Arith.unary(u.op(), u.type(), eval(u.operand()));
            case Expr.Binary b -> Arith.binary(b.op(), b.type(), eval(b.left()), eval(b.right()));
            case Expr.Compare c -> Arith.compare(c.op(), c.left().type(), eval(c.left()), eval(c.right())) ? 1 : 0;
            case Expr.Select s -> eval(s.condition()) != 0 ? eval(s.ifTrue()) : eval(s.ifFalse());
            case Expr.Convert c -> Arith.convert(c.value().type(), c.to(), eval(c.value()));
            case Expr.Context c -> switch (c.field()) {
                case OPCODE -> ctx.opcode();
                case SLOT -> ctx.slot();
                case TENANT -> ctx.tenant();
                case CONTROL_WORDS -> ctx.controlWords();
                case DATA_BYTES -> ctx.dataBytes();
            };
            case Expr.Arg a -> ctx.arg(a.index());
            case Expr.Load l -> load(l.memory(), Arith.index(l.index().type(), eval(l.index())));
        };
    }

    private int load(Memory memory, long i) {
        if (i < 0) {
            return 0;
        }
        return switch (memory) {
            case CONTROL -> i < ctx.controlWords() ? ctx.loadControl(i) : 0;
            case DATA_BYTE -> i < ctx.dataBytes() ? ctx.loadDataByte(i) & 0xFF : 0;
            case DATA_WORD -> {
                if (i >= ctx.dataBytes() >>> 2) {
                    yield 0;
                }
                long b = i << 2;
                yield (ctx.loadDataByte(b) & 0xFF) | (ctx.loadDataByte(b + 1) & 0xFF) << 8
                        | (ctx.loadDataByte(b + 2) & 0xFF) << 16 | (ctx.loadDataByte(b + 3) & 0xFF) << 24;
            }
        };
    }
}
