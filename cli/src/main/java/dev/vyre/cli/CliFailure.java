package dev.vyre.cli;

import java.io.Serial;

/**
 * A command could not do its work: the {@link FailureHandler} prints the message as one line and the
 * command exits 1. The message is {@code <problem>. Fix: <remedy>}.
 */
final class CliFailure extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * @param problem what went wrong, without a trailing period
     * @param fix     what the user should do
     */
    CliFailure(String problem, String fix) {
        super(problem + ". Fix: " + fix);
    }
}
