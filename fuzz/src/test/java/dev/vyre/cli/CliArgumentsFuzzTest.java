package dev.vyre.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Jazzer target over the {@code vyre} command line: for any argument vector (a subcommand, its own option names,
 * option=value pairs, hostile numbers and arbitrary strings), picocli's parsing with the CLI's real handlers
 * either accepts the arguments or ends in a usage error: exit status 2 and exactly one line on stderr with
 * {@code Fix:} exactly once, nothing on stdout. Any other exception is a finding. Parsing only: no command runs.
 */
class CliArgumentsFuzzTest {

    private static final String[] VALUES = {"", "0", "-1", "1", "2147483648", "-2147483649", "1e309", "NaN",
        "Infinity", "-0", "0x10", "1.5", "86400", "86401", "65536", "1k", "1KiB", "1GiB", "99999999999999999999T",
        "reference", "cuda", "vulkan", "REFERENCE", "127.0.0.1:0", "[::1]:65536", ":", "/", "/dev/null", "-",
        "--", "\u0000", "a\nb", "a\rb", "Fix: x", "%n%s", "${DEFAULT-VALUE}"};

    /** Built once (picocli takes ~0.1 s to build the command tree) and reused: picocli resets it on each parse. */
    private static final CommandLine CMD = VyreCommand.commandLine(CliEnvironment.of(Map.of()));
    private static final StringWriter OUT = new StringWriter();
    private static final StringWriter ERR = new StringWriter();

    static {
        CMD.setOut(new PrintWriter(OUT, true));
        CMD.setErr(new PrintWriter(ERR, true));
    }

    @FuzzTest(maxDuration = "10s")
    void parse(FuzzedDataProvider data) throws Exception {
        CommandLine cmd = CMD;
        StringWriter out = OUT;
        StringWriter err = ERR;
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        List<String> names = new ArrayList<>(cmd.getSubcommands().keySet());
        List<String> args = new ArrayList<>();
        CommandLine target = cmd;
        int pick = data.consumeInt(0, names.size() + 1);
        if (pick < names.size()) {
            args.add(names.get(pick));
            target = cmd.getSubcommands().get(names.get(pick));
        } else if (pick == names.size()) {
            args.add(data.consumeString(16));
        }
        List<String> options = new ArrayList<>();
        for (OptionSpec o : target.getCommandSpec().options()) {
            options.addAll(List.of(o.names()));
        }
        for (OptionSpec o : cmd.getCommandSpec().options()) {
            options.addAll(List.of(o.names()));
        }
        int n = data.consumeInt(0, 8);
        for (int i = 0; i < n; i++) {
            switch (data.consumeInt(0, 4)) {
                case 0 -> args.add(data.pickValue(options));
                case 1 -> args.add(data.pickValue(options) + "=" + value(data));
                case 2 -> {
                    args.add(data.pickValue(options));
                    args.add(value(data));
                }
                case 3 -> args.add(value(data));
                default -> args.add(data.consumeString(40));
            }
        }
        String[] argv = args.toArray(String[]::new);
        try {
            cmd.parseArgs(argv);
        } catch (CommandLine.ParameterException e) {
            int status = cmd.getParameterExceptionHandler().handleParseException(e, argv);
            assertEquals(2, status, "usage error status");
            String text = err.toString();
            String line = text.endsWith(System.lineSeparator()) ? text.substring(0, text.length()
                    - System.lineSeparator().length()) : text;
            assertTrue(!line.isEmpty() && text.endsWith(System.lineSeparator()), () -> "no usage line: " + text);
            assertTrue(line.indexOf('\n') < 0 && line.indexOf('\r') < 0, () -> "more than one line: " + text);
            int fix = line.indexOf("Fix: ");
            assertTrue(fix > 0 && line.indexOf("Fix:", fix + 1) < 0, () -> "not exactly one Fix: " + text);
            assertEquals("", out.toString(), "stdout of a usage error");
        } catch (RuntimeException | Error e) {
            fail("parsing " + List.of(argv) + " threw " + e + " instead of a usage error", e);
        }
    }

    private static String value(FuzzedDataProvider data) {
        return data.consumeBoolean() ? data.pickValue(VALUES) : data.consumeString(24);
    }
}
