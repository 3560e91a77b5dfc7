package dev.vyre.ir;

import java.util.List;

/** The text form of a program, one statement a line (docs/IR.md, "Listing"); for reading, not for parsing. */
final class Listing {
    private final StringBuilder out = new StringBuilder();

    private Listing() {
    }

    static String of(List<Stmt> body) {
        Listing l = new Listing();
        l.block(body, "");
        return l.out.toString();
    }

    private void block(List<Stmt> stmts, String indent) {
        for (Stmt s : stmts) {
            out.append(indent);
            switch (s) {
                case Stmt.Let l -> out.append("let v").append(l.id()).append(": ").append(l.value().type().label())
                        .append(" = ").append(expr(l.value())).append('\n');
                case Stmt.Var v -> out.append("var v").append(v.id()).append(": ").append(v.init().type().label())
                        .append(" = ").append(expr(v.init())).append('\n');
                case Stmt.Assign a -> out.append("set v").append(a.target().id()).append(" = ")
                        .append(expr(a.value())).append('\n');
                case Stmt.Store st -> out.append("store_control(").append(expr(st.index())).append(", ")
                        .append(expr(st.value())).append(")\n");
                case Stmt.Atomic a -> out.append("let v").append(a.id()).append(": ").append(a.type().label())
                        .append(" = atomic_").append(a.op().label()).append("_control(").append(expr(a.index()))
                        .append(a.expected() == null ? "" : ", " + expr(a.expected())).append(", ")
                        .append(expr(a.value())).append(")\n");
                case Stmt.If i -> {
                    out.append("if ").append(expr(i.condition())).append(" {\n");
                    block(i.then(), indent + "  ");
                    if (!i.otherwise().isEmpty()) {
                        out.append(indent).append("} else {\n");
                        block(i.otherwise(), indent + "  ");
                    }
                    out.append(indent).append("}\n");
                }
                case Stmt.For f -> {
                    out.append("for v").append(f.id()).append(" < min(").append(expr(f.count())).append(", ")
                            .append(f.bound()).append(") {\n");
                    block(f.body(), indent + "  ");
                    out.append(indent).append("}\n");
                }
            }
        }
    }

    static String expr(Expr e) {
        return switch (e) {
            case Expr.Const c -> switch (c.type()) {
                case BOOL -> c.bits() != 0 ? "true" : "false";
                case U32 -> Integer.toUnsignedString((int) c.bits()) + "u32";
                case I32 -> c.bits() + "i32";
                case U64 -> Long.toUnsignedString(c.bits()) + "u64";
            };
            case Expr.Ref r -> "v" + r.id();
            case Expr.Unary u -> u.op().label() + "(" + expr(u.operand()) + ")";
            case Expr.Binary b -> b.op().label() + "(" + expr(b.left()) + ", " + expr(b.right()) + ")";
            case Expr.Compare c -> c.op().label() + "(" + expr(c.left()) + ", " + expr(c.right()) + ")";
            case Expr.Select s -> "select(" + expr(s.condition()) + ", " + expr(s.ifTrue()) + ", "
                    + expr(s.ifFalse()) + ")";
            case Expr.Convert c -> c.to().label() + "(" + expr(c.value()) + ")";
            case Expr.Context c -> c.field().label();
            case Expr.Arg a -> "arg(" + a.index() + ")";
            case Expr.Load l -> "load_" + l.memory().label() + "(" + expr(l.index()) + ")";
        };
    }
}
