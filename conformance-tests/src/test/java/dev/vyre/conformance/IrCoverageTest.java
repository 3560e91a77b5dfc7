package dev.vyre.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.ir.AtomicOp;
import dev.vyre.ir.BinaryOp;
import dev.vyre.ir.CompareOp;
import dev.vyre.ir.ContextField;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Ir;
import dev.vyre.ir.Memory;
import dev.vyre.ir.Program;
import dev.vyre.ir.Stmt;
import dev.vyre.ir.Type;
import dev.vyre.ir.UnaryOp;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The IR cases exercise every feature of the IR: every operator on every type it applies to, every shift
 * count type, conversion, load, store, atomic, statement and slot field; and so does every fuzz batch of the
 * fixed seed set with its hostile families.
 */
class IrCoverageTest {

    static final List<Type> INTEGERS = List.of(Type.U32, Type.I32, Type.U64);

    /** @return every feature the IR has, as the keys {@link #features} produces */
    static Set<String> everyFeature() {
        Set<String> all = new TreeSet<>();
        for (Type t : INTEGERS) {
            for (BinaryOp op : BinaryOp.values()) {
                all.add("binary " + op + " " + t);
            }
            for (CompareOp op : CompareOp.values()) {
                all.add("compare " + op + " " + t);
            }
            for (Type count : INTEGERS) {
                all.add("shift count " + count + " of " + t);
            }
            all.add("unary NEG " + t);
        }
        for (Type t : Type.values()) {
            all.add("unary NOT " + t);
            all.add("select " + t);
            for (Type to : INTEGERS) {
                if (to != t) {
                    all.add("convert " + t + " to " + to);
                }
            }
        }
        for (BinaryOp op : List.of(BinaryOp.AND, BinaryOp.OR, BinaryOp.XOR)) {
            all.add("binary " + op + " BOOL");
        }
        all.add("compare EQ BOOL");
        all.add("compare NE BOOL");
        for (ContextField f : ContextField.values()) {
            all.add("context " + f);
        }
        for (int i = 0; i < Ir.ARGS; i++) {
            all.add("arg " + i);
        }
        for (Memory m : Memory.values()) {
            all.add("load " + m + " index U32");
            all.add("load " + m + " index U64");
        }
        all.add("store index U32");
        all.add("store index U64");
        for (AtomicOp op : AtomicOp.values()) {
            all.add("atomic " + op + " index U32");
            all.add("atomic " + op + " index U64");
        }
        for (AtomicOp op : List.of(AtomicOp.MIN, AtomicOp.MAX)) {
            all.add("atomic " + op + " value U32");
            all.add("atomic " + op + " value I32");
        }
        all.addAll(List.of("let", "var", "assign", "if", "if-else", "for", "nested for"));
        return all;
    }

    /** @return the features {@code programs} use */
    static Set<String> features(Collection<Program> programs) {
        Set<String> seen = new TreeSet<>();
        for (Program p : programs) {
            block(p.body(), seen, 0);
        }
        return seen;
    }

    private static void block(List<Stmt> body, Set<String> seen, int loops) {
        for (Stmt s : body) {
            switch (s) {
                case Stmt.Let l -> {
                    seen.add("let");
                    expr(l.value(), seen);
                }
                case Stmt.Var v -> {
                    seen.add("var");
                    expr(v.init(), seen);
                }
                case Stmt.Assign a -> {
                    seen.add("assign");
                    expr(a.value(), seen);
                }
                case Stmt.Store st -> {
                    seen.add("store index " + st.index().type());
                    expr(st.index(), seen);
                    expr(st.value(), seen);
                }
                case Stmt.Atomic a -> {
                    seen.add("atomic " + a.op() + " index " + a.index().type());
                    seen.add("atomic " + a.op() + " value " + a.value().type());
                    expr(a.index(), seen);
                    expr(a.value(), seen);
                    if (a.expected() != null) {
                        expr(a.expected(), seen);
                    }
                }
                case Stmt.If i -> {
                    seen.add(i.otherwise().isEmpty() ? "if" : "if-else");
                    expr(i.condition(), seen);
                    block(i.then(), seen, loops);
                    block(i.otherwise(), seen, loops);
                }
                case Stmt.For f -> {
                    seen.add(loops > 0 ? "nested for" : "for");
                    expr(f.count(), seen);
                    block(f.body(), seen, loops + 1);
                }
            }
        }
    }

    private static void expr(Expr e, Set<String> seen) {
        switch (e) {
            case Expr.Const c -> {
            }
            case Expr.Ref r -> {
            }
            case Expr.Unary u -> {
                seen.add("unary " + u.op() + " " + u.type());
                expr(u.operand(), seen);
            }
            case Expr.Binary b -> {
                seen.add("binary " + b.op() + " " + b.type());
                if (b.op().isShift()) {
                    seen.add("shift count " + b.right().type() + " of " + b.type());
                }
                expr(b.left(), seen);
                expr(b.right(), seen);
            }
            case Expr.Compare c -> {
                seen.add("compare " + c.op() + " " + c.left().type());
                expr(c.left(), seen);
                expr(c.right(), seen);
            }
            case Expr.Select s -> {
                seen.add("select " + s.type());
                expr(s.condition(), seen);
                expr(s.ifTrue(), seen);
                expr(s.ifFalse(), seen);
            }
            case Expr.Convert c -> {
                if (c.value().type() != c.to()) {
                    seen.add("convert " + c.value().type() + " to " + c.to());
                }
                expr(c.value(), seen);
            }
            case Expr.Context c -> seen.add("context " + c.field());
            case Expr.Arg a -> seen.add("arg " + a.index());
            case Expr.Load l -> {
                seen.add("load " + l.memory() + " index " + l.index().type());
                expr(l.index(), seen);
            }
        }
    }

    @Test
    void theFeatureCasesExerciseEveryFeature() {
        Set<String> missing = new TreeSet<>(everyFeature());
        missing.removeAll(features(IrCases.programs().entrySet().stream()
                .filter(e -> e.getKey() < IrFuzzer.FIRST_OPCODE).map(java.util.Map.Entry::getValue).toList()));
        assertEquals(Set.of(), missing, "IR features no feature case exercises");
    }

    @Test
    void theFixedFuzzBatchesExerciseEveryFeature() {
        Set<String> missing = new TreeSet<>(everyFeature());
        missing.removeAll(features(IrFuzzCases.batch(0, java.util.Map.of()).programs()));
        missing.removeAll(features(IrFuzzCases.longLoopBatch(java.util.Map.of()).programs()));
        assertTrue(missing.size() <= everyFeature().size() / 5,
                "the fixed batches reach at least 80% of the IR's features; missing " + missing);
    }

    @Test
    void everyFixedBatchHoldsTheHostileFamilies() {
        for (int i = 0; i < 3; i++) {
            Set<String> hostile = new TreeSet<>();
            for (Program p : IrFuzzCases.batch(i, java.util.Map.of()).programs()) {
                hostile(p.body(), hostile);
            }
            assertTrue(hostile.containsAll(List.of("shift by 32 or more", "division by 0", "remainder by 0",
                    "control index >= control_words", "control index >= 2^32")), "batch " + i + ": " + hostile);
        }
    }

    /** Collects the hostile constructs of {@code body}: shift counts, zero divisors, out-of-range control indices. */
    private static void hostile(List<Stmt> body, Set<String> seen) {
        for (Stmt s : body) {
            switch (s) {
                case Stmt.Let l -> hostile(l.value(), seen);
                case Stmt.Var v -> hostile(v.init(), seen);
                case Stmt.Assign a -> hostile(a.value(), seen);
                case Stmt.Store st -> {
                    index(st.index(), seen);
                    hostile(st.value(), seen);
                }
                case Stmt.Atomic a -> {
                    index(a.index(), seen);
                    hostile(a.value(), seen);
                }
                case Stmt.If f -> {
                    hostile(f.then(), seen);
                    hostile(f.otherwise(), seen);
                }
                case Stmt.For f -> hostile(f.body(), seen);
            }
        }
    }

    private static void index(Expr i, Set<String> seen) {
        String text = i.toString();
        if (text.contains("CONTROL_WORDS")) {
            seen.add("control index >= control_words");
        }
        if (i instanceof Expr.Const c && Long.compareUnsigned(c.bits(), 1L << 32) >= 0
                || i instanceof Expr.Binary b && b.right() instanceof Expr.Const c2 && c2.type() == Type.U64
                && c2.bits() == 1L << 32) {
            seen.add("control index >= 2^32");
        }
        hostile(i, seen);
    }

    private static void hostile(Expr e, Set<String> seen) {
        if (e instanceof Expr.Binary b) {
            if (b.op().isShift() && b.right() instanceof Expr.Const c && Long.compareUnsigned(c.bits() & 0xFFFF_FFFFL, 32) >= 0) {
                seen.add("shift by 32 or more");
            }
            if ((b.op() == BinaryOp.DIV || b.op() == BinaryOp.REM) && b.right() instanceof Expr.Const c && c.bits() == 0) {
                seen.add(b.op() == BinaryOp.DIV ? "division by 0" : "remainder by 0");
            }
            hostile(b.left(), seen);
            hostile(b.right(), seen);
        } else if (e instanceof Expr.Load l) {
            index(l.index(), seen);
        } else if (e instanceof Expr.Unary u) {
            hostile(u.operand(), seen);
        } else if (e instanceof Expr.Select s) {
            hostile(s.condition(), seen);
            hostile(s.ifTrue(), seen);
            hostile(s.ifFalse(), seen);
        } else if (e instanceof Expr.Convert c) {
            hostile(c.value(), seen);
        } else if (e instanceof Expr.Compare c) {
            hostile(c.left(), seen);
            hostile(c.right(), seen);
        }
    }
}
