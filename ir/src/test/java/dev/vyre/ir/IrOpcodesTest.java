package dev.vyre.ir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.protocol.CustomOpcode;
import dev.vyre.protocol.CustomOpcodes;
import dev.vyre.protocol.VyreArgumentException;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class IrOpcodesTest {

    @Test
    void oneProgramGivesABodyInEveryDialect() {
        Program p = Samples.addToObservable();
        CustomOpcode op = IrOpcodes.irOpcode(20, p);
        assertEquals(20, op.opcode());
        assertEquals(List.of(CustomOpcode.JAVA, IrOpcodes.CUDA_C, IrOpcodes.GLSL, IrOpcodes.OPENCL_C, IrOpcodes.IR),
                List.copyOf(op.dialects()));
        assertSame(p, assertInstanceOf(CompiledIrHandler.class, op.handler()).program());
        assertEquals(IrOpcodes.cudaC(p), op.text(IrOpcodes.CUDA_C));
        assertEquals(IrOpcodes.glsl(p), op.text(IrOpcodes.GLSL));
        assertEquals(IrOpcodes.openClC(p), op.text(IrOpcodes.OPENCL_C));
        assertTrue(op.text(IrOpcodes.CUDA_C).contains("vyre_atomic_add_control(ctx, "), op.text(IrOpcodes.CUDA_C));
        assertTrue(op.text(IrOpcodes.GLSL).contains("vyre_atomic_add_control("), op.text(IrOpcodes.GLSL));
        assertEquals(1, CustomOpcodes.of(op).entries().size(), "registers like any custom opcode");
        assertEquals(p, IrOpcodes.program(op.text(IrOpcodes.IR)), "the vyre-ir body decodes to the program");
        assertArrayEquals(p.encode(), Base64.getDecoder().decode(op.text(IrOpcodes.IR)));
    }

    @Test
    void theVyreIrBodyIsTheCanonicalEncodingAndBadBodiesAreRefused() {
        Program crc = Programs.crc32c(4096);
        assertEquals(crc.fingerprint(), IrOpcodes.program(IrOpcodes.irBody(crc)).fingerprint());
        IrException notBase64 = assertThrows(IrException.class, () -> IrOpcodes.program("not base64!"));
        assertTrue(notBase64.getMessage().startsWith("vyre-ir body: ") && notBase64.getMessage().contains("Fix: "),
                notBase64.getMessage());
        IrException notIr = assertThrows(IrException.class, () -> IrOpcodes.program("AAAA"));
        assertTrue(notIr.getMessage().contains("Fix: "), notIr.getMessage());
    }

    @Test
    void eachDialectIsLoweredOnlyWhenRead() {
        Program p = Samples.crc32c(64);
        CustomOpcode op = IrOpcodes.irOpcode(0x2001, p);
        // a lowering made once is kept: reading twice gives the same String instance
        String glsl = op.text(IrOpcodes.GLSL);
        assertSame(glsl, op.text(IrOpcodes.GLSL));
        assertEquals(IrOpcodes.glsl(p), glsl);
        assertSame(op.handler(), op.handler());
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
