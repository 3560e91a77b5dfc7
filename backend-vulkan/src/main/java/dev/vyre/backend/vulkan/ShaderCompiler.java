package dev.vyre.backend.vulkan;

import static org.lwjgl.util.shaderc.Shaderc.*;

import dev.vyre.protocol.BackendException;
import dev.vyre.protocol.CustomOpcode;
import dev.vyre.protocol.CustomOpcodes;
import dev.vyre.spi.cache.CacheKey;
import dev.vyre.spi.cache.CompileCache;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.lwjgl.Version;
import org.lwjgl.system.MemoryStack;
import org.lwjgl.system.MemoryUtil;

/**
 * Compiles the megakernel GLSL (plus custom opcode snippets) to SPIR-V with shaderc, through the
 * shared {@link CompileCache}: only the first start-up of a new shader variant on a machine pays for
 * the compiler.
 */
final class ShaderCompiler {

    static final String SOURCE_RESOURCE = "vyre_megakernel.comp";
    /** The dialect of custom-opcode bodies this backend compiles. */
    static final String DIALECT = "glsl";
    /** The backend name in compile-cache keys. */
    static final String BACKEND = "vulkan";
    /** Everything shaderc is told besides the source and the defines (part of the cache key). */
    private static final String OPTIONS = "glsl compute, entry main, target vulkan 1.2, optimization performance";
    private static final AtomicLong COMPILATIONS = new AtomicLong();

    private static volatile String source;
    private static volatile String compilerVersion;

    private ShaderCompiler() {
    }

    /** @return the shipped GLSL source */
    static String source() {
        String s = source;
        if (s == null) {
            try (InputStream in = ShaderCompiler.class.getResourceAsStream(SOURCE_RESOURCE)) {
                if (in == null) {
                    throw new BackendException("the Vulkan backend jar lacks " + SOURCE_RESOURCE,
                            "rebuild vyre-backend-vulkan (the resource is copied from src/main/glsl)");
                }
                s = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            source = s;
        }
        return s;
    }

    /**
     * The translation unit for {@code opcodes}: the shipped source followed by one function per
     * custom opcode (its loops polling the abort flag, {@link GlslAbortPolls}) and {@code vyre_custom_dispatch()}
     * calling them in registration order.
     *
     * @throws BackendException when an opcode has no GLSL body
     */
    static String withCustomOpcodes(CustomOpcodes opcodes) {
        StringBuilder out = new StringBuilder(source()).append("\n#ifdef VYRE_CUSTOM\n// ---- custom opcodes ----\n");
        StringBuilder dispatch = new StringBuilder("void vyre_custom_dispatch() {\n");
        int index = 0;
        for (CustomOpcode op : opcodes.entries()) {
            String body = op.text(DIALECT);
            if (body == null) {
                throw new BackendException("custom opcode 0x" + Integer.toHexString(op.opcode())
                        + " has no GLSL body, which the Vulkan backend needs",
                        "give it a GLSL snippet (CustomOpcode.of(opcode).text(\"glsl\", source); see docs/PROTOCOL.md,"
                                + " Custom opcodes) or run it on a backend that has its body");
            }
            out.append("void vyre_custom_op_").append(index).append("() {\n")
                    .append(GlslAbortPolls.functionBody(op.opcode(), body)).append("\n}\n");
            dispatch.append("    if (vyre_opcode == 0x").append(Integer.toHexString(op.opcode()))
                    .append("u) vyre_custom_op_").append(index).append("();\n");
            index++;
        }
        return out.append(dispatch).append("}\n#endif\n").toString();
    }

    /**
     * Compiles {@code glsl} with {@code defines} to SPIR-V through {@code cache}: a hit (memory or disk)
     * runs no compiler. The key is the SHA-256 of the source, the defines and the compile options, the
     * backend {@value #BACKEND}, the device and the shaderc version.
     *
     * @param device the device the SPIR-V is for ({@link VulkanDevice#cacheIdentity()})
     * @return SPIR-V words as bytes (heap array)
     * @throws BackendException with the compiler's messages when it does not compile
     */
    static byte[] compile(CompileCache cache, String device, String glsl, Map<String, String> defines) {
        Map<String, String> sorted = new TreeMap<>(defines);
        CacheKey key = new CacheKey(fingerprint(glsl, sorted), BACKEND, device, compilerVersion());
        return cache.getOrCompile(key, () -> compile(glsl, sorted));
    }

    /** @return SHA-256 of the source, the defines (sorted) and the compile options */
    static String fingerprint(String glsl, Map<String, String> defines) {
        StringBuilder d = new StringBuilder();
        for (Map.Entry<String, String> e : new TreeMap<>(defines).entrySet()) {
            d.append(e.getKey()).append('=').append(e.getValue()).append('\n');
        }
        return CacheKey.sha256(glsl, d.toString(), OPTIONS);
    }

    /** @return shaderc's identity: the LWJGL build that bundles it and the SPIR-V version and revision it emits */
    static String compilerVersion() {
        String v = compilerVersion;
        if (v == null) {
            try (MemoryStack stack = MemoryStack.stackPush()) {
                IntBuffer version = stack.mallocInt(1);
                IntBuffer revision = stack.mallocInt(1);
                shaderc_get_spv_version(version, revision);
                v = "shaderc (LWJGL " + Version.getVersion() + "), SPIR-V 0x" + Integer.toHexString(version.get(0))
                        + " revision " + revision.get(0);
            }
            compilerVersion = v;
        }
        return v;
    }

    /**
     * Compiles {@code glsl} with {@code defines} (after the #version line) to SPIR-V with shaderc, now
     * (no cache).
     *
     * @return SPIR-V words as bytes (heap array)
     * @throws BackendException with the compiler's messages when it does not compile
     */
    static byte[] compile(String glsl, Map<String, String> defines) {
        COMPILATIONS.incrementAndGet();
        return shaderc(glsl, new TreeMap<>(defines));
    }

    /** @return shaderc compilations run in this process (cache hits run none) */
    static long compilations() {
        return COMPILATIONS.get();
    }

    /**
     * Runs shaderc on {@code glsl}. The source is encoded into native memory of its own rather than LWJGL's
     * per-thread stack (64 KiB by default): a megakernel with IR-compiled custom opcodes outgrows it.
     *
     * @return shaderc's result handle (release it)
     */
    private static long compileSource(long compiler, String glsl, long options) {
        ByteBuffer text = MemoryUtil.memUTF8(glsl, false);
        try (MemoryStack stack = MemoryStack.stackPush()) {
            return shaderc_compile_into_spv(compiler, text, shaderc_glsl_compute_shader, stack.UTF8(SOURCE_RESOURCE),
                    stack.UTF8("main"), options);
        } finally {
            MemoryUtil.memFree(text);
        }
    }

    private static byte[] shaderc(String glsl, Map<String, String> defines) {
        long compiler = shaderc_compiler_initialize();
        if (compiler == 0) {
            throw new BackendException("shaderc_compiler_initialize failed", "check that LWJGL's shaderc natives load");
        }
        long options = shaderc_compile_options_initialize();
        try {
            shaderc_compile_options_set_target_env(options, shaderc_target_env_vulkan, shaderc_env_version_vulkan_1_2);
            shaderc_compile_options_set_optimization_level(options, shaderc_optimization_level_performance);
            for (Map.Entry<String, String> d : defines.entrySet()) {
                shaderc_compile_options_add_macro_definition(options, d.getKey(), d.getValue());
            }
            long result = compileSource(compiler, glsl, options);
            try {
                if (shaderc_result_get_compilation_status(result) != shaderc_compilation_status_success) {
                    throw new BackendException("the Vulkan megakernel did not compile: "
                            + shaderc_result_get_error_message(result),
                            "fix the GLSL of the custom opcode named in the message (see docs/PROTOCOL.md, Custom opcodes)");
                }
                ByteBuffer bytes = shaderc_result_get_bytes(result);
                byte[] spv = new byte[bytes.remaining()];
                bytes.get(spv);
                return spv;
            } finally {
                shaderc_result_release(result);
            }
        } finally {
            shaderc_compile_options_release(options);
            shaderc_compiler_release(compiler);
        }
    }
}
