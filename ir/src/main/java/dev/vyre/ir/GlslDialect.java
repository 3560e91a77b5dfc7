package dev.vyre.ir;

/**
 * GLSL 450 (dialect {@code glsl}): statements for {@code void vyre_custom_op_N()} inside the Vulkan
 * megakernel. Helpers take no context ({@code vyre_arg(i)}, {@code vyre_load_control(i)}, ...; 32-bit
 * indices); the slot's fields are the globals {@code vyre_opcode}, {@code vyre_slot}, {@code vyre_tenant}
 * and the helpers {@code vyre_control_words()}, {@code vyre_data_bytes()}. Words are {@code uint}, i32 is
 * read signed through {@code int(...)}, and u64 is a {@code uvec2} ({@link PairU64}): the megakernel
 * enables no 64-bit integer extension. GLSL leaves division by zero undefined even on the side of
 * {@code ?:} that is not selected, so every divisor is {@code max(b, 1u)}.
 */
final class GlslDialect implements CDialect {

    static final GlslDialect INSTANCE = new GlslDialect();

    private GlslDialect() {
    }

    @Override
    public String name() {
        return IrOpcodes.GLSL;
    }

    @Override
    public String word() {
        return "uint";
    }

    @Override
    public String signed(String a) {
        return "int(" + a + ")";
    }

    @Override
    public String unsigned(String a) {
        return "uint(" + a + ")";
    }

    @Override
    public String call(String helper, String... args) {
        return helper + "(" + String.join(", ", args) + ")";
    }

    @Override
    public String context(ContextField field) {
        return switch (field) {
            case OPCODE -> "vyre_opcode";
            case SLOT -> "vyre_slot";
            case TENANT -> "vyre_tenant";
            case CONTROL_WORDS -> "uvec2(vyre_control_words(), 0u)";
            case DATA_BYTES -> "uvec2(vyre_data_bytes(), 0u)";
        };
    }

    @Override
    public String safeDivisor(String divisor) {
        return "max(" + divisor + ", 1u)";
    }

    @Override
    public U64Lowering u64() {
        return PairU64.INSTANCE;
    }
}
