package dev.vyre.spi;

import org.apiguardian.api.API;

/**
 * A backend plugin, found with {@link java.util.ServiceLoader}. Implementations have a public
 * no-argument constructor that does no native work: loading native libraries belongs in
 * {@link #probe()} and {@link #open()}. The runtime validates each provider (name, probe, device,
 * capabilities) before users see it.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2")
public interface BackendProvider {

    /** @return the short, lower-case name users select it by ({@code reference}, {@code cuda}, ...) */
    String name();

    /** @return the rank among available providers; the highest available one is the default */
    int priority();

    /**
     * Finds out whether this backend can run here. Never throws, not even {@link LinkageError} from a
     * missing native library, and prints nothing: the reason goes into the result.
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
