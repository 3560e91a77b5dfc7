package dev.vyre.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lwjgl.system.MemoryStack.stackPush;

import dev.vyre.protocol.BackendException;
import dev.vyre.protocol.UnsupportedFeatureException;
import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.IntBuffer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.lwjgl.PointerBuffer;
import org.lwjgl.system.MemoryStack;
import org.lwjgl.vulkan.VK;
import org.lwjgl.vulkan.VK10;
import org.lwjgl.vulkan.VkApplicationInfo;
import org.lwjgl.vulkan.VkInstance;
import org.lwjgl.vulkan.VkInstanceCreateInfo;
import org.lwjgl.vulkan.VkPhysicalDevice;

/**
 * Where the tail lines go ({@link TailLines}) and the Vulkan half of the device placement ({@link BarMappedVram}) on
 * whatever Vulkan driver the machine has (lavapipe in CI). The CUDA import needs a GPU: the conformance suite and
 * RingBench run it on the H100 (docs/PERFORMANCE.md).
 */
final class TailLinesTest {

    @Test
    void theHostPlacementIsTheDefaultAndIsTheLinkBlockItselfWithoutADeviceAddressOrFences() {
        System.clearProperty(TailLines.PROPERTY);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment link = arena.allocate(SubmissionQueues.LINK_BYTES_NEEDED);
            try (TailLines lines = TailLines.open(null, link)) {
                assertSame(link, lines.host());
                assertEquals(0L, lines.deviceAddress(), "the kernel reads the link block when VyreArgs.tail is 0");
                assertFalse(lines.isWriteCombined());
                assertEquals("host memory", lines.placement());
            }
        } finally {
            System.clearProperty(TailLines.PROPERTY);
        }
    }

    @Test
    void theViewCheckPatternIsNonZeroAndDistinctPerWordAndItsMismatchesAreFoundAtTheirOffset() {
        java.util.Set<Long> seen = new java.util.HashSet<>();
        for (long at = 0; at < TailLines.VRAM_BYTES; at += Long.BYTES) {
            for (int b = 0; b < Long.BYTES; b++) {
                assertTrue((TailLines.pattern(at) >>> (8 * b) & 0xFF) != 0, "a zeroed byte never passes, at " + at);
            }
            assertTrue(seen.add(TailLines.pattern(at)), "a word shifted by the mapping never passes, at " + at);
        }
        assertEquals(TailLines.VRAM_BYTES / Long.BYTES, seen.size());
        try (Arena arena = Arena.ofConfined()) {
            long length = SubmissionQueues.LINK_BYTES_NEEDED;
            MemorySegment bytes = arena.allocate(length, 64);
            assertEquals(-1L, TailLines.firstMismatch(bytes, length, false), "all zero");
            assertEquals(0L, TailLines.firstMismatch(bytes, length, true), "zeros are not the pattern");
            for (long at = 0; at < length; at += Long.BYTES) {
                bytes.set(ValueLayout.JAVA_LONG, at, TailLines.pattern(at));
            }
            assertEquals(-1L, TailLines.firstMismatch(bytes, length, true), "the whole pattern");
            assertEquals(0L, TailLines.firstMismatch(bytes, length, false), "the pattern is not zero");
            bytes.set(ValueLayout.JAVA_BYTE, 1029, (byte) 0);
            assertEquals(1024L, TailLines.firstMismatch(bytes, length, true), "one byte off is its word");
            bytes.fill((byte) 0);
            bytes.set(ValueLayout.JAVA_BYTE, length - 1, (byte) 1);
            assertEquals(length - 8, TailLines.firstMismatch(bytes, length, false), "the last word too");
        }
    }

    @Test
    void anUnknownPlacementIsRefusedWithAFix() {
        System.setProperty(TailLines.PROPERTY, "gpu");
        try (Arena arena = Arena.ofConfined()) {
            BackendException e = assertThrows(BackendException.class,
                    () -> TailLines.open(null, arena.allocate(SubmissionQueues.LINK_BYTES_NEEDED)));
            assertTrue(e.getMessage().contains("-Dvyre.cuda.tailLines=gpu is not auto, vram or host"), e.getMessage());
            assertTrue(e.getMessage().endsWith("Fix: pass one of those, or leave the property unset"), e.getMessage());
        } finally {
            System.clearProperty(TailLines.PROPERTY);
        }
    }

    @Test
    void noVulkanDeviceWithTheCudaDevicesUuidIsUnsupportedWithAFixNamingTheHostPlacement() {
        Assumptions.assumeTrue(firstDeviceUuid() != null, "no Vulkan device on this machine");
        byte[] nobody = new byte[16];
        nobody[0] = 0x5A;
        UnsupportedFeatureException e = assertThrows(UnsupportedFeatureException.class, () -> BarMappedVram.open(nobody, 4096));
        assertTrue(e.getMessage().startsWith("no Vulkan device has the CUDA device's UUID"), e.getMessage());
        assertTrue(e.getMessage().endsWith("or pass -Dvyre.cuda.tailLines=host"), e.getMessage());
        // asked again, the same answer without a second instance
        assertSame(e, assertThrows(UnsupportedFeatureException.class, () -> BarMappedVram.open(nobody, 4096)));
    }

    @Test
    void aBlockOnTheDeviceWithTheUuidKeepsWhatTheHostWritesAndExportsADescriptor() throws Throwable {
        byte[] uuid = firstDeviceUuid();
        Assumptions.assumeTrue(uuid != null, "no Vulkan device on this machine");
        BarMappedVram block;
        try {
            block = BarMappedVram.open(uuid, TailLines.VRAM_BYTES);
        } catch (UnsupportedFeatureException e) {
            // a driver without the memory type or the export extension says which one it lacks
            assertTrue(e.getMessage().contains("DEVICE_LOCAL | HOST_VISIBLE | HOST_COHERENT")
                    || e.getMessage().contains("VK_KHR_external_memory_fd"), e.getMessage());
            return;
        }
        try (block) {
            MemorySegment host = block.host();
            assertEquals(TailLines.VRAM_BYTES, host.byteSize());
            for (long at = 0; at < SubmissionQueues.LINK_BYTES_NEEDED; at += 8) {
                host.set(ValueLayout.JAVA_LONG_UNALIGNED, at, 0x0123_4567_0000_0000L | at);
            }
            VarHandle.fullFence();
            for (long at = 0; at < SubmissionQueues.LINK_BYTES_NEEDED; at += 8) {
                assertEquals(0x0123_4567_0000_0000L | at, host.get(ValueLayout.JAVA_LONG_UNALIGNED, at));
            }
            int fd = block.exportFd();
            assertTrue(fd >= 0, "an opaque descriptor");
            int closed = (int) Linker.nativeLinker().downcallHandle(Linker.nativeLinker().defaultLookup().find("close")
                    .orElseThrow(), java.lang.foreign.FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT))
                    .invokeExact(fd);
            assertEquals(0, closed, "the descriptor is the caller's to close");
        }
    }

    /** @return the deviceUUID of the first Vulkan device, or null when there is no loader or device */
    private static byte[] firstDeviceUuid() {
        try {
            BarMappedVram.ensureLoader();
        } catch (UnsupportedFeatureException noLoader) {
            return null;
        }
        try (MemoryStack stack = stackPush()) {
            VkApplicationInfo app = VkApplicationInfo.calloc(stack).sType$Default().apiVersion(VK.getInstanceVersionSupported());
            VkInstanceCreateInfo ici = VkInstanceCreateInfo.calloc(stack).sType$Default().pApplicationInfo(app);
            PointerBuffer out = stack.mallocPointer(1);
            if (VK10.vkCreateInstance(ici, null, out) != VK10.VK_SUCCESS) {
                return null;
            }
            VkInstance instance = new VkInstance(out.get(0), ici);
            try {
                IntBuffer count = stack.mallocInt(1);
                VK10.vkEnumeratePhysicalDevices(instance, count, null);
                if (count.get(0) == 0) {
                    return null;
                }
                PointerBuffer all = stack.mallocPointer(count.get(0));
                VK10.vkEnumeratePhysicalDevices(instance, count, all);
                byte[] uuid = BarMappedVram.deviceUuid(new VkPhysicalDevice(all.get(0), instance), stack);
                assertEquals(16, uuid.length);
                return uuid;
            } finally {
                VK10.vkDestroyInstance(instance, null);
            }
        }
    }
}
