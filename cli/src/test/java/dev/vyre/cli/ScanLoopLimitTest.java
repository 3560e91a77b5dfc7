package dev.vyre.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.ir.IrOpcodes;
import dev.vyre.protocol.CustomOpcode;
import org.junit.jupiter.api.Test;

/**
 * The scan opcode's loops fit llvmpipe's 65,535 loop iterations per shader invocation (the Vulkan backend
 * declares that limit there, and the runtime refuses an opcode whose body declares more), so {@code vyre scan}
 * runs on lavapipe; {@link ScanOpcodeTest} runs it there.
 */
class ScanLoopLimitTest {
    private static final long LLVMPIPE_LOOP_LIMIT = 65_535;

    @Test
    void theScanOpcodeDeclaresFewerLoopIterationsThanLlvmpipeRuns() {
        CustomOpcode op = ScanProgram.opcode();
        for (String dialect : new String[] {IrOpcodes.GLSL, IrOpcodes.CUDA_C, IrOpcodes.OPENCL_C}) {
            long declared = CustomOpcode.declaredLoopIterations(op.text(dialect));
            // the word loop (WORD_BOUND words) and the tail loop (up to 3 bytes)
            assertTrue(declared >= ScanProgram.WORD_BOUND + 3, dialect + ": " + declared);
            assertTrue(declared <= LLVMPIPE_LOOP_LIMIT, dialect + " body declares " + declared + " loop iterations");
        }
        assertEquals(CustomOpcode.declaredLoopIterations(op.text(IrOpcodes.CUDA_C)),
                CustomOpcode.declaredLoopIterations(op.text(IrOpcodes.OPENCL_C)));
    }
}
