package dev.vyre.ir;

import dev.vyre.protocol.CustomOpcode;
import dev.vyre.protocol.OpcodeHandler;
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

    private IrOpcodes() {
    }

    /**
     * @param opcode an opcode in the user range (see {@link CustomOpcode})
     * @return {@code opcode} with the program as its {@code java}, {@code cuda-c}, {@code glsl} and
     *         {@code opencl-c} bodies
     * @throws dev.vyre.protocol.VyreArgumentException when {@code opcode} is in the system range
     */
    public static CustomOpcode irOpcode(int opcode, Program program) {
        Objects.requireNonNull(program, "program");
        return CustomOpcode.of(opcode)
                .java(java(program))
                .text(CUDA_C, cudaC(program))
                .text(GLSL, glsl(program))
                .text(OPENCL_C, openClC(program))
                .build();
    }

    /** @return the Java body: an {@link IrHandler} running {@code program} */
    public static OpcodeHandler java(Program program) {
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
