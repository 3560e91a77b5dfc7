package dev.vyre.backend.cuda;

import static org.lwjgl.system.MemoryStack.stackPush;
import static org.lwjgl.vulkan.KHRExternalMemoryFd.VK_KHR_EXTERNAL_MEMORY_FD_EXTENSION_NAME;
import static org.lwjgl.vulkan.KHRExternalMemoryFd.vkGetMemoryFdKHR;
import static org.lwjgl.vulkan.VK10.VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT;
import static org.lwjgl.vulkan.VK10.VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
import static org.lwjgl.vulkan.VK10.VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT;
import static org.lwjgl.vulkan.VK10.VK_SUCCESS;
import static org.lwjgl.vulkan.VK10.vkAllocateMemory;
import static org.lwjgl.vulkan.VK10.vkCreateDevice;
import static org.lwjgl.vulkan.VK10.vkCreateInstance;
import static org.lwjgl.vulkan.VK10.vkDestroyInstance;
import static org.lwjgl.vulkan.VK10.vkEnumerateDeviceExtensionProperties;
import static org.lwjgl.vulkan.VK10.vkEnumeratePhysicalDevices;
import static org.lwjgl.vulkan.VK10.vkFreeMemory;
import static org.lwjgl.vulkan.VK10.vkGetPhysicalDeviceMemoryProperties;
import static org.lwjgl.vulkan.VK10.vkMapMemory;
import static org.lwjgl.vulkan.VK10.vkUnmapMemory;
import static org.lwjgl.vulkan.VK11.VK_API_VERSION_1_1;
import static org.lwjgl.vulkan.VK11.VK_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_FD_BIT;
import static org.lwjgl.vulkan.VK11.vkGetPhysicalDeviceProperties2;

import dev.vyre.protocol.UnsupportedFeatureException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.lwjgl.PointerBuffer;
import org.lwjgl.system.MemoryStack;
import org.lwjgl.vulkan.VK;
import org.lwjgl.vulkan.VkApplicationInfo;
import org.lwjgl.vulkan.VkDevice;
import org.lwjgl.vulkan.VkDeviceCreateInfo;
import org.lwjgl.vulkan.VkDeviceQueueCreateInfo;
import org.lwjgl.vulkan.VkExportMemoryAllocateInfo;
import org.lwjgl.vulkan.VkExtensionProperties;
import org.lwjgl.vulkan.VkInstance;
import org.lwjgl.vulkan.VkInstanceCreateInfo;
import org.lwjgl.vulkan.VkMemoryAllocateInfo;
import org.lwjgl.vulkan.VkMemoryGetFdInfoKHR;
import org.lwjgl.vulkan.VkPhysicalDevice;
import org.lwjgl.vulkan.VkPhysicalDeviceIDProperties;
import org.lwjgl.vulkan.VkPhysicalDeviceMemoryProperties;
import org.lwjgl.vulkan.VkPhysicalDeviceProperties2;

/**
 * A block of a GPU's own memory that the host writes through BAR1: Vulkan {@code DEVICE_LOCAL | HOST_VISIBLE |
 * HOST_COHERENT} memory, mapped for the host (uncached, write-combined: stores leave in 64-byte bursts at the next
 * fence) and exported as an opaque file descriptor for CUDA to import ({@link ImportedMemory}). CUDA has no API
 * that maps device memory for the CPU; Vulkan has, on every NVIDIA driver with BAR1 (the H100's is 128 GiB).
 *
 * <p>Contract: the device is the Vulkan physical device whose {@code deviceUUID} equals the given one, so the
 * memory is on the GPU CUDA will import it into. {@link #host()} is valid until {@link #close()}; the exported
 * descriptor belongs to the caller from {@link #exportFd()} on (CUDA takes it over on a successful import).
 * {@link #open} is thread-safe; one block is used by one thread at a time.
 */
final class BarMappedVram implements AutoCloseable {

    private static final int WANTED = VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT | VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT
            | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;

    /** Per GPU (by UUID) for the life of the process: its Vulkan instance and device, or why there is none. */
    private static final Map<String, Object> GPUS = new HashMap<>();

    /** A Vulkan instance and device on one GPU, and its BAR-mapped memory type; kept until the process exits. */
    private record Gpu(VkInstance instance, VkDevice device, int memoryType) {
    }

    private final VkDevice device;
    private final long memory;
    private final long bytes;
    private final MemorySegment host;
    private boolean closed;

    private BarMappedVram(VkDevice device, long memory, long bytes, MemorySegment host) {
        this.device = device;
        this.memory = memory;
        this.bytes = bytes;
        this.host = host;
    }

    /**
     * Allocates and maps {@code bytes} of BAR-mapped memory on the GPU whose Vulkan {@code deviceUUID} is
     * {@code uuid}. The first call per GPU creates a Vulkan instance and device that later calls share.
     *
     * @throws UnsupportedFeatureException when there is no Vulkan loader or driver, no device with that UUID, no
     *         such memory type or no {@code VK_KHR_external_memory_fd}, or a Vulkan call fails (the same exception
     *         again on later calls for that GPU)
     */
    static BarMappedVram open(byte[] uuid, long bytes) {
        Gpu gpu = gpu(uuid);
        try (MemoryStack stack = stackPush()) {
            VkExportMemoryAllocateInfo export = VkExportMemoryAllocateInfo.calloc(stack).sType$Default()
                    .handleTypes(VK_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_FD_BIT);
            VkMemoryAllocateInfo mai = VkMemoryAllocateInfo.calloc(stack).sType$Default()
                    .pNext(export.address()).allocationSize(bytes).memoryTypeIndex(gpu.memoryType());
            long[] memory = new long[1];
            check(vkAllocateMemory(gpu.device(), mai, null, memory), "vkAllocateMemory(DEVICE_LOCAL | HOST_VISIBLE)");
            PointerBuffer mapped = stack.mallocPointer(1);
            int r = vkMapMemory(gpu.device(), memory[0], 0, bytes, 0, mapped);
            if (r != VK_SUCCESS) {
                vkFreeMemory(gpu.device(), memory[0], null);
                check(r, "vkMapMemory");
            }
            return new BarMappedVram(gpu.device(), memory[0], bytes, MemorySegment.ofAddress(mapped.get(0)).reinterpret(bytes));
        }
    }

    private static synchronized Gpu gpu(byte[] uuid) {
        String key = HexFormat.of().formatHex(uuid);
        Object known = GPUS.get(key);
        if (known == null) {
            try {
                known = createGpu(uuid);
            } catch (UnsupportedFeatureException e) {
                known = e;
            }
            GPUS.put(key, known);
        }
        if (known instanceof UnsupportedFeatureException e) {
            throw e;
        }
        return (Gpu) known;
    }

    private static Gpu createGpu(byte[] uuid) {
        ensureLoader();
        try (MemoryStack stack = stackPush()) {
            VkApplicationInfo app = VkApplicationInfo.calloc(stack).sType$Default().apiVersion(VK_API_VERSION_1_1);
            VkInstanceCreateInfo ici = VkInstanceCreateInfo.calloc(stack).sType$Default().pApplicationInfo(app);
            PointerBuffer out = stack.mallocPointer(1);
            check(vkCreateInstance(ici, null, out), "vkCreateInstance");
            VkInstance instance = new VkInstance(out.get(0), ici);
            try {
                VkPhysicalDevice physical = physicalDevice(instance, uuid, stack);
                int type = memoryType(physical, stack);
                requireExtension(physical, stack);
                return new Gpu(instance, device(physical, stack), type);
            } catch (RuntimeException e) {
                vkDestroyInstance(instance, null);
                throw e;
            }
        }
    }

    /** @return the host mapping ({@link #bytes()} long, uncached and write-combined) */
    MemorySegment host() {
        return host;
    }

    /** @return the allocation's size */
    long bytes() {
        return bytes;
    }

    /**
     * @return a new opaque file descriptor of the allocation, owned by the caller
     * @throws UnsupportedFeatureException when the driver refuses
     */
    int exportFd() {
        try (MemoryStack stack = stackPush()) {
            VkMemoryGetFdInfoKHR info = VkMemoryGetFdInfoKHR.calloc(stack).sType$Default().memory(memory)
                    .handleType(VK_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_FD_BIT);
            IntBuffer fd = stack.mallocInt(1);
            check(vkGetMemoryFdKHR(device, info, fd), "vkGetMemoryFdKHR");
            return fd.get(0);
        }
    }

    /** Unmaps and frees the memory (the GPU's Vulkan device stays for later blocks); idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            vkUnmapMemory(device, memory);
            vkFreeMemory(device, memory, null);
        }
    }

    private static VkPhysicalDevice physicalDevice(VkInstance instance, byte[] uuid, MemoryStack stack) {
        IntBuffer count = stack.mallocInt(1);
        check(vkEnumeratePhysicalDevices(instance, count, null), "vkEnumeratePhysicalDevices");
        PointerBuffer all = stack.mallocPointer(count.get(0));
        check(vkEnumeratePhysicalDevices(instance, count, all), "vkEnumeratePhysicalDevices");
        for (int i = 0; i < count.get(0); i++) {
            VkPhysicalDevice candidate = new VkPhysicalDevice(all.get(i), instance);
            if (Arrays.equals(deviceUuid(candidate, stack), uuid)) {
                return candidate;
            }
        }
        throw TailLines.unsupported("no Vulkan device has the CUDA device's UUID (" + count.get(0)
                + " Vulkan devices)", "install NVIDIA's Vulkan driver (ICD) for this GPU, or pass"
                + " -D" + TailLines.PROPERTY + "=host");
    }

    /** @return {@code physical}'s {@code deviceUUID} (16 bytes) */
    static byte[] deviceUuid(VkPhysicalDevice physical, MemoryStack stack) {
        VkPhysicalDeviceIDProperties id = VkPhysicalDeviceIDProperties.calloc(stack).sType$Default();
        VkPhysicalDeviceProperties2 p2 = VkPhysicalDeviceProperties2.calloc(stack).sType$Default().pNext(id.address());
        vkGetPhysicalDeviceProperties2(physical, p2);
        ByteBuffer b = id.deviceUUID();
        byte[] out = new byte[16];
        b.get(0, out);
        return out;
    }

    private static int memoryType(VkPhysicalDevice physical, MemoryStack stack) {
        VkPhysicalDeviceMemoryProperties props = VkPhysicalDeviceMemoryProperties.calloc(stack);
        vkGetPhysicalDeviceMemoryProperties(physical, props);
        for (int i = 0; i < props.memoryTypeCount(); i++) {
            if ((props.memoryTypes(i).propertyFlags() & WANTED) == WANTED) {
                return i;
            }
        }
        throw TailLines.unsupported("the GPU has no DEVICE_LOCAL | HOST_VISIBLE | HOST_COHERENT memory (BAR1"
                + " too small for Vulkan to map device memory)", "enable resizable BAR in the firmware, or pass -D"
                + TailLines.PROPERTY + "=host");
    }

    private static void requireExtension(VkPhysicalDevice physical, MemoryStack stack) {
        IntBuffer count = stack.mallocInt(1);
        check(vkEnumerateDeviceExtensionProperties(physical, (ByteBuffer) null, count, null),
                "vkEnumerateDeviceExtensionProperties");
        VkExtensionProperties.Buffer all = VkExtensionProperties.malloc(count.get(0), stack);
        check(vkEnumerateDeviceExtensionProperties(physical, (ByteBuffer) null, count, all),
                "vkEnumerateDeviceExtensionProperties");
        for (VkExtensionProperties e : all) {
            if (VK_KHR_EXTERNAL_MEMORY_FD_EXTENSION_NAME.equals(e.extensionNameString())) {
                return;
            }
        }
        throw TailLines.unsupported("the Vulkan driver lacks " + VK_KHR_EXTERNAL_MEMORY_FD_EXTENSION_NAME,
                "update the NVIDIA driver, or pass -D" + TailLines.PROPERTY + "=host");
    }

    private static VkDevice device(VkPhysicalDevice physical, MemoryStack stack) {
        VkDeviceQueueCreateInfo.Buffer queue = VkDeviceQueueCreateInfo.calloc(1, stack);
        queue.get(0).sType$Default().queueFamilyIndex(0).pQueuePriorities(stack.floats(1.0f));
        VkDeviceCreateInfo dci = VkDeviceCreateInfo.calloc(stack).sType$Default().pQueueCreateInfos(queue)
                .ppEnabledExtensionNames(stack.pointers(stack.UTF8(VK_KHR_EXTERNAL_MEMORY_FD_EXTENSION_NAME)));
        PointerBuffer out = stack.mallocPointer(1);
        check(vkCreateDevice(physical, dci, null, out), "vkCreateDevice");
        return new VkDevice(out.get(0), physical, dci);
    }

    /**
     * Loads the Vulkan loader once per process, with the LWJGL settings the Vulkan backend uses.
     *
     * @throws UnsupportedFeatureException when it cannot be loaded
     */
    static synchronized void ensureLoader() {
        if (System.getProperty("org.lwjgl.system.memoryBackend") == null) {
            org.lwjgl.system.Configuration.MEMORY_BACKEND.set("ffm");
        }
        if (System.getProperty("org.lwjgl.system.stackSize") == null) {
            org.lwjgl.system.Configuration.STACK_SIZE.set(512);
        }
        try {
            VK.getFunctionProvider();
        } catch (IllegalStateException notYet) {
            try {
                VK.create();
            } catch (IllegalStateException | UnsatisfiedLinkError e) {
                throw TailLines.unsupported("the Vulkan loader (libvulkan.so.1) could not be loaded: "
                        + e.getMessage(), "install libvulkan1 and NVIDIA's Vulkan driver, or pass -D"
                        + TailLines.PROPERTY + "=host");
            }
        }
    }

    private static void check(int result, String call) {
        if (result != VK_SUCCESS) {
            throw TailLines.unsupported(call + " returned VkResult " + result,
                    "check the NVIDIA Vulkan driver, or pass -D" + TailLines.PROPERTY + "=host");
        }
    }
}
