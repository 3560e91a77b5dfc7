package dev.vyre.backend.vulkan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.protocol.BackendException;
import dev.vyre.protocol.CustomOpcode;
import dev.vyre.protocol.CustomOpcodes;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Compiles every shader variant with shaderc (needs no Vulkan device, only LWJGL's shaderc natives). */
class ShaderCompilerTest {

    private static final int SPIRV_MAGIC = 0x07230203;

    private static int magic(byte[] spv) {
        return (spv[0] & 0xFF) | (spv[1] & 0xFF) << 8 | (spv[2] & 0xFF) << 16 | (spv[3] & 0xFF) << 24;
    }

    @Test
    void everyVariantCompilesToSpirv() {
        String src = ShaderCompiler.source();
        for (boolean persistent : new boolean[] {false, true}) {
            for (boolean vmm : new boolean[] {false, true}) {
                for (boolean clock : new boolean[] {false, true}) {
                    Map<String, String> d = new java.util.HashMap<>();
                    d.put("VYRE_LOCAL_SIZE", persistent ? "32" : "64");
                    if (persistent) {
                        d.put("VYRE_PERSISTENT", "1");
                    }
                    if (vmm) {
                        d.put("VYRE_VMM", "1");
                    }
                    if (clock) {
                        d.put("VYRE_CLOCK", "1");
                    }
                    byte[] spv = ShaderCompiler.compile(src, d);
                    assertEquals(SPIRV_MAGIC, magic(spv), d.toString());
                    assertEquals(0, spv.length % 4);
                }
            }
        }
    }

    @Test
    void everyPersistentSwitchCompilesToSpirv() {
        String src = ShaderCompiler.source();
        for (String define : new String[] {"VYRE_NO_CLAIMED_MIRROR", "VYRE_CLAIM_BY_STORE", "VYRE_NO_DONE_BARRIER",
                "VYRE_RING_STATUS_LAST", "VYRE_LOADS_FIRST", "VYRE_ONE_RELEASE"}) {
            for (boolean vmm : new boolean[] {false, true}) {
                Map<String, String> d = new java.util.HashMap<>(Map.of("VYRE_LOCAL_SIZE", "32",
                        "VYRE_PERSISTENT", "1", "VYRE_STOP_EVERY", "16u", define, "1"));
                if (vmm) {
                    d.put("VYRE_VMM", "1");
                }
                assertEquals(SPIRV_MAGIC, magic(ShaderCompiler.compile(src, d)), d.toString());
            }
        }
    }

    @Test
    void theHostsDefaultPersistentSwitchesCompileTogether() {
        String src = ShaderCompiler.source();
        for (boolean vmm : new boolean[] {false, true}) {
            Map<String, String> d = new java.util.HashMap<>(Map.of("VYRE_LOCAL_SIZE", "32", "VYRE_PERSISTENT", "1",
                    "VYRE_NO_CLAIMED_MIRROR", "1", "VYRE_CLAIM_BY_STORE", "1", "VYRE_RING_STATUS_LAST", "1",
                    "VYRE_LOADS_FIRST", "1", "VYRE_ONE_RELEASE", "1"));
            if (vmm) {
                d.put("VYRE_VMM", "1");
                d.put("VYRE_NO_DONE_BARRIER", "1");
            }
            assertEquals(SPIRV_MAGIC, magic(ShaderCompiler.compile(src, d)), d.toString());
        }
    }

    @Test
    void customGlslSnippetsCompile() {
        CustomOpcodes ops = CustomOpcodes.of(CustomOpcode.of(0x100).text("glsl",
                "vyre_atomic_add_control(vyre_index_add(160u, vyre_arg(1u)), vyre_arg(0u) + vyre_load_data_byte(3u));")
                .build());
        String glsl = ShaderCompiler.withCustomOpcodes(ops);
        assertTrue(glsl.contains("if (vyre_opcode == 0x100u) vyre_custom_op_0();"), glsl);
        byte[] spv = ShaderCompiler.compile(glsl, Map.of("VYRE_LOCAL_SIZE", "64", "VYRE_CUSTOM", "1"));
        assertEquals(SPIRV_MAGIC, magic(spv));
    }

    @Test
    void aSourceLargerThanLwjglsThreadStackCompiles() {
        // IR-compiled custom opcodes make megakernels far larger than LWJGL's 64 KiB per-thread stack, where
        // an encoded CharSequence would go (OutOfMemoryError "Out of stack space" on the H100 before the fix)
        StringBuilder body = new StringBuilder();
        for (int i = 0; body.length() < 256 * 1024; i++) {
            body.append("// generated line ").append(i).append(" of a long IR lowering, kept as a comment\n");
        }
        body.append("vyre_atomic_add_control(160u, vyre_arg(0u));");
        String glsl = ShaderCompiler.withCustomOpcodes(CustomOpcodes.of(CustomOpcode.of(0x100).text("glsl",
                body.toString()).build()));
        assertTrue(glsl.length() > 256 * 1024, "source of " + glsl.length() + " chars");
        byte[] spv = ShaderCompiler.compile(glsl, Map.of("VYRE_LOCAL_SIZE", "64", "VYRE_CUSTOM", "1"));
        assertEquals(SPIRV_MAGIC, magic(spv));
    }

    @Test
    void anOpcodeWithoutAGlslBodyIsRefusedWithAFix() {
        CustomOpcodes ops = CustomOpcodes.of(CustomOpcode.java(0x100, c -> { }));
        BackendException e = assertThrows(BackendException.class, () -> ShaderCompiler.withCustomOpcodes(ops));
        assertTrue(e.getMessage().contains("custom opcode 0x100 has no GLSL body"), e.getMessage());
        assertTrue(e.getMessage().contains("Fix: "), e.getMessage());
    }

    @Test
    void aBrokenSnippetReportsTheCompilerMessage() {
        CustomOpcodes ops = CustomOpcodes.of(CustomOpcode.of(0x100).text("glsl", "this is not glsl;").build());
        BackendException e = assertThrows(BackendException.class, () -> ShaderCompiler.compile(
                ShaderCompiler.withCustomOpcodes(ops), Map.of("VYRE_LOCAL_SIZE", "64", "VYRE_CUSTOM", "1")));
        assertTrue(e.getMessage().contains("did not compile"), e.getMessage());
        assertTrue(e.getMessage().contains("Fix: "), e.getMessage());
    }
}
