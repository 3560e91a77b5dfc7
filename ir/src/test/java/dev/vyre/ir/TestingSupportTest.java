package dev.vyre.ir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.ir.testing.BoundedSlotContext;
import dev.vyre.ir.testing.IrProgramGenerator;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The shared test support of {@code dev.vyre.ir.testing}: the generator is deterministic by seed, its windowed
 * programs write only their own slot's window while its anywhere programs reach the rest of the buffer, and
 * the bounded context applies the bounds rule and counts what it refused.
 */
class TestingSupportTest {

    @Test
    void theSameSeedGivesTheSamePrograms() {
        for (IrProgramGenerator.Kind kind : IrProgramGenerator.Kind.values()) {
            IrProgramGenerator a = IrProgramGenerator.windowed(17);
            IrProgramGenerator b = IrProgramGenerator.windowed(17);
            IrProgramGenerator c = IrProgramGenerator.anywhere(17, HostHarness.CONTROL_WORDS);
            IrProgramGenerator d = IrProgramGenerator.anywhere(17, HostHarness.CONTROL_WORDS);
            int n = kind == IrProgramGenerator.Kind.MAXIMAL_LOOP ? 2 : 20;
            for (int i = 0; i < n; i++) {
                assertArrayEquals(a.next(kind).encode(), b.next(kind).encode(), kind + " program " + i);
                assertArrayEquals(c.next(kind).encode(), d.next(kind).encode(), kind + " program " + i);
            }
        }
        assertTrue(!Arrays.equals(IrProgramGenerator.windowed(1).next(IrProgramGenerator.Kind.RANDOM).encode(),
                IrProgramGenerator.windowed(2).next(IrProgramGenerator.Kind.RANDOM).encode()), "seeds differ");
    }

    @Test
    void windowedProgramsWriteOnlyTheirWindowAndAnywhereProgramsReachFurther() {
        Random rnd = new Random(3);
        IrProgramGenerator windowed = IrProgramGenerator.windowed(5);
        IrProgramGenerator anywhere = IrProgramGenerator.anywhere(5, HostHarness.CONTROL_WORDS);
        int windowedInside = 0;
        int anywhereOutside = 0;
        for (int i = 0; i < 300; i++) {
            IrProgramGenerator.Kind kind = IrProgramGenerator.Kind.values()[i % 4];
            int slot = rnd.nextInt(HostHarness.SLOTS);
            int first = IrProgramGenerator.controlWords(slot);
            Program w = windowed.next(kind);
            int[] changed = changedWords(w, slot, rnd.nextLong());
            for (int word : changed) {
                assertTrue(word >= first && word < first + IrProgramGenerator.WINDOW,
                        "slot " + slot + " changed control word " + word + ":\n" + w);
            }
            windowedInside += changed.length;
            for (int word : changedWords(anywhere.next(kind), slot, rnd.nextLong())) {
                anywhereOutside += word >= first && word < first + IrProgramGenerator.WINDOW ? 0 : 1;
            }
        }
        assertTrue(windowedInside > 1000, "windowed programs write their window: " + windowedInside);
        assertTrue(anywhereOutside > 20, "anywhere programs write outside their window (windowed ones never do): "
                + anywhereOutside);
    }

    /** @return the control words {@code p} changed when run in {@code slot} over random start words */
    private static int[] changedWords(Program p, int slot, long seed) {
        Random rnd = new Random(seed);
        int[] start = new int[HostHarness.CONTROL_WORDS];
        for (int w = 0; w < start.length; w++) {
            start[w] = rnd.nextInt();
        }
        byte[] data = new byte[rnd.nextInt(64)];
        rnd.nextBytes(data);
        BoundedSlotContext c = new BoundedSlotContext(start.clone(), data).args(rnd.nextInt(), -1, 0, 32)
                .identity(0x100, slot, 0);
        new IrHandler(p).execute(c);
        assertEquals(0, c.outOfRangeCalls(), "the evaluator checks every index first");
        return java.util.stream.IntStream.range(0, start.length).filter(w -> c.control()[w] != start[w]).toArray();
    }

    @Test
    void anywhereNeedsABufferSize() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> IrProgramGenerator.anywhere(1, 0));
        Messages.assertFixed(e.getMessage());
    }

    @Test
    void theBoundedContextAppliesTheBoundsRuleAndCountsRefusedCalls() {
        BoundedSlotContext c = new BoundedSlotContext(4, new byte[] {1, 2, 3}).args(7, 8).identity(9, 10, 11);
        assertEquals(7, c.arg(0));
        assertEquals(0, c.arg(2), "unset arguments are 0");
        assertEquals(0, c.arg(12), "arguments past 11 read 0");
        assertEquals(9, c.opcode());
        assertEquals(10, c.slot());
        assertEquals(11, c.tenant());
        c.storeControl(3, 5);
        assertEquals(5, c.atomicAddControl(3, 2));
        assertEquals(7, c.compareAndSwapControl(3, 7, 1));
        assertEquals(1, c.compareAndSwapControl(3, 7, 2), "a CAS miss returns the word and changes nothing");
        assertEquals(3, c.loadDataByte(2));
        assertEquals(0, c.outOfRangeCalls());
        c.storeControl(4, 5);
        c.storeControl(-1, 5);
        assertEquals(0, c.loadControl(4));
        assertEquals(0, c.atomicAddControl(1L << 32, 1));
        assertEquals(0, c.compareAndSwapControl(4, 0, 1));
        assertEquals(0, c.loadDataByte(3));
        assertArrayEquals(new int[] {0, 0, 0, 1}, c.control(), "out-of-range calls change nothing");
        assertEquals(6, c.outOfRangeCalls());
        BoundedSlotContext copy = c.copy();
        assertEquals(0, copy.outOfRangeCalls());
        assertEquals(10, copy.slot());
        assertEquals(8, copy.arg(1));
        copy.control()[0] = 42;
        assertEquals(0, c.control()[0], "a copy has its own control words");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.args(new int[13]));
        Messages.assertFixed(e.getMessage());
    }
}
