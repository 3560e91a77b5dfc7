package dev.vyre.ir;

/**
 * The C dialects whose custom-opcode body runs with the slot context in a variable {@code ctx}: helpers
 * take {@code ctx} first ({@code vyre_arg(ctx, i)}, {@code vyre_load_control(ctx, i)}, ...; u64 indices),
 * the slot's fields are {@code ctx.opcode}, {@code ctx.slot}, {@code ctx.tenant}, {@code ctx.controlWords}
 * and {@code ctx.dataBytes}, u64 is native, and i32 is read signed through an {@code (int)} cast. The
 * dialects differ only in their type names.
 */
final class CtxDialect implements CDialect {

    /**
     * CUDA C ({@code cuda-c}): statements for {@code __device__ void f(VyreCtx& ctx)} inside the CUDA
     * megakernel; words are {@code u32}, u64 is {@code u64} ({@code unsigned long long}).
     */
    static final CtxDialect CUDA = new CtxDialect(IrOpcodes.CUDA_C, "u32", "u64", "long long", "ULL");

    /**
     * OpenCL C 1.2 ({@code opencl-c}): statements inside the OpenCL interpreter (backend-opencl's
     * {@code vyre_interpreter.cl}); words are {@code uint}, u64 is {@code ulong} with {@code UL} literals
     * ({@code long long} is reserved in OpenCL C).
     */
    static final CtxDialect OPENCL = new CtxDialect(IrOpcodes.OPENCL_C, "uint", "ulong", "long", "UL");

    private final String name;
    private final String word;
    private final String u64Type;
    private final U64Lowering u64;

    private CtxDialect(String name, String word, String u64Type, String i64Type, String u64Suffix) {
        this.name = name;
        this.word = word;
        this.u64Type = u64Type;
        this.u64 = new NativeU64(word, u64Type, i64Type, u64Suffix);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String word() {
        return word;
    }

    @Override
    public String signed(String a) {
        return "((int)" + a + ")";
    }

    @Override
    public String unsigned(String a) {
        return "((" + word + ")(" + a + "))";
    }

    @Override
    public String call(String helper, String... args) {
        return helper + "(ctx, " + String.join(", ", args) + ")";
    }

    @Override
    public String context(ContextField field) {
        return switch (field) {
            case OPCODE -> "ctx.opcode";
            case SLOT -> "ctx.slot";
            case TENANT -> "ctx.tenant";
            case CONTROL_WORDS -> "((" + u64Type + ")ctx.controlWords)";
            case DATA_BYTES -> "((" + u64Type + ")ctx.dataBytes)";
        };
    }

    @Override
    public U64Lowering u64() {
        return u64;
    }
}
