package dev.vyre.ir;

import dev.vyre.protocol.OpcodeHandler;
import dev.vyre.protocol.SlotContext;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * The Java body of an IR opcode: runs its {@link Program} over the slot's {@link SlotContext} with the
 * IR's semantics (docs/IR.md). Stateless and thread-safe; each call allocates one array for the
 * program's bindings. It never throws for any slot or buffer contents.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2")
public final class IrHandler implements OpcodeHandler {
    private final Program program;

    /** @param program the opcode's body */
    public IrHandler(Program program) {
        this.program = Objects.requireNonNull(program, "program");
    }

    /** @return the program this handler runs */
    public Program program() {
        return program;
    }

    @Override
    public void execute(SlotContext context) {
        Evaluator.run(program, context);
    }
}
