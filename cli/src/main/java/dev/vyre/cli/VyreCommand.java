package dev.vyre.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code vyre} command: {@code backends}, {@code conform}, {@code demo}, {@code ingest}. */
@Command(name = "vyre", mixinStandardHelpOptions = true, version = "vyre 0.1.0",
        description = "A persistent VIR0 bytecode interpreter on the GPU (or the pure-Java reference backend).",
        subcommands = {BackendsCommand.class, ConformCommand.class, DemoCommand.class, IngestCommand.class,
                CommandLine.HelpCommand.class})
public final class VyreCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** @return a configured command line (used by {@link #main} and by tests) */
    public static CommandLine commandLine() {
        return new CommandLine(new VyreCommand());
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
