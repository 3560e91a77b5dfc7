package dev.vyre.api;

import java.util.Objects;
import org.apiguardian.api.API;

/**
 * A backend found on the class or module path, with what its probe said.
 *
 * @param name      the name to select it by ({@code reference}, {@code cuda}, ...)
 * @param priority  its rank; the highest available backend is the default
 * @param available whether it can run here
 * @param device    the device it would run on (empty when unavailable)
 * @param driver    the driver or runtime version (empty when unavailable)
 * @param reason    why it is unavailable, ending in {@code Fix: ...} (empty when available)
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2")
public record BackendInfo(String name, int priority, boolean available, String device, String driver, String reason) {

    public BackendInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(driver, "driver");
        Objects.requireNonNull(reason, "reason");
    }

    /** @return one line: name, priority, and the device or the reason */
    public String describe() {
        return name + " (priority " + priority + "): "
                + (available ? "available on " + device + " [" + driver + "]" : "unavailable: " + reason);
    }
}
