package dev.vyre.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GlslLoweringTest {

    /** The megakernel the Vulkan backend compiles custom bodies into, read at test time (never copied). */
    static final Path MEGAKERNEL = Path.of("../backend-vulkan/src/main/glsl/vyre_megakernel.comp");

    static final Set<String> HELPERS = Set.of("vyre_arg", "vyre_control_words", "vyre_data_bytes", "vyre_load_control",
            "vyre_store_control", "vyre_atomic_add_control", "vyre_cas_control", "vyre_load_data_byte",
            "vyre_load_data_word", "vyre_opcode", "vyre_slot", "vyre_tenant");

    @Test
    void bodyIsAPureFunctionOfTheProgram() {
        String a = IrOpcodes.glsl(Samples.crc32c(4096));
        assertEquals(a, IrOpcodes.glsl(Samples.crc32c(4096)));
        assertTrue(a.startsWith("// vyre IR glsl body, program sha256 " + Samples.crc32c(4096).fingerprint()), a);
    }

    @Test
    void usesOnlyTheMegakernelHelpersAndNo64BitTypes() {
        for (Program p : CudaLoweringTest.programs(12, 40)) {
            String body = IrOpcodes.glsl(p);
            Set<String> helpers = CudaLoweringTest.names(Pattern.compile("\\b(vyre_\\w+)"), body);
            assertTrue(HELPERS.containsAll(helpers), () -> "unexpected helpers " + helpers);
            assertFalse(body.contains("uint64") || body.contains("int64") || body.contains("ctx"), body);
        }
    }

    @Test
    void runsLikeTheEvaluatorOnTheHost(@TempDir Path dir) throws Exception {
        assumeTrue(HostHarness.Tools.onPath("g++"), "g++ is not on the PATH");
        HostHarness.assertSameAsEvaluator(dir, IrOpcodes.GLSL, CudaLoweringTest.programs(4048, 120),
                HostHarness.cases(new Random(8), 8, HostHarness.CONTROL_WORDS));
    }

    /**
     * With glslangValidator on the PATH, the bodies compile to SPIR-V inside the megakernel as the Vulkan
     * backend assembles it (ShaderCompiler.withCustomOpcodes), one-pass, and persistent with the Vulkan memory model.
     */
    @Test
    void compilesInsideTheMegakernel(@TempDir Path dir) throws Exception {
        assumeTrue(HostHarness.Tools.onPath("glslangValidator"), "glslangValidator is not on the PATH");
        assumeTrue(Files.isRegularFile(MEGAKERNEL), "the Vulkan megakernel source is not at " + MEGAKERNEL.toAbsolutePath());
        List<Program> programs = CudaLoweringTest.programs(98, 30);
        StringBuilder src = new StringBuilder(Files.readString(MEGAKERNEL, StandardCharsets.US_ASCII))
                .append("\n#ifdef VYRE_CUSTOM\n// ---- custom opcodes ----\n");
        StringBuilder dispatch = new StringBuilder("void vyre_custom_dispatch() {\n");
        for (int i = 0; i < programs.size(); i++) {
            src.append("void vyre_custom_op_").append(i).append("() {\n").append(IrOpcodes.glsl(programs.get(i))).append("\n}\n");
            dispatch.append("    if (vyre_opcode == 0x").append(Integer.toHexString(0x100 + i)).append("u) vyre_custom_op_")
                    .append(i).append("();\n");
        }
        src.append(dispatch).append("}\n#endif\n");
        Path comp = dir.resolve("ir_megakernel.comp");
        Files.writeString(comp, src);
        for (List<String> defines : List.<List<String>>of(List.of(), List.of("-DVYRE_PERSISTENT", "-DVYRE_VMM"))) {
            List<String> cmd = new java.util.ArrayList<>(List.of("glslangValidator", "-V", "--target-env", "vulkan1.2",
                    "-S", "comp", "-DVYRE_LOCAL_SIZE=64", "-DVYRE_CUSTOM"));
            cmd.addAll(defines);
            cmd.addAll(List.of("-o", dir.resolve("out.spv").toString(), comp.toString()));
            HostHarness.Tools.run(dir, cmd, 300);
            assertTrue(Files.size(dir.resolve("out.spv")) > 1000, "SPIR-V was written");
        }
    }
}
