package dev.vyre.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.protocol.CustomOpcode;
import dev.vyre.protocol.CustomOpcodes;
import dev.vyre.protocol.VyreArgumentException;
import java.util.List;
import org.junit.jupiter.api.Test;

class IrOpcodesTest {

    @Test
    void oneProgramGivesABodyInEveryDialect() {
        Program p = Samples.addToObservable();
        CustomOpcode op = IrOpcodes.irOpcode(20, p);
        assertEquals(20, op.opcode());
        assertEquals(List.of(CustomOpcode.JAVA, IrOpcodes.CUDA_C, IrOpcodes.GLSL, IrOpcodes.OPENCL_C),
                List.copyOf(op.dialects()));
        assertSame(p, assertInstanceOf(IrHandler.class, op.handler()).program());
        assertEquals(IrOpcodes.cudaC(p), op.text(IrOpcodes.CUDA_C));
        assertEquals(IrOpcodes.glsl(p), op.text(IrOpcodes.GLSL));
        assertEquals(IrOpcodes.openClC(p), op.text(IrOpcodes.OPENCL_C));
        assertTrue(op.text(IrOpcodes.CUDA_C).contains("vyre_atomic_add_control(ctx, "), op.text(IrOpcodes.CUDA_C));
        assertTrue(op.text(IrOpcodes.GLSL).contains("vyre_atomic_add_control("), op.text(IrOpcodes.GLSL));
        assertEquals(1, CustomOpcodes.of(op).entries().size(), "registers like any custom opcode");
    }

    @Test
    void aSystemOpcodeIsRefusedByTheProtocol() {
        VyreArgumentException e = assertThrows(VyreArgumentException.class,
                () -> IrOpcodes.irOpcode(0xFFF1, Samples.addToObservable()));
        assertTrue(e.getMessage().contains("Fix: "), e.getMessage());
    }

    @Test
    void listingShowsTheProgram() {
        assertEquals("let v0: u32 = atomic_add_control(add(160u64, u64(arg(1))), arg(0))\n",
                Samples.addToObservable().toString());
    }
}
