package dev.vyre.spi;

import org.apiguardian.api.API;

/** Where a session buffer lives, as seen from the host. */
@API(status = API.Status.EXPERIMENTAL, since = "0.2")
public enum Placement {
    /** Ordinary host memory; the interpreter runs on the CPU. */
    HOST,
    /** Host memory that the device reads and writes across the bus. */
    HOST_MAPPED,
    /** Device memory that the host maps (through a BAR window). */
    DEVICE_MAPPED,
    /** Device memory the host cannot map; the driver copies it on request. */
    DEVICE
}
