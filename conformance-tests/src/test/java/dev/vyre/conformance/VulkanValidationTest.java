package dev.vyre.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.api.BackendInfo;
import dev.vyre.api.Vyre;
import dev.vyre.backend.vulkan.VulkanBackend;
import dev.vyre.backend.vulkan.VulkanBackendProvider;
import dev.vyre.protocol.BackendException;
import dev.vyre.spi.Backend;
import dev.vyre.spi.BackendProvider;
import dev.vyre.spi.Probe;
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
        long t0 = System.nanoTime();
        VulkanBackendProvider provider = new VulkanBackendProvider();
        BackendInfo info = Vyre.describe(provider);
        Assumptions.assumeTrue(info.available(), () -> "no Vulkan device: " + info.reason());
        VulkanBackend backend;
        try {
            backend = provider.openWithValidation();
        } catch (BackendException e) {
            Assumptions.abort("validation layer unavailable: " + e.getMessage());
            return;
        }
        System.out.println("DETAILS " + backend.device().details());
        assertTrue(backend.validationEnabled());
        Vyre vulkan;
        try {
            vulkan = Vyre.open(new Validating(provider, backend));
        } catch (RuntimeException e) {
            backend.close();
            throw e;
        }
        try (Vyre oracle = ConformanceRunner.openOracle(); Vyre b = vulkan) {
            ConformanceRunner runner = new ConformanceRunner(oracle);
            List<String> failed = new ArrayList<>();
            int ran = 0;
            for (ConformanceCase c : ConformanceSuite.standard().cases()) {
                if (c.mode() != ConformanceCase.Mode.ONE_PASS) {
                    continue;
                }
                CaseResult r = runner.runCase(b, c);
                ran++;
                System.out.println("CASE " + c.name() + " " + r.status() + " errors=" + backend.validationErrors().size());
                if (r.status() == CaseStatus.FAILED) {
                    failed.add(c.name() + ": " + r.detail());
                }
            }
            System.out.println("DETAILS " + backend.device().details());
            System.out.println("ERRORS " + backend.validationErrors());
            System.out.println("TIME " + (System.nanoTime() - t0) / 1e9);
            assertTrue(ran > 50, "ran " + ran + " one-pass cases");
            assertEquals(List.of(), failed);
            assertEquals(List.of(), backend.validationErrors(), "VK_LAYER_KHRONOS_validation errors");
        }
    }

    /** The Vulkan provider, except that {@code open()} hands out the backend opened with validation. */
    private record Validating(VulkanBackendProvider provider, VulkanBackend backend) implements BackendProvider {
        @Override
        public String name() {
            return provider.name();
        }

        @Override
        public int priority() {
            return provider.priority();
        }

        @Override
        public Probe probe() {
            return provider.probe();
        }

        @Override
        public Backend open() {
            return backend;
        }
    }
}
