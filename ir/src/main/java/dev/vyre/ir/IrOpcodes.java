package dev.vyre.ir;

import dev.vyre.protocol.CustomOpcode;
import dev.vyre.protocol.OpcodeHandler;
import java.util.Base64;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * Lowers one {@link Program} to every custom-opcode dialect the backends run today, so an opcode
 * written once in the IR runs on each of them through the existing {@link CustomOpcode} path. Each
 * lowering is a pure function of the program: equal programs give equal text.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2")
public final class IrOpcodes {

    /** Dialect of CUDA C bodies (the CUDA backend). */
    public static final String CUDA_C = "cuda-c";
    /** Dialect of GLSL bodies (the Vulkan backend). */
    public static final String GLSL = "glsl";
    /** Dialect of OpenCL C bodies (the OpenCL backend). */
    public static final String OPENCL_C = "opencl-c";
    /**
     * Dialect of the program itself, for a backend that lowers the IR on its own (the SPI's
     * {@code Capabilities.IR_DIALECT}): the body is {@link Program#encode()} in Base64 ({@link #irBody}).
     */
    public static final String IR = "vyre-ir";

    private IrOpcodes() {
    }

    /**
     * @param opcode an opcode in the user range (see {@link CustomOpcode})
     * @return {@code opcode} with the program as its {@code java}, {@code cuda-c}, {@code glsl},
     *         {@code opencl-c} and {@code vyre-ir} bodies. The first four are lazy: each is lowered the
     *         first time it is read (a backend reads only its own dialect), so registering costs one
     *         lowering, not four.
     * @throws dev.vyre.protocol.VyreArgumentException when {@code opcode} is in the system range
     */
    public static CustomOpcode irOpcode(int opcode, Program program) {
        Objects.requireNonNull(program, "program");
        return CustomOpcode.of(opcode)
                .lazyJava(() -> java(program))
                .lazyText(CUDA_C, () -> cudaC(program))
                .lazyText(GLSL, () -> glsl(program))
                .lazyText(OPENCL_C, () -> openClC(program))
                .text(IR, irBody(program))
                .build();
    }

    /** @return the {@code vyre-ir} body: the program's canonical encoding in Base64 (decode with {@link #program(String)}) */
    public static String irBody(Program program) {
        return Base64.getEncoder().encodeToString(Objects.requireNonNull(program, "program").encode());
    }

    /**
     * @param irBody a {@code vyre-ir} body ({@link #irBody})
     * @return the program it encodes
     * @throws IrException when it is not Base64 of a canonical encoding
     */
    public static Program program(String irBody) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(Objects.requireNonNull(irBody, "irBody"));
        } catch (IllegalArgumentException e) {
            throw new IrException("vyre-ir body", "it is not Base64 (" + e.getMessage() + ")",
                    "pass the body IrOpcodes.irBody(program) wrote");
        }
        return Program.decode(bytes);
    }

    /**
     * @return the Java body: {@code program} compiled to JVM bytecode ({@link #compiled}), the
     *         faster form (docs/IR.md, "Lowerings"), or the tree-walking {@link IrHandler} when the
     *         compiled method would be too long for the JIT to compile
     */
    public static OpcodeHandler java(Program program) {
        Objects.requireNonNull(program, "program");
        CompiledIrHandler compiled = IrCompiler.compileIfJitted(program);
        return compiled != null ? compiled : new IrHandler(program);
    }

    /**
     * @return {@code program} compiled to JVM bytecode, whatever its length
     * @throws IrException when its bytecode would not fit one JVM method (64 KiB of code or 65,535 locals)
     */
    public static OpcodeHandler compiled(Program program) {
        return IrCompiler.compile(Objects.requireNonNull(program, "program"));
    }

    /** @return the tree-walking Java body ({@link IrHandler}), whatever the program's size */
    public static OpcodeHandler interpreted(Program program) {
        return new IrHandler(program);
    }

    /** @return the CUDA C body: statements over {@code VyreCtx& ctx} (docs/PROTOCOL.md, "Custom opcodes") */
    public static String cudaC(Program program) {
        return CEmitter.emit(Objects.requireNonNull(program, "program"), CtxDialect.CUDA);
    }

    /** @return the GLSL body: statements over the megakernel's {@code vyre_*} helpers (docs/PROTOCOL.md, "Custom opcodes") */
    public static String glsl(Program program) {
        return CEmitter.emit(Objects.requireNonNull(program, "program"), GlslDialect.INSTANCE);
    }

    /** @return the OpenCL C body: statements over {@code ctx} in the OpenCL interpreter (docs/PROTOCOL.md, "Custom opcodes") */
    public static String openClC(Program program) {
        return CEmitter.emit(Objects.requireNonNull(program, "program"), CtxDialect.OPENCL);
    }
}
