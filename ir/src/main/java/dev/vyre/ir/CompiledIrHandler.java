package dev.vyre.ir;

import dev.vyre.protocol.OpcodeHandler;
import dev.vyre.protocol.SlotContext;
import java.util.Objects;

/**
 * The Java body of an IR opcode compiled to JVM bytecode: {@link #compile(Program)} emits a hidden class
 * (a subclass of this one, through {@code java.lang.classfile}) whose {@link #execute} runs the program
 * with the IR's semantics (docs/IR.md) as straight-line bytecode: bindings in JVM locals, u32/i32/bool as
 * {@code int}, u64 as {@code long}, loops as counted loops, memory through the same bounds-checked rules
 * as {@link IrHandler} (the tree-walking evaluator it is tested against). Stateless and thread-safe; it
 * allocates nothing per call and never throws for any slot or buffer contents. The hidden class is
 * unloaded with its last handler. Users get one through {@link IrOpcodes#java} or {@link IrOpcodes#compiled}.
 */
abstract class CompiledIrHandler implements OpcodeHandler {
    private final Program program;

    CompiledIrHandler(Program program) {
        this.program = Objects.requireNonNull(program, "program");
    }

    /**
     * @return {@code program} compiled to bytecode
     * @throws IrException when its bytecode would not fit one JVM method (64 KiB of code or 65,535
     *                     locals); {@link IrHandler} runs any program
     */
    static CompiledIrHandler compile(Program program) {
        return IrCompiler.compile(Objects.requireNonNull(program, "program"));
    }

    /** @return the program this handler runs */
    final Program program() {
        return program;
    }

    @Override
    public abstract void execute(SlotContext context);
}
