package dev.vyre.spi;

/**
 * A backend plugin, found with {@link java.util.ServiceLoader}. Implementations must have a
 * public no-argument constructor that does no native work: loading native libraries belongs
 * in {@link #probe()} and {@link #open()}.
 */
public interface BackendProvider {

    /** @return the short, lower-case name users select it by ({@code reference}, {@code cuda}, ...) */
    String name();

    /** @return the rank among available providers; the highest available one is the default */
    int priority();

    /**
     * Finds out whether this backend can run here. Must never throw, not even
     * {@link LinkageError} from a missing native library: report it as the reason.
     *
     * @return available with device and driver, or unavailable with a reason that ends in a fix
     */
    Probe probe();

    /**
     * Opens the backend on its device.
     *
     * @throws dev.vyre.protocol.BackendException when the device cannot be opened
     */
    Backend open();
}
