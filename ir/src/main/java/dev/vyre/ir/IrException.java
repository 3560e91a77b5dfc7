package dev.vyre.ir;

import java.util.Objects;
import org.apiguardian.api.API;

/**
 * An IR program, or its encoding, is not well formed. The message is
 * {@code <node>: <problem>. Fix: <what to do>}, where the node names the offending construct (for
 * example {@code add(u32, i32)}, {@code body[2] (for)} or {@code encoding byte 17}).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2")
public final class IrException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String node;
    private final String problem;
    private final String fix;

    /**
     * @param node    the construct that is refused
     * @param problem what is wrong with it, without a trailing period
     * @param fix     what to write instead
     */
    public IrException(String node, String problem, String fix) {
        super(Objects.requireNonNull(node, "node") + ": " + problem + ". Fix: " + fix);
        this.node = node;
        this.problem = problem;
        this.fix = fix;
    }

    /** @return the construct that was refused */
    public String node() {
        return node;
    }

    /** @return what is wrong, without the node and the fix */
    public String problem() {
        return problem;
    }

    /** @return the remedy part of the message (the text after {@code Fix: }) */
    public String fix() {
        return fix;
    }
}
