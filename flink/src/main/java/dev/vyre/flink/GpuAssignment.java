package dev.vyre.flink;

import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.api.common.externalresource.ExternalResourceInfo;

/**
 * The device of an operator instance: the GPU index Flink's external resource framework assigned to the
 * TaskManager ({@code external-resources: gpu} with {@code flink-external-resource-gpu}'s
 * {@code GPUDriverFactory}, whose infos carry the property {@code index}), or the configured device when the
 * TaskManager has none. With several GPUs per TaskManager, subtask {@code i} takes the {@code i mod n}-th
 * lowest index.
 */
public final class GpuAssignment {
    /** The external resource name Flink's GPU driver is configured under. */
    public static final String RESOURCE = "gpu";
    /** The property of a GPU's ExternalResourceInfo that holds its index. */
    public static final String INDEX = "index";

    private GpuAssignment() {
    }

    /**
     * @param infos    {@code getRuntimeContext().getExternalResourceInfos("gpu")}
     * @param subtask  the subtask index
     * @param fallback the configured device
     * @throws IllegalArgumentException when a GPU's index is not a non-negative integer
     */
    public static int device(Set<ExternalResourceInfo> infos, int subtask, int fallback) {
        if (infos == null || infos.isEmpty()) {
            return fallback;
        }
        TreeSet<Integer> indices = new TreeSet<>();
        for (ExternalResourceInfo info : infos) {
            String value = info.getProperty(INDEX).orElse(null);
            int index;
            try {
                index = value == null ? -1 : Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                index = -1;
            }
            if (index < 0) {
                throw new IllegalArgumentException("Flink assigned a GPU whose index property is '" + value
                        + "'. Fix: configure external-resource.gpu.driver-factory.class:"
                        + " org.apache.flink.externalresource.gpu.GPUDriverFactory, whose discovery script reports"
                        + " device indices");
            }
            indices.add(index);
        }
        Integer[] sorted = indices.toArray(Integer[]::new);
        return sorted[Math.floorMod(subtask, sorted.length)];
    }
}
