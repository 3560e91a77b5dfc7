package dev.vyre.backend.cuda;

import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;
import static jcuda.driver.JCudaDriver.cuModuleUnload;

import dev.vyre.protocol.BackendException;
import dev.vyre.protocol.CustomOpcode;
import dev.vyre.protocol.CustomOpcodes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;

/**
 * The loaded megakernel: the shipped PTX for the built-in opcodes, or NVRTC output when custom
 * opcodes add CUDA bodies. Holds the {@code vyre_persistent} and {@code vyre_once} entry points.
 */
final class MegakernelModule implements AutoCloseable {

    static final String PTX_RESOURCE = "vyre_megakernel.ptx";
    static final String SOURCE_RESOURCE = "vyre_megakernel.cu";

    private final CUmodule module = new CUmodule();
    private final CUfunction persistent = new CUfunction();
    private final CUfunction once = new CUfunction();
    private boolean unloaded;

    private MegakernelModule(String ptx) {
        CudaCalls.check(cuModuleLoadData(module, ptx.getBytes(StandardCharsets.US_ASCII)), "cuModuleLoadData");
        CudaCalls.check(cuModuleGetFunction(persistent, module, "vyre_persistent"), "cuModuleGetFunction(vyre_persistent)");
        CudaCalls.check(cuModuleGetFunction(once, module, "vyre_once"), "cuModuleGetFunction(vyre_once)");
    }

    /** Loads the shipped PTX (built-in opcodes only). */
    static MegakernelModule builtIn() {
        return new MegakernelModule(resource(PTX_RESOURCE) + '\0');
    }

    /**
     * Compiles the kernel with the {@value CudaBackend#DIALECT} bodies of {@code opcodes} and loads it.
     *
     * @param computeCapability e.g. 90 for sm_90
     */
    static MegakernelModule withCustomOpcodes(CustomOpcodes opcodes, int computeCapability) {
        if (opcodes.isEmpty()) {
            return builtIn();
        }
        String source = customSource(opcodes);
        String ptx = Nvrtc.load().compile(source, SOURCE_RESOURCE,
                List.of("--gpu-architecture=compute_" + computeCapability, "--std=c++17", "-default-device"));
        return new MegakernelModule(ptx + '\0');
    }

    /**
     * The translation unit NVRTC compiles: the shipped kernel with {@code VYRE_CUSTOM_DISPATCH}
     * calling one function per custom opcode (its {@value CudaBackend#DIALECT} body), in registration order.
     *
     * @throws BackendException when an opcode has no {@value CudaBackend#DIALECT} body (the runtime
     *         refuses such opcodes before they reach the backend)
     */
    static String customSource(CustomOpcodes opcodes) {
        StringBuilder prelude = new StringBuilder();
        prelude.append("struct VyreCtx;\n__device__ void vyre_custom_dispatch(VyreCtx& ctx);\n")
                .append("#define VYRE_CUSTOM_DISPATCH(ctx) vyre_custom_dispatch(ctx)\n");
        StringBuilder bodies = new StringBuilder("\n// ---- custom opcodes ----\n");
        StringBuilder dispatch = new StringBuilder("__device__ void vyre_custom_dispatch(VyreCtx& ctx) {\n");
        int index = 0;
        for (CustomOpcode op : opcodes.entries()) {
            String body = op.text(CudaBackend.DIALECT);
            if (body == null) {
                throw new BackendException("custom opcode 0x" + Integer.toHexString(op.opcode())
                        + " has no CUDA body (dialect " + CudaBackend.DIALECT + "; it has " + op.dialects() + ")",
                        "add a body with CustomOpcode.of(op).text(\"" + CudaBackend.DIALECT + "\", source) (see"
                        + " docs/PROTOCOL.md, custom opcodes) or run it on a backend that has one of its dialects");
            }
            bodies.append("__device__ void vyre_custom_op_").append(index).append("(VyreCtx& ctx) {\n")
                    .append("#line 1 \"opcode_0x").append(Integer.toHexString(op.opcode())).append("\"\n")
                    .append(body).append("\n}\n");
            dispatch.append("    if (ctx.opcode == 0x").append(Integer.toHexString(op.opcode()))
                    .append("u) vyre_custom_op_").append(index).append("(ctx);\n");
            index++;
        }
        dispatch.append("}\n");
        return prelude + resource(SOURCE_RESOURCE) + bodies + dispatch;
    }

    static String resource(String name) {
        try (InputStream in = MegakernelModule.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new BackendException("the CUDA backend jar lacks " + name,
                        "rebuild vyre-backend-cuda (the resource is generated from src/main/cuda)");
            }
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    CUfunction persistent() {
        return persistent;
    }

    CUfunction once() {
        return once;
    }

    @Override
    public void close() {
        if (!unloaded) {
            unloaded = true;
            cuModuleUnload(module);
        }
    }
}
