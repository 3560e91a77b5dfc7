package dev.vyre.ir;

/**
 * OpenCL C 1.2 (dialect {@code opencl-c}): statements for {@code void vyre_custom_op_N(VyreCtx* vyre_ctx)}
 * inside the OpenCL interpreter (backend-opencl's {@code vyre_interpreter.cl}), where {@code ctx} names the
 * slot context. The helper convention is the CUDA dialect's ({@code vyre_arg(ctx, i)},
 * {@code vyre_load_control(ctx, i)}, ...; u64 indices; fields {@code ctx.opcode}, {@code ctx.slot},
 * {@code ctx.tenant}, {@code ctx.controlWords}, {@code ctx.dataBytes}); the types are OpenCL C's own:
 * words are {@code uint}, u64 the native {@code ulong} with {@code UL} literals ({@code long long} is
 * reserved in OpenCL C), and i32 is read signed through an {@code (int)} cast.
 */
final class OpenClDialect implements CDialect {

    static final OpenClDialect INSTANCE = new OpenClDialect();

    private static final U64Lowering U64 = new NativeU64("uint", "ulong", "long", "UL");

    private OpenClDialect() {
    }

    @Override
    public String name() {
        return IrOpcodes.OPENCL_C;
    }

    @Override
    public String word() {
        return "uint";
    }

    @Override
    public String signed(String a) {
        return "(int)" + a;
    }

    @Override
    public String unsigned(String a) {
        return "(uint)(" + a + ")";
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
            case CONTROL_WORDS -> "(ulong)ctx.controlWords";
            case DATA_BYTES -> "(ulong)ctx.dataBytes";
        };
    }

    @Override
    public U64Lowering u64() {
        return U64;
    }
}
