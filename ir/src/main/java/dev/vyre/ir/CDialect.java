package dev.vyre.ir;

/**
 * What one C-like dialect spells its own way. {@link CEmitter} prints everything else once for every
 * dialect: statements, temporaries, control flow, bool and 32-bit arithmetic (u32 and i32 are held in
 * the unsigned word type; signedness appears only through {@link #signed}), the bounds-checked helper
 * calls and the atomic min/max loops. A dialect states only:
 * <ul>
 *   <li>its type names ({@link #word()}, {@link #bool()}) and its 32-bit signed casts;</li>
 *   <li>how it calls a megakernel helper ({@link #call}) and reads the slot's fields ({@link #context});</li>
 *   <li>whether a division needs a divisor that is never zero even where it is not evaluated
 *       ({@link #safeDivisor});</li>
 *   <li>how it holds u64 values ({@link #u64()}: a native 64-bit type, {@link NativeU64}, or a pair of
 *       words, {@link PairU64}).</li>
 * </ul>
 * A new C-like target (OpenCL C, Metal) is one more implementation: a handful of one-line methods and a
 * {@link NativeU64} with its 64-bit type names. Implementations are stateless.
 *
 * <p>Every text a dialect returns is usable as an operand as it stands: a name, a literal, a call, or a
 * parenthesised expression ({@code ((int)a)}, not {@code (int)a}), without side effects.
 */
interface CDialect {

    /** @return the dialect's name, written in the body's first line ({@code cuda-c}, {@code glsl}) */
    String name();

    /** @return the unsigned 32-bit type that holds u32 and i32 values, loop counters and control words */
    String word();

    /** @return the boolean type */
    default String bool() {
        return "bool";
    }

    /** @return the word {@code a} read as a signed 32-bit integer (for compares, min/max and {@code >>}) */
    String signed(String a);

    /** @return the signed 32-bit value {@code a} as a word again */
    String unsigned(String a);

    /**
     * @param helper a megakernel helper ({@code vyre_arg}, {@code vyre_load_control}, ...; docs/PROTOCOL.md,
     *               "Custom opcodes")
     * @param args   its arguments after the dialect's implicit ones
     * @return the call's text
     */
    String call(String helper, String... args);

    /**
     * @return the slot's {@code field}: a word for {@code opcode}, {@code slot} and {@code tenant}, a u64 (as
     *         {@link #u64()} holds it) for {@code control_words} and {@code data_bytes}
     */
    String context(ContextField field);

    /**
     * @param divisor a word that may be zero
     * @return a text for the divisor of {@code divisor == 0 ? 0 : a / divisor}: {@code divisor} itself where
     *         the unselected side of {@code ?:} is not evaluated (C), else a value that is never zero
     */
    default String safeDivisor(String divisor) {
        return divisor;
    }

    /** @return how this dialect holds and computes u64 values */
    U64Lowering u64();
}
