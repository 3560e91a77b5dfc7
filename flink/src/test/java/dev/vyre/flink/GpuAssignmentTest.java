package dev.vyre.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.api.common.externalresource.ExternalResourceInfo;
import org.junit.jupiter.api.Test;

/** The device choice from Flink's GPU infos (the shape GPUDriver reports: property "index"). */
class GpuAssignmentTest {

    private static ExternalResourceInfo gpu(String index) {
        Map<String, String> properties = index == null ? Map.of() : Map.of(GpuAssignment.INDEX, index);
        return new ExternalResourceInfo() {
            @Override
            public Optional<String> getProperty(String key) {
                return Optional.ofNullable(properties.get(key));
            }

            @Override
            public Collection<String> getKeys() {
                return properties.keySet();
            }
        };
    }

    @Test
    void noGpuMeansTheConfiguredDevice() {
        assertEquals(3, GpuAssignment.device(Set.of(), 0, 3));
        assertEquals(3, GpuAssignment.device(null, 5, 3));
    }

    @Test
    void oneGpuPerTaskManagerIsEverySubtasksDevice() {
        assertEquals(6, GpuAssignment.device(Set.of(gpu("6")), 0, 0));
        assertEquals(6, GpuAssignment.device(Set.of(gpu("6")), 7, 0));
    }

    @Test
    void severalGpusAreSpreadOverSubtasksByIndex() {
        Set<ExternalResourceInfo> two = Set.of(gpu("5"), gpu("2"));
        assertEquals(2, GpuAssignment.device(two, 0, 0));
        assertEquals(5, GpuAssignment.device(two, 1, 0));
        assertEquals(2, GpuAssignment.device(two, 2, 0));
    }

    @Test
    void aGpuWithoutAnIndexIsReported() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GpuAssignment.device(Set.of(gpu(null)), 0, 0));
        assertTrue(e.getMessage().contains("Fix:"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GpuAssignment.device(Set.of(gpu("x")), 0, 0));
    }
}
