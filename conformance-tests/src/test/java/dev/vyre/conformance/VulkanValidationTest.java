package dev.vyre.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.backend.vulkan.VulkanBackend;
import dev.vyre.backend.vulkan.VulkanBackendProvider;
import dev.vyre.protocol.BackendException;
import dev.vyre.spi.Backend;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The one-pass conformance cases on the Vulkan backend with VK_LAYER_KHRONOS_validation enabled:
 * every case must pass and the layer must report no error. Skipped (with the reason) where no Vulkan
 * device or no validation layer is installed; {@code .ci/run} installs both (lavapipe and Debian's
 * vulkan-validationlayers).
 */
class VulkanValidationTest {

    @Test
    void onePassCasesRaiseNoValidationError() {
        VulkanBackendProvider provider = new VulkanBackendProvider();
        Assumptions.assumeTrue(provider.probe().available(), () -> "no Vulkan device: " + provider.probe().reason());
        VulkanBackend backend;
        try {
            backend = provider.openWithValidation();
        } catch (BackendException e) {
            Assumptions.abort("validation layer unavailable: " + e.getMessage());
            return;
        }
        try (Backend oracle = ConformanceRunner.openOracle(); VulkanBackend b = backend) {
            assertTrue(b.validationEnabled());
            ConformanceRunner runner = new ConformanceRunner(oracle);
            List<String> failed = new ArrayList<>();
            int ran = 0;
            for (ConformanceCase c : ConformanceSuite.standard().cases()) {
                if (c.mode() != ConformanceCase.Mode.ONE_PASS) {
                    continue;
                }
                CaseResult r = runner.runCase(b, c);
                ran++;
                if (r.status() == CaseStatus.FAILED) {
                    failed.add(c.name() + ": " + r.detail());
                }
            }
            assertTrue(ran > 50, "ran " + ran + " one-pass cases");
            assertEquals(List.of(), failed);
            assertEquals(List.of(), b.validationErrors(), "VK_LAYER_KHRONOS_validation errors");
        }
    }
}
