package dev.vyre.ir;

/**
 * How a dialect holds u64 values and computes with them. {@link CEmitter} asks for the parts where
 * representations differ; {@code ==}, {@code !=}, {@code ~}, {@code &}, {@code |}, {@code ^} and {@code ?:}
 * apply to every representation as written, and min/max are built from {@link #less}.
 *
 * <p>Operands and results are texts in {@link CEmitter}'s convention: an atom (a name or a literal) or a
 * parenthesised expression without side effects. A method that reads an operand more than once first makes
 * it an atom ({@link CEmitter#atom}); a method that needs statements (a carry, a division loop) emits them
 * through {@code out} and returns the temporary that holds the result.
 */
interface U64Lowering {

    /** @return the type name of a u64 value */
    String type();

    /** @return true when a constant may appear inline; false gives every u64 constant a temporary */
    boolean inlinesConstants();

    /** @return the constant {@code bits} */
    String constant(long bits);

    /** @return the word {@code a} zero-extended */
    String fromU32(CEmitter out, String a);

    /** @return the i32 {@code a} (held in a word) sign-extended */
    String fromI32(CEmitter out, String a);

    /** @return the bool {@code a} as 0 or 1 */
    String fromBool(String a);

    /** @return the low 32 bits of {@code a}, as a word */
    String low(CEmitter out, String a);

    /** @return the type of the megakernel helpers' index argument: {@link Type#U64} or {@link Type#U32} */
    Type indexType();

    /** @return the index argument of a megakernel helper for the word {@code a} */
    String wordIndex(String a);

    /**
     * @return the index argument of a megakernel helper for the u64 {@code a}; an index the helpers cannot
     *         represent must become one outside every buffer
     */
    String index(CEmitter out, String a);

    /** @return a bool: {@code a < b} (or {@code a <= b} when {@code orEqual}), unsigned */
    String less(CEmitter out, String a, String b, boolean orEqual);

    /** @return {@code -a} (wrapping) */
    String negate(CEmitter out, String a);

    /**
     * @return {@code a op b} for {@link BinaryOp#ADD}, {@code SUB}, {@code MUL}, {@code DIV}, {@code REM} (0 for
     *         a zero divisor), {@code SHL} and {@code SHR} (by {@code count & 63}); the others never reach a
     *         lowering
     * @param count for shifts, the count as a word (its low 32 bits), else unused
     */
    String arithmetic(CEmitter out, BinaryOp op, String a, String b, String count);
}
