package dev.vyre.backend.vulkan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lwjgl.system.MemoryStack.stackPush;
import static org.lwjgl.vulkan.VK10.*;

import dev.vyre.protocol.BackendException;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.lwjgl.system.MemoryStack;
import org.lwjgl.vulkan.VkBufferCreateInfo;
import org.lwjgl.vulkan.VkBufferMemoryBarrier;
import org.lwjgl.vulkan.VkCommandBuffer;
import org.lwjgl.vulkan.VkMemoryAllocateInfo;
import org.lwjgl.vulkan.VkMemoryRequirements;

/**
 * The validation features of VK_LAYER_KHRONOS_validation: their selection, and, on the device the probe
 * finds (lavapipe in CI), that synchronization validation is live (a hazard recorded on purpose is
 * reported; the same commands with a barrier are not) and that GPU-assisted validation turns persistent
 * sessions off. Device tests are skipped with the reason where no Vulkan device or no layer is installed.
 */
class ValidationFeaturesTest {

    private static final String HAZARD = "SYNC-HAZARD-WRITE-AFTER-WRITE";

    @Test
    void featuresAreParsedFromTheProperty() {
        assertEquals(EnumSet.allOf(ValidationFeature.class), ValidationFeature.parse(null));
        assertEquals(EnumSet.allOf(ValidationFeature.class), ValidationFeature.parse(" "));
        assertEquals(Set.of(), ValidationFeature.parse("none"));
        assertEquals(Set.of(ValidationFeature.SYNCHRONIZATION), ValidationFeature.parse("synchronization"));
        assertEquals(Set.of(ValidationFeature.GPU_ASSISTED), ValidationFeature.parse(" GPU-Assisted "));
        assertEquals(EnumSet.allOf(ValidationFeature.class), ValidationFeature.parse("gpu-assisted,synchronization"));
        BackendException e = assertThrows(BackendException.class, () -> ValidationFeature.parse("gpu-assisted,sync"));
        assertTrue(e.getMessage().contains("'sync'") && e.getMessage().contains(ValidationFeature.PROPERTY)
                && e.getMessage().contains("Fix: "), e.getMessage());
    }

    /** The layer's own words (VK_LAYER_KHRONOS_validation 1.3.239) when it declines GPU-assisted validation. */
    @Test
    void theLayersGpuAssistedSetupProblemsAreRecognised() {
        assertTrue(VulkanDevice.gpuAssistedSetupProblem("UNASSIGNED-GPU-Assisted Validation Setup Error.",
                "GPU-Assisted validation requires fragmentStoresAndAtomics and vertexPipelineStoresAndAtomics.  "
                        + "GPU-Assisted Validation disabled."));
        assertTrue(VulkanDevice.gpuAssistedSetupProblem("UNASSIGNED-GPU-Assisted Validation Setup Error.",
                "Unable to reserve descriptor binding slot on a device with only one slot."));
        assertTrue(VulkanDevice.gpuAssistedSetupProblem(null,
                "GPU-Assisted validation requires Vulkan 1.1 or later.  GPU-Assisted Validation disabled."));
        // A finding of GPU-assisted validation, or any other error, is a validation error.
        assertFalse(VulkanDevice.gpuAssistedSetupProblem("UNASSIGNED-Descriptor Buffer index out of bounds",
                "Validation Error: [ UNASSIGNED-Descriptor Buffer index out of bounds ] ... Stage = Compute."));
        assertFalse(VulkanDevice.gpuAssistedSetupProblem(HAZARD, "Validation Error: [ " + HAZARD + " ] vkCmdFillBuffer"));
    }

    @Test
    void synchronizationValidationReportsAHazardAndNotItsFix() {
        try (VulkanDevice device = open(EnumSet.of(ValidationFeature.SYNCHRONIZATION))) {
            assertEquals(Set.of(ValidationFeature.SYNCHRONIZATION), device.validationFeatures(),
                    () -> "refused: " + device.validationRefusals());
            twoFills(device, true);
            assertEquals(List.of(), device.validationMessages(), "two fills ordered by a barrier");
            twoFills(device, false);
            List<String> messages = device.validationMessages();
            assertTrue(messages.stream().anyMatch(m -> m.contains(HAZARD)), () -> "no " + HAZARD + " in " + messages);
        }
    }

    @Test
    void withoutTheFeatureTheSameHazardGoesUnreported() {
        try (VulkanDevice device = open(EnumSet.noneOf(ValidationFeature.class))) {
            assertTrue(device.validationEnabled());
            assertEquals(Set.of(), device.validationFeatures());
            twoFills(device, false);
            assertFalse(device.validationMessages().stream().anyMatch(m -> m.contains(HAZARD)),
                    () -> device.validationMessages().toString());
        }
    }

    @Test
    void gpuAssistedValidationTurnsPersistentSessionsOff() {
        String before = System.getProperty(VulkanBackend.PERSISTENT_ON_CPU_PROPERTY);
        System.setProperty(VulkanBackend.PERSISTENT_ON_CPU_PROPERTY, "true");
        try (VulkanBackend backend = new VulkanBackend(open(EnumSet.of(ValidationFeature.GPU_ASSISTED)))) {
            Assumptions.assumeTrue(backend.validationRefusals().isEmpty(),
                    () -> "the layer declined GPU-assisted validation: " + backend.validationRefusals());
            assertEquals(Set.of("gpu-assisted"), backend.validationFeatures());
            assertEquals("gpu-assisted", backend.device().details().get("validationFeatures"));
            assertFalse(backend.capabilities().persistent());
        } finally {
            if (before == null) {
                System.clearProperty(VulkanBackend.PERSISTENT_ON_CPU_PROPERTY);
            } else {
                System.setProperty(VulkanBackend.PERSISTENT_ON_CPU_PROPERTY, before);
            }
        }
        // Without GPU-assisted validation the same property turns them on.
        System.setProperty(VulkanBackend.PERSISTENT_ON_CPU_PROPERTY, "true");
        try (VulkanBackend backend = new VulkanBackend(open(EnumSet.of(ValidationFeature.SYNCHRONIZATION)))) {
            assertTrue(backend.capabilities().persistent());
            assertEquals("synchronization", backend.device().details().get("validationFeatures"));
        } finally {
            if (before == null) {
                System.clearProperty(VulkanBackend.PERSISTENT_ON_CPU_PROPERTY);
            } else {
                System.setProperty(VulkanBackend.PERSISTENT_ON_CPU_PROPERTY, before);
            }
        }
    }

    private static VulkanDevice open(Set<ValidationFeature> features) {
        Assumptions.assumeTrue(VulkanBackendProvider.probeNow().available(),
                () -> "no Vulkan device: " + VulkanBackendProvider.probeNow().reason());
        try {
            return VulkanDevice.openValidating(features);
        } catch (BackendException e) {
            Assumptions.abort("validation layer unavailable: " + e.getMessage());
            throw e;
        }
    }

    /** Fills one buffer twice in one submission, with or without a transfer barrier between the fills. */
    private static void twoFills(VulkanDevice device, boolean barrier) {
        try (MemoryStack stack = stackPush(); Submitter submitter = new Submitter(device, device.queues().getFirst())) {
            var p = stack.mallocLong(1);
            VulkanCalls.check(vkCreateBuffer(device.device(), VkBufferCreateInfo.calloc(stack).sType$Default().size(4096)
                    .usage(VK_BUFFER_USAGE_TRANSFER_DST_BIT).sharingMode(VK_SHARING_MODE_EXCLUSIVE), null, p),
                    "vkCreateBuffer");
            long buffer = p.get(0);
            VkMemoryRequirements req = VkMemoryRequirements.malloc(stack);
            vkGetBufferMemoryRequirements(device.device(), buffer, req);
            VulkanCalls.check(vkAllocateMemory(device.device(), VkMemoryAllocateInfo.calloc(stack).sType$Default()
                    .allocationSize(req.size()).memoryTypeIndex(device.memoryType(req.memoryTypeBits(), 0)), null, p),
                    "vkAllocateMemory");
            long memory = p.get(0);
            try {
                VulkanCalls.check(vkBindBufferMemory(device.device(), buffer, memory, 0), "vkBindBufferMemory");
                VkCommandBuffer cb = submitter.begin();
                vkCmdFillBuffer(cb, buffer, 0, 4096, 1);
                if (barrier) {
                    VkBufferMemoryBarrier.Buffer b = VkBufferMemoryBarrier.calloc(1, stack);
                    b.get(0).sType$Default().srcAccessMask(VK_ACCESS_TRANSFER_WRITE_BIT)
                            .dstAccessMask(VK_ACCESS_TRANSFER_WRITE_BIT).srcQueueFamilyIndex(VK_QUEUE_FAMILY_IGNORED)
                            .dstQueueFamilyIndex(VK_QUEUE_FAMILY_IGNORED).buffer(buffer).offset(0).size(VK_WHOLE_SIZE);
                    vkCmdPipelineBarrier(cb, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, 0, null, b,
                            null);
                }
                vkCmdFillBuffer(cb, buffer, 0, 4096, 2);
                submitter.submit();
                assertTrue(submitter.await(10_000_000_000L));
            } finally {
                vkDestroyBuffer(device.device(), buffer, null);
                vkFreeMemory(device.device(), memory, null);
            }
        }
    }
}
