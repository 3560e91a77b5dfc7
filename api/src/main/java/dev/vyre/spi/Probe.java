package dev.vyre.spi;

import java.util.Objects;

/**
 * The result of {@link BackendProvider#probe()}.
 *
 * @param available whether {@link BackendProvider#open()} is expected to succeed
 * @param device    the device it would run on (empty when unavailable)
 * @param driver    the driver / runtime version (empty when unavailable)
 * @param reason    why it is unavailable, ending in {@code Fix: ...} (empty when available)
 */
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
}
