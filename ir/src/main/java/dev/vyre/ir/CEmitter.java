package dev.vyre.ir;

import dev.vyre.protocol.CustomOpcode;
import java.util.HexFormat;
import java.util.List;

/**
 * Lowers a program to the statements of a C-like custom-opcode body in one {@link CDialect}. Each IR
 * statement becomes one statement whose expressions are written inline (IR expressions have no side
 * effects, so their evaluation order is free); a temporary ({@code ir_t<n>}) is declared just before the
 * statement only where a value is read twice (min/max, a zero-divisor guard, the halves of a GLSL u64) or
 * needs statements of its own (a GLSL u64 carry or division, a signed division); bindings are
 * {@code ir_v<id>}. Few variables keep the body cheap for the driver's optimiser.
 *
 * <p>The semantics are {@link Arith}'s (docs/IR.md) in every dialect: u32 and i32 are held in the dialect's
 * unsigned word, so add, subtract, multiply and left shift wrap and no signed C integer ever overflows;
 * signedness appears only in compares, min/max, arithmetic shift right and division, through
 * {@link CDialect#signed}. Shift counts are masked, every division is guarded against a zero divisor (and
 * signed division against {@code MIN / -1}), and memory is reached only through the megakernel's
 * bounds-checked helpers.
 *
 * <p>Texts follow one convention: an atom (a name or a literal) or a parenthesised expression (or a call)
 * without side effects, so any text can be an operand. One instance prints one body.
 */
final class CEmitter {
    /** A name or a literal: a text that may be repeated without repeating work. */

    private final CDialect dialect;
    private final U64Lowering wide;
    private final StringBuilder out = new StringBuilder();
    private String indent = "";
    private int temps;
    /** Loop iterations of one run counted so far (an {@code if} counts its larger branch). */
    private long iterations;
    /** Runs of the statement being emitted per run of the body: the product of the enclosing loops' bounds. */
    private long runs = 1;
    /** Statements of the program, nested ones included. */
    private int statements;
    /** Loads from the data buffer in the program's text. */
    private int dataLoads;

    private CEmitter(CDialect dialect) {
        this.dialect = dialect;
        this.wide = dialect.u64();
    }

    /** @return the body text of {@code program} in {@code dialect}; a pure function of both */
    static String emit(Program program, CDialect dialect) {
        CEmitter e = new CEmitter(dialect);
        e.block(program.body());
        return "// vyre IR " + dialect.name() + " body, program sha256 " + program.fingerprint() + "\n"
                + CustomOpcode.LOOP_ITERATIONS_MARK + e.iterations + "\n"
                + (e.isShort() ? CustomOpcode.SHORT_MARK + "\n" : "") + e.out;
    }

    /** @return whether the body is {@link CustomOpcode#SHORT_MARK short}: no loops, no data reads, few statements */
    private boolean isShort() {
        return iterations == 0 && dataLoads == 0 && statements <= CustomOpcode.SHORT_STATEMENTS;
    }

    /**
     * Counts a loop the lowering itself writes (a GLSL u64 division's 64 steps; one pass of an atomic
     * min/max loop, which repeats only when another lane changed the word) as {@code perRun} iterations
     * each time the current statement runs.
     */
    void countLoop(long perRun) {
        iterations += runs * perRun;
    }

    // ---- output, for dialects and u64 lowerings ----

    /** @return a fresh temporary name */
    String temp() {
        return "ir_t" + temps++;
    }

    /** Appends one line at the current indentation. */
    void line(String s) {
        out.append(indent).append(s).append('\n');
    }

    /** Appends {@code s} and indents what follows. */
    void open(String s) {
        line(s);
        indent += "    ";
    }

    /** Ends an indentation level with {@code s}. */
    void close(String s) {
        indent = indent.substring(4);
        line(s);
    }

    /** Declares {@code name} of type {@code t} with {@code value}. */
    void declare(Type t, String name, String value) {
        line(type(t) + " " + name + " = " + value + ";");
    }

    /**
     * @return {@code text} itself when it is a name or a literal, else a temporary of type {@code t} declared
     *         with it (for a value that is read more than once)
     */
    String atom(Type t, String text) {
        if (isAtom(text)) {
            return text;
        }
        String name = temp();
        declare(t, name, text);
        return name;
    }

    /**
     * @return true when {@code text} is an identifier ({@code [A-Za-z_][A-Za-z0-9_]*}, which includes
     *         {@code true} and {@code false}) or a hex literal ({@code 0x[0-9A-Fa-f]+[uUL]*})
     */
    static boolean isAtom(String text) {
        int n = text.length();
        if (n == 0) {
            return false;
        }
        if (n > 2 && text.charAt(0) == '0' && text.charAt(1) == 'x') {
            int i = 2;
            while (i < n && HexFormat.isHexDigit(text.charAt(i))) {
                i++;
            }
            if (i == 2) {
                return false;
            }
            while (i < n && "uUL".indexOf(text.charAt(i)) >= 0) {
                i++;
            }
            return i == n;
        }
        char first = text.charAt(0);
        if (!(first == '_' || (first >= 'A' && first <= 'Z') || (first >= 'a' && first <= 'z'))) {
            return false;
        }
        for (int i = 1; i < n; i++) {
            char c = text.charAt(i);
            if (!(c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
                return false;
            }
        }
        return true;
    }

    /** @return the dialect's type name for values of {@code t} */
    String type(Type t) {
        return switch (t) {
            case BOOL -> dialect.bool();
            case U32, I32 -> dialect.word();
            case U64 -> wide.type();
        };
    }

    /** @return the word constant {@code bits} (its low 32 bits), e.g. {@code 0x0000001Fu} */
    static String word(long bits) {
        return "0x" + HEX.toHexDigits((int) bits) + "u";
    }

    /** Upper-case hex digits (no locale, no formatter: lowering runs on the registration path). */
    static final HexFormat HEX = HexFormat.of().withUpperCase();

    private static String var(int id) {
        return "ir_v" + id;
    }

    // ---- statements ----

    private void block(List<Stmt> stmts) {
        for (Stmt s : stmts) {
            statement(s);
        }
    }

    private void statement(Stmt s) {
        statements++;
        if (s instanceof Stmt.Let l) {
            String v = expr(l.value());
            declare(l.value().type(), var(l.id()), v);
        } else if (s instanceof Stmt.Var v) {
            String init = expr(v.init());
            declare(v.init().type(), var(v.id()), init);
        } else if (s instanceof Stmt.Assign a) {
            String v = expr(a.value());
            line(var(a.target().id()) + " = " + v + ";");
        } else if (s instanceof Stmt.Store st) {
            String i = indexOf(st.index());
            String v = expr(st.value());
            line(dialect.call("vyre_store_control", i, v) + ";");
        } else if (s instanceof Stmt.Atomic a) {
            atomic(a);
        } else if (s instanceof Stmt.If i) {
            String c = expr(i.condition());
            open("if (" + c + ") {");
            long before = iterations;
            block(i.then());
            long then = iterations - before;
            iterations = before;
            if (i.otherwise().isEmpty()) {
                close("}");
            } else {
                close("} else {");
                indent += "    ";
                block(i.otherwise());
                close("}");
            }
            iterations = Math.max(iterations, before + then);
        } else if (s instanceof Stmt.For f) {
            String count = expr(f.count());
            String n = temp();
            String bound = word(f.bound());
            String w = dialect.word();
            open("{");
            line(w + " " + n + " = " + count + ";");
            line("if (" + n + " > " + bound + ") " + n + " = " + bound + ";");
            String v = var(f.id());
            open("for (" + w + " " + v + " = 0u; " + v + " < " + n + "; ++" + v + ") {");
            countLoop(f.bound());
            long outer = runs;
            runs = outer * f.bound();
            block(f.body());
            runs = outer;
            close("}");
            close("}");
        } else {
            throw new AssertionError("no case for " + s);
        }
    }

    private void atomic(Stmt.Atomic a) {
        String i = indexOf(a.index());
        String v = expr(a.value());
        String r = var(a.id());
        String w = dialect.word();
        switch (a.op()) {
            case ADD -> line(w + " " + r + " = " + dialect.call("vyre_atomic_add_control", i, v) + ";");
            case CAS -> {
                String e = expr(a.expected());
                line(w + " " + r + " = " + dialect.call("vyre_cas_control", i, e, v) + ";");
            }
            case MIN, MAX -> {
                // index and value are read once, before the loop; lock-free: a failed swap means another lane
                // changed the word; an out-of-range word loads 0 and swaps nothing, returning 0 (the bounds rule)
                String at = atom(wide.indexType(), i);
                String value = atom(a.type(), v);
                line(w + " " + r + " = " + dialect.call("vyre_load_control", at) + ";");
                open("while (true) {");
                countLoop(1);
                String n = temp();
                String better = a.op() == AtomicOp.MIN ? less32(a.type(), value, r) : less32(a.type(), r, value);
                line(w + " " + n + " = " + better + " ? " + value + " : " + r + ";");
                line("if (" + n + " == " + r + ") break;");
                String p = temp();
                line(w + " " + p + " = " + dialect.call("vyre_cas_control", at, r, n) + ";");
                line("if (" + p + " == " + r + ") break;");
                line(r + " = " + p + ";");
                close("}");
            }
        }
    }

    /** @return the helper index of {@code index} */
    private String indexOf(Expr index) {
        String i = expr(index);
        return index.type() == Type.U64 ? wide.index(this, i) : wide.wordIndex(i);
    }

    // ---- expressions ----

    /**
     * Emits what {@code e} needs before its statement (temporaries).
     *
     * @return the text of its value
     */
    private String expr(Expr e) {
        if (e instanceof Expr.Ref r) {
            return var(r.id());
        } else if (e instanceof Expr.Const c) {
            String v = constant(c);
            if (c.type() != Type.U64 || wide.inlinesConstants()) {
                return v;
            }
            String t = temp();
            declare(c.type(), t, v);
            return t;
        } else if (e instanceof Expr.Unary u) {
            return unary(u.op(), u.type(), expr(u.operand()));
        } else if (e instanceof Expr.Binary b) {
            String l = expr(b.left());
            String r = expr(b.right());
            return binary(b.op(), b.type(), b.right().type(), l, r);
        } else if (e instanceof Expr.Compare c) {
            String l = expr(c.left());
            String r = expr(c.right());
            return compare(c.op(), c.left().type(), l, r);
        } else if (e instanceof Expr.Select s) {
            String c = expr(s.condition());
            String a = expr(s.ifTrue());
            String b = expr(s.ifFalse());
            return "(" + c + " ? " + a + " : " + b + ")";
        } else if (e instanceof Expr.Convert c) {
            return convert(c.value().type(), c.to(), expr(c.value()));
        } else if (e instanceof Expr.Context c) {
            return dialect.context(c.field());
        } else if (e instanceof Expr.Arg a) {
            return dialect.call("vyre_arg", a.index() + "u");
        } else if (e instanceof Expr.Load l) {
            if (l.memory() != Memory.CONTROL) {
                dataLoads++;
            }
            String i = indexOf(l.index());
            return dialect.call(switch (l.memory()) {
                case CONTROL -> "vyre_load_control";
                case DATA_BYTE -> "vyre_load_data_byte";
                case DATA_WORD -> "vyre_load_data_word";
            }, i);
        } else {
            throw new AssertionError("no case for " + e);
        }
    }

    private String constant(Expr.Const c) {
        return switch (c.type()) {
            case BOOL -> c.bits() != 0 ? "true" : "false";
            case U32, I32 -> word(c.bits());
            case U64 -> wide.constant(c.bits());
        };
    }

    private String unary(UnaryOp op, Type t, String a) {
        return switch (op) {
            case NOT -> "(" + (t == Type.BOOL ? "!" : "~") + a + ")";
            case NEG -> t == Type.U64 ? wide.negate(this, a) : "(0u - " + a + ")";
        };
    }

    private String binary(BinaryOp op, Type t, Type countType, String a, String b) {
        if (t == Type.BOOL) {
            return "(" + a + switch (op) {
                case AND -> " && ";
                case OR -> " || ";
                default -> " != ";
            } + b + ")";
        }
        return switch (op) {
            case AND -> "(" + a + " & " + b + ")";
            case OR -> "(" + a + " | " + b + ")";
            case XOR -> "(" + a + " ^ " + b + ")";
            case MIN, MAX -> {
                String x = atom(t, a);
                String y = atom(t, b);
                yield "(" + (op == BinaryOp.MIN ? less(t, y, x) : less(t, x, y)) + " ? " + y + " : " + x + ")";
            }
            default -> {
                String count = op.isShift() && countType == Type.U64 ? wide.low(this, b) : b;
                yield t == Type.U64 ? wide.arithmetic(this, op, a, b, count) : word(op, t == Type.I32, a, b, count);
            }
        };
    }

    /** @return the value of {@code a op b} on words: add, sub, mul, div, rem, shl, shr */
    private String word(BinaryOp op, boolean signed, String a, String b, String count) {
        return switch (op) {
            case ADD -> "(" + a + " + " + b + ")";
            case SUB -> "(" + a + " - " + b + ")";
            case MUL -> "(" + a + " * " + b + ")";
            case DIV, REM -> {
                if (signed) {
                    yield signedDivision(a, b, op == BinaryOp.REM);
                }
                String d = atom(Type.U32, b);
                yield "((" + d + " == 0u) ? 0u : " + a + (op == BinaryOp.REM ? " % " : " / ") + dialect.safeDivisor(d) + ")";
            }
            case SHL -> "(" + a + " << (" + count + " & 31u))";
            case SHR -> signed ? dialect.unsigned(dialect.signed(a) + " >> (" + count + " & 31u)")
                    : "(" + a + " >> (" + count + " & 31u))";
            default -> throw new IllegalStateException(op + " is not word arithmetic");
        };
    }

    /**
     * Signed division on magnitudes: no zero divisor, and MIN / -1 wraps to MIN (the magnitudes are
     * unsigned, so |MIN| = 2<sup>31</sup> divides without overflow).
     *
     * @return the result's text
     */
    private String signedDivision(String a0, String b0, boolean remainder) {
        String w = dialect.word();
        String a = atom(Type.I32, a0);
        String b = atom(Type.I32, b0);
        String ma = temp();
        String mb = temp();
        String m = temp();
        line(w + " " + ma + " = (" + a + " >> 31u) != 0u ? 0u - " + a + " : " + a + ";");
        line(w + " " + mb + " = (" + b + " >> 31u) != 0u ? 0u - " + b + " : " + b + ";");
        line(w + " " + m + " = (" + mb + " == 0u) ? 0u : " + ma + (remainder ? " % " : " / ")
                + dialect.safeDivisor(mb) + ";");
        String negative = remainder ? "(" + a + " >> 31u) != 0u" : "((" + a + " ^ " + b + ") >> 31u) != 0u";
        return "((" + negative + ") ? 0u - " + m + " : " + m + ")";
    }

    /** @return a bool: {@code a < b} for {@code t} (signed for i32) */
    private String less(Type t, String a, String b) {
        return t == Type.U64 ? wide.less(this, a, b, false) : less32(t, a, b);
    }

    private String less32(Type t, String a, String b) {
        return t == Type.I32 ? "(" + dialect.signed(a) + " < " + dialect.signed(b) + ")" : "(" + a + " < " + b + ")";
    }

    private String compare(CompareOp op, Type t, String a, String b) {
        if (op == CompareOp.EQ || op == CompareOp.NE) {
            return "(" + a + (op == CompareOp.EQ ? " == " : " != ") + b + ")";
        }
        if (t == Type.U64) {
            return switch (op) {
                case LT -> wide.less(this, a, b, false);
                case LE -> wide.less(this, a, b, true);
                case GT -> wide.less(this, b, a, false);
                default -> wide.less(this, b, a, true);
            };
        }
        String x = t == Type.I32 ? dialect.signed(a) : a;
        String y = t == Type.I32 ? dialect.signed(b) : b;
        return "(" + x + switch (op) {
            case LT -> " < ";
            case LE -> " <= ";
            case GT -> " > ";
            default -> " >= ";
        } + y + ")";
    }

    private String convert(Type from, Type to, String a) {
        if (from == Type.BOOL) {
            return to == Type.U64 ? wide.fromBool(a) : "(" + a + " ? 1u : 0u)";
        }
        if (to == Type.U64) {
            return switch (from) {
                case U32 -> wide.fromU32(this, a);
                case I32 -> wide.fromI32(this, a);
                default -> a;
            };
        }
        return from == Type.U64 ? wide.low(this, a) : a;
    }
}
