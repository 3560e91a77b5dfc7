package dev.vyre.api;

import dev.vyre.spi.BackendProvider;
import dev.vyre.spi.Probe;

/**
 * A discovered provider with the result of its probe.
 *
 * @param provider the provider
 * @param probe    what its probe said
 */
public record ProviderStatus(BackendProvider provider, Probe probe) {

    /** @return the provider's name */
    public String name() {
        return provider.name();
    }

    /** @return one line: name, priority, availability with device or reason */
    public String describe() {
        return provider.name() + " (priority " + provider.priority() + "): "
                + (probe.available() ? "available on " + probe.device() + " [" + probe.driver() + "]"
                        : "unavailable: " + probe.reason());
    }
}
