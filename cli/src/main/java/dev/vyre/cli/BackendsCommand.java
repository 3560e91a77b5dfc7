package dev.vyre.cli;

import dev.vyre.api.Backends;
import dev.vyre.api.ProviderStatus;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code vyre backends}: every provider on the class path, available or not. */
@Command(name = "backends", mixinStandardHelpOptions = true,
        description = "List every backend provider with its priority, availability, device or reason.")
final class BackendsCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<ProviderStatus> statuses = Backends.discover();
        if (statuses.isEmpty()) {
            out.println("no backend providers found. Fix: put vyre-backend-reference (or another backend) on the"
                    + " class path");
            return 1;
        }
        String selected = null;
        try {
            selected = Backends.select(statuses, null).name();
        } catch (RuntimeException e) {
            spec.commandLine().getErr().println(e.getMessage());
        }
        out.printf("%-3s %-12s %8s  %-11s %s%n", "", "NAME", "PRIORITY", "STATUS", "DEVICE / REASON");
        for (ProviderStatus s : statuses) {
            boolean ok = s.probe().available();
            String detail = ok ? s.probe().device() + " [" + s.probe().driver() + "]" : s.probe().reason();
            out.printf("%-3s %-12s %8d  %-11s %s%n", s.name().equals(selected) ? "*" : "", s.name(),
                    s.provider().priority(), ok ? "available" : "unavailable", detail);
        }
        out.println();
        out.println(selected == null ? "no backend can run here"
                : "* = default (" + selected + "); choose another with -D" + Backends.PROPERTY + "=NAME or "
                        + Backends.ENV + "=NAME");
        out.flush();
        return 0;
    }
}
