package dev.vyre.ir;

import java.util.List;
import org.apiguardian.api.API;

/**
 * A statement. Statements run in order; the ones that define a binding ({@link Let}, {@link Var},
 * {@link Atomic}, {@link For}) carry its id, and ids are numbered 0, 1, 2, ... in the order the
 * definitions appear in the program (a {@link Program} refuses any other numbering). Each node checks
 * its operands' types when it is constructed and throws {@link IrException} naming itself.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2")
public sealed interface Stmt permits Stmt.Let, Stmt.Var, Stmt.Assign, Stmt.Store, Stmt.Atomic, Stmt.If, Stmt.For {

    /** @return the node's name in messages, e.g. {@code let v3} */
    String label();

    /** Binds immutable {@code v<id>} to {@code value} for the rest of the enclosing block. */
    @API(status = API.Status.EXPERIMENTAL, since = "0.2")
    record Let(int id, Expr value) implements Stmt {
        public Let {
            Checks.operand("let v" + id, "value", value);
        }

        @Override
        public String label() {
            return "let v" + id;
        }
    }

    /** Declares mutable {@code v<id>} with initial value {@code init} for the rest of the enclosing block. */
    @API(status = API.Status.EXPERIMENTAL, since = "0.2")
    record Var(int id, Expr init) implements Stmt {
        public Var {
            Checks.operand("var v" + id, "initial value", init);
        }

        @Override
        public String label() {
            return "var v" + id;
        }
    }

    /** Gives a {@link Var} binding a new value of its type. */
    @API(status = API.Status.EXPERIMENTAL, since = "0.2")
    record Assign(Expr.Ref target, Expr value) implements Stmt {
        public Assign {
            Checks.present("set", "target", target);
            Checks.operand("set v" + target.id(), "value", value);
            if (value.type() != target.type()) {
                throw new IrException("set v" + target.id(), "assigns a " + value.type().label() + " to a "
                        + target.type().label() + " variable", "convert the value with Ir.convert to "
                        + target.type().label());
            }
        }

        @Override
        public String label() {
            return "set v" + target.id();
        }
    }

    /** Writes a 32-bit value to a control word; out of range it does nothing. */
    @API(status = API.Status.EXPERIMENTAL, since = "0.2")
    record Store(Expr index, Expr value) implements Stmt {
        public Store {
            Checks.operand("store", "index", index);
            Checks.operand("store", "value", value);
            Checks.index("store", index);
            Checks.word("store", "value", value);
        }

        @Override
        public String label() {
            return "store";
        }
    }

    /**
     * An atomic read-modify-write of a control word (see {@link AtomicOp}); binds {@code v<id>} to the
     * word's previous value (0 out of range), of {@code value}'s type. {@code expected} is the compared
     * value of {@link AtomicOp#CAS} ({@code value} is then the desired one) and null for every other op.
     */
    @API(status = API.Status.EXPERIMENTAL, since = "0.2")
    record Atomic(int id, AtomicOp op, Expr index, Expr value, Expr expected) implements Stmt {
        public Atomic {
            Checks.present("atomic v" + id, "operator", op);
            String node = "atomic_" + op.label() + " v" + id;
            Checks.operand(node, "index", index);
            Checks.operand(node, "value", value);
            Checks.index(node, index);
            Checks.word(node, "value", value);
            if (op == AtomicOp.CAS) {
                Checks.operand(node, "expected value", expected);
                Checks.sameType(node, expected, value);
            } else if (expected != null) {
                throw new IrException(node, "only compare-and-swap has an expected value", "pass null as expected");
            }
        }

        /** @return the type of the bound previous value */
        public Type type() {
            return value.type();
        }

        @Override
        public String label() {
            return "atomic_" + op.label() + " v" + id;
        }
    }

    /** Runs {@code then} when {@code condition} holds, else {@code otherwise} (which may be empty). */
    @API(status = API.Status.EXPERIMENTAL, since = "0.2")
    record If(Expr condition, List<Stmt> then, List<Stmt> otherwise) implements Stmt {
        public If {
            Checks.operand("if", "condition", condition);
            if (condition.type() != Type.BOOL) {
                throw new IrException("if", "its condition is " + condition.type().label() + ", not bool",
                        "pass a comparison as the condition, for example Ir.ne(x, Ir.u32(0))");
            }
            then = Checks.statements("if", "then block", then);
            otherwise = Checks.statements("if", "else block", otherwise);
        }

        @Override
        public String label() {
            return "if";
        }
    }

    /**
     * Runs {@code body} {@code min(count, bound)} times with the u32 index {@code v<id>} = 0, 1, ...
     * ({@code count} is evaluated once, before the first iteration). {@code bound} is known when the
     * program is built: 1 .. {@link Program#WORK_BUDGET}, and the program's total work bound, loops
     * multiplied out, must stay within {@link Program#WORK_BUDGET}.
     */
    @API(status = API.Status.EXPERIMENTAL, since = "0.2")
    record For(int id, Expr count, int bound, List<Stmt> body) implements Stmt {
        public For {
            Checks.operand("for v" + id, "count", count);
            if (count.type() != Type.U32) {
                throw new IrException("for v" + id, "its count is " + count.type().label() + ", not u32",
                        "pass a u32 trip count (convert with Ir.asU32)");
            }
            if (bound < 1 || bound > Program.WORK_BUDGET) {
                throw new IrException("for v" + id, "its trip-count bound " + bound + " is outside 1.."
                        + Program.WORK_BUDGET + " (a loop needs a bound known when it is built)",
                        "give the loop a bound between 1 and " + Program.WORK_BUDGET
                                + " that covers the counts it will see");
            }
            body = Checks.statements("for v" + id, "body", body);
        }

        @Override
        public String label() {
            return "for v" + id;
        }
    }
}
