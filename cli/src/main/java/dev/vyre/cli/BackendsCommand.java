package dev.vyre.cli;

import dev.vyre.api.BackendInfo;
import dev.vyre.api.Vyre;
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
        List<BackendInfo> statuses = Vyre.backends();
        if (statuses.isEmpty()) {
            out.println("no backend providers found. Fix: put vyre-backend-reference (or another backend) on the"
                    + " class path");
            return 1;
        }
        String selected = null;
        try {
            selected = Vyre.select(null).name();
        } catch (RuntimeException e) {
            spec.commandLine().getErr().println(e.getMessage());
        }
        out.printf("%-3s %-12s %8s  %-11s %s%n", "", "NAME", "PRIORITY", "STATUS", "DEVICE / REASON");
        for (BackendInfo s : statuses) {
            boolean ok = s.available();
            String detail = ok ? s.device() + " [" + s.driver() + "]" : s.reason();
            out.printf("%-3s %-12s %8d  %-11s %s%n", s.name().equals(selected) ? "*" : "", s.name(),
                    s.priority(), ok ? "available" : "unavailable", detail);
        }
        out.println();
        out.println(selected == null ? "no backend can run here"
                : "* = default (" + selected + "); choose another with -D" + Vyre.PROPERTY + "=NAME or "
                        + Vyre.ENV + "=NAME");
        out.flush();
        return 0;
    }
}
