package dev.vyre.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code opencl-c} lowering: OpenCL C's own type names over the CUDA dialect's helper convention, only
 * names the OpenCL interpreter defines, and the evaluator's results when run on the host. That the bodies
 * compile and run inside the real interpreter is the conformance suite's {@code ir/*} cases on the OpenCL
 * backend (PoCL in CI).
 */
class OpenClLoweringTest {

    /** The interpreter the OpenCL backend compiles custom bodies into, read at test time (never copied). */
    static final Path INTERPRETER = Path.of("../backend-opencl/src/main/opencl/vyre_interpreter.cl");

    @Test
    void bodyIsAPureFunctionOfTheProgram() {
        String a = IrOpcodes.openClC(Samples.crc32c(4096));
        assertEquals(a, IrOpcodes.openClC(Samples.crc32c(4096)));
        assertNotEquals(a, IrOpcodes.openClC(Samples.crc32c(4095)));
        assertTrue(a.startsWith("// vyre IR opencl-c body, program sha256 " + Samples.crc32c(4096).fingerprint()), a);
    }

    @Test
    void spellsOpenClTypesAndUsesOnlyTheInterpretersNames() throws Exception {
        assumeTrue(Files.isRegularFile(INTERPRETER), "the OpenCL interpreter is not at " + INTERPRETER.toAbsolutePath());
        String interpreter = Files.readString(INTERPRETER, StandardCharsets.US_ASCII);
        for (Program p : CudaLoweringTest.programs(13, 40)) {
            String body = IrOpcodes.openClC(p);
            Set<String> helpers = CudaLoweringTest.names(Pattern.compile("\\b(vyre_\\w+)"), body);
            assertTrue(CudaLoweringTest.HELPERS.containsAll(helpers), () -> "unexpected helpers " + helpers);
            for (String h : helpers) {
                assertTrue(interpreter.contains("#define " + h + "("), "the interpreter does not define " + h);
            }
            Set<String> fields = CudaLoweringTest.names(Pattern.compile("\\bctx\\.(\\w+)"), body);
            assertTrue(CudaLoweringTest.CTX_FIELDS.containsAll(fields), () -> "unexpected fields " + fields);
            for (String f : fields) {
                assertTrue(Pattern.compile("\\b" + f + ";").matcher(interpreter).find()
                        || Pattern.compile("\\b" + f + ",").matcher(interpreter).find(), "VyreCtx has no field " + f);
            }
            assertFalse(Pattern.compile("\\bu(32|64)\\b|long long|ULL\\b").matcher(body).find(),
                    "a CUDA type or literal in an OpenCL C body:\n" + body);
        }
    }

    @Test
    void runsLikeTheEvaluatorOnTheHost(@TempDir Path dir) throws Exception {
        assumeTrue(HostHarness.Tools.onPath("g++"), "g++ is not on the PATH");
        HostHarness.assertSameAsEvaluator(dir, IrOpcodes.OPENCL_C, IrOpcodes::openClC,
                "typedef unsigned int uint; typedef unsigned long ulong;\n" + HostHarness.CUDA_PRELUDE,
                CudaLoweringTest.programs(2025, 60), HostHarness.cases(new Random(11), 8, HostHarness.CONTROL_WORDS));
    }
}
