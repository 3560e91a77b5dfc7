package dev.vyre.spi;

import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.QueueFullException;
import java.util.Objects;

/**
 * A user-defined opcode with one body per backend language. A backend runs the body written in
 * its language and refuses (with a {@code Fix:}) an opcode that lacks one.
 *
 * <ul>
 *   <li>{@code java}: a {@link OpcodeHandler} (reference backend);</li>
 *   <li>{@code cuda}: CUDA C statements compiled at run time, over the variables documented in
 *       {@code docs/PROTOCOL.md} (custom opcodes);</li>
 *   <li>{@code glsl}: GLSL statements over the same variables (Vulkan backend).</li>
 * </ul>
 *
 * @param opcode opcode value in the user range (not {@link Opcodes#isSystem system})
 * @param java   Java body, or null
 * @param cuda   CUDA C body, or null
 * @param glsl   GLSL body, or null
 */
public record CustomOpcode(int opcode, OpcodeHandler java, String cuda, String glsl) {

    public CustomOpcode {
        if (Opcodes.isSystem(opcode)) {
            throw QueueFullException.submission("custom opcode 0x" + Integer.toHexString(opcode)
                    + " overlaps with the reserved system range or uses the high bit; pick an opcode in"
                    + " 8..0xFFEF or 0x10000..0x7FFFFFFF");
        }
        if (java == null && cuda == null && glsl == null) {
            throw QueueFullException.submission("custom opcode 0x" + Integer.toHexString(opcode)
                    + " has no body; give it at least one of a Java handler, a CUDA snippet or a GLSL snippet");
        }
    }

    /** @return an opcode with only a Java body */
    public static CustomOpcode java(int opcode, OpcodeHandler handler) {
        return new CustomOpcode(opcode, Objects.requireNonNull(handler, "handler"), null, null);
    }
}
