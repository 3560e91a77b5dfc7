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
     * Opens the backend on its default device (the backend's choice, e.g. the best GPU).
     *
     * @throws dev.vyre.protocol.BackendException when the device cannot be opened
     */
    Backend open();

    /**
     * Lists the devices this backend can address, in the backend's own enumeration order (a CUDA
     * ordinal, a Vulkan physical-device index); the position in the list is the index
     * {@link #open(int)} takes. Never throws and prints nothing, like {@link #probe()}: a device that
     * cannot run is listed as unavailable with its reason. The default is the one device of
     * {@link #probe()}.
     *
     * @return at least one entry
     */
    default java.util.List<Probe> devices() {
        return java.util.List.of(probe());
    }

    /**
     * Opens the backend on device {@code index} of {@link #devices()}. Every session and dispatch of the
     * returned backend runs on that device. The default opens {@link #open()} for index 0 and refuses
     * every other index.
     *
     * @throws dev.vyre.protocol.UnsupportedFeatureException when the index is not a device of this backend
     * @throws dev.vyre.protocol.BackendException            when the device cannot be opened
     */
    default Backend open(int index) {
        if (index == 0) {
            return open();
        }
        throw new dev.vyre.protocol.UnsupportedFeatureException(name(), "device selection",
                "backend '" + name() + "' addresses one device, not device " + index,
                "open device 0, or leave the device unset");
    }
}
