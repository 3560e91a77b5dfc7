package dev.vyre.spi;

import org.apiguardian.api.API;
import java.util.Objects;

/**
 * The result of {@link BackendProvider#probe()}.
 *
 * @param available whether {@link BackendProvider#open()} is expected to succeed
 * @param device    the device it would run on (empty when unavailable)
 * @param driver    the driver / runtime version (empty when unavailable)
 * @param reason    why it is unavailable, ending in {@code Fix: ...} (empty when available)
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2")
public record Probe(boolean available, String device, String driver, String reason) {

    public Probe {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(driver, "driver");
        Objects.requireNonNull(reason, "reason");
    }

    /** @return an available probe */
    public static Probe available(String device, String driver) {
        return new Probe(true, device, driver, "");
    }

    /** @return an unavailable probe; {@code reason} should end in {@code Fix: ...} */
    public static Probe unavailable(String reason) {
        return new Probe(false, "", "", reason);
    }

    /**
     * The first line of a throwable's message (or its class name), for an unavailable reason: native
     * loaders put long multi-line texts in their errors, which must not reach the user raw.
     */
    public static String firstLine(Throwable t) {
        String text = t.getMessage() != null ? t.getMessage() : t.toString();
        int newline = text.indexOf('\n');
        return (newline < 0 ? text : text.substring(0, newline)).strip();
    }
}
