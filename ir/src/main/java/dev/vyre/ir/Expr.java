package dev.vyre.ir;

import org.apiguardian.api.API;

/**
 * An expression: a typed value computed without side effects (loads read memory but change nothing).
 * Each node checks its operands' types when it is constructed and throws {@link IrException} naming
 * itself; {@link Ir} has one factory per node. Scoping of {@link Ref}s is checked when a
 * {@link Program} is built.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2")
public sealed interface Expr permits Expr.Const, Expr.Ref, Expr.Unary, Expr.Binary, Expr.Compare, Expr.Select,
        Expr.Convert, Expr.Context, Expr.Arg, Expr.Load {

    /** @return the type of the value */
    Type type();

    /** @return the node's name in messages, e.g. {@code add(u32, u32)} */
    String label();

    /**
     * A constant. {@code bits} holds a bool as 0 or 1, a 32-bit value sign-extended from its
     * {@code int} bit pattern, and a u64 as its {@code long} bit pattern.
     */
    @API(status = API.Status.EXPERIMENTAL, since = "0.2")
    record Const(Type type, long bits) implements Expr {
        public Const {
            Checks.present("const", "type", type);
            if (type == Type.BOOL && bits != 0 && bits != 1) {
                throw new IrException("const(bool)", "value " + bits + " is not 0 or 1", "use Ir.bool(true|false)");
            }
            if (type.isWord() && bits != (int) bits) {
                throw new IrException("const(" + type.label() + ")", "value " + bits + " does not fit 32 bits",
                        "use Ir.u32(int) / Ir.i32(int), or a u64 constant");
            }
        }

        @Override
        public String label() {
            return "const(" + type.label() + ")";
        }
    }

    /** A reference to a binding ({@code let}, {@code var}, an atomic's result or a loop index) by its id. */
    @API(status = API.Status.EXPERIMENTAL, since = "0.2")
    record Ref(int id, Type type) implements Expr {
        public Ref {
            Checks.present("ref", "type", type);
            if (id < 0) {
                throw new IrException("ref v" + id, "binding ids are not negative", "use the Ref a Block returned");
            }
        }

        @Override
        public String label() {
            return "v" + id + "(" + type.label() + ")";
        }
    }

    /** {@code op operand}; see {@link UnaryOp}. */
    @API(status = API.Status.EXPERIMENTAL, since = "0.2")
    record Unary(UnaryOp op, Expr operand) implements Expr {
        public Unary {
            Checks.present("unary", "operator", op);
            Checks.operand(op.label(), "operand", operand);
            if (op == UnaryOp.NEG && !operand.type().isInteger()) {
                throw new IrException("neg(bool)", "negation applies to integers", "use Ir.not for a bool");
            }
        }

        @Override
        public Type type() {
            return operand.type();
        }

        @Override
        public String label() {
            return op.label() + "(" + operand.type().label() + ")";
        }
    }

    /** {@code left op right}; see {@link BinaryOp} for the defined result of every input. */
    @API(status = API.Status.EXPERIMENTAL, since = "0.2")
    record Binary(BinaryOp op, Expr left, Expr right) implements Expr {
        public Binary {
            Checks.present("binary", "operator", op);
            Checks.operand(op.label(), "left operand", left);
            Checks.operand(op.label(), "right operand", right);
            String node = op.label() + "(" + left.type().label() + ", " + right.type().label() + ")";
            if (op.isShift()) {
                if (!left.type().isInteger() || !right.type().isInteger()) {
                    throw new IrException(node, "shifts apply to integers", "shift an integer by an integer count");
                }
            } else {
                Checks.sameType(node, left, right);
                if (left.type() == Type.BOOL && !op.isBitwise()) {
                    throw new IrException(node, op.label() + " applies to integers, not bools",
                            "combine bools with and/or/xor, or convert them with Ir.asU32");
                }
            }
        }

        @Override
        public Type type() {
            return left.type();
        }

        @Override
        public String label() {
            return op.label() + "(" + left.type().label() + ", " + right.type().label() + ")";
        }
    }

    /** {@code left op right} as a bool; see {@link CompareOp}. */
    @API(status = API.Status.EXPERIMENTAL, since = "0.2")
    record Compare(CompareOp op, Expr left, Expr right) implements Expr {
        public Compare {
            Checks.present("compare", "operator", op);
            Checks.operand(op.label(), "left operand", left);
            Checks.operand(op.label(), "right operand", right);
            String node = op.label() + "(" + left.type().label() + ", " + right.type().label() + ")";
            Checks.sameType(node, left, right);
            if (left.type() == Type.BOOL && op != CompareOp.EQ && op != CompareOp.NE) {
                throw new IrException(node, "bools are not ordered", "compare bools with eq or ne");
            }
        }

        @Override
        public Type type() {
            return Type.BOOL;
        }

        @Override
        public String label() {
            return op.label() + "(" + left.type().label() + ", " + right.type().label() + ")";
        }
    }

    /** {@code condition ? ifTrue : ifFalse}; both branches are evaluated (they have no side effects). */
    @API(status = API.Status.EXPERIMENTAL, since = "0.2")
    record Select(Expr condition, Expr ifTrue, Expr ifFalse) implements Expr {
        public Select {
            Checks.operand("select", "condition", condition);
            Checks.operand("select", "true value", ifTrue);
            Checks.operand("select", "false value", ifFalse);
            if (condition.type() != Type.BOOL) {
                throw new IrException("select", "its condition is " + condition.type().label() + ", not bool",
                        "pass a comparison as the condition, for example Ir.ne(x, Ir.u32(0))");
            }
            Checks.sameType("select(" + ifTrue.type().label() + ", " + ifFalse.type().label() + ")", ifTrue, ifFalse);
        }

        @Override
        public Type type() {
            return ifTrue.type();
        }

        @Override
        public String label() {
            return "select(" + ifTrue.type().label() + ")";
        }
    }

    /**
     * {@code value} as type {@code to}: u32 and i32 reinterpret their bits; to u64 a u32 is zero-extended
     * and an i32 sign-extended; from u64 the low 32 bits are kept; a bool becomes 0 or 1.
     */
    @API(status = API.Status.EXPERIMENTAL, since = "0.2")
    record Convert(Type to, Expr value) implements Expr {
        public Convert {
            Checks.present("convert", "target type", to);
            Checks.operand("convert", "value", value);
            if (to == Type.BOOL) {
                throw new IrException("convert(" + value.type().label() + " to bool)", "no conversion gives a bool",
                        "compare instead, for example Ir.ne(x, Ir.u32(0))");
            }
        }

        @Override
        public Type type() {
            return to;
        }

        @Override
        public String label() {
            return "convert(" + value.type().label() + " to " + to.label() + ")";
        }
    }

    /** A field of the executing slot; see {@link ContextField}. */
    @API(status = API.Status.EXPERIMENTAL, since = "0.2")
    record Context(ContextField field) implements Expr {
        public Context {
            Checks.present("context", "field", field);
        }

        @Override
        public Type type() {
            return field.type();
        }

        @Override
        public String label() {
            return field.label();
        }
    }

    /** Argument word {@code index} (0..11) of the slot, a u32. */
    @API(status = API.Status.EXPERIMENTAL, since = "0.2")
    record Arg(int index) implements Expr {
        public Arg {
            if (index < 0 || index >= Ir.ARGS) {
                throw new IrException("arg(" + index + ")", "index " + index + " is outside 0.." + (Ir.ARGS - 1),
                        "read one of the " + Ir.ARGS + " argument words, arg(0) .. arg(" + (Ir.ARGS - 1) + ")");
            }
        }

        @Override
        public Type type() {
            return Type.U32;
        }

        @Override
        public String label() {
            return "arg(" + index + ")";
        }
    }

    /** A u32 read from {@code memory} at an unsigned index; 0 out of range. */
    @API(status = API.Status.EXPERIMENTAL, since = "0.2")
    record Load(Memory memory, Expr index) implements Expr {
        public Load {
            Checks.present("load", "memory", memory);
            Checks.operand("load_" + memory.label(), "index", index);
            Checks.index("load_" + memory.label(), index);
        }

        @Override
        public Type type() {
            return Type.U32;
        }

        @Override
        public String label() {
            return "load_" + memory.label();
        }
    }
}
