package dev.vyre.ir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.ir.testing.BoundedSlotContext;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The bytecode compiler against the tree-walking evaluator: on thousands of random programs (every node
 * and statement kind, hostile constants and indices, nested loops), the feature matrices and CRC-32C,
 * each over several random slots and buffers, the compiled handler must leave the control words exactly
 * as the evaluator does and pass the context no out-of-range index. {@code -Dvyre.irCompile.programs=N}
 * runs N random programs (default 2000).
 */
class CompiledIrHandlerTest {
    private static final int PROGRAMS = Integer.getInteger("vyre.irCompile.programs", 2000);
    private static final int[] HOSTILE = {0, -1, Integer.MIN_VALUE, 32, 33, 64, 160, 255, 0x7F, 1};

    @Test
    void randomProgramsMatchTheEvaluator() {
        Random rnd = new Random(7);
        int i = 0;
        for (Program p : Samples.generated(0xC0FFEE, PROGRAMS, PROGRAMS / 20)) {
            assertSame(p, rnd, 3, "generated program " + i++);
        }
    }

    @Test
    void featureProgramsAndCrcMatchTheEvaluator() {
        Random rnd = new Random(11);
        List<Program> programs = new ArrayList<>(Samples.matrices());
        programs.add(Samples.crc32c(4096));
        programs.add(Samples.countByte());
        programs.add(Samples.addToObservable());
        for (Program p : programs) {
            assertSame(p, rnd, 8, "feature program");
        }
    }

    @Test
    void crcOverTheWholeBufferMatchesTheJdk() {
        byte[] data = new byte[4096];
        new Random(3).nextBytes(data);
        BoundedSlotContext c = new BoundedSlotContext(HostHarness.CONTROL_WORDS, data).args(0, data.length, 7);
        CompiledIrHandler.compile(Samples.crc32c(4096)).execute(c);
        BoundedSlotContext e = new BoundedSlotContext(HostHarness.CONTROL_WORDS, data).args(0, data.length, 7);
        new IrHandler(Samples.crc32c(4096)).execute(e);
        assertArrayEquals(e.control(), c.control());
        assertEquals(0, c.outOfRangeCalls());
    }

    @Test
    void aProgramTooLargeForOneMethodIsRefusedAndIrOpcodesFallsBack() {
        Program big = Program.build(b -> {
            for (int i = 0; i < 3000; i++) {
                Expr.Ref v = b.let(Ir.add(Ir.arg(i % Ir.ARGS), Ir.u32(i * 7919)));
                b.store(Ir.u32(160 + i % 64), Ir.mul(v, Ir.u32(3)));
            }
        });
        IrException e = assertThrows(IrException.class, () -> CompiledIrHandler.compile(big));
        assertTrue(e.getMessage().startsWith("program: ") && e.getMessage().contains("Fix: "), e.getMessage());
        assertTrue(IrOpcodes.java(big) instanceof IrHandler, "a program too large to compile runs on the evaluator");
        assertTrue(IrOpcodes.java(Samples.crc32c(4096)) instanceof CompiledIrHandler, "CRC-32C compiles");
        BoundedSlotContext c = new BoundedSlotContext(HostHarness.CONTROL_WORDS, new byte[0]).args(5, 6, 7);
        IrOpcodes.java(big).execute(c);
        BoundedSlotContext d = new BoundedSlotContext(HostHarness.CONTROL_WORDS, new byte[0]).args(5, 6, 7);
        new IrHandler(big).execute(d);
        assertArrayEquals(d.control(), c.control());
    }

    @Test
    void theCompiledHandlerIsStatelessAndReusable() {
        CompiledIrHandler h = CompiledIrHandler.compile(Samples.addToObservable());
        assertEquals(Samples.addToObservable(), h.program());
        BoundedSlotContext c = new BoundedSlotContext(HostHarness.CONTROL_WORDS, new byte[0]).args(5, 2);
        h.execute(c);
        h.execute(c);
        assertEquals(10, c.control()[162]);
    }

    /** Runs {@code p} compiled and evaluated over {@code slots} random slots and compares the control words. */
    static void assertSame(Program p, Random rnd, int slots, String what) {
        CompiledIrHandler compiled = CompiledIrHandler.compile(p);
        IrHandler evaluated = new IrHandler(p);
        for (int s = 0; s < slots; s++) {
            int[] start = new int[HostHarness.CONTROL_WORDS];
            for (int w = 0; w < start.length; w++) {
                start[w] = rnd.nextInt(4) == 0 ? HOSTILE[rnd.nextInt(HOSTILE.length)] : rnd.nextInt();
            }
            byte[] data = new byte[rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(300)];
            rnd.nextBytes(data);
            int[] args = new int[Ir.ARGS];
            for (int a = 0; a < args.length; a++) {
                args[a] = rnd.nextBoolean() ? HOSTILE[rnd.nextInt(HOSTILE.length)] : rnd.nextInt();
            }
            BoundedSlotContext e = context(start, data, args, s);
            BoundedSlotContext c = context(start, data, args, s);
            evaluated.execute(e);
            compiled.execute(c);
            if (!java.util.Arrays.equals(e.control(), c.control())) {
                int w = java.util.Arrays.mismatch(e.control(), c.control());
                throw new AssertionError(what + ", slot " + s + ": control word " + w + " is 0x"
                        + Integer.toHexString(c.control()[w]) + " compiled, 0x" + Integer.toHexString(e.control()[w])
                        + " evaluated\n" + p + "encoding " + HexFormat.of().formatHex(p.encode()));
            }
            assertEquals(0, c.outOfRangeCalls(), what + ": the compiled code passed an out-of-range index");
        }
    }

    private static BoundedSlotContext context(int[] start, byte[] data, int[] args, int slot) {
        return new BoundedSlotContext(start.clone(), data).args(args).identity(0x2000 + slot, slot, slot * 3 + 1);
    }
}
