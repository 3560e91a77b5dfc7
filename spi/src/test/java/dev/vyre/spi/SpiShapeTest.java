package dev.vyre.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import org.apiguardian.api.API;
import org.junit.jupiter.api.Test;

/** The SPI stays small and marked: a driver fits on one screen, every public type states its stability. */
class SpiShapeTest {

    private static final List<Class<?>> TYPES = List.of(Backend.class, BackendProvider.class, Capabilities.class,
            DeviceInfo.class, Liveness.class, Liveness.State.class, PassRequest.class, PassResult.class,
            Placement.class, Probe.class, SessionDriver.class, SessionDriver.DeviceBuffer.class, SessionMemory.class,
            SessionSpec.class, dev.vyre.spi.cache.CacheKey.class, dev.vyre.spi.cache.CacheMetrics.class,
            dev.vyre.spi.cache.CompileCache.class, dev.vyre.spi.cache.CompileCache.Builder.class);

    private static List<String> abstractMethods(Class<?> type) {
        return Arrays.stream(type.getMethods()).filter(m -> Modifier.isAbstract(m.getModifiers()))
                .map(Method::getName).sorted().toList();
    }

    @Test
    void theSessionDriverHasAtMostTenAbstractMethods() {
        List<String> methods = abstractMethods(SessionDriver.class);
        assertEquals(List.of("announce", "close", "liveness", "memory", "stop", "writeControl"), methods);
        assertTrue(SessionDriver.class.getMethods().length <= 10, Arrays.toString(SessionDriver.class.getMethods()));
    }

    @Test
    void theBackendAndProviderAreSmall() {
        assertEquals(List.of("capabilities", "close", "device", "dispatch", "openSession"), abstractMethods(Backend.class));
        assertEquals(List.of("name", "open", "priority", "probe"), abstractMethods(BackendProvider.class));
    }

    @Test
    void everyPublicSpiTypeCarriesAStabilityMark() {
        for (Class<?> type : TYPES) {
            API api = type.getAnnotation(API.class);
            assertTrue(api != null && !api.since().isEmpty(), type + " has no @API(since=...) mark");
        }
    }
}
