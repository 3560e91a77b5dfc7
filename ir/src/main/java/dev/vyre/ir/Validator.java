package dev.vyre.ir;

import java.util.List;

/**
 * Checks a whole program: scoping and numbering of bindings, assignment targets, size and nesting
 * limits, and the work bound against {@link Program#WORK_BUDGET}. Node-local typing is checked by the
 * node constructors.
 *
 * <p>Work is counted in IR operations: each statement is 1 plus the nodes of its expressions; an
 * {@code if} counts its condition plus the larger branch; a {@code for} counts its count expression
 * plus {@code bound * (1 + body)}.
 */
final class Validator {
    /** Most nodes (statements and expression nodes) a program may have. */
    static final int MAX_NODES = 1 << 16;
    /** Deepest nesting of {@code if} and {@code for} blocks. */
    static final int MAX_BLOCK_DEPTH = 16;

    /** What validation learnt about a program. */
    record Summary(int bindings, int nodes, long work) {
    }

    private final Scope scope = new Scope();
    private int nodes;

    private Validator() {
    }

    /** @throws IrException naming the first node that breaks a rule */
    static Summary check(List<Stmt> body) {
        Validator v = new Validator();
        long total = 0;
        long largest = -1;
        String largestNode = "";
        int mark = v.scope.open();
        for (int i = 0; i < body.size(); i++) {
            String path = "body[" + i + "]";
            Stmt s = v.present(path, body.get(i));
            long w = v.statement(s, path, 1);
            if (w > largest) {
                largest = w;
                largestNode = path + " (" + s.label() + ")";
            }
            total = add(total, w);
        }
        v.scope.close(mark);
        if (total > Program.WORK_BUDGET) {
            throw new IrException("program", "its work bound " + total + " exceeds the per-slot budget "
                    + Program.WORK_BUDGET + " (the largest part is " + largestNode + " with " + largest + ")",
                    "lower loop bounds or split the work over several slots");
        }
        return new Summary(v.scope.next(), v.nodes, total);
    }

    private long block(List<Stmt> stmts, String path, int depth) {
        if (depth > MAX_BLOCK_DEPTH) {
            throw new IrException(path, "blocks are nested deeper than " + MAX_BLOCK_DEPTH + " levels",
                    "flatten the nesting of if and for");
        }
        int mark = scope.open();
        long work = 0;
        for (int i = 0; i < stmts.size(); i++) {
            String p = path + "[" + i + "]";
            work = add(work, statement(present(p, stmts.get(i)), p, depth));
        }
        scope.close(mark);
        return work;
    }

    private long statement(Stmt s, String path, int depth) {
        String node = path + " (" + s.label() + ")";
        count(node, 1);
        return 1 + work(s, node, path, depth);
    }

    /** @return the work of statement {@code s} itself, its bindings defined in the scope */
    private long work(Stmt s, String node, String path, int depth) {
        if (s instanceof Stmt.Let l) {
            long w = expr(node, l.value());
            scope.define(node, l.id(), l.value().type(), false);
            return w;
        } else if (s instanceof Stmt.Var x) {
            long w = expr(node, x.init());
            scope.define(node, x.id(), x.init().type(), true);
            return w;
        } else if (s instanceof Stmt.Assign a) {
            scope.assignable(node, a.target());
            return expr(node, a.value());
        } else if (s instanceof Stmt.Store st) {
            return expr(node, st.index()) + expr(node, st.value());
        } else if (s instanceof Stmt.Atomic a) {
            long w = expr(node, a.index()) + expr(node, a.value())
                    + (a.expected() == null ? 0 : expr(node, a.expected()));
            scope.define(node, a.id(), a.type(), false);
            return w;
        } else if (s instanceof Stmt.If i) {
            return expr(node, i.condition())
                    + Math.max(block(i.then(), path + ".then", depth + 1), block(i.otherwise(), path + ".else", depth + 1));
        } else if (s instanceof Stmt.For f) {
            long c = expr(node, f.count());
            int mark = scope.open();
            scope.define(node, f.id(), Type.U32, false);
            long body = block(f.body(), path + ".loop", depth + 1);
            scope.close(mark);
            long w = add(c, multiply(f.bound(), add(1, body)));
            if (w > Program.WORK_BUDGET) {
                throw new IrException(node, "its work bound " + w + " (bound " + f.bound() + " x "
                        + add(1, body) + " per iteration) exceeds the per-slot budget " + Program.WORK_BUDGET,
                        "lower the loop's bound or the work of its body, or split the work over several slots");
            }
            return w;
        }
        throw new AssertionError("no case for " + s);
    }

    private long expr(String node, Expr e) {
        int n = scope.expression(node, present(node, e));
        count(node, n);
        return n;
    }

    private void count(String node, int n) {
        nodes += n;
        if (nodes > MAX_NODES) {
            throw new IrException(node, "the program has more than " + MAX_NODES + " nodes",
                    "split the opcode into smaller ones");
        }
    }

    private <T> T present(String node, T value) {
        return Checks.present(node, "node", value);
    }

    private static long add(long a, long b) {
        long r = a + b;
        return r < 0 ? Long.MAX_VALUE : r;
    }

    private static long multiply(long a, long b) {
        return b != 0 && a > Long.MAX_VALUE / b ? Long.MAX_VALUE : a * b;
    }
}
