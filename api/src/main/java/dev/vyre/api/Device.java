package dev.vyre.api;

import java.util.Map;
import org.apiguardian.api.API;

/**
 * The device an opened backend runs on.
 *
 * @param name    device name, e.g. {@code NVIDIA H100 PCIe}
 * @param driver  driver or runtime version
 * @param details further facts (compute capability, API version, ...)
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2")
public record Device(String name, String driver, Map<String, String> details) {
    public Device {
        details = Map.copyOf(details);
    }
}
