package dev.vyre.cli;

import dev.vyre.api.BackendInfo;
import dev.vyre.api.Vyre;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Opens the backend a command that needs persistent sessions ({@code demo}, {@code bench}, {@code ingest},
 * {@code scan}) runs on:
 * the one named by {@code --backend}, else the one forced by {@code -Dvyre.backend} or
 * {@code VYRE_BACKEND}, else the available backend with the highest priority that runs persistent
 * sessions. Every refusal says why in one line with a fix:
 * <ul>
 *   <li>a {@code --backend} name that no provider has: a usage error (exit 2);</li>
 *   <li>a {@code --device} index the chosen backend does not have: a usage error (exit 2), before the backend
 *       is opened;</li>
 *   <li>a named backend that cannot run here, or runs one-pass dispatches only, or fails to open, and
 *       no backend at all that can run sessions: a {@link CliFailure} (exit 1).</li>
 * </ul>
 */
final class BackendChoice {

    private BackendChoice() {
    }

    /**
     * @param spec      the command, for usage errors
     * @param requested the {@code --backend} value, or null
     * @param device    the {@code --device} option: the chosen backend opens on that index (a usage error when
     *                  it has no such device, raised before it is opened), or on its default device without it
     * @param env       where the forced name comes from
     * @return an opened backend whose {@code features().persistent()} is true; the caller closes it
     */
    static Vyre openPersistent(CommandSpec spec, String requested, DeviceOption device, CliEnvironment env) {
        return openPersistent(spec, requested, env, Vyre.backends(), device.opener(Vyre::devices));
    }

    /**
     * {@link #openPersistent(CommandSpec, String, DeviceOption, CliEnvironment)} over given backends.
     *
     * @param found  the backends, by descending priority
     * @param opener opens a backend by name; a usage error it throws ends the choice
     */
    static Vyre openPersistent(CommandSpec spec, String requested, CliEnvironment env, List<BackendInfo> found,
                               Function<String, Vyre> opener) {
        String command = spec.qualifiedName();
        if (requested != null) {
            return openNamed(spec, found, opener, requested.trim().toLowerCase(Locale.ROOT),
                    "--backend " + requested.trim(), command, true);
        }
        CliEnvironment.Forced forced = env.forced();
        if (forced != null) {
            return openNamed(spec, found, opener, forced.name(), forced.setting(), command, false);
        }
        List<String> refusals = new ArrayList<>();
        for (BackendInfo info : found) {
            if (!info.available()) {
                refusals.add(info.name() + " cannot run here (" + withoutFix(info.reason()) + ")");
                continue;
            }
            Vyre vyre;
            try {
                vyre = opener.apply(info.name());
            } catch (CommandLine.ParameterException e) {
                throw e; // a usage error (no such --device): never a reason to try the next backend
            } catch (RuntimeException e) {
                refusals.add(info.name() + " failed to open (" + withoutFix(OneLine.of(e, "")) + ")");
                continue;
            }
            if (vyre.features().persistent()) {
                return vyre;
            }
            refusals.add(info.name() + " on " + vyre.device().name() + " runs one-pass dispatches only");
            closeQuietly(vyre);
        }
        throw new CliFailure("no backend here can run a persistent session, which " + command + " needs"
                + (refusals.isEmpty() ? " (no backend provider is on the class path)" : ": " + String.join("; ", refusals)),
                "add vyre-backend-reference to the class path (it always runs), or run `vyre backends` for each"
                        + " backend's reason");
    }

    private static Vyre openNamed(CommandSpec spec, List<BackendInfo> found, Function<String, Vyre> opener,
                                  String name, String setting, String command, boolean onCommandLine) {
        BackendInfo info = null;
        for (BackendInfo b : found) {
            if (b.name().equals(name)) {
                info = b;
            }
        }
        if (info == null) {
            String names = found.isEmpty() ? "none" : String.join(", ", found.stream().map(BackendInfo::name).toList());
            if (onCommandLine) {
                throw UsageErrorHandler.error(spec, "no backend named '" + name + "' is on the class path (found: "
                        + names + ")", "pass one of those names, or run `vyre backends`");
            }
            throw new CliFailure(setting + " names no backend on the class path (found: " + names + ")",
                    "set it to one of those names, or unset it to use the default");
        }
        if (!info.available()) {
            throw new CliFailure(setting + ": backend '" + name + "' cannot run here: " + withoutFix(info.reason()),
                    fixOf(info.reason(), "run `vyre backends` and pick an available backend"));
        }
        Vyre vyre = opener.apply(name);
        if (!vyre.features().persistent()) {
            String device = vyre.device().name();
            closeQuietly(vyre);
            throw new CliFailure(setting + ": backend '" + name + "' on " + device + " runs one-pass dispatches only,"
                    + " and " + command + " needs a persistent session", "pick a backend whose `vyre backends` line"
                    + " says persistent (the reference backend always does), e.g. --backend reference");
        }
        return vyre;
    }

    /** @return the remedy of a text ending in {@code Fix: ...}, or {@code otherwise} */
    static String fixOf(String text, String otherwise) {
        int at = text.indexOf("Fix:");
        if (at < 0) {
            return otherwise;
        }
        String fix = text.substring(at + 4).strip();
        while (fix.endsWith(".")) {
            fix = fix.substring(0, fix.length() - 1);
        }
        return fix.isEmpty() ? otherwise : fix;
    }

    /** @return {@code text} without its {@code Fix: ...} part and trailing punctuation */
    static String withoutFix(String text) {
        int at = text.indexOf("Fix:");
        String problem = (at < 0 ? text : text.substring(0, at)).strip();
        while (!problem.isEmpty() && ".;:,".indexOf(problem.charAt(problem.length() - 1)) >= 0) {
            problem = problem.substring(0, problem.length() - 1).strip();
        }
        return problem;
    }

    private static void closeQuietly(Vyre vyre) {
        try {
            vyre.close();
        } catch (RuntimeException ignored) {
            // refusing it already; a failing close adds nothing the user can act on
        }
    }
}
