package dev.vyre.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.api.BackendInfo;
import dev.vyre.api.DispatchRequest;
import dev.vyre.api.Megakernel;
import dev.vyre.api.Vyre;
import dev.vyre.backend.vulkan.VulkanBackend;
import dev.vyre.backend.vulkan.VulkanBackendProvider;
import dev.vyre.protocol.BackendException;
import dev.vyre.protocol.CustomOpcode;
import dev.vyre.protocol.CustomOpcodes;
import dev.vyre.spi.Backend;
import dev.vyre.spi.BackendProvider;
import dev.vyre.spi.Probe;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The conformance cases on the Vulkan backend under VK_LAYER_KHRONOS_validation with its GPU-assisted
 * and synchronization validation: every case must pass and the layer must report no error.
 * <ul>
 * <li>One-pass cases: both features.</li>
 * <li>Persistent cases: synchronization validation only, because GPU-assisted validation waits inside
 * {@code vkQueueSubmit} for each submission to finish, which a persistent shader never does (the backend
 * turns persistent sessions off under it). On a CPU device (lavapipe) persistent sessions are forced on
 * with {@code -Dvyre.vulkan.persistentOnCpu=true}.</li>
 * <li>A custom opcode that stores past its buffer: GPU-assisted validation must report it, which proves
 * that the shaders really are instrumented.</li>
 * </ul>
 * Skipped (with the reason) where no Vulkan device or no validation layer is installed, or where the layer
 * declines a feature on this device (its own message is the reason); {@code .ci/run} installs lavapipe and
 * Debian's vulkan-validationlayers, on which nothing is skipped.
 */
class VulkanValidationTest {

    private static final String FEATURES_PROPERTY = "vyre.vulkan.validationFeatures";
    private static final String PERSISTENT_ON_CPU_PROPERTY = "vyre.vulkan.persistentOnCpu";
    /**
     * Persistent cases that fail on lavapipe without validation too: it ends a long-running shader loop on
     * its own (docs/PERFORMANCE.md, "Persistent mode on lavapipe"), so a ring of 10^6 slots stalls and a lane
     * waiting for its LOAD_MISS timeout stops before it faults its slot. Not run on CPU devices.
     */
    private static final Set<String> LAVAPIPE_LOOP_CUT = Set.of("persistent/million_slots_two_publishers",
            "io/load_miss_timeout", "io/load_miss_race_timeout");

    @Test
    void onePassCasesRaiseNoErrorUnderGpuAssistedAndSynchronizationValidation() {
        withValidation("gpu-assisted,synchronization", null, (backend, vulkan) -> {
            assertEquals(Set.of("gpu-assisted", "synchronization"), backend.validationFeatures());
            assertEquals("gpu-assisted,synchronization", backend.device().details().get("validationFeatures"));
            assertFalse(backend.capabilities().persistent(), "persistent sessions are off under GPU-assisted validation");
            Outcome o = run(vulkan, ConformanceCase.Mode.ONE_PASS, Set.of());
            assertTrue(o.passed > 50, "passed " + o.passed + " one-pass cases");
            assertEquals(List.of(), o.failed);
            assertEquals(List.of(), backend.validationErrors(), "VK_LAYER_KHRONOS_validation errors");
        });
    }

    @Test
    void persistentCasesRaiseNoErrorUnderSynchronizationValidation() {
        withValidation("synchronization", "true", (backend, vulkan) -> {
            assertEquals(Set.of("synchronization"), backend.validationFeatures());
            Assumptions.assumeTrue(backend.capabilities().persistent(),
                    () -> "persistent sessions are off on " + vulkan.device().name());
            boolean cpu = vulkan.device().name().startsWith("llvmpipe");
            Outcome o = run(vulkan, ConformanceCase.Mode.PERSISTENT, cpu ? LAVAPIPE_LOOP_CUT : Set.of());
            assertTrue(o.passed >= 13, "passed " + o.passed + " persistent cases");
            assertEquals(List.of(), o.failed);
            assertEquals(List.of(), backend.validationErrors(), "VK_LAYER_KHRONOS_validation errors");
        });
    }

    @Test
    void gpuAssistedValidationReportsAStorePastTheBuffer() {
        withValidation("gpu-assisted", null, (backend, vulkan) -> {
            int op = 0x21;
            byte[] control = Megakernel.encodeControl(false, 1, 8);
            // 64 MiB into a 672-byte binding: past the whole one-pass buffer too, because the 1.3.239 layer
            // checks a storage-buffer access against the size of its VkBuffer, not the descriptor's range.
            // The instrumented shader skips the store it reports.
            int pastEnd = 1 << 24;
            CustomOpcodes ops = CustomOpcodes.of(CustomOpcode.of(op).text("glsl", "C[vyre_arg(0u)] = 7u;").build());
            byte[] ring = Megakernel.encodeEmptyRing(1);
            Megakernel.publishSlot(ring, 0, 0, op, pastEnd);
            vulkan.dispatch(DispatchRequest.of(control, ring, Megakernel.encodeEmptyDebugLog(64)).withOpcodes(ops));
            List<String> errors = backend.validationErrors();
            assertTrue(errors.stream().anyMatch(m -> m.toLowerCase(Locale.ROOT).contains("out of bounds")),
                    () -> "GPU-assisted validation did not report the store to word " + pastEnd + ": " + errors);
        });
    }

    /** What a run of one mode's cases gave. */
    private record Outcome(int passed, List<String> failed) {
    }

    /** Runs the cases of {@code mode} except {@code notRun}; counts the passed ones and lists the failed ones. */
    private static Outcome run(Vyre vulkan, ConformanceCase.Mode mode, Set<String> notRun) {
        try (Vyre oracle = ConformanceRunner.openOracle()) {
            ConformanceRunner runner = new ConformanceRunner(oracle);
            List<String> failed = new ArrayList<>();
            int passed = 0;
            for (ConformanceCase c : ConformanceSuite.standard().cases()) {
                if (c.mode() != mode || notRun.contains(c.name())) {
                    continue;
                }
                CaseResult r = runner.runCase(vulkan, c);
                if (r.status() == CaseStatus.PASSED) {
                    passed++;
                } else if (r.status() == CaseStatus.FAILED) {
                    failed.add(c.name() + ": " + r.detail());
                }
            }
            return new Outcome(passed, failed);
        }
    }

    /** The backend opened with validation and the features named, and the same backend behind the user API. */
    private interface Body {
        void accept(VulkanBackend backend, Vyre vulkan);
    }

    /**
     * Opens the Vulkan backend with {@code features} ({@code -Dvyre.vulkan.validationFeatures}) and
     * {@code persistentOnCpu} set while it opens (null: as it was), runs {@code body} and closes it;
     * aborts with the reason where there is no device or layer, or the layer declined a feature.
     */
    private static void withValidation(String features, String persistentOnCpu, Body body) {
        VulkanBackendProvider provider = new VulkanBackendProvider();
        BackendInfo info = Vyre.describe(provider);
        Assumptions.assumeTrue(info.available(), () -> "no Vulkan device: " + info.reason());
        VulkanBackend backend;
        String beforeFeatures = System.getProperty(FEATURES_PROPERTY);
        String beforePersistent = System.getProperty(PERSISTENT_ON_CPU_PROPERTY);
        System.setProperty(FEATURES_PROPERTY, features);
        if (persistentOnCpu != null) {
            System.setProperty(PERSISTENT_ON_CPU_PROPERTY, persistentOnCpu);
        }
        try {
            backend = provider.openWithValidation();
        } catch (BackendException e) {
            Assumptions.abort("validation layer unavailable: " + e.getMessage());
            return;
        } finally {
            restore(FEATURES_PROPERTY, beforeFeatures);
            restore(PERSISTENT_ON_CPU_PROPERTY, beforePersistent);
        }
        Vyre vulkan;
        try {
            assertTrue(backend.validationEnabled());
            Map<String, String> refused = backend.validationRefusals();
            Assumptions.assumeTrue(refused.isEmpty(), () -> "the validation layer declined " + refused + " on "
                    + backend.device().name());
            vulkan = Vyre.open(new Validating(provider, backend));
        } catch (RuntimeException | Error e) {
            backend.close();
            throw e;
        }
        try (Vyre b = vulkan) {
            body.accept(backend, b);
        }
    }

    private static void restore(String property, String value) {
        if (value == null) {
            System.clearProperty(property);
        } else {
            System.setProperty(property, value);
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
