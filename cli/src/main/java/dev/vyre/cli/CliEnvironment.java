package dev.vyre.cli;

import dev.vyre.api.Vyre;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * What a command reads from its process besides its arguments: environment variables and system
 * properties. Injected so that tests run the commands with a given {@code VYRE_BACKEND} or
 * {@code VYRE_DEBUG}.
 *
 * @param env        environment variables
 * @param properties system property lookup (null when unset)
 */
record CliEnvironment(Map<String, String> env, UnaryOperator<String> properties) {

    /** Environment variable that makes failures print their stack trace. */
    static final String DEBUG_ENV = "VYRE_DEBUG";

    CliEnvironment {
        env = Map.copyOf(Objects.requireNonNull(env, "env"));
        Objects.requireNonNull(properties, "properties");
    }

    /** @return this process's environment and system properties */
    static CliEnvironment system() {
        return new CliEnvironment(System.getenv(), System::getProperty);
    }

    /** @return the given environment variables and no system property */
    static CliEnvironment of(Map<String, String> env) {
        return new CliEnvironment(env, name -> null);
    }

    /** @return true when {@value #DEBUG_ENV} is {@code 1} or {@code true} */
    boolean debug() {
        String v = env.get(DEBUG_ENV);
        return v != null && (v.trim().equals("1") || v.trim().equalsIgnoreCase("true"));
    }

    /**
     * @return the backend forced by {@code -Dvyre.backend} (it wins) or {@code VYRE_BACKEND}, lower-cased,
     *         or null when neither names one
     */
    Forced forced() {
        String property = properties.apply(Vyre.PROPERTY);
        if (property != null && !property.isBlank()) {
            return new Forced(property.trim().toLowerCase(Locale.ROOT), "-D" + Vyre.PROPERTY);
        }
        String variable = env.get(Vyre.ENV);
        if (variable != null && !variable.isBlank()) {
            return new Forced(variable.trim().toLowerCase(Locale.ROOT), Vyre.ENV);
        }
        return null;
    }

    /**
     * A backend name forced from outside the command line.
     *
     * @param name   the backend's name, lower-case
     * @param source {@code VYRE_BACKEND} or {@code -Dvyre.backend}
     */
    record Forced(String name, String source) {
        /** @return e.g. {@code VYRE_BACKEND=cuda} */
        String setting() {
            return source + "=" + name;
        }
    }
}
