package dev.vyre.api;

import dev.vyre.protocol.BackendException;
import dev.vyre.spi.Backend;
import dev.vyre.spi.BackendProvider;
import dev.vyre.spi.Probe;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Finds backends with {@link ServiceLoader} and picks one: the highest-priority available
 * provider, unless {@value #PROPERTY} (system property) or {@value #ENV} (environment) names one.
 */
public final class Backends {

    /** System property that forces a backend by name. */
    public static final String PROPERTY = "vyre.backend";
    /** Environment variable that forces a backend by name (the property wins). */
    public static final String ENV = "VYRE_BACKEND";

    private Backends() {
    }

    /**
     * Discovers every provider on the class / module path and probes it. A provider whose
     * probe throws despite the contract is reported unavailable with the exception's text.
     *
     * @return providers sorted by descending priority, then name
     */
    public static List<ProviderStatus> discover() {
        return discover(Backends.class.getClassLoader());
    }

    /** {@link #discover()} with an explicit class loader. */
    public static List<ProviderStatus> discover(ClassLoader loader) {
        List<ProviderStatus> found = new ArrayList<>();
        ServiceLoader<BackendProvider> serviceLoader = ServiceLoader.load(BackendProvider.class, loader);
        var iterator = serviceLoader.iterator();
        while (true) {
            BackendProvider provider;
            try {
                if (!iterator.hasNext()) {
                    break;
                }
                provider = iterator.next();
            } catch (ServiceConfigurationError | LinkageError e) {
                // A provider that cannot even be instantiated is skipped; the others still count.
                System.getLogger(Backends.class.getName()).log(System.Logger.Level.WARNING,
                        "skipping a backend provider that failed to load: " + e);
                continue;
            }
            found.add(new ProviderStatus(provider, safeProbe(provider)));
        }
        found.sort(Comparator.comparingInt((ProviderStatus s) -> s.provider().priority()).reversed()
                .thenComparing(ProviderStatus::name));
        return List.copyOf(found);
    }

    /** Calls {@link BackendProvider#probe()}, turning any throwable into an unavailable probe. */
    static Probe safeProbe(BackendProvider provider) {
        try {
            Probe probe = provider.probe();
            return probe != null ? probe
                    : Probe.unavailable("probe returned nothing. Fix: report this to the backend's author");
        } catch (Throwable t) {
            return Probe.unavailable("probe failed: " + t + ". Fix: check the backend's native libraries and driver");
        }
    }

    /** @return the backend name forced by {@value #PROPERTY} or {@value #ENV}, or null */
    public static String forcedName() {
        return forcedName(System.getProperty(PROPERTY), System.getenv(ENV));
    }

    /** {@link #forcedName()} with the property and environment values given (tests use it for the env path). */
    static String forcedName(String propertyValue, String envValue) {
        String name = propertyValue;
        if (name == null || name.isBlank()) {
            name = envValue;
        }
        return name == null || name.isBlank() ? null : name.trim().toLowerCase(Locale.ROOT);
    }

    /**
     * Picks a provider: the forced one, or the highest-priority available one.
     *
     * @param requested a name to force, or null to honour {@link #forcedName()} / pick the best
     * @throws BackendException listing every provider with its reason when none fits
     */
    public static ProviderStatus select(List<ProviderStatus> statuses, String requested) {
        return select(statuses, requested, System.getenv(ENV));
    }

    /** {@link #select(List, String)} with the value of {@value #ENV} given (tests use it for the env path). */
    static ProviderStatus select(List<ProviderStatus> statuses, String requested, String envValue) {
        String name = requested != null ? requested.trim().toLowerCase(Locale.ROOT)
                : forcedName(System.getProperty(PROPERTY), envValue);
        if (name != null) {
            for (ProviderStatus s : statuses) {
                if (s.name().equals(name)) {
                    if (s.probe().available()) {
                        return s;
                    }
                    throw new BackendException("backend '" + name + "' was asked for but cannot run here: "
                            + s.probe().reason() + "; providers: " + listing(statuses),
                            "run on a machine where it is available, or pick another with -D" + PROPERTY
                                    + "=NAME / " + ENV + "=NAME");
                }
            }
            throw new BackendException("no backend named '" + name + "' is on the class path; providers: "
                    + listing(statuses), "add its jar to the class path or pick one of the listed names");
        }
        for (ProviderStatus s : statuses) {
            if (s.probe().available()) {
                return s;
            }
        }
        throw new BackendException("no backend can run here; providers: " + listing(statuses),
                "add vyre-backend-reference to the class path (it always runs), or fix a listed reason");
    }

    /** Discovers, selects ({@link #select} with no explicit name) and opens a backend. */
    public static Backend open() {
        return open(null);
    }

    /** Discovers, selects {@code name} (or the default when null) and opens it. */
    public static Backend open(String name) {
        return select(discover(), name).provider().open();
    }

    private static String listing(List<ProviderStatus> statuses) {
        if (statuses.isEmpty()) {
            return "(none found)";
        }
        StringBuilder sb = new StringBuilder();
        for (ProviderStatus s : statuses) {
            sb.append(sb.isEmpty() ? "" : "; ").append(s.describe());
        }
        return sb.toString();
    }
}
