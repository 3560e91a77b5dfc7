package dev.vyre.conformance;

import dev.vyre.api.Vyre;
import dev.vyre.backend.vulkan.VulkanBackend;
import dev.vyre.backend.vulkan.VulkanBackendProvider;
import dev.vyre.spi.Backend;
import dev.vyre.spi.BackendProvider;
import dev.vyre.spi.Probe;
import org.junit.jupiter.api.Test;

class ScratchPersistentValidationTest {
    @Test
    void probe() {
        System.setProperty("vyre.vulkan.persistentOnCpu", "true");
        String only = System.getProperty("scratch.cases", "persistent/shutdown_opcode");
        VulkanBackendProvider provider = new VulkanBackendProvider();
        VulkanBackend backend = provider.openWithValidation();
        System.out.println("DETAILS " + backend.device().details());
        try (Vyre oracle = ConformanceRunner.openOracle(); Vyre b = Vyre.open(new BackendProvider() {
            public String name() { return "vulkan"; }
            public int priority() { return 0; }
            public Probe probe() { return provider.probe(); }
            public Backend open() { return backend; }
        })) {
            ConformanceRunner runner = new ConformanceRunner(oracle);
            for (ConformanceCase c : ConformanceSuite.standard().cases()) {
                if (c.mode() != ConformanceCase.Mode.PERSISTENT || !c.name().matches(only)) continue;
                long t = System.nanoTime();
                CaseResult r = runner.runCase(b, c);
                System.out.println("CASE " + c.name() + " " + r.status() + " " + (System.nanoTime() - t) / 1_000_000 + " ms errors="
                        + backend.validationErrors().size() + " " + (r.status() != CaseStatus.PASSED ? r.detail() : ""));
            }
            System.out.println("ERRORS " + backend.validationErrors());
        }
    }
}
