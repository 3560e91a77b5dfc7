package dev.vyre.ir;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the binary encoding {@link Encoder} writes, refusing anything else: a wrong magic or version,
 * an unknown tag or code, a truncated or over-long input, nesting or size past the limits, or bytes
 * that decode to an invalid program. Every refusal is an {@link IrException} naming the byte offset.
 * It allocates no more than the input's length justifies and recurses no deeper than the limits.
 */
final class Decoder {
    private final byte[] in;
    private int pos;
    private int nextId;
    private int nodes;

    private Decoder(byte[] in) {
        this.in = in;
    }

    static List<Stmt> decode(byte[] bytes) {
        Decoder d = new Decoder(bytes);
        for (int i = 0; i < Encoder.MAGIC.length; i++) {
            if (d.u8("magic") != (Encoder.MAGIC[i] & 0xFF)) {
                throw d.fail(i, "does not start with the magic \"VYIR\"", "pass bytes written by Program.encode()");
            }
        }
        int version = d.u8("version");
        if (version != Program.ENCODING_VERSION) {
            throw d.fail(4, "has format version " + version + ", this decoder reads version " + Program.ENCODING_VERSION,
                    "re-encode the program with this version of vyre-ir");
        }
        List<Stmt> body = d.block(1);
        if (d.pos != bytes.length) {
            throw d.fail(d.pos, (bytes.length - d.pos) + " bytes follow the end of the program",
                    "pass exactly the bytes written by Program.encode()");
        }
        return body;
    }

    private List<Stmt> block(int depth) {
        int at = pos;
        if (depth > Validator.MAX_BLOCK_DEPTH) {
            throw fail(at, "blocks are nested deeper than " + Validator.MAX_BLOCK_DEPTH + " levels", "flatten the nesting");
        }
        long count = Integer.toUnsignedLong(u32("statement count"));
        if (count > in.length - pos) {
            throw fail(at, "declares " + count + " statements but only " + (in.length - pos) + " bytes remain (truncated)",
                    "pass the complete encoding");
        }
        List<Stmt> stmts = new ArrayList<>((int) count);
        for (long i = 0; i < count; i++) {
            stmts.add(statement(depth));
        }
        return stmts;
    }

    private Stmt statement(int depth) {
        int at = pos;
        node(at);
        int tag = u8("statement tag");
        try {
            return switch (tag) {
                case Encoder.LET -> {
                    int id = nextId++;
                    yield new Stmt.Let(id, expr(1));
                }
                case Encoder.VAR -> {
                    int id = nextId++;
                    yield new Stmt.Var(id, expr(1));
                }
                case Encoder.ASSIGN -> {
                    int id = id();
                    Type type = type(u8("type"));
                    yield new Stmt.Assign(new Expr.Ref(id, type), expr(1));
                }
                case Encoder.STORE -> {
                    Expr index = expr(1);
                    yield new Stmt.Store(index, expr(1));
                }
                case Encoder.ATOMIC -> {
                    int id = nextId++;
                    AtomicOp op = code(AtomicOp.ofCode(u8("atomic op")), "atomic op");
                    Expr index = expr(1);
                    Expr value = expr(1);
                    yield new Stmt.Atomic(id, op, index, value, op == AtomicOp.CAS ? expr(1) : null);
                }
                case Encoder.IF -> {
                    Expr condition = expr(1);
                    List<Stmt> then = block(depth + 1);
                    yield new Stmt.If(condition, then, block(depth + 1));
                }
                case Encoder.FOR -> {
                    int id = nextId++;
                    int bound = u32("loop bound");
                    Expr count = expr(1);
                    yield new Stmt.For(id, count, bound, block(depth + 1));
                }
                default -> throw fail(at, "has unknown statement tag 0x" + Integer.toHexString(tag),
                        "pass bytes written by Program.encode()");
            };
        } catch (IrException e) {
            throw wrap(at, e);
        }
    }

    private Expr expr(int depth) {
        int at = pos;
        if (depth > Scope.MAX_EXPR_DEPTH) {
            throw fail(at, "an expression is nested deeper than " + Scope.MAX_EXPR_DEPTH + " levels",
                    "pass bytes written by Program.encode()");
        }
        node(at);
        int tag = u8("expression tag");
        try {
            return switch (tag) {
                case Encoder.CONST -> {
                    Type type = type(u8("type"));
                    long bits = switch (type) {
                        case BOOL -> u8("bool");
                        case U32, I32 -> u32("constant");
                        case U64 -> Integer.toUnsignedLong(u32("constant")) | (long) u32("constant") << 32;
                    };
                    yield new Expr.Const(type, bits);
                }
                case Encoder.REF -> {
                    int id = id();
                    yield new Expr.Ref(id, type(u8("type")));
                }
                case Encoder.UNARY -> new Expr.Unary(code(UnaryOp.ofCode(u8("op")), "unary op"), expr(depth + 1));
                case Encoder.BINARY -> {
                    BinaryOp op = code(BinaryOp.ofCode(u8("op")), "binary op");
                    Expr left = expr(depth + 1);
                    yield new Expr.Binary(op, left, expr(depth + 1));
                }
                case Encoder.COMPARE -> {
                    CompareOp op = code(CompareOp.ofCode(u8("op")), "compare op");
                    Expr left = expr(depth + 1);
                    yield new Expr.Compare(op, left, expr(depth + 1));
                }
                case Encoder.SELECT -> {
                    Expr c = expr(depth + 1);
                    Expr a = expr(depth + 1);
                    yield new Expr.Select(c, a, expr(depth + 1));
                }
                case Encoder.CONVERT -> {
                    Type to = type(u8("type"));
                    yield new Expr.Convert(to, expr(depth + 1));
                }
                case Encoder.CONTEXT -> new Expr.Context(code(ContextField.ofCode(u8("field")), "context field"));
                case Encoder.ARG -> new Expr.Arg(u8("argument index"));
                case Encoder.LOAD -> {
                    Memory m = code(Memory.ofCode(u8("memory")), "memory");
                    yield new Expr.Load(m, expr(depth + 1));
                }
                default -> throw fail(at, "has unknown expression tag 0x" + Integer.toHexString(tag),
                        "pass bytes written by Program.encode()");
            };
        } catch (IrException e) {
            throw wrap(at, e);
        }
    }

    private void node(int at) {
        if (++nodes > Validator.MAX_NODES) {
            throw fail(at, "holds more than " + Validator.MAX_NODES + " nodes", "pass bytes written by Program.encode()");
        }
    }

    private int id() {
        int at = pos;
        int id = u32("binding id");
        if (id < 0 || id >= nextId) {
            throw fail(at, "refers to binding v" + Integer.toUnsignedString(id) + ", which is not defined before it",
                    "pass bytes written by Program.encode()");
        }
        return id;
    }

    private Type type(int code) {
        Type t = Type.ofCode(code);
        if (t == null) {
            throw fail(pos - 1, "has unknown type code " + code, "pass bytes written by Program.encode()");
        }
        return t;
    }

    private <T> T code(T value, String what) {
        if (value == null) {
            throw fail(pos - 1, "has unknown " + what + " code " + (in[pos - 1] & 0xFF),
                    "pass bytes written by Program.encode()");
        }
        return value;
    }

    private int u8(String what) {
        if (pos >= in.length) {
            throw fail(pos, "ends where a " + what + " byte should be (truncated)", "pass the complete encoding");
        }
        return in[pos++] & 0xFF;
    }

    private int u32(String what) {
        if (in.length - pos < 4) {
            throw fail(pos, "ends inside a 4-byte " + what + " (truncated)", "pass the complete encoding");
        }
        int v = (in[pos] & 0xFF) | (in[pos + 1] & 0xFF) << 8 | (in[pos + 2] & 0xFF) << 16 | (in[pos + 3] & 0xFF) << 24;
        pos += 4;
        return v;
    }

    private IrException fail(int at, String problem, String fix) {
        return new IrException("encoding byte " + at, problem, fix);
    }

    private static IrException wrap(int at, IrException e) {
        return e.node().startsWith("encoding byte ") ? e
                : new IrException("encoding byte " + at, "decodes to an invalid node: " + e.node() + ": " + e.problem(),
                        e.fix());
    }
}
