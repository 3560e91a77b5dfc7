package dev.vyre.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vyre.ir.IrOpcodes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scan opcode's CUDA C body compiles to PTX inside the CUDA megakernel (read from backend-cuda at test
 * time), in the translation unit the CUDA backend builds for custom opcodes, for the H100 (compute_90),
 * without a warning about the body. Skipped where {@code nvcc} is not on the PATH; the GPU run itself is
 * on the H100 (docs/PERFORMANCE.md).
 */
class ScanCudaCompileTest {

    private static final Path MEGAKERNEL = Path.of("../backend-cuda/src/main/cuda/vyre_megakernel.cu");

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void compilesToPtxInsideTheMegakernel(@TempDir Path dir) throws Exception {
        assumeTrue(onPath("nvcc"), "nvcc is not on the PATH");
        assumeTrue(Files.isRegularFile(MEGAKERNEL), "the CUDA megakernel source is not at " + MEGAKERNEL.toAbsolutePath());
        String body = IrOpcodes.cudaC(ScanProgram.PROGRAM);
        String opcode = Integer.toHexString(ScanProgram.OPCODE);
        String source = "struct VyreCtx;\n__device__ void vyre_custom_dispatch(VyreCtx& ctx);\n"
                + "#define VYRE_CUSTOM_DISPATCH(ctx) vyre_custom_dispatch(ctx)\n"
                + Files.readString(MEGAKERNEL, StandardCharsets.US_ASCII)
                + "\n// ---- custom opcodes ----\n__device__ void vyre_custom_op_0(VyreCtx& ctx) {\n#line 1 \"opcode_0x"
                + opcode + "\"\n" + body + "\n}\n__device__ void vyre_custom_dispatch(VyreCtx& ctx) {\n    if (ctx.opcode == 0x"
                + opcode + "u) vyre_custom_op_0(ctx);\n}\n";
        Path cu = Files.writeString(dir.resolve("scan_megakernel.cu"), source);
        Path ptx = dir.resolve("scan_megakernel.ptx");
        Process nvcc = new ProcessBuilder("nvcc", "-ptx", "-arch=compute_90", "--std=c++17", "-diag-suppress", "177,186",
                "-o", ptx.toString(), cu.toString()).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(nvcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(nvcc.waitFor(300, TimeUnit.SECONDS), "nvcc finishes");
        assertEquals(0, nvcc.exitValue(), output);
        // unused bindings (177) and comparisons with constant operands (186) are expected; nothing else may warn
        assertFalse(output.contains("opcode_0x"), "nvcc warns about the scan body:\n" + output);
        assertTrue(Files.readString(ptx).contains(".entry vyre_persistent"), "the PTX has the kernel entry");
    }
}
