package dev.vyre.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.protocol.CustomOpcode;
import org.junit.jupiter.api.Test;

/** The loop-iteration bound each text lowering declares in its second line, and the short mark after it. */
class LoopIterationsTest {

    private static long declared(Program p, String dialect) {
        String text = switch (dialect) {
            case IrOpcodes.GLSL -> IrOpcodes.glsl(p);
            case IrOpcodes.CUDA_C -> IrOpcodes.cudaC(p);
            default -> IrOpcodes.openClC(p);
        };
        assertTrue(text.split("\n")[1].startsWith(CustomOpcode.LOOP_ITERATIONS_MARK), text);
        return CustomOpcode.declaredLoopIterations(text);
    }

    @Test
    void nestedLoopsMultiplyOut() {
        // CRC-32C: 4096 byte iterations, each with 8 bit iterations
        Program crc = Programs.crc32c(4096);
        for (String d : new String[] {IrOpcodes.CUDA_C, IrOpcodes.GLSL, IrOpcodes.OPENCL_C}) {
            assertEquals(4096 + 4096 * 8, declared(crc, d), d);
        }
        assertEquals(0, declared(Samples.addToObservable(), IrOpcodes.GLSL), "no loop");
    }

    @Test
    void anIfCountsItsLargerBranchAndGlslCountsItsU64DivisionLoops() {
        Program p = Program.build(b -> {
            b.ifThenElse(Ir.eq(Ir.arg(0), Ir.u32(1)),
                    t -> t.loop(Ir.arg(1), 100, (body, i) -> body.store(Ir.u32(160), i)),
                    e -> e.loop(Ir.arg(1), 30, (body, i) -> body.loop(Ir.u32(5), 5,
                            (inner, k) -> inner.store(Ir.u32(161), k))));
            b.loop(Ir.u32(10), 10, (body, i) -> body.store(Ir.u32(162),
                    Ir.asU32(Ir.div(Ir.asU64(Ir.arg(2)), Ir.asU64(Ir.add(i, Ir.u32(1)))))));
            b.atomicMin(Ir.u32(163), Ir.arg(3));
        });
        // the else branch (30 + 30 x 5 = 180) beats the then branch (100); the last loop runs 10 times
        long c = 180 + 10 + 1;
        assertEquals(c, declared(p, IrOpcodes.CUDA_C), "CUDA C divides u64 natively");
        assertEquals(c, declared(p, IrOpcodes.OPENCL_C));
        assertEquals(c + 10 * 64, declared(p, IrOpcodes.GLSL), "GLSL's u64 division is a 64-step loop");
    }

    private static boolean declaresShort(Program p) {
        for (String text : new String[] {IrOpcodes.cudaC(p), IrOpcodes.glsl(p), IrOpcodes.openClC(p)}) {
            if (CustomOpcode.declaresShort(text) != text.split("\n")[2].equals(CustomOpcode.SHORT_MARK)) {
                throw new AssertionError("the mark is not the third line: " + text);
            }
        }
        return CustomOpcode.declaresShort(IrOpcodes.cudaC(p));
    }

    @Test
    void aLoopFreeProgramThatReadsNoDataDeclaresItselfShort() {
        assertTrue(declaresShort(Program.build(b -> b.atomicAdd(Ir.asU64(Ir.arg(1)), Ir.arg(0)))));
        assertTrue(declaresShort(Samples.addToObservable()));
        assertTrue(declaresShort(Program.build(b -> b.ifThenElse(Ir.eq(Ir.arg(0), Ir.u32(1)),
                t -> t.store(Ir.u32(160), Ir.loadControl(Ir.u32(161))), e -> e.store(Ir.u32(161), Ir.arg(2))))),
                "control reads and branches are short");
    }

    @Test
    void loopsDataReadsOrManyStatementsAreNotShort() {
        assertFalse(declaresShort(Programs.crc32c(16)), "loops");
        assertFalse(declaresShort(Program.build(b -> b.store(Ir.u32(160), Ir.loadDataByte(Ir.asU64(Ir.arg(0)))))),
                "a data read crosses PCIe on a GPU");
        assertFalse(declaresShort(Program.build(b -> b.store(Ir.u32(160), Ir.loadDataWord(Ir.asU64(Ir.arg(0)))))));
        assertTrue(declaresShort(Program.build(b -> {
            for (int i = 0; i < CustomOpcode.SHORT_STATEMENTS; i++) {
                b.store(Ir.u32(160 + i % 8), Ir.arg(0));
            }
        })), "the most statements");
        assertFalse(declaresShort(Program.build(b -> {
            for (int i = 0; i <= CustomOpcode.SHORT_STATEMENTS; i++) {
                b.store(Ir.u32(160 + i % 8), Ir.arg(0));
            }
        })), "one statement more");
    }
}
