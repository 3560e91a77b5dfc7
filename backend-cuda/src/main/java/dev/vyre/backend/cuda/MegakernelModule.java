package dev.vyre.backend.cuda;

import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;
import static jcuda.driver.JCudaDriver.cuModuleUnload;

import dev.vyre.protocol.BackendException;
import dev.vyre.protocol.CustomOpcode;
import dev.vyre.protocol.CustomOpcodes;
import dev.vyre.spi.cache.CacheKey;
import dev.vyre.spi.cache.CompileCache;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;

/**
 * The loaded megakernel: the shipped PTX for the built-in opcodes, or NVRTC output when custom
 * opcodes add CUDA bodies. Holds the {@code vyre_persistent} and {@code vyre_once} entry points.
 *
 * <p>NVRTC output goes through the {@link CompileCache}, keyed by the SHA-256 of the translation unit
 * (kernel plus custom bodies) and the NVRTC options, backend {@value #BACKEND}, the device's
 * {@code sm_XX} and the NVRTC version; a hit runs no compiler. The artifact is a CUBIN for the
 * device's real architecture, which loads without the driver's JIT; when the driver refuses it (a
 * driver older than NVRTC), or {@value #OUTPUT_PROPERTY}{@code =ptx} asks for it, PTX for the virtual
 * architecture, which the driver JIT-compiles at load.
 */
final class MegakernelModule implements AutoCloseable {

    static final String PTX_RESOURCE = "vyre_megakernel.ptx";
    static final String SOURCE_RESOURCE = "vyre_megakernel.cu";
    /** The backend name in compile-cache keys. */
    static final String BACKEND = "cuda";
    /** System property: {@code cubin} (default) or {@code ptx}, what NVRTC produces for custom opcodes. */
    static final String OUTPUT_PROPERTY = "vyre.cuda.nvrtcOutput";
    private static final System.Logger LOG = System.getLogger("dev.vyre.cuda");

    private final CUmodule module = new CUmodule();
    private final CUfunction persistent = new CUfunction();
    private final CUfunction once = new CUfunction();
    private boolean unloaded;

    /** @param image a CUBIN, or PTX text ending in NUL */
    private MegakernelModule(byte[] image) {
        CudaCalls.check(cuModuleLoadData(module, image), "cuModuleLoadData");
        try {
            CudaCalls.check(cuModuleGetFunction(persistent, module, "vyre_persistent"),
                    "cuModuleGetFunction(vyre_persistent)");
            CudaCalls.check(cuModuleGetFunction(once, module, "vyre_once"), "cuModuleGetFunction(vyre_once)");
        } catch (RuntimeException e) {
            cuModuleUnload(module);
            throw e;
        }
    }

    /** Loads the shipped PTX (built-in opcodes only). */
    static MegakernelModule builtIn() {
        return new MegakernelModule((resource(PTX_RESOURCE) + '\0').getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Compiles the kernel with the {@value CudaBackend#DIALECT} bodies of {@code opcodes} (or finds it in
     * {@code cache}) and loads it.
     *
     * @param computeCapability e.g. 90 for sm_90
     */
    static MegakernelModule withCustomOpcodes(CustomOpcodes opcodes, int computeCapability, CompileCache cache) {
        return compile(opcodes, computeCapability, cache, false);
    }

    /**
     * {@link #withCustomOpcodes}, compiled for isolated mode ({@code VYRE_ISOLATION}, docs/PROTOCOL.md "Isolated
     * mode") when {@code isolated}: an isolated kernel is always compiled with NVRTC (the shipped PTX is the
     * default mode's).
     */
    static MegakernelModule compile(CustomOpcodes opcodes, int computeCapability, CompileCache cache,
                                    boolean isolated) {
        if (opcodes.isEmpty() && !isolated) {
            return builtIn();
        }
        // NVRTC loads (dlopen, nvrtcVersion: the cache key needs it) while the opcodes are lowered into the source
        FutureTask<Nvrtc> loading = new FutureTask<>(Nvrtc::shared);
        Thread.ofVirtual().name("vyre-nvrtc-load").start(loading);
        String source;
        try {
            source = (isolated ? "#define VYRE_ISOLATION 1\n" : "")
                    + (opcodes.isEmpty() ? resource(SOURCE_RESOURCE) : customSource(opcodes));
        } catch (RuntimeException | Error e) {
            try {
                loaded(loading); // the load ends inside this call, where the JVM's signal handlers are guarded
            } catch (RuntimeException | Error ignored) {
                // the source's failure is the one to report
            }
            throw e;
        }
        Nvrtc nvrtc = loaded(loading);
        if (wantsCubin() && nvrtc.emitsCubin()) {
            byte[] cubin = compiled(cache, nvrtc, source, computeCapability, true);
            try {
                return new MegakernelModule(cubin);
            } catch (BackendException refused) {
                LOG.log(Level.WARNING, "the CUDA driver did not load NVRTC " + nvrtc.version() + "'s sm_"
                        + computeCapability + " CUBIN (" + refused.getMessage() + "); loading PTX instead. Fix: use"
                        + " an NVRTC no newer than the driver, or -D" + OUTPUT_PROPERTY + "=ptx");
            }
        }
        byte[] ptx = compiled(cache, nvrtc, source, computeCapability, false);
        return new MegakernelModule(Arrays.copyOf(ptx, ptx.length + 1));
    }

    /** @return the NVRTC {@code loading} made, or the same exception {@link Nvrtc#shared()} threw */
    private static Nvrtc loaded(FutureTask<Nvrtc> loading) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return loading.get();
                } catch (InterruptedException e) {
                    interrupted = true; // NVRTC's load is short and cannot be cancelled: wait for it
                }
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new BackendException("loading NVRTC failed: " + e.getCause(), "check the NVRTC installation",
                    e.getCause());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static boolean wantsCubin() {
        String output = System.getProperty(OUTPUT_PROPERTY, "cubin").trim().toLowerCase(Locale.ROOT);
        return switch (output) {
            case "cubin" -> true;
            case "ptx" -> false;
            default -> throw new BackendException("-D" + OUTPUT_PROPERTY + " is '" + output + "'", "set it to cubin or ptx");
        };
    }

    /** @return NVRTC's options for the device: a real architecture for CUBIN, a virtual one for PTX */
    static List<String> options(int computeCapability, boolean cubin) {
        return List.of("--gpu-architecture=" + (cubin ? "sm_" : "compute_") + computeCapability, "--std=c++17",
                "-default-device");
    }

    /** @return the compile-cache key of {@code source} compiled with {@code options} by NVRTC {@code nvrtcVersion} */
    static CacheKey key(String source, List<String> options, int computeCapability, String nvrtcVersion) {
        return new CacheKey(CacheKey.sha256(source, String.join("\n", options)), BACKEND, "sm_" + computeCapability,
                "nvrtc " + nvrtcVersion);
    }

    static byte[] compiled(CompileCache cache, Nvrtc nvrtc, String source, int computeCapability,
                           boolean cubin) {
        List<String> options = options(computeCapability, cubin);
        return cache.getOrCompile(key(source, options, computeCapability, nvrtc.version()),
                () -> nvrtc.compile(source, SOURCE_RESOURCE, options, cubin));
    }

    /**
     * The translation unit NVRTC compiles: the shipped kernel with {@code VYRE_CUSTOM_DISPATCH}
     * calling one function per custom opcode (its {@value CudaBackend#DIALECT} body), in registration order.
     *
     * <p>The dispatch function is {@code __noinline__}: the kernel executes slots at several places (one pass,
     * the worker warps, the leader's inline runs, packed slots), and an inlined dispatch would be compiled once at
     * each of them, so the compile time grew with the kernel times the opcodes (the conformance suite's 44 IR
     * programs: 21.5 s of nvcc inlined against 5.8 s, build machine). The call is made only for an opcode between the
     * lowest and the highest registered one, so built-in opcodes never pay it. A body that declares itself short
     * ({@link CustomOpcode#SHORT_MARK}, as IR lowerings do for loop-free programs that read no data) is named in
     * {@code VYRE_CUSTOM_SHORT}: the leader warp runs a lone such slot itself instead of handing it to a worker.
     *
     * @throws BackendException when an opcode has no {@value CudaBackend#DIALECT} body (the runtime
     *         refuses such opcodes before they reach the backend)
     */
    static String customSource(CustomOpcodes opcodes) {
        long lowest = Long.MAX_VALUE;
        long highest = Long.MIN_VALUE;
        StringBuilder shortOps = new StringBuilder();
        StringBuilder bodies = new StringBuilder("\n// ---- custom opcodes ----\n");
        StringBuilder dispatch = new StringBuilder("__device__ __noinline__ void vyre_custom_dispatch(VyreCtx& ctx) {\n");
        int index = 0;
        for (CustomOpcode op : opcodes.entries()) {
            String body = op.text(CudaBackend.DIALECT);
            String hex = Integer.toHexString(op.opcode());
            if (body == null) {
                throw new BackendException("custom opcode 0x" + hex
                        + " has no CUDA body (dialect " + CudaBackend.DIALECT + "; it has " + op.dialects() + ")",
                        "add a body with CustomOpcode.of(op).text(\"" + CudaBackend.DIALECT + "\", source) (see"
                        + " docs/PROTOCOL.md, custom opcodes) or run it on a backend that has one of its dialects");
            }
            lowest = Math.min(lowest, Integer.toUnsignedLong(op.opcode()));
            highest = Math.max(highest, Integer.toUnsignedLong(op.opcode()));
            if (CustomOpcode.declaresShort(body)) {
                shortOps.append(shortOps.isEmpty() ? "" : " || ").append("(op) == 0x").append(hex).append('u');
            }
            bodies.append("__device__ void vyre_custom_op_").append(index).append("(VyreCtx& ctx) {\n")
                    .append("#line 1 \"opcode_0x").append(hex).append("\"\n")
                    .append(body).append("\n}\n");
            dispatch.append("    if (ctx.opcode == 0x").append(hex)
                    .append("u) vyre_custom_op_").append(index).append("(ctx);\n");
            index++;
        }
        StringBuilder prelude = new StringBuilder();
        if (!shortOps.isEmpty()) {
            prelude.append("#define VYRE_CUSTOM_SHORT(op) (").append(shortOps).append(")\n");
        }
        prelude.append("struct VyreCtx;\n__device__ __noinline__ void vyre_custom_dispatch(VyreCtx& ctx);\n")
                .append("#define VYRE_CUSTOM_DISPATCH(ctx) do { if ((ctx).opcode - 0x").append(Long.toHexString(lowest))
                .append("u <= 0x").append(Long.toHexString(highest - lowest))
                .append("u) vyre_custom_dispatch(ctx); } while (0)\n");
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
