package dev.vyre.ir;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new C-like target is one {@link CDialect} plus a {@link NativeU64}: this one spells types as OpenCL C
 * does ({@code uint}, {@code ulong}, {@code long}, {@code UL} literals) and needs nothing else from
 * {@link CEmitter}; its bodies run like the evaluator on every test program.
 */
class CDialectExtensionTest {

    /** OpenCL-C spelling over the CUDA megakernel's helper convention ({@code vyre_x(ctx, ...)}, u64 indices). */
    static final CDialect OPENCL_STYLE = new CDialect() {
        private final U64Lowering u64 = new NativeU64("uint", "ulong", "long", "UL");

        @Override
        public String name() {
            return "opencl-style";
        }

        @Override
        public String word() {
            return "uint";
        }

        @Override
        public String signed(String a) {
            return "((int)" + a + ")";
        }

        @Override
        public String unsigned(String a) {
            return "((uint)(" + a + "))";
        }

        @Override
        public String call(String helper, String... args) {
            return helper + "(ctx, " + String.join(", ", args) + ")";
        }

        @Override
        public String context(ContextField field) {
            return switch (field) {
                case OPCODE -> "ctx.opcode";
                case SLOT -> "ctx.slot";
                case TENANT -> "ctx.tenant";
                case CONTROL_WORDS -> "((ulong)ctx.controlWords)";
                case DATA_BYTES -> "((ulong)ctx.dataBytes)";
            };
        }

        @Override
        public U64Lowering u64() {
            return u64;
        }
    };

    @Test
    void spellsOnlyItsOwnTypes() {
        String body = CEmitter.emit(Samples.matrices().get(4), OPENCL_STYLE);
        assertTrue(body.startsWith("// vyre IR opencl-style body, program sha256 "), body);
        assertTrue(body.contains("ulong ") && body.contains("UL"), body);
        assertFalse(body.contains("u32 ") || body.contains("u64 ") || body.contains("uvec2"), body);
    }

    @Test
    void runsLikeTheEvaluatorOnTheHost(@TempDir Path dir) throws Exception {
        assumeTrue(HostHarness.Tools.onPath("g++"), "g++ is not on the PATH");
        HostHarness.assertSameAsEvaluator(dir, "opencl-style", p -> CEmitter.emit(p, OPENCL_STYLE),
                "typedef unsigned int uint; typedef unsigned long ulong;\n" + HostHarness.CUDA_PRELUDE,
                CudaLoweringTest.programs(77, 60), HostHarness.cases(new Random(9), 6, HostHarness.CONTROL_WORDS));
    }
}
