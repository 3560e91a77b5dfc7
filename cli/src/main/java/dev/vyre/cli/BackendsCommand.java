package dev.vyre.cli;

import dev.vyre.api.BackendDevice;
import dev.vyre.api.BackendInfo;
import dev.vyre.api.Vyre;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code vyre backends}: every provider on the class path, available or not, with what each can do
 * (persistent sessions or one-pass dispatches only, found by opening it), its device and driver or
 * why it cannot run, and which one {@code demo} and {@code ingest} use by default. A backend forced
 * by {@code -Dvyre.backend} or {@code VYRE_BACKEND} that cannot run here is said to be so, and then
 * nothing is marked default. A second table lists every device of each available backend, by the
 * index {@code Vyre.open(name, index)} takes.
 */
@Command(name = "backends", mixinStandardHelpOptions = true,
        description = "List every backend with its priority, what it can do here (persistent sessions or one-pass"
                + " dispatches only), its device and driver, or why it cannot run.")
final class BackendsCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @ParentCommand
    private VyreCommand parent;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<BackendInfo> found = Vyre.backends();
        if (found.isEmpty()) {
            throw new CliFailure("no backend provider is on the class path",
                    "put vyre-backend-reference (or another backend) on the class path");
        }
        Map<String, BackendMode> modes = new LinkedHashMap<>();
        for (BackendInfo b : found) {
            if (b.available()) {
                modes.put(b.name(), BackendMode.of(b.name(), BackendMode.OPEN_LIMIT));
            }
        }
        CliEnvironment.Forced forced = parent.environment().forced();
        String fallback = null;
        for (BackendInfo b : found) {
            BackendMode m = modes.get(b.name());
            if (fallback == null && m != null && m.features() != null && m.features().persistent()) {
                fallback = b.name();
            }
        }
        String marked = forced == null ? fallback : runsSessions(forced.name(), modes) ? forced.name() : null;

        out.printf("%-3s %-12s %8s  %-11s  %-10s  %s%n", "", "NAME", "PRIORITY", "STATUS", "MODE",
                "DEVICE [DRIVER] / REASON");
        for (BackendInfo b : found) {
            BackendMode m = modes.get(b.name());
            String mode = m == null ? "-" : m.label();
            String detail = !b.available() ? b.reason()
                    : b.device() + " [" + b.driver() + "]" + (m.problem().isEmpty() ? "" : "; " + m.problem());
            out.printf("%-3s %-12s %8d  %-11s  %-10s  %s%n", b.name().equals(marked) ? "*" : "", b.name(),
                    b.priority(), b.available() ? "available" : "unavailable", mode, detail);
        }
        printDevices(out, found);
        out.println();
        out.println("persistent = runs demo, ingest and every conformance case; one-pass = Vyre.dispatch and the"
                + " one-pass conformance cases only");
        out.println(legend(found, modes, forced, marked, fallback));
        out.flush();
        return 0;
    }

    /** One line per device of every available backend: what {@code Vyre.open(name, index)} would open. */
    private static void printDevices(PrintWriter out, List<BackendInfo> found) {
        out.println();
        out.printf("%-3s %-12s %5s  %-11s  %s%n", "", "BACKEND", "INDEX", "STATUS", "DEVICE [DRIVER] / REASON");
        for (BackendInfo b : found) {
            if (!b.available()) {
                continue;
            }
            for (BackendDevice d : Vyre.devices(b.name())) {
                out.printf("%-3s %-12s %5d  %-11s  %s%n", "", d.backend(), d.index(),
                        d.available() ? "available" : "unavailable",
                        d.available() ? d.device() + " [" + d.driver() + "]" : d.reason());
            }
        }
    }

    private static boolean runsSessions(String name, Map<String, BackendMode> modes) {
        BackendMode m = modes.get(name);
        return m != null && m.features() != null && m.features().persistent();
    }

    private static String legend(List<BackendInfo> found, Map<String, BackendMode> modes, CliEnvironment.Forced forced,
                                 String marked, String fallback) {
        String choose = "choose another with --backend NAME, -D" + Vyre.PROPERTY + "=NAME or " + Vyre.ENV + "=NAME";
        String without = fallback == null ? "and no backend here runs persistent sessions"
                : "with no backend forced, the default would be " + fallback;
        if (forced == null) {
            return fallback == null
                    ? "no backend here can run demo or ingest (none runs persistent sessions); conform still runs"
                            + " the one-pass cases where a backend is available"
                    : "* = default for demo and ingest (" + fallback + "); " + choose;
        }
        if (marked != null) {
            return "* = " + marked + ", forced by " + forced.setting() + " (" + without + ")";
        }
        BackendInfo info = found.stream().filter(b -> b.name().equals(forced.name())).findFirst().orElse(null);
        String why;
        if (info == null) {
            why = forced.setting() + " names no backend on the class path";
        } else if (!info.available()) {
            why = forced.setting() + " cannot run here: " + BackendChoice.withoutFix(info.reason());
        } else {
            BackendMode m = modes.get(info.name());
            why = forced.setting() + " cannot run demo or ingest here: " + (m.features() == null ? m.problem()
                    : "it runs one-pass dispatches only");
        }
        return why + "; demo and ingest without --backend fail until you change or unset " + forced.source()
                + " (" + without + ")";
    }
}
