package dev.vyre.cli;

import static dev.vyre.cli.Cli.assertOneLineError;
import static dev.vyre.cli.Cli.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The top level: usage errors exit 2, failures exit 1, each as one line with a Fix; the help text. */
class TopLevelTest {

    @Test
    void anUnknownOptionIsOneLineAndExits2() {
        assertOneLineError(run("--bogus"), 2, "vyre");
        assertOneLineError(run("demo", "--sconds", "3"), 2, "vyre demo");
        assertOneLineError(run("backends", "--all"), 2, "vyre backends");
    }

    @Test
    void anUnknownCommandIsOneLineAndExits2() {
        Cli.Run r = run("demoo");
        assertOneLineError(r, 2, "vyre");
        assertTrue(r.err().contains("demo"), r.both());
    }

    @Test
    void aBadNumberIsOneLineAndExits2() {
        Cli.Run r = run("demo", "--seconds", "abc");
        assertOneLineError(r, 2, "vyre demo");
        assertTrue(r.err().contains("--seconds") && r.err().contains("abc"), r.both());
        assertOneLineError(run("demo", "--slots", "1e3"), 2, "vyre demo");
    }

    @Test
    void aMissingValueIsOneLineAndExits2() {
        Cli.Run r = run("demo", "--seconds");
        assertOneLineError(r, 2, "vyre demo");
        assertTrue(r.err().contains("--seconds"), r.both());
        assertOneLineError(run("conform", "--report"), 2, "vyre conform");
    }

    @Test
    void noCommandIsAUsageError() {
        Cli.Run r = run();
        assertOneLineError(r, 2, "vyre");
        assertTrue(r.err().contains("vyre --help"), r.both());
    }

    @Test
    void helpHasExamplesAndSaysHowToPickABackend() {
        Cli.Run r = run("--help");
        assertEquals(0, r.exit(), r.both());
        assertTrue(r.out().contains("Examples:") && r.out().contains("vyre demo") && r.out().contains("vyre backends"),
                r.out());
        assertTrue(r.out().contains("--backend NAME"), r.out());
        assertTrue(r.out().contains("VYRE_BACKEND=NAME"), r.out());
        assertTrue(r.out().contains("VYRE_JAVA_OPTS=-Dvyre.backend=NAME"), r.out());
        assertTrue(r.out().contains("VYRE_DEBUG=1"), r.out());
        assertTrue(r.out().lines().allMatch(l -> l.length() <= 80), "help wider than 80 columns:\n" + r.out());
    }

    @Test
    void aFailurePrintsTheFirstLineOfTheMessageWithoutATrace() {
        Cli.Run r = boom(Map.of(), new IllegalStateException("the device fell off the bus\nat line two. Fix: plug it in"),
                "boom");
        assertOneLineError(r, 1, "vyre boom");
        assertTrue(r.err().contains("the device fell off the bus"), r.both());
        assertTrue(!r.err().contains("line two"), r.both());
    }

    @Test
    void aFailureWithoutAFixGetsOne() {
        Cli.Run r = boom(Map.of(), new NullPointerException(), "boom");
        assertOneLineError(r, 1, "vyre boom");
        assertTrue(r.err().contains("NullPointerException") && r.err().contains("VYRE_DEBUG=1"), r.both());
    }

    @Test
    void aFailureThatRepeatsFixStillHasOneFix() {
        Cli.Run r = boom(Map.of(), new IllegalStateException("backend 'x' cannot run: no driver. Fix: install it."
                + " Fix: or pick another"), "boom");
        assertOneLineError(r, 1, "vyre boom");
        assertTrue(r.err().contains("install it; or pick another"), r.both());
    }

    @Test
    void anArgumentTheApiRefusesIsAUsageError() {
        Cli.Run r = boom(Map.of(), new dev.vyre.protocol.VyreArgumentException("slot", "-1 is outside the ring",
                "pass 0..7"), "boom");
        assertOneLineError(r, 2, "vyre boom");
    }

    @Test
    void vyreDebugAndVerbosePrintTheTrace() {
        Cli.Run debug = boom(Map.of("VYRE_DEBUG", "1"), new IllegalStateException("broken. Fix: mend it"), "boom");
        assertEquals(1, debug.exit());
        assertTrue(debug.err().contains("\tat ") && debug.err().contains("IllegalStateException"), debug.both());
        Cli.Run verbose = boom(Map.of(), new IllegalStateException("broken. Fix: mend it"), "--verbose", "boom");
        assertEquals(1, verbose.exit());
        assertTrue(verbose.err().contains("\tat "), verbose.both());
    }

    /** Runs {@code args} with an extra subcommand {@code boom} that throws {@code failure}. */
    private static Cli.Run boom(Map<String, String> env, RuntimeException failure, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = VyreCommand.commandLine(CliEnvironment.of(env));
        cmd.addSubcommand("boom", new FailingCommand(failure));
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        return new Cli.Run(cmd.execute(args), out.toString(), err.toString());
    }

    /** A command that throws. */
    @CommandLine.Command(name = "boom")
    static final class FailingCommand implements Runnable {
        private final RuntimeException failure;

        FailingCommand(RuntimeException failure) {
            this.failure = failure;
        }

        @Override
        public void run() {
            throw failure;
        }
    }
}
