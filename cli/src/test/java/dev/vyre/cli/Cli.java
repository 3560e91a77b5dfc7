package dev.vyre.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import picocli.CommandLine;

/** Runs the {@code vyre} command in-process, with a given environment, and checks its error lines. */
final class Cli {

    /** What a run printed and returned. */
    record Run(int exit, String out, String err) {
        /** @return stdout and stderr, for assertion messages */
        String both() {
            return "exit " + exit + "\n--- out:\n" + out + "--- err:\n" + err;
        }
    }

    private Cli() {
    }

    /** Runs with no environment variable set. */
    static Run run(String... args) {
        return run(Map.of(), args);
    }

    /** Runs with exactly the environment variables {@code env}. */
    static Run run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = VyreCommand.commandLine(CliEnvironment.of(env));
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        int exit = cmd.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    /**
     * Asserts the house rule for an error: stderr is exactly one line, it names the command, carries
     * {@code Fix:} exactly once, and holds no stack trace.
     */
    static void assertOneLineError(Run r, int exit, String command) {
        assertEquals(exit, r.exit(), r.both());
        String err = r.err().strip();
        assertFalse(err.isEmpty(), r.both());
        assertFalse(err.contains("\n"), "more than one line on stderr:\n" + r.both());
        assertTrue(err.startsWith(command + ": "), r.both());
        assertEquals(1, count(err, "Fix:"), "Fix: must appear exactly once:\n" + r.both());
        assertFalse(err.contains("\tat ") || err.contains("Exception:"), r.both());
    }

    static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
