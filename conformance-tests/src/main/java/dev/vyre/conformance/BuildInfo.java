package dev.vyre.conformance;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * Which source built this jar: the git commit, whether the work tree had uncommitted changes, the build time and
 * the version, written into {@code build.properties} by Maven at build time. Every {@link SuiteReport} carries
 * them, so a report (a GPU run's above all) names the exact build it tested.
 *
 * @param commit    the full commit id, or {@value #UNKNOWN} for a build outside a git work tree
 * @param dirty     {@code "true"} when the work tree had uncommitted changes, {@code "false"}, or {@value #UNKNOWN}
 * @param buildTime when the jar was built (ISO-8601, UTC), or {@value #UNKNOWN}
 * @param version   the project version
 */
public record BuildInfo(String commit, String dirty, String buildTime, String version) {

    /** What a field holds when the build could not tell. */
    public static final String UNKNOWN = "unknown";

    private static final BuildInfo CURRENT = load();

    /** @return this jar's build information */
    public static BuildInfo current() {
        return CURRENT;
    }

    private static BuildInfo load() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read dev/vyre/conformance/build.properties. Fix: rebuild the"
                    + " vyre-conformance-tests jar", e);
        }
        return from(p);
    }

    /** @return the build information {@code p} holds (the keys of {@code build.properties}) */
    static BuildInfo from(Properties p) {
        return new BuildInfo(value(p, "commit"), value(p, "dirty"), value(p, "buildTime"), value(p, "version"));
    }

    /** @return the property, or {@value #UNKNOWN} when missing, blank or left unfiltered ({@code ${...}}) */
    private static String value(Properties p, String key) {
        String v = p.getProperty(key, "").strip();
        return v.isEmpty() || v.startsWith("${") ? UNKNOWN : v;
    }
}
