package dev.vyre.api;

import java.util.Objects;
import org.apiguardian.api.API;

/**
 * One device a backend can address, as {@link Vyre#devices(String)} lists it. Open it with
 * {@link Vyre#open(String, int)}.
 *
 * @param backend   the backend's name
 * @param index     the device's index within the backend (a CUDA ordinal, a Vulkan physical-device
 *                  index; 0 for a backend with one device)
 * @param available whether it can run here
 * @param device    the device's name (empty when unavailable)
 * @param driver    the driver or runtime version (empty when unavailable)
 * @param reason    why it cannot run, ending in {@code Fix: ...} (empty when available)
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.3")
public record BackendDevice(String backend, int index, boolean available, String device, String driver,
                            String reason) {

    public BackendDevice {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(driver, "driver");
        Objects.requireNonNull(reason, "reason");
    }
}
