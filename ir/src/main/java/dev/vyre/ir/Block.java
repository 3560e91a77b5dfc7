package dev.vyre.ir;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apiguardian.api.API;

/**
 * Appends statements to one block of a program under construction ({@link Program#build}). Every
 * call checks its operands at once (types, and that each {@link Expr.Ref} is in scope here) and
 * throws {@link IrException} naming the statement, e.g. {@code body[2].loop[0] (store)}. Nested
 * blocks are built by the lambdas of {@link #ifThen}, {@link #ifThenElse} and {@link #loop}; while
 * one runs, only the block it was given accepts statements.
 *
 * <p>Not thread-safe: build a program on one thread.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2")
public final class Block {

    /** State shared by the blocks of one program under construction. */
    static final class State {
        final Scope scope = new Scope();
        Block current;
        boolean finished;
    }

    private final State state;
    private final String path;
    private final List<Stmt> stmts = new ArrayList<>();

    private Block(State state, String path) {
        this.state = state;
        this.path = path;
    }

    /** @return the top-level block of a new program */
    static Block root() {
        State state = new State();
        Block root = new Block(state, "body");
        state.current = root;
        return root;
    }

    /** Ends construction; this block and every nested one refuse statements afterwards. */
    List<Stmt> finish() {
        state.finished = true;
        return stmts;
    }

    /**
     * Binds {@code value} to a new immutable binding.
     *
     * @return a reference to it
     */
    public Expr.Ref let(Expr value) {
        String node = node("let v" + state.scope.next());
        check(node, value);
        Stmt.Let s = at(node, () -> new Stmt.Let(state.scope.next(), value));
        return define(node, s, value.type(), false);
    }

    /**
     * Declares a new mutable binding with initial value {@code init}.
     *
     * @return a reference to it
     */
    public Expr.Ref var(Expr init) {
        String node = node("var v" + state.scope.next());
        check(node, init);
        Stmt.Var s = at(node, () -> new Stmt.Var(state.scope.next(), init));
        return define(node, s, init.type(), true);
    }

    /** Assigns {@code value} to {@code variable}, which {@link #var} returned in this block or an enclosing one. */
    public void set(Expr.Ref variable, Expr value) {
        String node = node("set v" + (variable == null ? "?" : variable.id()));
        active(node);
        Stmt.Assign s = at(node, () -> new Stmt.Assign(variable, value));
        state.scope.assignable(node, variable);
        check(node, value);
        stmts.add(s);
    }

    /** Writes 32-bit {@code value} to control word {@code index}; out of range it does nothing. */
    public void store(Expr index, Expr value) {
        String node = node("store");
        Stmt.Store s = at(node, () -> new Stmt.Store(index, value));
        check(node, index, value);
        stmts.add(s);
    }

    /**
     * Adds {@code value} to control word {@code index}.
     *
     * @return the previous value (0 out of range)
     */
    public Expr.Ref atomicAdd(Expr index, Expr value) {
        return atomic(AtomicOp.ADD, index, value, null);
    }

    /**
     * Keeps the smaller of control word {@code index} and {@code value} (signed for an i32 value).
     *
     * @return the previous value
     */
    public Expr.Ref atomicMin(Expr index, Expr value) {
        return atomic(AtomicOp.MIN, index, value, null);
    }

    /**
     * Keeps the larger of control word {@code index} and {@code value} (signed for an i32 value).
     *
     * @return the previous value
     */
    public Expr.Ref atomicMax(Expr index, Expr value) {
        return atomic(AtomicOp.MAX, index, value, null);
    }

    /**
     * Writes {@code desired} to control word {@code index} when it equals {@code expected}.
     *
     * @return the previous value
     */
    public Expr.Ref compareAndSwap(Expr index, Expr expected, Expr desired) {
        return atomic(AtomicOp.CAS, index, desired, expected);
    }

    /** Runs the statements {@code then} adds when {@code condition} holds. */
    public void ifThen(Expr condition, Consumer<Block> then) {
        ifThenElse(condition, then, b -> {
        });
    }

    /** Runs the statements {@code then} adds when {@code condition} holds, else those {@code otherwise} adds. */
    public void ifThenElse(Expr condition, Consumer<Block> then, Consumer<Block> otherwise) {
        String at = path + "[" + stmts.size() + "]";
        String node = at + " (if)";
        at(node, () -> new Stmt.If(condition, List.of(), List.of()));
        check(node, condition);
        List<Stmt> a = nested(at + ".then", Objects.requireNonNull(then, "then"));
        List<Stmt> b = nested(at + ".else", Objects.requireNonNull(otherwise, "otherwise"));
        stmts.add(new Stmt.If(condition, a, b));
    }

    /**
     * Runs the statements {@code body} adds {@code min(count, bound)} times, with a u32 index 0, 1, ...
     * {@code bound} is the loop's trip-count bound, 1 .. {@link Program#WORK_BUDGET}; the program's total
     * work, loops multiplied out, must stay within {@link Program#WORK_BUDGET}.
     *
     * @param count u32 trip count, evaluated once before the first iteration
     * @param body  receives the loop body's block and the index
     */
    public void loop(Expr count, int bound, BiConsumer<Block, Expr.Ref> body) {
        int id = state.scope.next();
        String at = path + "[" + stmts.size() + "]";
        String node = at + " (for v" + id + ")";
        at(node, () -> new Stmt.For(id, count, bound, List.of()));
        check(node, count);
        Objects.requireNonNull(body, "body");
        int mark = state.scope.open();
        state.scope.define(node, id, Type.U32, false);
        Expr.Ref index = new Expr.Ref(id, Type.U32);
        List<Stmt> inner = nested(at + ".loop", b -> body.accept(b, index));
        state.scope.close(mark);
        stmts.add(new Stmt.For(id, count, bound, inner));
    }

    private Expr.Ref atomic(AtomicOp op, Expr index, Expr value, Expr expected) {
        int id = state.scope.next();
        String node = node("atomic_" + op.label() + " v" + id);
        Stmt.Atomic s = at(node, () -> new Stmt.Atomic(id, op, index, value, expected));
        check(node, index, value);
        if (expected != null) {
            check(node, expected);
        }
        return define(node, s, value.type(), false);
    }

    private Expr.Ref define(String node, Stmt s, Type type, boolean mutable) {
        int id = state.scope.next();
        state.scope.define(node, id, type, mutable);
        stmts.add(s);
        return new Expr.Ref(id, type);
    }

    private List<Stmt> nested(String childPath, Consumer<Block> body) {
        Block child = new Block(state, childPath);
        int mark = state.scope.open();
        state.current = child;
        try {
            body.accept(child);
        } finally {
            state.current = this;
        }
        state.scope.close(mark);
        return child.stmts;
    }

    /** Constructs a node, naming the statement's place in the program when the node refuses its operands. */
    private static <T> T at(String node, Supplier<T> construct) {
        try {
            return construct.get();
        } catch (IrException e) {
            throw new IrException(node, e.problem(), e.fix());
        }
    }

    private String node(String label) {
        return path + "[" + stmts.size() + "] (" + label + ")";
    }

    private void check(String node, Expr... exprs) {
        active(node);
        for (Expr e : exprs) {
            state.scope.expression(node, Checks.operand(node, "operand", e));
        }
    }

    private void active(String node) {
        if (state.finished) {
            throw new IrException(node, "the program this block belongs to is already built",
                    "add statements inside the lambda passed to Program.build");
        }
        if (state.current != this) {
            throw new IrException(node, "is added to a block while a nested if/for body is being built, or after"
                    + " its own body ended", "add statements to the Block passed to the innermost lambda");
        }
    }
}
