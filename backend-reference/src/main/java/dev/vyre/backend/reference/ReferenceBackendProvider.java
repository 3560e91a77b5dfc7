package dev.vyre.backend.reference;

import dev.vyre.spi.Backend;
import dev.vyre.spi.BackendProvider;
import dev.vyre.spi.DeviceInfo;
import dev.vyre.spi.Probe;
import java.util.Map;

/**
 * Provider of the pure-Java reference backend ({@value #NAME}): always available, lowest
 * priority ({@value #PRIORITY}), so any GPU backend that can run is preferred.
 */
public final class ReferenceBackendProvider implements BackendProvider {

    /** The name users select it by. */
    public static final String NAME = "reference";
    /** Lowest rank: GPU backends (CUDA 100, Vulkan 50) win when available. */
    public static final int PRIORITY = 0;

    /** Does no work: ServiceLoader instantiates every provider. */
    public ReferenceBackendProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    @Override
    public Probe probe() {
        return Probe.available(deviceName(), driver());
    }

    @Override
    public Backend open() {
        int cores = Runtime.getRuntime().availableProcessors();
        return new ReferenceBackend(new DeviceInfo(deviceName(), driver(), Map.of(
                "cores", Integer.toString(cores),
                "java.vm", System.getProperty("java.vm.name", "?") + " " + System.getProperty("java.vm.version", "?"),
                "memory", "HOST (off-heap MemorySegment)")));
    }

    private static String deviceName() {
        return "Java " + Runtime.version() + " on " + System.getProperty("os.name", "?") + "/"
                + System.getProperty("os.arch", "?") + ", " + Runtime.getRuntime().availableProcessors() + " cores";
    }

    private static String driver() {
        return "vyre reference interpreter " + version();
    }

    private static String version() {
        String v = ReferenceBackendProvider.class.getPackage().getImplementationVersion();
        return v != null ? v : "0.1.0-SNAPSHOT";
    }
}
