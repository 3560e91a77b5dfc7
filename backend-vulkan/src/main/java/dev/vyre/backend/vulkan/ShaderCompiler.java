package dev.vyre.backend.vulkan;

import static org.lwjgl.util.shaderc.Shaderc.*;

import dev.vyre.protocol.BackendException;
import dev.vyre.protocol.CustomOpcode;
import dev.vyre.protocol.CustomOpcodes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * Compiles the megakernel GLSL (plus custom opcode snippets) to SPIR-V with shaderc, caching the
 * SPIR-V on disk by a hash of the source and defines, so only the first start-up of a new shader
 * variant pays for the compiler.
 */
final class ShaderCompiler {

    static final String SOURCE_RESOURCE = "vyre_megakernel.comp";
    /** System property naming the cache directory ("none" disables the cache). */
    static final String CACHE_PROPERTY = "vyre.vulkan.cache";
    /** The dialect of custom-opcode bodies this backend compiles. */
    static final String DIALECT = "glsl";

    private static volatile String source;

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
     * custom opcode and {@code vyre_custom_dispatch()} calling them in registration order.
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
            out.append("void vyre_custom_op_").append(index).append("() {\n").append(body).append("\n}\n");
            dispatch.append("    if (vyre_opcode == 0x").append(Integer.toHexString(op.opcode()))
                    .append("u) vyre_custom_op_").append(index).append("();\n");
            index++;
        }
        return out.append(dispatch).append("}\n#endif\n").toString();
    }

    /**
     * Compiles {@code glsl} with {@code defines} (after the #version line) to SPIR-V.
     *
     * @return SPIR-V words as bytes (heap array)
     * @throws BackendException with the compiler's messages when it does not compile
     */
    static byte[] compile(String glsl, Map<String, String> defines) {
        Map<String, String> sorted = new TreeMap<>(defines);
        String key = hash(glsl, sorted);
        Path cached = cacheDir() == null ? null : cacheDir().resolve(key + ".spv");
        if (cached != null && Files.isRegularFile(cached)) {
            try {
                byte[] spv = Files.readAllBytes(cached);
                if (spv.length >= 20 && spv.length % 4 == 0 && (spv[0] & 0xFF) == 0x03 && (spv[3] & 0xFF) == 0x07) {
                    return spv;
                }
            } catch (IOException ignored) {
                // unreadable cache entry: compile again
            }
        }
        byte[] spv = shaderc(glsl, sorted);
        if (cached != null) {
            try {
                Files.createDirectories(cached.getParent());
                Path tmp = Files.createTempFile(cached.getParent(), key, ".tmp");
                Files.write(tmp, spv);
                Files.move(tmp, cached, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException | UnsupportedOperationException ignored) {
                // a read-only home: run without the cache
            }
        }
        return spv;
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
            long result = shaderc_compile_into_spv(compiler, glsl, shaderc_glsl_compute_shader, SOURCE_RESOURCE, "main",
                    options);
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

    /** @return the cache directory, or null when disabled */
    static Path cacheDir() {
        String configured = System.getProperty(CACHE_PROPERTY, System.getenv("VYRE_VULKAN_CACHE"));
        if ("none".equals(configured)) {
            return null;
        }
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("vyre").resolve("vulkan");
    }

    private static String hash(String glsl, Map<String, String> defines) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(glsl.getBytes(StandardCharsets.UTF_8));
            md.update(defines.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
