package dev.vyre.ir;

import static dev.vyre.ir.Messages.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class BuilderValidationTest {

    @Test
    void aLoopNeedsABoundKnownWhenItIsBuilt() {
        assertRefused(() -> Program.build(b -> b.loop(Ir.arg(0), 0, (body, i) -> { })), "for v0",
                "bound 0", "known when it is built", "Fix: give the loop a bound between 1 and 16777216");
        assertRefused(() -> Program.build(b -> b.loop(Ir.arg(0), -5, (body, i) -> { })), "for v0", "bound -5");
        assertRefused(() -> Program.build(b -> b.loop(Ir.arg(0), Integer.MAX_VALUE, (body, i) -> { })), "for v0",
                "bound 2147483647");
    }

    @Test
    void nestedLoopsOverTheBudgetAreRefusedNamingTheLoop() {
        IrException e = assertRefused(() -> Program.build(b -> b.loop(Ir.arg(0), 4096, (outer, i) ->
                outer.loop(Ir.arg(1), 4096, (inner, j) -> inner.store(i, j)))), "body[0] (for v0)",
                "exceeds the per-slot budget 16777216", "bound 4096");
        assertTrue(e.fix().contains("lower the loop's bound"), e.fix());
    }

    @Test
    void aProgramOverTheBudgetNamesItsLargestPart() {
        assertRefused(() -> Program.build(b -> {
            b.store(Ir.u32(0), Ir.u32(1));
            b.loop(Ir.arg(0), 3_000_000, (body, i) -> body.store(i, i));
            b.loop(Ir.arg(0), 4_000_000, (body, i) -> body.store(i, i));
        }), "program", "exceeds the per-slot budget", "body[2] (for v1)");
    }

    @Test
    void theWorkBoundMultipliesLoopsOut() {
        Program p = Program.build(b -> b.loop(Ir.arg(0), 10, (outer, i) ->
                outer.loop(Ir.u32(3), 3, (inner, j) -> inner.store(i, j))));
        // store: 1 + 2 refs = 3; inner for: 1 + count 1 + 3 * (1 + 3) = 14; outer: 1 + 1 + 10 * (1 + 14) = 152
        assertEquals(152, p.workBound());
        assertTrue(Samples.crc32c(65536).workBound() <= Program.WORK_BUDGET);
    }

    @Test
    void argumentIndexMustBe0To11() {
        assertRefused(() -> Ir.arg(12), "arg(12)", "outside 0..11", "Fix: read one of the 12 argument words");
        assertRefused(() -> Ir.arg(-1), "arg(-1)", "outside 0..11");
        assertEquals(Type.U32, Ir.arg(11).type());
    }

    @Test
    void operandTypesMustMatch() {
        assertRefused(() -> Ir.add(Ir.u32(1), Ir.i32(1)), "add(u32, i32)", "different types",
                "Fix: convert one operand");
        assertRefused(() -> Ir.lt(Ir.u64(1), Ir.u32(1)), "lt(u64, u32)", "different types");
        assertRefused(() -> Ir.lt(Ir.bool(true), Ir.bool(false)), "lt(bool, bool)", "not ordered");
        assertRefused(() -> Ir.mul(Ir.bool(true), Ir.bool(false)), "mul(bool, bool)", "integers");
        assertRefused(() -> Ir.shl(Ir.u32(1), Ir.bool(true)), "shl(u32, bool)", "integers");
        assertRefused(() -> Ir.neg(Ir.bool(true)), "neg(bool)", "integers");
        assertRefused(() -> Ir.select(Ir.u32(1), Ir.u32(2), Ir.u32(3)), "select", "not bool");
        assertRefused(() -> Ir.select(Ir.bool(true), Ir.u32(2), Ir.u64(3)), "select(u32, u64)", "different types");
        assertRefused(() -> Ir.convert(Type.BOOL, Ir.u32(1)), "convert(u32 to bool)", "Fix: compare instead");
        assertRefused(() -> Ir.loadControl(Ir.i32(1)), "load_control", "not an unsigned integer");
        assertRefused(() -> Ir.add(Ir.u32(1), null), "add", "right operand is null");
    }

    @Test
    void statementsCheckTheirOperands() {
        assertRefused(() -> Program.build(b -> b.store(Ir.u32(0), Ir.u64(1))), "store", "u64",
                "control words hold 32 bits");
        assertRefused(() -> Program.build(b -> b.compareAndSwap(Ir.u32(0), Ir.u32(1), Ir.i32(2))), "atomic_cas v0",
                "different types");
        assertRefused(() -> Program.build(b -> b.ifThen(Ir.u32(1), t -> { })), "if", "not bool");
        assertRefused(() -> Program.build(b -> b.loop(Ir.u64(3), 3, (body, i) -> { })), "for v0", "not u32");
        assertRefused(() -> Program.build(b -> {
            Expr.Ref v = b.var(Ir.u32(0));
            b.set(v, Ir.i32(1));
        }), "body[1] (set v0)", "assigns a i32 to a u32 variable");
    }

    @Test
    void onlyVarsCanBeAssigned() {
        assertRefused(() -> Program.build(b -> {
            Expr.Ref x = b.let(Ir.u32(1));
            b.set(x, Ir.u32(2));
        }), "body[1] (set v0)", "not a var");
        assertRefused(() -> Program.build(b -> b.loop(Ir.u32(2), 2, (body, i) -> body.set(i, Ir.u32(0)))),
                "body[0].loop[0] (set v0)", "not a var");
    }

    @Test
    void aBindingIsVisibleOnlyInItsBlock() {
        assertRefused(() -> Program.build(b -> {
            Expr.Ref[] leaked = new Expr.Ref[1];
            b.loop(Ir.u32(2), 2, (body, i) -> leaked[0] = i);
            b.store(Ir.u32(0), leaked[0]);
        }), "body[1] (store)", "reads v0, which is not in scope here", "block that has ended");
        assertRefused(() -> Program.build(b -> {
            Expr.Ref[] leaked = new Expr.Ref[1];
            b.ifThen(Ir.bool(true), t -> leaked[0] = t.let(Ir.u32(5)));
            b.let(Ir.add(leaked[0], Ir.u32(1)));
        }), "body[1] (let v1)", "not in scope");
        assertRefused(() -> Program.build(b -> b.store(Ir.u32(0), new Expr.Ref(7, Type.U32))), "body[0] (store)",
                "not defined before this point");
        assertRefused(() -> Program.build(b -> {
            b.let(Ir.u32(1));
            b.store(Ir.u32(0), new Expr.Ref(0, Type.I32));
        }), "body[1] (store)", "reads v0 as i32, but it is u32");
    }

    @Test
    void onlyTheInnermostOpenBlockAcceptsStatements() {
        assertRefused(() -> Program.build(b -> b.loop(Ir.u32(1), 1, (body, i) -> b.store(Ir.u32(0), i))),
                "body[0] (store)", "nested if/for body is being built", "Fix: add statements to the Block passed");
        Block[] kept = new Block[1];
        Program.build(b -> kept[0] = b);
        assertRefused(() -> kept[0].store(Ir.u32(0), Ir.u32(0)), "store", "already built");
    }

    @Test
    void programOfChecksNumberingAndScopes() {
        assertRefused(() -> Program.of(List.of(new Stmt.Let(1, Ir.u32(0)))), "body[0] (let v1)",
                "where the next binding is v0");
        assertRefused(() -> Program.of(List.of(new Stmt.Assign(new Expr.Ref(0, Type.U32), Ir.u32(0)))),
                "body[0] (set v0)", "not in scope");
        Program p = Program.of(List.of(new Stmt.Var(0, Ir.u32(0)), new Stmt.Assign(new Expr.Ref(0, Type.U32), Ir.u32(1))));
        assertEquals(1, p.bindings());
    }

    @Test
    void deepExpressionsAreRefusedBeforeTheyOverflowAnything() {
        Expr e = Ir.arg(0);
        for (int i = 0; i < 200; i++) {
            e = Ir.add(e, Ir.u32(1));
        }
        Expr deep = e;
        assertRefused(() -> Program.build(b -> b.store(Ir.u32(0), deep)), "body[0] (store)", "nested deeper than 128");
    }

    @Test
    void sharedSubexpressionsCannotBlowUpTheProgram() {
        Expr e = Ir.arg(0);
        for (int i = 0; i < 60; i++) {
            e = Ir.add(e, e);
        }
        Expr huge = e;
        assertRefused(() -> Program.build(b -> b.store(Ir.u32(0), huge)), "body[0] (store)", "more than 65536 nodes",
                "Fix: bind shared parts with Block.let");
    }
}
