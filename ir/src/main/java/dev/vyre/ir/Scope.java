package dev.vyre.ir;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * The bindings of a program as it is walked in order: their types, which are mutable ({@code var}),
 * and which are visible at the current point. Ids are handed out 0, 1, 2, ... in definition order.
 */
final class Scope {
    /** Deepest expression nesting a program may have. */
    static final int MAX_EXPR_DEPTH = 128;

    private final List<Type> types = new ArrayList<>();
    private final BitSet mutable = new BitSet();
    private final BitSet visible = new BitSet();
    private int walked;

    /** @return the id the next definition must have */
    int next() {
        return types.size();
    }

    /** Defines binding {@code id} (which must be {@link #next()}) as visible from here on. */
    void define(String node, int id, Type type, boolean isMutable) {
        if (id != types.size()) {
            throw new IrException(node, "defines v" + id + " where the next binding is v" + types.size(),
                    "number bindings 0, 1, 2, ... in the order they are defined (a Block does this)");
        }
        types.add(type);
        mutable.set(id, isMutable);
        visible.set(id);
    }

    /** @return a mark to pass to {@link #close} when the block that starts here ends */
    int open() {
        return types.size();
    }

    /** Ends the visibility of every binding defined since {@code mark}. */
    void close(int mark) {
        visible.clear(mark, Math.max(mark, types.size()));
    }

    /** Checks that {@code target} names a visible {@code var} of its type. */
    void assignable(String node, Expr.Ref target) {
        reference(node, target);
        if (!mutable.get(target.id())) {
            throw new IrException(node, "v" + target.id() + " is not a var (lets, loop indices and atomic results"
                    + " are immutable)", "declare the binding with Block.var to assign it");
        }
    }

    /**
     * Checks every reference in {@code e} and its nesting depth.
     *
     * @return the number of nodes in {@code e}
     */
    int expression(String node, Expr e) {
        walked = 0;
        return walk(node, e, 1);
    }

    private int walk(String node, Expr e, int depth) {
        if (depth > MAX_EXPR_DEPTH) {
            throw new IrException(node, "an expression is nested deeper than " + MAX_EXPR_DEPTH + " levels",
                    "bind parts of it with Block.let");
        }
        // an expression may share subtrees; it counts (and is encoded) as the tree it spells, so stop early
        if (++walked > Validator.MAX_NODES) {
            throw new IrException(node, "an expression has more than " + Validator.MAX_NODES + " nodes (counting"
                    + " shared subexpressions once per use)", "bind shared parts with Block.let and use the binding");
        }
        if (e instanceof Expr.Ref r) {
            reference(node, r);
            return 1;
        } else if (e instanceof Expr.Const || e instanceof Expr.Context || e instanceof Expr.Arg) {
            return 1;
        } else if (e instanceof Expr.Binary b) {
            return 1 + walk(node, b.left(), depth + 1) + walk(node, b.right(), depth + 1);
        } else if (e instanceof Expr.Unary u) {
            return 1 + walk(node, u.operand(), depth + 1);
        } else if (e instanceof Expr.Compare c) {
            return 1 + walk(node, c.left(), depth + 1) + walk(node, c.right(), depth + 1);
        } else if (e instanceof Expr.Select s) {
            return 1 + walk(node, s.condition(), depth + 1) + walk(node, s.ifTrue(), depth + 1)
                    + walk(node, s.ifFalse(), depth + 1);
        } else if (e instanceof Expr.Convert c) {
            return 1 + walk(node, c.value(), depth + 1);
        } else if (e instanceof Expr.Load l) {
            return 1 + walk(node, l.index(), depth + 1);
        }
        throw new AssertionError("no case for " + e);
    }

    private void reference(String node, Expr.Ref r) {
        int id = r.id();
        if (id >= types.size() || !visible.get(id)) {
            throw new IrException(node, "reads v" + id + ", which is not in scope here" + (id < types.size()
                    ? " (it was bound in a block that has ended)" : " (it is not defined before this point)"),
                    "use a binding defined earlier in this block or an enclosing one");
        }
        if (types.get(id) != r.type()) {
            throw new IrException(node, "reads v" + id + " as " + r.type().label() + ", but it is "
                    + types.get(id).label(), "use the Ref the Block returned for v" + id);
        }
    }
}
