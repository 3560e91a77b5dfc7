package dev.vyre.ir;

import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * Writes the canonical binary encoding of a validated program (docs/IR.md, "Encoding"). The bytes
 * depend only on the program: equal programs encode to equal bytes, and {@link Decoder} accepts
 * exactly the encodings this writes.
 */
final class Encoder {
    /** First bytes of every encoding: {@code "VYIR"}. */
    static final byte[] MAGIC = {'V', 'Y', 'I', 'R'};

    static final int LET = 0x01;
    static final int VAR = 0x02;
    static final int ASSIGN = 0x03;
    static final int STORE = 0x04;
    static final int ATOMIC = 0x05;
    static final int IF = 0x06;
    static final int FOR = 0x07;

    static final int CONST = 0x20;
    static final int REF = 0x21;
    static final int UNARY = 0x22;
    static final int BINARY = 0x23;
    static final int COMPARE = 0x24;
    static final int SELECT = 0x25;
    static final int CONVERT = 0x26;
    static final int CONTEXT = 0x27;
    static final int ARG = 0x28;
    static final int LOAD = 0x29;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private Encoder() {
    }

    static byte[] encode(List<Stmt> body) {
        Encoder e = new Encoder();
        e.out.writeBytes(MAGIC);
        e.u8(Program.ENCODING_VERSION);
        e.block(body);
        return e.out.toByteArray();
    }

    private void block(List<Stmt> stmts) {
        u32(stmts.size());
        for (Stmt s : stmts) {
            statement(s);
        }
    }

    private void statement(Stmt s) {
        if (s instanceof Stmt.Let l) {
            u8(LET);
            expr(l.value());
        } else if (s instanceof Stmt.Var v) {
            u8(VAR);
            expr(v.init());
        } else if (s instanceof Stmt.Assign a) {
            u8(ASSIGN);
            u32(a.target().id());
            u8(a.target().type().code());
            expr(a.value());
        } else if (s instanceof Stmt.Store st) {
            u8(STORE);
            expr(st.index());
            expr(st.value());
        } else if (s instanceof Stmt.Atomic a) {
            u8(ATOMIC);
            u8(a.op().code());
            expr(a.index());
            expr(a.value());
            if (a.expected() != null) {
                expr(a.expected());
            }
        } else if (s instanceof Stmt.If i) {
            u8(IF);
            expr(i.condition());
            block(i.then());
            block(i.otherwise());
        } else if (s instanceof Stmt.For f) {
            u8(FOR);
            u32(f.bound());
            expr(f.count());
            block(f.body());
        } else {
            throw new AssertionError("no case for " + s);
        }
    }

    private void expr(Expr e) {
        if (e instanceof Expr.Const c) {
            u8(CONST);
            u8(c.type().code());
            switch (c.type()) {
                case BOOL -> u8((int) c.bits());
                case U32, I32 -> u32((int) c.bits());
                case U64 -> {
                    u32((int) c.bits());
                    u32((int) (c.bits() >>> 32));
                }
            }
        } else if (e instanceof Expr.Ref r) {
            u8(REF);
            u32(r.id());
            u8(r.type().code());
        } else if (e instanceof Expr.Unary u) {
            u8(UNARY);
            u8(u.op().code());
            expr(u.operand());
        } else if (e instanceof Expr.Binary b) {
            u8(BINARY);
            u8(b.op().code());
            expr(b.left());
            expr(b.right());
        } else if (e instanceof Expr.Compare c) {
            u8(COMPARE);
            u8(c.op().code());
            expr(c.left());
            expr(c.right());
        } else if (e instanceof Expr.Select s) {
            u8(SELECT);
            expr(s.condition());
            expr(s.ifTrue());
            expr(s.ifFalse());
        } else if (e instanceof Expr.Convert c) {
            u8(CONVERT);
            u8(c.to().code());
            expr(c.value());
        } else if (e instanceof Expr.Context c) {
            u8(CONTEXT);
            u8(c.field().code());
        } else if (e instanceof Expr.Arg a) {
            u8(ARG);
            u8(a.index());
        } else if (e instanceof Expr.Load l) {
            u8(LOAD);
            u8(l.memory().code());
            expr(l.index());
        } else {
            throw new AssertionError("no case for " + e);
        }
    }

    private void u8(int v) {
        out.write(v);
    }

    private void u32(int v) {
        out.write(v);
        out.write(v >>> 8);
        out.write(v >>> 16);
        out.write(v >>> 24);
    }
}
