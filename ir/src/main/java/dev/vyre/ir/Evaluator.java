package dev.vyre.ir;

import dev.vyre.protocol.SlotContext;
import java.util.List;

/**
 * Runs a program over a {@link SlotContext} by walking its nodes. Every memory access is checked
 * against the context's lengths first ({@link SlotOps}: an out-of-range load reads 0, an out-of-range
 * store or atomic does nothing and yields 0), so the context sees only in-range indices. Atomic min/max
 * are compare-and-swap loops over {@link SlotContext#compareAndSwapControl}; data words are four
 * {@link SlotContext#loadDataByte} calls. {@link IrCompiler} turns a program into bytecode with the same
 * semantics; this walker is the reference it is tested against.
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
            case Stmt.Store st -> SlotOps.store(ctx, Arith.index(st.index().type(), eval(st.index())), (int) eval(st.value()));
            case Stmt.Atomic a -> values[a.id()] = atomic(a);
            case Stmt.If i -> block(eval(i.condition()) != 0 ? i.then() : i.otherwise());
            case Stmt.For f -> {
                int n = SlotOps.trips((int) eval(f.count()), f.bound());
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
        boolean signed = a.type() == Type.I32;
        return switch (a.op()) {
            case ADD -> SlotOps.atomicAdd(ctx, i, value);
            case CAS -> SlotOps.compareAndSwap(ctx, i, (int) eval(a.expected()), value);
            case MIN -> signed ? SlotOps.atomicMinI32(ctx, i, value) : SlotOps.atomicMinU32(ctx, i, value);
            case MAX -> signed ? SlotOps.atomicMaxI32(ctx, i, value) : SlotOps.atomicMaxU32(ctx, i, value);
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
        return switch (memory) {
            case CONTROL -> SlotOps.loadControl(ctx, i);
            case DATA_BYTE -> SlotOps.loadDataByte(ctx, i);
            case DATA_WORD -> SlotOps.loadDataWord(ctx, i);
        };
    }
}
