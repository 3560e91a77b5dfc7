package dev.vyre.ir;

/** Local checks shared by the node constructors; each failure is an {@link IrException} naming the node. */
final class Checks {
    private Checks() {
    }

    static <T> T present(String node, String what, T value) {
        if (value == null) {
            throw new IrException(node, "its " + what + " is null", "pass a " + what);
        }
        return value;
    }

    /** @return an unmodifiable copy of {@code stmts}, refusing a null list or element */
    static java.util.List<Stmt> statements(String node, String what, java.util.List<Stmt> stmts) {
        present(node, what, stmts);
        for (int i = 0; i < stmts.size(); i++) {
            present(node, what + " statement " + i, stmts.get(i));
        }
        return java.util.List.copyOf(stmts);
    }

    static Expr operand(String node, String what, Expr value) {
        return present(node, what, value);
    }

    static void index(String node, Expr index) {
        Type t = index.type();
        if (t != Type.U32 && t != Type.U64) {
            throw new IrException(node, "its index is " + t.label() + ", not an unsigned integer",
                    "index with a u32 or u64 value (convert an i32 with Ir.asU32)");
        }
    }

    static void word(String node, String what, Expr value) {
        if (!value.type().isWord()) {
            throw new IrException(node, "its " + what + " is " + value.type().label()
                    + ", but control words hold 32 bits", "pass a u32 or i32 value (truncate a u64 with Ir.asU32)");
        }
    }

    static void sameType(String node, Expr a, Expr b) {
        if (a.type() != b.type()) {
            throw new IrException(node, "its operands have different types (" + a.type().label() + " and "
                    + b.type().label() + ")", "convert one operand with Ir.convert (for example Ir.asU32(x)) so both"
                    + " have the same type");
        }
    }
}
