package dev.vyre.backend.opencl;

import dev.vyre.protocol.BackendException;
import dev.vyre.protocol.CustomOpcode;
import dev.vyre.protocol.CustomOpcodes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The OpenCL C the backend compiles: {@code vyre_interpreter.cl}, and, for custom opcodes, one function
 * per opcode holding its {@value #DIALECT} body and a {@code vyre_custom_dispatch} calling them in
 * registration order (docs/PROTOCOL.md, "Custom opcodes").
 */
final class KernelSource {

    /** The custom-opcode body dialect this backend compiles. */
    static final String DIALECT = "opencl-c";
    private static final String RESOURCE = "vyre_interpreter.cl";
    private static final String INTERPRETER = load();

    private KernelSource() {
    }

    /** @return the interpreter alone */
    static String interpreter() {
        return INTERPRETER;
    }

    /**
     * @return the interpreter with {@code opcodes}' {@value #DIALECT} bodies, or the interpreter alone when
     *         there are none
     * @throws BackendException when an opcode has no {@value #DIALECT} body (the runtime refuses such
     *         opcodes before they reach the backend)
     */
    static String withCustomOpcodes(CustomOpcodes opcodes) {
        return withCustomOpcodes(opcodes, false);
    }

    /**
     * @return {@link #withCustomOpcodes(CustomOpcodes)}, compiled for isolated mode ({@code VYRE_ISOLATION},
     *         docs/PROTOCOL.md "Isolated mode") when {@code isolated}
     */
    static String withCustomOpcodes(CustomOpcodes opcodes, boolean isolated) {
        if (isolated) {
            return "#define VYRE_ISOLATION 1\n" + withCustomOpcodes(opcodes, false);
        }
        if (opcodes.isEmpty()) {
            return INTERPRETER;
        }
        StringBuilder b = new StringBuilder(INTERPRETER.length() + 1024);
        b.append("#define VYRE_CUSTOM 1\n").append(INTERPRETER).append("\n// ---- custom opcodes ----\n")
                .append("#define ctx (*vyre_ctx)\n");
        int index = 0;
        for (CustomOpcode op : opcodes.entries()) {
            String body = op.text(DIALECT);
            if (body == null) {
                throw new BackendException("custom opcode 0x" + Integer.toHexString(op.opcode()) + " has no OpenCL C"
                        + " body (dialect " + DIALECT + "; it has " + op.dialects() + ")", "add one with"
                        + " CustomOpcode.of(op).text(\"" + DIALECT + "\", source) (docs/PROTOCOL.md, custom opcodes),"
                        + " or run it on a backend that has one of its dialects");
            }
            b.append("void vyre_custom_op_").append(index).append("(VyreCtx* vyre_ctx) {\n")
                    .append("#line 1 \"opcode_0x").append(Integer.toHexString(op.opcode())).append("\"\n")
                    .append(body).append("\n}\n");
            index++;
        }
        b.append("#undef ctx\n#line 1 \"vyre_custom_dispatch\"\nvoid vyre_custom_dispatch(VyreCtx* vyre_ctx) {\n");
        index = 0;
        for (CustomOpcode op : opcodes.entries()) {
            b.append("    if (vyre_ctx->opcode == 0x").append(Integer.toHexString(op.opcode()))
                    .append("u) vyre_custom_op_").append(index++).append("(vyre_ctx);\n");
        }
        return b.append("}\n").toString();
    }

    private static String load() {
        try (InputStream in = KernelSource.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new BackendException("the OpenCL backend jar lacks " + RESOURCE,
                        "rebuild vyre-backend-opencl (the resource comes from src/main/opencl)");
            }
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
