package dev.vyre.spi;

import org.apiguardian.api.API;
import java.util.Map;

/**
 * Identifies the device a backend runs on, for reports.
 *
 * @param name    device name, e.g. {@code NVIDIA H100 PCIe}
 * @param driver  driver / runtime version text
 * @param details further key/value facts (compute capability, API version, ...)
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2")
public record DeviceInfo(String name, String driver, Map<String, String> details) {
    public DeviceInfo {
        details = Map.copyOf(details);
    }
}
