package dev.vyre.api;

import dev.vyre.protocol.BackendException;
import dev.vyre.spi.BackendProvider;
import dev.vyre.spi.Probe;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/** Finds backend providers with {@link ServiceLoader}, probes them safely and picks one. */
final class Providers {

    /** A provider with what its probe said. */
    record Found(BackendProvider provider, BackendInfo info) {
    }

    private Providers() {
    }

    /** @return every provider that loads, probed, by descending priority then name */
    static List<Found> discover(ClassLoader loader) {
        List<Found> found = new ArrayList<>();
        var iterator = ServiceLoader.load(BackendProvider.class, loader).iterator();
        while (true) {
            BackendProvider provider;
            try {
                if (!iterator.hasNext()) {
                    break;
                }
                provider = iterator.next();
            } catch (ServiceConfigurationError | LinkageError e) {
                // A provider that cannot even be instantiated is skipped; the others still count.
                System.getLogger(Providers.class.getName()).log(System.Logger.Level.DEBUG,
                        "skipping a backend provider that failed to load: " + e);
                continue;
            }
            found.add(new Found(provider, describe(provider)));
        }
        found.sort(Comparator.comparingInt((Found f) -> f.info().priority()).reversed()
                .thenComparing(f -> f.info().name()));
        return List.copyOf(found);
    }

    /**
     * Probes a provider, turning a throwing or malformed probe into an unavailable one. The priority is
     * read after the probe, since a provider may rank itself by what its probe found (a CPU device).
     */
    static BackendInfo describe(BackendProvider provider) {
        String name;
        try {
            name = provider.name();
        } catch (RuntimeException | LinkageError e) {
            return new BackendInfo(provider.getClass().getName(), Integer.MIN_VALUE, false, "", "",
                    "its name() failed: " + Probe.firstLine(e) + ". Fix: report this to the backend's author");
        }
        if (name == null || name.isBlank() || !name.equals(name.toLowerCase(Locale.ROOT))) {
            return new BackendInfo(String.valueOf(name), Integer.MIN_VALUE, false, "", "", "provider "
                    + provider.getClass().getName() + " has no lower-case name. Fix: report this to the backend's author");
        }
        Probe probe;
        try {
            probe = JvmSignalHandlers.guard("probing backend '" + name + "'", provider::probe);
        } catch (Throwable t) {
            probe = Probe.unavailable("probe failed: " + Probe.firstLine(t)
                    + ". Fix: check the backend's native libraries and driver");
        }
        if (probe == null) {
            probe = Probe.unavailable("probe returned nothing. Fix: report this to the backend's author");
        }
        int priority;
        try {
            priority = provider.priority();
        } catch (RuntimeException | LinkageError e) {
            return new BackendInfo(name, Integer.MIN_VALUE, false, "", "",
                    "its priority() failed: " + Probe.firstLine(e) + ". Fix: report this to the backend's author");
        }
        return new BackendInfo(name, priority, probe.available(), probe.device(), probe.driver(), probe.reason());
    }

    /**
     * The devices of a provider that {@link #describe} found available; never throws. A provider whose
     * {@code devices()} fails or lists nothing reports its probe as device 0.
     */
    static List<BackendDevice> devices(BackendProvider provider, BackendInfo info) {
        List<Probe> probes;
        try {
            probes = JvmSignalHandlers.guard("listing the devices of backend '" + info.name() + "'",
                    provider::devices);
        } catch (Throwable t) {
            return List.of(new BackendDevice(info.name(), 0, false, "", "", "devices() failed: " + Probe.firstLine(t)
                    + ". Fix: report this to the backend's author"));
        }
        if (probes == null || probes.isEmpty()) {
            return List.of(new BackendDevice(info.name(), 0, info.available(), info.device(), info.driver(),
                    info.reason()));
        }
        List<BackendDevice> out = new java.util.ArrayList<>(probes.size());
        for (int i = 0; i < probes.size(); i++) {
            Probe p = probes.get(i);
            out.add(p == null ? new BackendDevice(info.name(), i, false, "", "",
                    "the backend described no device here. Fix: report this to the backend's author")
                    : new BackendDevice(info.name(), i, p.available(), p.device(), p.driver(), p.reason()));
        }
        return List.copyOf(out);
    }

    /** @return the forced name from the property or the environment value, or null */
    static String forcedName(String propertyValue, String envValue) {
        String name = propertyValue;
        if (name == null || name.isBlank()) {
            name = envValue;
        }
        return name == null || name.isBlank() ? null : name.trim().toLowerCase(Locale.ROOT);
    }

    /**
     * Picks a provider: {@code requested} when not null, else the forced one, else the highest-priority
     * available one.
     */
    static Found select(List<Found> found, String requested, String envValue) {
        String name = requested != null ? requested.trim().toLowerCase(Locale.ROOT)
                : forcedName(System.getProperty(Vyre.PROPERTY), envValue);
        if (name != null) {
            for (Found f : found) {
                if (f.info().name().equals(name)) {
                    if (f.info().available()) {
                        return f;
                    }
                    throw new BackendException("backend '" + name + "' cannot run here: " + stripFix(f.info().reason()),
                            "run `vyre backends` to see what is available, and pick one with --backend NAME, -D"
                                    + Vyre.PROPERTY + "=NAME or " + Vyre.ENV + "=NAME");
                }
            }
            throw new BackendException("no backend named '" + name + "' is on the class path (found: "
                    + names(found) + ")", "pick one of the names found, or add the backend's jar to the class path");
        }
        for (Found f : found) {
            if (f.info().available()) {
                return f;
            }
        }
        StringBuilder reasons = new StringBuilder();
        for (Found f : found) {
            reasons.append(reasons.isEmpty() ? "" : "; ").append(f.info().name()).append(": ")
                    .append(stripFix(f.info().reason()));
        }
        throw new BackendException("no backend can run here (" + (found.isEmpty() ? "none found" : reasons) + ")",
                "add vyre-backend-reference to the class path (it always runs), or run `vyre backends` for each"
                        + " backend's reason");
    }

    private static String stripFix(String reason) {
        int at = reason.indexOf(" Fix: ");
        return at < 0 ? reason : reason.substring(0, at).replaceAll("[.;]\\s*$", "");
    }

    private static String names(List<Found> found) {
        if (found.isEmpty()) {
            return "none";
        }
        StringBuilder sb = new StringBuilder();
        for (Found f : found) {
            sb.append(sb.isEmpty() ? "" : ", ").append(f.info().name())
                    .append(f.info().available() ? "" : " (unavailable)");
        }
        return sb.toString();
    }
}
