package dev.vyre.ir;

import java.util.List;
import java.util.Locale;

/**
 * Lowers a program to the statements of a C-like custom-opcode body. Every expression node that is
 * not a constant or a binding gets its own temporary ({@code ir_t<n>}), declared right before the
 * statement that uses it, so evaluation order is the evaluator's and no node needs helper functions;
 * bindings are {@code ir_v<id>}. Subclasses spell the nodes in their dialect with the same semantics
 * as {@link Arith} (docs/IR.md).
 */
abstract sealed class TextEmitter permits CudaEmitter, GlslEmitter {
    private final StringBuilder out = new StringBuilder();
    private String indent = "";
    private int temps;

    /** @return the body text for {@code program} */
    final String emit(Program program, String dialect) {
        line("// vyre IR " + dialect + " body, program sha256 " + program.fingerprint());
        block(program.body());
        return out.toString();
    }

    // ---- dialect ----

    /** @return the declared type of a value of {@code t} */
    abstract String type(Type t);

    /** @return the 32-bit storage type (control words, loop counters) */
    abstract String word();

    /** @return true when a constant of type {@code t} may appear inline (else it gets a temporary) */
    abstract boolean inlines(Type t);

    abstract String constant(Expr.Const c);

    abstract String context(ContextField field);

    abstract String arg(int index);

    /** @return the helper-call index for an index operand of type {@code t} (u32 or u64) */
    abstract String index(String operand, Type t);

    abstract String load(Memory memory, String index);

    abstract String store(String index, String value);

    abstract String atomicAdd(String index, String value);

    abstract String compareAndSwap(String index, String expected, String desired);

    /** @return a bool expression: {@code a < b} for 32-bit {@code t} (signed for i32) */
    abstract String less(Type t, String a, String b);

    abstract void unary(String result, UnaryOp op, Type t, String a);

    abstract void binary(String result, BinaryOp op, Type t, Type countType, String a, String b);

    abstract void compare(String result, CompareOp op, Type t, String a, String b);

    abstract void convert(String result, Type from, Type to, String a);

    // ---- shared ----

    static String var(int id) {
        return "ir_v" + id;
    }

    static String u32(long bits) {
        return String.format(Locale.ROOT, "0x%08Xu", bits & 0xFFFF_FFFFL);
    }

    final String temp() {
        return "ir_t" + temps++;
    }

    final void line(String s) {
        out.append(indent).append(s).append('\n');
    }

    final void open(String s) {
        line(s);
        indent += "    ";
    }

    final void close(String s) {
        indent = indent.substring(4);
        line(s);
    }

    /** Declares {@code name} of type {@code t} with {@code value}. */
    final void declare(Type t, String name, String value) {
        line(type(t) + " " + name + " = " + value + ";");
    }

    private void block(List<Stmt> stmts) {
        for (Stmt s : stmts) {
            statement(s);
        }
    }

    private void statement(Stmt s) {
        switch (s) {
            case Stmt.Let l -> {
                String v = expr(l.value());
                declare(l.value().type(), var(l.id()), v);
            }
            case Stmt.Var v -> {
                String init = expr(v.init());
                declare(v.init().type(), var(v.id()), init);
            }
            case Stmt.Assign a -> {
                String v = expr(a.value());
                line(var(a.target().id()) + " = " + v + ";");
            }
            case Stmt.Store st -> {
                String i = indexOf(st.index());
                String v = expr(st.value());
                line(store(i, v) + ";");
            }
            case Stmt.Atomic a -> atomic(a);
            case Stmt.If i -> {
                String c = expr(i.condition());
                open("if (" + c + ") {");
                block(i.then());
                if (i.otherwise().isEmpty()) {
                    close("}");
                } else {
                    close("} else {");
                    indent += "    ";
                    block(i.otherwise());
                    close("}");
                }
            }
            case Stmt.For f -> {
                String count = expr(f.count());
                String n = temp();
                String bound = u32(f.bound());
                open("{");
                line(word() + " " + n + " = " + count + ";");
                line("if (" + n + " > " + bound + ") " + n + " = " + bound + ";");
                String v = var(f.id());
                open("for (" + word() + " " + v + " = 0u; " + v + " < " + n + "; ++" + v + ") {");
                block(f.body());
                close("}");
                close("}");
            }
        }
    }

    private void atomic(Stmt.Atomic a) {
        String i = indexOf(a.index());
        String v = expr(a.value());
        String r = var(a.id());
        switch (a.op()) {
            case ADD -> line(word() + " " + r + " = " + atomicAdd(i, v) + ";");
            case CAS -> {
                String e = expr(a.expected());
                line(word() + " " + r + " = " + compareAndSwap(i, e, v) + ";");
            }
            case MIN, MAX -> {
                // lock-free: a failed swap means another lane changed the word; an out-of-range word loads
                // 0 and swaps nothing, returning 0 (the bounds rule)
                line(word() + " " + r + " = " + load(Memory.CONTROL, i) + ";");
                open("while (true) {");
                String n = temp();
                String better = a.op() == AtomicOp.MIN ? less(a.type(), v, r) : less(a.type(), r, v);
                line(word() + " " + n + " = (" + better + ") ? " + v + " : " + r + ";");
                line("if (" + n + " == " + r + ") break;");
                String p = temp();
                line(word() + " " + p + " = " + compareAndSwap(i, r, n) + ";");
                line("if (" + p + " == " + r + ") break;");
                line(r + " = " + p + ";");
                close("}");
            }
        }
    }

    private String indexOf(Expr index) {
        return index(expr(index), index.type());
    }

    /**
     * Emits the temporaries of {@code e}.
     *
     * @return the text of its value: a constant, a binding or a temporary
     */
    final String expr(Expr e) {
        if (e instanceof Expr.Ref r) {
            return var(r.id());
        }
        if (e instanceof Expr.Const c && inlines(c.type())) {
            return constant(c);
        }
        switch (e) {
            case Expr.Const c -> {
                String t = temp();
                declare(c.type(), t, constant(c));
                return t;
            }
            case Expr.Unary u -> {
                String a = expr(u.operand());
                String t = temp();
                unary(t, u.op(), u.type(), a);
                return t;
            }
            case Expr.Binary b -> {
                String l = expr(b.left());
                String r = expr(b.right());
                String t = temp();
                binary(t, b.op(), b.type(), b.right().type(), l, r);
                return t;
            }
            case Expr.Compare c -> {
                String l = expr(c.left());
                String r = expr(c.right());
                String t = temp();
                compare(t, c.op(), c.left().type(), l, r);
                return t;
            }
            case Expr.Select s -> {
                String c = expr(s.condition());
                String a = expr(s.ifTrue());
                String b = expr(s.ifFalse());
                String t = temp();
                declare(s.type(), t, c + " ? " + a + " : " + b);
                return t;
            }
            case Expr.Convert c -> {
                String a = expr(c.value());
                String t = temp();
                convert(t, c.value().type(), c.to(), a);
                return t;
            }
            case Expr.Context c -> {
                String t = temp();
                declare(c.type(), t, context(c.field()));
                return t;
            }
            case Expr.Arg a -> {
                String t = temp();
                declare(Type.U32, t, arg(a.index()));
                return t;
            }
            case Expr.Load l -> {
                String i = indexOf(l.index());
                String t = temp();
                declare(Type.U32, t, load(l.memory(), i));
                return t;
            }
            case Expr.Ref r -> {
                return var(r.id());
            }
        }
    }
}
