package dev.vyre.protocol;

/**
 * Body of a custom opcode for backends that run Java (the reference backend). It runs after
 * the built-in handlers and before DONE_COUNT and DONE, exactly like vyre's
 * {@code OpcodeHandler} IR body.
 */
@FunctionalInterface
public interface OpcodeHandler {
    /** Executes one slot (or one packed inner op) with this handler's opcode. */
    void execute(SlotContext context);
}
