package dev.vyre.backend.vulkan;

import static org.lwjgl.vulkan.EXTValidationFeatures.VK_VALIDATION_FEATURE_ENABLE_GPU_ASSISTED_EXT;
import static org.lwjgl.vulkan.EXTValidationFeatures.VK_VALIDATION_FEATURE_ENABLE_SYNCHRONIZATION_VALIDATION_EXT;

import dev.vyre.protocol.BackendException;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * A check of {@code VK_LAYER_KHRONOS_validation} that is off unless asked for, enabled through
 * {@code VkValidationFeaturesEXT} when validation is on. Selected with {@value #PROPERTY} (or
 * {@value #ENV}): a comma-separated list of {@link #key() keys}, or {@code none} for the layer's default
 * checks only; absent means every feature.
 */
enum ValidationFeature {

    /** Instruments the shaders: out-of-bounds and uninitialised descriptor accesses found on the device. */
    GPU_ASSISTED("gpu-assisted", VK_VALIDATION_FEATURE_ENABLE_GPU_ASSISTED_EXT),
    /** Hazards between commands, submissions and queues (missing barriers, semaphores, fences). */
    SYNCHRONIZATION("synchronization", VK_VALIDATION_FEATURE_ENABLE_SYNCHRONIZATION_VALIDATION_EXT);

    /** System property selecting the features. */
    static final String PROPERTY = "vyre.vulkan.validationFeatures";
    /** Environment variable selecting the features (when the property is absent). */
    static final String ENV = "VYRE_VULKAN_VALIDATION_FEATURES";

    private final String key;
    private final int vkEnable;

    ValidationFeature(String key, int vkEnable) {
        this.key = key;
        this.vkEnable = vkEnable;
    }

    /** @return the name used in {@value #PROPERTY} and in the backend's details */
    String key() {
        return key;
    }

    /** @return the {@code VkValidationFeatureEnableEXT} value */
    int vkEnable() {
        return vkEnable;
    }

    /** @return the features selected by {@value #PROPERTY} / {@value #ENV} (every feature when neither is set) */
    static Set<ValidationFeature> requested() {
        return parse(System.getProperty(PROPERTY, System.getenv(ENV)));
    }

    /**
     * @param text a comma-separated list of keys, {@code none}, or null/blank for every feature
     * @return the features it names
     * @throws BackendException on a name that is not a feature
     */
    static Set<ValidationFeature> parse(String text) {
        if (text == null || text.isBlank()) {
            return EnumSet.allOf(ValidationFeature.class);
        }
        Set<ValidationFeature> out = EnumSet.noneOf(ValidationFeature.class);
        if (text.strip().equalsIgnoreCase("none")) {
            return out;
        }
        for (String part : text.split(",")) {
            String name = part.strip().toLowerCase(Locale.ROOT);
            ValidationFeature found = null;
            for (ValidationFeature f : values()) {
                if (f.key.equals(name)) {
                    found = f;
                }
            }
            if (found == null) {
                throw new BackendException("unknown Vulkan validation feature '" + part.strip() + "' in -D" + PROPERTY
                        + " / " + ENV, "use a comma-separated list of gpu-assisted and synchronization, or none");
            }
            out.add(found);
        }
        return out;
    }
}
