package dev.vyre.cli;

import dev.vyre.protocol.VyreArgumentException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * Prints an exception a command threw as one line on stderr, {@code <command>: <problem>. Fix: <remedy>}
 * (the message's first line, with exactly one {@code Fix:}), and returns exit status 1, or 2 for a
 * {@link VyreArgumentException} (an argument the API refused). The stack trace follows only when
 * {@code VYRE_DEBUG=1} is set or a {@code --verbose} option was given.
 */
final class FailureHandler implements CommandLine.IExecutionExceptionHandler {

    /** Exit status of a failure at run time. */
    static final int EXIT = 1;
    /** The remedy of an exception that names none. */
    static final String DEFAULT_FIX = "rerun with --verbose (or VYRE_DEBUG=1) for the stack trace, and report it";

    private final CliEnvironment environment;

    FailureHandler(CliEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parsed) {
        return report(ex, cmd, environment.debug() || verbose(parsed));
    }

    /** Prints {@code t} for {@code cmd} and returns its exit status. */
    static int report(Throwable t, CommandLine cmd, boolean trace) {
        PrintWriter err = cmd.getErr();
        err.println(cmd.getCommandSpec().qualifiedName() + ": " + OneLine.of(t, DEFAULT_FIX));
        if (trace) {
            t.printStackTrace(err);
        }
        err.flush();
        return t instanceof VyreArgumentException ? UsageErrorHandler.EXIT : EXIT;
    }

    /** @return true when any command on the parsed path matched a {@code --verbose} option */
    private static boolean verbose(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose") && Boolean.TRUE.equals(p.matchedOptionValue("--verbose", false))) {
                return true;
            }
        }
        return false;
    }
}
