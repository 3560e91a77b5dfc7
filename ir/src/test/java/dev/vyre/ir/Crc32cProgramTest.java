package dev.vyre.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vyre.ir.testing.BoundedSlotContext;
import dev.vyre.protocol.CustomOpcode;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/** CRC-32C written in the IR equals {@link CRC32C} on random data: the first proof the IR is real. */
class Crc32cProgramTest {

    private static int crc(byte[] data, long start, long length) {
        long end = Math.min(start + length, data.length);
        CRC32C c = new CRC32C();
        if (start < end) {
            c.update(data, (int) start, (int) (end - start));
        }
        return (int) c.getValue();
    }

    @Test
    void equalsTheJdkOnRandomData() {
        Random rnd = new Random(32);
        CustomOpcode op = IrOpcodes.irOpcode(0x2000, Samples.crc32c(4096));
        for (int round = 0; round < 40; round++) {
            byte[] data = new byte[1 + rnd.nextInt(6000)];
            rnd.nextBytes(data);
            BoundedSlotContext ctx = new BoundedSlotContext(200, data);
            int start = rnd.nextInt(data.length + 8);
            int length = rnd.nextInt(4097);
            int dst = rnd.nextInt(40);
            op.handler().execute(ctx.args(start, length, dst));
            assertEquals(crc(data, start, length), ctx.control()[160 + dst],
                    "start " + start + " length " + length + " of " + data.length);
            assertEquals(0, ctx.outOfRangeCalls());
        }
    }

    @Test
    void followsTheBuiltInOpcodesEdgeCases() {
        byte[] data = new byte[100];
        new Random(5).nextBytes(data);
        IrHandler h = new IrHandler(Samples.crc32c(4096));
        BoundedSlotContext ctx = new BoundedSlotContext(200, data);
        h.execute(ctx.args(0, 100, 0));
        assertEquals(crc(data, 0, 100), ctx.control()[160], "the whole buffer");
        h.execute(ctx.args(90, 4000, 1));
        assertEquals(crc(data, 90, 10), ctx.control()[161], "a range past the end is clamped");
        ctx.control()[162] = 77;
        h.execute(ctx.args(100, 5, 2));
        assertEquals(0, ctx.control()[162], "a start at the end is the CRC of no bytes, 0");
        ctx.control()[163] = 77;
        h.execute(ctx.args(3, 0, 3));
        assertEquals(0, ctx.control()[163], "a1 = 0 is the CRC of no bytes");
        h.execute(ctx.args(0xFFFFFFF0, 0xFFFFFFFF, 4));
        assertEquals(0, ctx.control()[164], "start + length is summed in 64 bits");
        h.execute(ctx.args(0, 1, 0xFFFFFFFF));
        assertEquals(0, ctx.outOfRangeCalls(), "160 + 0xFFFFFFFF is out of range, so nothing is written");
        byte[] check = "123456789".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        BoundedSlotContext known = new BoundedSlotContext(200, check);
        h.execute(known.args(0, 9, 5));
        assertEquals(0xE3069283, known.control()[165], "the CRC-32C check value of \"123456789\"");
    }

    @Test
    void aLargeBoundStaysWithinTheBudget() {
        Program p = Samples.crc32c(65536);
        byte[] data = new byte[65536];
        new Random(9).nextBytes(data);
        BoundedSlotContext ctx = new BoundedSlotContext(200, data);
        new IrHandler(p).execute(ctx.args(0, 65536, 7));
        assertEquals(crc(data, 0, 65536), ctx.control()[167]);
    }
}
