package dev.vyre.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CudaLoweringTest {

    /** The megakernel the CUDA backend compiles custom bodies into, read at test time (never copied). */
    static final Path MEGAKERNEL = Path.of("../backend-cuda/src/main/cuda/vyre_megakernel.cu");

    static final Set<String> HELPERS = Set.of("vyre_arg", "vyre_load_control", "vyre_store_control",
            "vyre_atomic_add_control", "vyre_cas_control", "vyre_load_data_byte", "vyre_load_data_word");
    static final Set<String> CTX_FIELDS = Set.of("opcode", "slot", "tenant", "controlWords", "dataBytes");

    static List<Program> programs(long seed, int n) {
        List<Program> list = new ArrayList<>(List.of(Samples.crc32c(64), Samples.addToObservable(), Samples.countByte()));
        list.addAll(Samples.matrices());
        list.addAll(Samples.generated(seed, n, 2));
        return list;
    }

    @Test
    void bodyIsAPureFunctionOfTheProgram() {
        String a = IrOpcodes.cudaC(Samples.crc32c(4096));
        assertEquals(a, IrOpcodes.cudaC(Samples.crc32c(4096)));
        assertNotEquals(a, IrOpcodes.cudaC(Samples.crc32c(4095)));
        assertTrue(a.startsWith("// vyre IR cuda-c body, program sha256 " + Samples.crc32c(4096).fingerprint()), a);
    }

    @Test
    void usesOnlyTheMegakernelHelpersAndContextFields() {
        for (Program p : programs(11, 40)) {
            String body = IrOpcodes.cudaC(p);
            Set<String> helpers = names(Pattern.compile("\\b(vyre_\\w+)"), body);
            assertTrue(HELPERS.containsAll(helpers), () -> "unexpected helpers " + helpers);
            Set<String> fields = names(Pattern.compile("\\bctx\\.(\\w+)"), body);
            assertTrue(CTX_FIELDS.containsAll(fields), () -> "unexpected fields " + fields);
        }
    }

    @Test
    void crcBodyReadsItsArgumentsThroughTheHelpers() {
        String body = IrOpcodes.cudaC(Samples.crc32c(4096));
        assertTrue(body.contains("vyre_arg(ctx, 0u)"), body);
        assertTrue(body.contains("vyre_load_data_byte(ctx, "), body);
        assertTrue(body.contains("vyre_store_control(ctx, "), body);
        assertTrue(body.contains("0x00001000u"), "the loop bound appears: " + body);
    }

    @Test
    void runsLikeTheEvaluatorOnTheHost(@TempDir Path dir) throws Exception {
        assumeTrue(HostHarness.Tools.onPath("g++"), "g++ is not on the PATH");
        HostHarness.assertSameAsEvaluator(dir, IrOpcodes.CUDA_C, programs(2024, 120),
                HostHarness.cases(new Random(7), 8, HostHarness.CONTROL_WORDS));
    }

    @Test
    void compilesToPtxInsideTheMegakernel(@TempDir Path dir) throws Exception {
        assumeTrue(HostHarness.Tools.onPath("nvcc"), "nvcc is not on the PATH");
        assumeTrue(Files.isRegularFile(MEGAKERNEL), "the CUDA megakernel source is not at " + MEGAKERNEL.toAbsolutePath());
        List<Program> programs = programs(99, 30);
        // the translation unit the CUDA backend builds for custom opcodes (MegakernelModule.customSource)
        StringBuilder src = new StringBuilder("struct VyreCtx;\n__device__ void vyre_custom_dispatch(VyreCtx& ctx);\n"
                + "#define VYRE_CUSTOM_DISPATCH(ctx) vyre_custom_dispatch(ctx)\n")
                .append(Files.readString(MEGAKERNEL, StandardCharsets.US_ASCII))
                .append("\n// ---- custom opcodes ----\n");
        StringBuilder dispatch = new StringBuilder("__device__ void vyre_custom_dispatch(VyreCtx& ctx) {\n");
        for (int i = 0; i < programs.size(); i++) {
            int opcode = 0x100 + i;
            src.append("__device__ void vyre_custom_op_").append(i).append("(VyreCtx& ctx) {\n#line 1 \"opcode_0x")
                    .append(Integer.toHexString(opcode)).append("\"\n").append(IrOpcodes.cudaC(programs.get(i))).append("\n}\n");
            dispatch.append("    if (ctx.opcode == 0x").append(Integer.toHexString(opcode)).append("u) vyre_custom_op_")
                    .append(i).append("(ctx);\n");
        }
        src.append(dispatch).append("}\n");
        Path cu = dir.resolve("ir_megakernel.cu");
        Files.writeString(cu, src);
        Path ptx = dir.resolve("ir_megakernel.ptx");
        HostHarness.Tools.Output run = HostHarness.Tools.runCapturing(dir, List.of("nvcc", "-ptx", "-arch=compute_75",
                "--std=c++17", "-diag-suppress", "177,186", "-o", ptx.toString(), cu.toString()), 300);
        // unused bindings (177) and comparisons with constant operands (186) are expected; nothing else may warn
        assertFalse(run.err().contains("opcode_0x"), "nvcc warns about an IR body:\n" + run.err());
        String out = Files.readString(ptx);
        assertTrue(out.contains(".entry vyre_persistent"), "the PTX has the kernel entry");
    }

    static Set<String> names(Pattern p, String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = p.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }
}
