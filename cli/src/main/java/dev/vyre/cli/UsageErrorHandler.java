package dev.vyre.cli;

import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Prints a usage error (an unknown option, a bad number, a missing value, or a value a command refused
 * before doing any work) as one line on stderr, {@code <command>: <problem>. Fix: <remedy>}, and
 * returns exit status 2. Never prints the usage text or a stack trace.
 */
final class UsageErrorHandler implements CommandLine.IParameterExceptionHandler {

    /** Exit status of a usage error. */
    static final int EXIT = 2;

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println(cmd.getCommandSpec().qualifiedName() + ": " + OneLine.of(ex.getMessage(), fix(ex, cmd)));
        err.flush();
        return EXIT;
    }

    private static String fix(ParameterException ex, CommandLine cmd) {
        String help = "see `" + cmd.getCommandSpec().qualifiedName() + " --help` for the options and their values";
        if (ex instanceof UnmatchedArgumentException u) {
            List<String> suggestions = u.getSuggestions();
            if (!suggestions.isEmpty()) {
                return "did you mean " + String.join(" or ", suggestions.subList(0, Math.min(3, suggestions.size())))
                        + "? " + help;
            }
        }
        return help;
    }

    /**
     * @return a usage error of {@code spec}'s command: {@code problem. Fix: fix}, handled by this handler
     */
    static ParameterException error(CommandLine.Model.CommandSpec spec, String problem, String fix) {
        return new ParameterException(spec.commandLine(), problem + ". Fix: " + fix);
    }
}
