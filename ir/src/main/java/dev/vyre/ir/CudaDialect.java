package dev.vyre.ir;

/**
 * CUDA C (dialect {@code cuda-c}): statements for {@code __device__ void f(VyreCtx& ctx)} inside the CUDA
 * megakernel. Helpers take {@code ctx} first ({@code vyre_arg(ctx, i)}, {@code vyre_load_control(ctx, i)},
 * ...; u64 indices); the slot's fields are {@code ctx.opcode}, {@code ctx.slot}, {@code ctx.tenant},
 * {@code ctx.controlWords} and {@code ctx.dataBytes}. Words are {@code u32}, u64 is the native
 * {@code u64} ({@code unsigned long long}), and i32 is read signed through an {@code (int)} cast.
 */
final class CudaDialect implements CDialect {

    static final CudaDialect INSTANCE = new CudaDialect();

    private static final U64Lowering U64 = new NativeU64("u32", "u64", "long long", "ULL");

    private CudaDialect() {
    }

    @Override
    public String name() {
        return IrOpcodes.CUDA_C;
    }

    @Override
    public String word() {
        return "u32";
    }

    @Override
    public String signed(String a) {
        return "((int)" + a + ")";
    }

    @Override
    public String unsigned(String a) {
        return "((u32)(" + a + "))";
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
            case CONTROL_WORDS -> "((u64)ctx.controlWords)";
            case DATA_BYTES -> "((u64)ctx.dataBytes)";
        };
    }

    @Override
    public U64Lowering u64() {
        return U64;
    }
}
