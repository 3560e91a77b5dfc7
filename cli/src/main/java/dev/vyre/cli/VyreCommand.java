package dev.vyre.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code vyre} command. Exit status: 0 when the work was done, 1 when it failed at run time, 2 for
 * a usage error; every error is one line on stderr ending in {@code Fix: <remedy>}, with a stack trace
 * only under {@code --verbose} or {@code VYRE_DEBUG=1}.
 *
 * <p>To add a subcommand, list its class in {@code subcommands} below; it reads the environment through
 * {@link #environment()} ({@code @ParentCommand VyreCommand parent}), validates its arguments first and
 * throws {@link UsageErrorHandler#error} for a bad one.
 */
@Command(name = "vyre", mixinStandardHelpOptions = true, version = "vyre 0.1.0",
        description = "A persistent VIR0 bytecode interpreter on the GPU (or the pure-Java reference backend).",
        // Subcommands: register new ones here, before HelpCommand.
        subcommands = {BackendsCommand.class, ConformCommand.class, DemoCommand.class, IngestCommand.class,
                BenchCommand.class, ScanCommand.class, ReplayCommand.class, CommandLine.HelpCommand.class},
        footerHeading = "%nExamples:%n",
        footer = {
            "  vyre demo                   stream a verified workload on the best backend",
            "  vyre backends               what each backend can do here, or why it cannot",
            "  vyre demo --backend reference --seconds 10 --jfr demo.jfr",
            "  vyre conform --backend reference --report conformance.json",
            "  vyre conform --list         the names of the conformance cases",
            "  vyre ingest data.bin        stream a file through io_uring, CRC-checked",
            "  vyre scan --patterns words.txt data.bin   count many literals at once on the backend",
            "  vyre bench --html bench.html  latency and verified throughput per publishing API",
            "  vyre demo --record run.vrri  record every slot the demo publishes into a replay log",
            "  vyre replay run.vrri --backend vulkan  re-run it there and on the reference, compare",
            "",
            "Choosing a backend (the first one set wins):",
            "  --backend NAME                       on demo, conform, ingest, scan, bench and replay",
            "  --device N                           its device, by the index `vyre backends` lists",
            "  VYRE_JAVA_OPTS=-Dvyre.backend=NAME   the system property (./vyre passes it)",
            "  VYRE_BACKEND=NAME                    the environment variable",
            "  otherwise the available backend with the highest priority that can run",
            "  the command; `vyre backends` marks it with *.",
            "",
            "Exit status: 0 done, 1 failed, 2 usage error. Errors are one line with a Fix;",
            "VYRE_DEBUG=1 (or --verbose before the command) adds the stack trace."})
public final class VyreCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--verbose", description = "print a failure's stack trace (as VYRE_DEBUG=1 does)")
    private boolean verbose;

    private final CliEnvironment environment;

    VyreCommand(CliEnvironment environment) {
        this.environment = environment;
    }

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        CommandLine cmd = commandLine();
        int status;
        try {
            status = cmd.execute(args);
        } catch (Throwable t) { // an Error picocli does not catch: still one line, still a status
            status = FailureHandler.report(t, cmd, CliEnvironment.system().debug());
        }
        System.exit(status);
    }

    /** @return a configured command line for this process's environment (used by {@link #main} and by tests) */
    public static CommandLine commandLine() {
        return commandLine(CliEnvironment.system());
    }

    /** @return a configured command line that reads {@code environment} instead of the process's */
    static CommandLine commandLine(CliEnvironment environment) {
        CommandLine cmd = new CommandLine(new VyreCommand(environment));
        cmd.setParameterExceptionHandler(new UsageErrorHandler());
        cmd.setExecutionExceptionHandler(new FailureHandler(environment));
        return cmd;
    }

    /** @return the environment variables and system properties the commands read */
    CliEnvironment environment() {
        return environment;
    }

    /** No command given: a usage error. */
    @Override
    public void run() {
        throw UsageErrorHandler.error(spec, "no command given (one of: "
                + String.join(", ", spec.subcommands().keySet().stream().filter(n -> !n.equals("help")).toList())
                + ")", "run `vyre --help` for examples, or start with `vyre demo`");
    }
}
