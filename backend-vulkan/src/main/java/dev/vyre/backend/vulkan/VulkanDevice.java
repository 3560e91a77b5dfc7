package dev.vyre.backend.vulkan;

import static org.lwjgl.system.MemoryStack.stackPush;
import static org.lwjgl.vulkan.EXTDebugUtils.VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
import static org.lwjgl.vulkan.EXTDebugUtils.VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT;
import static org.lwjgl.vulkan.EXTDebugUtils.VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT;
import static org.lwjgl.vulkan.EXTDebugUtils.VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT;
import static org.lwjgl.vulkan.EXTDebugUtils.VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT;
import static org.lwjgl.vulkan.EXTDebugUtils.VK_EXT_DEBUG_UTILS_EXTENSION_NAME;
import static org.lwjgl.vulkan.EXTDebugUtils.VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT;
import static org.lwjgl.vulkan.EXTDebugUtils.vkCreateDebugUtilsMessengerEXT;
import static org.lwjgl.vulkan.EXTDebugUtils.vkDestroyDebugUtilsMessengerEXT;
import static org.lwjgl.vulkan.VK10.*;
import static org.lwjgl.vulkan.VK11.VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2;
import static org.lwjgl.vulkan.VK11.VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2;
import static org.lwjgl.vulkan.VK11.vkGetPhysicalDeviceFeatures2;
import static org.lwjgl.vulkan.VK11.vkGetPhysicalDeviceProperties2;
import static org.lwjgl.vulkan.VK12.VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES;

import dev.vyre.protocol.BackendException;
import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.lwjgl.PointerBuffer;
import org.lwjgl.system.MemoryStack;
import org.lwjgl.vulkan.KHRShaderClock;
import org.lwjgl.vulkan.VK;
import org.lwjgl.vulkan.VkApplicationInfo;
import org.lwjgl.vulkan.VkDebugUtilsMessengerCallbackDataEXT;
import org.lwjgl.vulkan.VkDebugUtilsMessengerCallbackEXT;
import org.lwjgl.vulkan.VkDebugUtilsMessengerCreateInfoEXT;
import org.lwjgl.vulkan.VkDevice;
import org.lwjgl.vulkan.VkDeviceCreateInfo;
import org.lwjgl.vulkan.VkDeviceQueueCreateInfo;
import org.lwjgl.vulkan.VkExtensionProperties;
import org.lwjgl.vulkan.VkInstance;
import org.lwjgl.vulkan.VkInstanceCreateInfo;
import org.lwjgl.vulkan.VkLayerProperties;
import org.lwjgl.vulkan.VkMemoryType;
import org.lwjgl.vulkan.VkPhysicalDevice;
import org.lwjgl.vulkan.VkPhysicalDeviceFeatures2;
import org.lwjgl.vulkan.VkPhysicalDeviceMemoryProperties;
import org.lwjgl.vulkan.VkPhysicalDeviceProperties;
import org.lwjgl.vulkan.VkPhysicalDeviceProperties2;
import org.lwjgl.vulkan.VkPhysicalDeviceShaderClockFeaturesKHR;
import org.lwjgl.vulkan.VkPhysicalDeviceShaderSMBuiltinsPropertiesNV;
import org.lwjgl.vulkan.VkPhysicalDeviceVulkan12Features;
import org.lwjgl.vulkan.VkQueue;
import org.lwjgl.vulkan.VkQueueFamilyProperties;
import org.lwjgl.vulkan.VkValidationFeaturesEXT;

/**
 * One Vulkan instance and logical device: the selected physical device, its compute queues, memory
 * types and the optional features the shader uses (Vulkan memory model, device clock). Counts the
 * device memory allocations made through it, so tests can check that sessions free what they take.
 */
final class VulkanDevice implements AutoCloseable {

    /** System property selecting the device by index or name substring. */
    static final String DEVICE_PROPERTY = "vyre.vulkan.device";
    /** Environment variable selecting the device (when the property is absent). */
    static final String DEVICE_ENV = "VYRE_VULKAN_DEVICE";
    /**
     * System property enabling VK_LAYER_KHRONOS_validation, with the features {@link ValidationFeature}
     * selects (GPU-assisted and synchronization validation unless told otherwise).
     */
    static final String VALIDATION_PROPERTY = "vyre.vulkan.validation";
    static final String VALIDATION_LAYER = "VK_LAYER_KHRONOS_validation";
    /** The instance extension of the layer that takes {@code VkValidationFeaturesEXT}. */
    private static final String VALIDATION_FEATURES_EXTENSION = "VK_EXT_validation_features";

    private final VkInstance instance;
    private final long messenger;
    private final VkDebugUtilsMessengerCallbackEXT callback;
    private final VkPhysicalDevice physical;
    private final VkDevice device;
    private final int queueFamily;
    private final List<VkQueue> queues = new ArrayList<>();
    private final String name;
    private final int apiVersion;
    private final int driverVersion;
    private final int vendorId;
    private final int physicalIndex;
    private final int physicalCount;
    /** Vendor, device, driver version and pipeline-cache UUID: what compiled artifacts depend on. */
    private final String cacheIdentity;
    private final int deviceType;
    private final long maxStorageBufferRange;
    private final long storageAlignment;
    private final long nonCoherentAtomSize;
    private final int[] memoryFlags;
    private final int[] memoryHeaps;
    private final long[] heapSizes;
    private final boolean memoryModel;
    private final boolean deviceClock;
    /** bufferDeviceAddress is supported and enabled: custom GLSL bodies may use raw device addresses. */
    private final boolean deviceAddress;
    private final int smCount;
    private final List<String> validationMessages = new CopyOnWriteArrayList<>();
    /** The layer's version ({@code spec/implementation}), null without validation. */
    private final String validationLayerVersion;
    /** Features enabled in {@code VkValidationFeaturesEXT}. */
    private final Set<ValidationFeature> validationEnabledFeatures;
    /** Features requested but not running, each with the reason (the layer's own message where it gave one). */
    private final Map<ValidationFeature, String> validationRefusals = new ConcurrentHashMap<>();
    private final AtomicInteger liveAllocations = new AtomicInteger();
    /** Whether validation errors and the closing summary are written to standard error. */
    private final boolean echo;
    private boolean closed;

    /**
     * @param validation the features of VK_LAYER_KHRONOS_validation to enable beyond its default checks;
     *                   null for no validation layer
     * @param wanted     the physical device: an index or a name substring; null for the best GPU
     * @param echo       also write each validation error, and a summary at close, to standard error (validation
     *                   switched on from outside the program, where nobody reads {@link #validationMessages()})
     */
    private VulkanDevice(Set<ValidationFeature> validation, String wanted, boolean echo) {
        this.echo = echo && validation != null;
        ensureLoader();
        try (MemoryStack stack = stackPush()) {
            VkLayerProperties layer = validation != null ? layer(stack, VALIDATION_LAYER) : null;
            boolean withValidation = layer != null;
            if (validation != null && !withValidation) {
                throw new BackendException(VALIDATION_LAYER + " is not installed",
                        "install vulkan-validationlayers (Debian) or run without -D" + VALIDATION_PROPERTY);
            }
            Set<ValidationFeature> features = EnumSet.noneOf(ValidationFeature.class);
            if (withValidation) {
                validationLayerVersion = versionText(layer.specVersion()) + " (implementation "
                        + layer.implementationVersion() + ")";
                if (layerExtensions(stack, VALIDATION_LAYER).contains(VALIDATION_FEATURES_EXTENSION)) {
                    features.addAll(validation);
                } else {
                    for (ValidationFeature f : validation) {
                        validationRefusals.put(f, VALIDATION_LAYER + " " + validationLayerVersion + " does not offer "
                                + VALIDATION_FEATURES_EXTENSION);
                    }
                }
            } else {
                validationLayerVersion = null;
            }
            validationEnabledFeatures = Set.copyOf(features);
            VkApplicationInfo app = VkApplicationInfo.calloc(stack).sType$Default()
                    .pApplicationName(stack.UTF8("vyre-java")).pEngineName(stack.UTF8("vyre"))
                    .apiVersion(VK.getInstanceVersionSupported() >= VK_MAKE_API_VERSION(0, 1, 3, 0)
                            ? VK_MAKE_API_VERSION(0, 1, 3, 0) : VK_MAKE_API_VERSION(0, 1, 2, 0));
            VkInstanceCreateInfo ici = VkInstanceCreateInfo.calloc(stack).sType$Default().pApplicationInfo(app);
            VkDebugUtilsMessengerCreateInfoEXT mci = null;
            if (withValidation) {
                callback = VkDebugUtilsMessengerCallbackEXT.create((severity, types, data, user) -> {
                    VkDebugUtilsMessengerCallbackDataEXT d = VkDebugUtilsMessengerCallbackDataEXT.create(data);
                    message(severity, d.pMessageIdNameString(), d.pMessageString());
                    return VK_FALSE;
                });
                mci = VkDebugUtilsMessengerCreateInfoEXT.calloc(stack)
                        .sType(VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT)
                        .messageSeverity(VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT
                                | VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT)
                        .messageType(VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT
                                | VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT
                                | VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT)
                        .pfnUserCallback(callback);
                ici.ppEnabledLayerNames(stack.pointers(stack.UTF8(VALIDATION_LAYER)));
                // The messenger in the chain also reports what the layer says during vkCreateInstance.
                long chain = mci.address();
                if (features.isEmpty()) {
                    ici.ppEnabledExtensionNames(stack.pointers(stack.UTF8(VK_EXT_DEBUG_UTILS_EXTENSION_NAME)));
                } else {
                    ici.ppEnabledExtensionNames(stack.pointers(stack.UTF8(VK_EXT_DEBUG_UTILS_EXTENSION_NAME),
                            stack.UTF8(VALIDATION_FEATURES_EXTENSION)));
                    IntBuffer enables = stack.mallocInt(features.size());
                    for (ValidationFeature f : features) {
                        enables.put(f.vkEnable());
                    }
                    VkValidationFeaturesEXT vf = VkValidationFeaturesEXT.calloc(stack).sType$Default()
                            .pEnabledValidationFeatures(enables.flip()).pNext(chain);
                    chain = vf.address();
                }
                ici.pNext(chain);
            } else {
                callback = null;
            }
            PointerBuffer pInstance = stack.mallocPointer(1);
            int r = vkCreateInstance(ici, null, pInstance);
            if (r != VK_SUCCESS && callback != null) {
                callback.free();
            }
            if (r == VK_ERROR_INCOMPATIBLE_DRIVER) {
                throw new BackendException("the Vulkan loader found no driver (ICD): vkCreateInstance returned"
                        + " VK_ERROR_INCOMPATIBLE_DRIVER", "install a Vulkan driver: mesa-vulkan-drivers (lavapipe, on"
                        + " the CPU) or the GPU vendor's driver with its ICD JSON");
            }
            VulkanCalls.check(r, "vkCreateInstance");
            instance = new VkInstance(pInstance.get(0), ici);
            if (withValidation) {
                var pm = stack.mallocLong(1);
                int rm = vkCreateDebugUtilsMessengerEXT(instance, mci.pNext(VK_NULL_HANDLE), null, pm);
                if (rm != VK_SUCCESS) {
                    vkDestroyInstance(instance, null);
                    callback.free();
                    throw VulkanCalls.failure(rm, "vkCreateDebugUtilsMessengerEXT");
                }
                messenger = pm.get(0);
            } else {
                messenger = VK_NULL_HANDLE;
            }
            try {
                Candidate chosen = select(stack, wanted);
                physical = chosen.device;
                physicalIndex = chosen.index;
                physicalCount = chosen.count;
                queueFamily = chosen.queueFamily;
                VkPhysicalDeviceProperties p = VkPhysicalDeviceProperties.malloc(stack);
                vkGetPhysicalDeviceProperties(physical, p);
                name = p.deviceNameString();
                apiVersion = p.apiVersion();
                driverVersion = p.driverVersion();
                vendorId = p.vendorID();
                deviceType = p.deviceType();
                cacheIdentity = name + " [" + Integer.toHexString(vendorId) + ":" + Integer.toHexString(p.deviceID())
                        + "] driver " + Integer.toHexString(driverVersion) + " pipeline-cache "
                        + java.util.HexFormat.of().formatHex(bytes(p.pipelineCacheUUID()));
                maxStorageBufferRange = Integer.toUnsignedLong(p.limits().maxStorageBufferRange());
                storageAlignment = Math.max(256, p.limits().minStorageBufferOffsetAlignment());
                nonCoherentAtomSize = p.limits().nonCoherentAtomSize();
                VkPhysicalDeviceMemoryProperties mp = VkPhysicalDeviceMemoryProperties.malloc(stack);
                vkGetPhysicalDeviceMemoryProperties(physical, mp);
                memoryFlags = new int[mp.memoryTypeCount()];
                memoryHeaps = new int[mp.memoryTypeCount()];
                for (int i = 0; i < memoryFlags.length; i++) {
                    VkMemoryType t = mp.memoryTypes(i);
                    memoryFlags[i] = t.propertyFlags();
                    memoryHeaps[i] = t.heapIndex();
                }
                heapSizes = new long[mp.memoryHeapCount()];
                for (int i = 0; i < heapSizes.length; i++) {
                    heapSizes[i] = mp.memoryHeaps(i).size();
                }
                Set<String> extensions = deviceExtensions(stack, physical);
                VkPhysicalDeviceVulkan12Features f12 = VkPhysicalDeviceVulkan12Features.calloc(stack)
                        .sType(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES);
                VkPhysicalDeviceShaderClockFeaturesKHR clock = VkPhysicalDeviceShaderClockFeaturesKHR.calloc(stack)
                        .sType$Default();
                VkPhysicalDeviceFeatures2 f2 = VkPhysicalDeviceFeatures2.calloc(stack)
                        .sType(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2).pNext(f12.address());
                boolean hasClock = extensions.contains(KHRShaderClock.VK_KHR_SHADER_CLOCK_EXTENSION_NAME);
                if (hasClock) {
                    f12.pNext(clock.address());
                }
                vkGetPhysicalDeviceFeatures2(physical, f2);
                memoryModel = f12.vulkanMemoryModel() && f12.vulkanMemoryModelDeviceScope();
                deviceClock = hasClock && clock.shaderDeviceClock();
                deviceAddress = f12.bufferDeviceAddress();
                smCount = extensions.contains("VK_NV_shader_sm_builtins")
                        ? smCount(stack) : 0;

                VkPhysicalDeviceVulkan12Features e12 = VkPhysicalDeviceVulkan12Features.calloc(stack)
                        .sType(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES)
                        .vulkanMemoryModel(memoryModel).vulkanMemoryModelDeviceScope(memoryModel)
                        .bufferDeviceAddress(deviceAddress);
                VkPhysicalDeviceShaderClockFeaturesKHR eClock = VkPhysicalDeviceShaderClockFeaturesKHR.calloc(stack)
                        .sType$Default().shaderDeviceClock(deviceClock);
                if (deviceClock) {
                    e12.pNext(eClock.address());
                }
                int queueCount = chosen.queueCount;
                float[] priorities = new float[queueCount];
                java.util.Arrays.fill(priorities, 1.0f);
                VkDeviceQueueCreateInfo.Buffer qci = VkDeviceQueueCreateInfo.calloc(1, stack);
                qci.get(0).sType$Default().queueFamilyIndex(queueFamily).pQueuePriorities(stack.floats(priorities));
                VkDeviceCreateInfo dci = VkDeviceCreateInfo.calloc(stack).sType$Default().pNext(e12.address())
                        .pQueueCreateInfos(qci);
                if (deviceClock) {
                    dci.ppEnabledExtensionNames(stack.pointers(stack.UTF8(KHRShaderClock.VK_KHR_SHADER_CLOCK_EXTENSION_NAME)));
                }
                PointerBuffer pDevice = stack.mallocPointer(1);
                VulkanCalls.check(vkCreateDevice(physical, dci, null, pDevice), "vkCreateDevice");
                device = new VkDevice(pDevice.get(0), physical, dci);
                for (int i = 0; i < queueCount; i++) {
                    PointerBuffer pq = stack.mallocPointer(1);
                    vkGetDeviceQueue(device, queueFamily, i, pq);
                    queues.add(new VkQueue(pq.get(0), device));
                }
            } catch (RuntimeException | Error e) {
                // Never leak the instance: the NVIDIA driver's threads crash the JVM at exit when
                // an instance is left alive (seen on the H100 machine).
                destroyInstance();
                throw e;
            }
        }
    }

    /**
     * Selects LWJGL's FFM memory backend (no sun.misc.Unsafe warnings on JDK 25) unless the user chose
     * one, and loads the Vulkan loader once per process.
     */
    private static synchronized void ensureLoader() {
        if (System.getProperty("org.lwjgl.system.memoryBackend") == null) {
            org.lwjgl.system.Configuration.MEMORY_BACKEND.set("ffm");
        }
        if (System.getProperty("org.lwjgl.system.stackSize") == null) {
            org.lwjgl.system.Configuration.STACK_SIZE.set(512); // KiB per thread; the default 64 was too small on NVIDIA
        }
        try {
            VK.getFunctionProvider();
        } catch (IllegalStateException notYet) {
            try {
                VK.create();
            } catch (IllegalStateException | UnsatisfiedLinkError e) {
                throw new BackendException("the Vulkan loader (libvulkan.so.1) could not be loaded: " + e.getMessage(),
                        "install libvulkan1 and a driver (apt-get install libvulkan1 mesa-vulkan-drivers gives lavapipe"
                                + " on the CPU)");
            }
        }
    }

    /** Opens the device chosen by {@value #DEVICE_PROPERTY} / {@value #DEVICE_ENV} (else the best GPU). */
    static VulkanDevice open(boolean validation) {
        return new VulkanDevice(validation(validation), System.getProperty(DEVICE_PROPERTY, System.getenv(DEVICE_ENV)),
                !validation);
    }

    /**
     * Opens the device chosen like {@link #open(boolean)} with VK_LAYER_KHRONOS_validation and exactly
     * {@code features} (whatever {@link ValidationFeature#PROPERTY} says).
     */
    static VulkanDevice openValidating(Set<ValidationFeature> features) {
        Set<ValidationFeature> copy = EnumSet.noneOf(ValidationFeature.class);
        copy.addAll(features);
        return new VulkanDevice(copy, System.getProperty(DEVICE_PROPERTY, System.getenv(DEVICE_ENV)), false);
    }

    /**
     * Opens physical device {@code index} (the loader's enumeration order).
     *
     * @throws BackendException when there is no such device or it cannot run the interpreter
     */
    static VulkanDevice open(boolean validation, int index) {
        return new VulkanDevice(validation(validation), Integer.toString(index), !validation);
    }

    /** @return the validation features to enable, null when validation is neither requested nor switched on */
    private static Set<ValidationFeature> validation(boolean requested) {
        boolean on = requested || Boolean.getBoolean(VALIDATION_PROPERTY) || "1".equals(System.getenv("VYRE_VULKAN_VALIDATION"));
        return on ? ValidationFeature.requested() : null;
    }

    /** @return the index of this physical device in the loader's enumeration */
    int physicalIndex() {
        return physicalIndex;
    }

    /** @return how many physical devices the loader enumerates */
    int physicalCount() {
        return physicalCount;
    }

    private int smCount(MemoryStack stack) {
        VkPhysicalDeviceShaderSMBuiltinsPropertiesNV sm = VkPhysicalDeviceShaderSMBuiltinsPropertiesNV.calloc(stack)
                .sType$Default();
        VkPhysicalDeviceProperties2 p2 = VkPhysicalDeviceProperties2.calloc(stack)
                .sType(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2).pNext(sm.address());
        vkGetPhysicalDeviceProperties2(physical, p2);
        return sm.shaderSMCount();
    }

    /** @return the installed layer named {@code layer}, or null */
    private static VkLayerProperties layer(MemoryStack stack, String layer) {
        IntBuffer n = stack.mallocInt(1);
        vkEnumerateInstanceLayerProperties(n, null);
        VkLayerProperties.Buffer props = VkLayerProperties.malloc(n.get(0), stack);
        vkEnumerateInstanceLayerProperties(n, props);
        for (VkLayerProperties p : props) {
            if (p.layerNameString().equals(layer)) {
                return p;
            }
        }
        return null;
    }

    /** @return the instance extensions {@code layer} provides */
    private static Set<String> layerExtensions(MemoryStack stack, String layer) {
        IntBuffer n = stack.mallocInt(1);
        VulkanCalls.check(vkEnumerateInstanceExtensionProperties(layer, n, null), "vkEnumerateInstanceExtensionProperties");
        try (VkExtensionProperties.Buffer props = VkExtensionProperties.malloc(n.get(0))) {
            VulkanCalls.check(vkEnumerateInstanceExtensionProperties(layer, n, props),
                    "vkEnumerateInstanceExtensionProperties");
            return extensionNames(props);
        }
    }

    private static String versionText(int version) {
        return VK_API_VERSION_MAJOR(version) + "." + VK_API_VERSION_MINOR(version) + "." + VK_API_VERSION_PATCH(version);
    }

    /**
     * Takes one message of the validation layer (any thread, during and after construction). A message
     * in which the layer declines GPU-assisted validation (a setup problem: the device lacks what it
     * needs) marks that feature refused with the layer's words; every other error is a validation error.
     */
    private void message(int severity, String id, String text) {
        String message = text == null ? "(no message)" : text;
        if (validationEnabledFeatures.contains(ValidationFeature.GPU_ASSISTED) && gpuAssistedSetupProblem(id, message)) {
            validationRefusals.putIfAbsent(ValidationFeature.GPU_ASSISTED, message.strip());
            return;
        }
        if ((severity & VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT) != 0) {
            validationMessages.add(message);
            if (echo) {
                System.err.println(ECHO_PREFIX + "error: " + message.strip());
            }
        }
    }

    /** Prefix of what an echoing device writes to standard error. */
    static final String ECHO_PREFIX = "vyre vulkan validation ";

    /**
     * @return the validation layer's version and the features running, with the refused ones and their
     *         reasons; null without validation
     */
    String validationSummary() {
        if (!validationEnabled()) {
            return null;
        }
        List<String> active = new ArrayList<>();
        for (ValidationFeature f : validationFeatures()) {
            active.add(f.key());
        }
        StringBuilder out = new StringBuilder(VALIDATION_LAYER).append(' ').append(validationLayerVersion)
                .append(", features: ").append(active.isEmpty() ? "none" : String.join(",", active));
        validationRefusals.forEach((f, why) -> out.append("; ").append(f.key()).append(" refused: ").append(why));
        return out.toString();
    }

    /**
     * @return true for the layer's report that GPU-assisted validation could not start (for instance
     *         "GPU-Assisted validation requires fragmentStoresAndAtomics ... GPU-Assisted Validation
     *         disabled.", id {@code UNASSIGNED-GPU-Assisted Validation Setup Error.})
     */
    static boolean gpuAssistedSetupProblem(String id, String text) {
        String i = id == null ? "" : id.toLowerCase(Locale.ROOT);
        String t = text.toLowerCase(Locale.ROOT);
        boolean gpuAv = i.contains("gpu-assisted") || i.contains("gpu-av") || t.contains("gpu-assisted")
                || t.contains("gpu-av");
        return gpuAv && (i.contains("setup") || t.contains("validation disabled") || t.contains("gpu-av disabled")
                || t.contains("gpu-av is disabled"));
    }

    private static Set<String> deviceExtensions(MemoryStack stack, VkPhysicalDevice device) {
        IntBuffer n = stack.mallocInt(1);
        vkEnumerateDeviceExtensionProperties(device, (String) null, n, null);
        // Heap, not the 64 KiB thread stack: the H100 driver lists ~200 extensions of 260 bytes.
        try (VkExtensionProperties.Buffer props = VkExtensionProperties.malloc(n.get(0))) {
            vkEnumerateDeviceExtensionProperties(device, (String) null, n, props);
            return extensionNames(props);
        }
    }

    private static Set<String> extensionNames(VkExtensionProperties.Buffer props) {
        Set<String> names = new HashSet<>();
        for (VkExtensionProperties p : props) {
            names.add(p.extensionNameString());
        }
        return names;
    }

    private record Candidate(VkPhysicalDevice device, int index, int count, String name, int type, int queueFamily,
                             int queueCount) {
    }

    private Candidate select(MemoryStack stack, String wanted) {
        IntBuffer n = stack.mallocInt(1);
        VulkanCalls.check(vkEnumeratePhysicalDevices(instance, n, null), "vkEnumeratePhysicalDevices");
        if (n.get(0) == 0) {
            throw new BackendException("the Vulkan loader found no physical device",
                    "install a Vulkan driver: mesa-vulkan-drivers (lavapipe) or the GPU vendor's driver");
        }
        PointerBuffer handles = stack.mallocPointer(n.get(0));
        VulkanCalls.check(vkEnumeratePhysicalDevices(instance, n, handles), "vkEnumeratePhysicalDevices");
        List<Candidate> suitable = new ArrayList<>();
        List<String> rejected = new ArrayList<>();
        List<String> all = new ArrayList<>();
        for (int i = 0; i < handles.capacity(); i++) {
            VkPhysicalDevice pd = new VkPhysicalDevice(handles.get(i), instance);
            VkPhysicalDeviceProperties p = VkPhysicalDeviceProperties.malloc(stack);
            vkGetPhysicalDeviceProperties(pd, p);
            String devName = p.deviceNameString();
            all.add(i + ": " + devName);
            int api = p.apiVersion();
            if (VK_API_VERSION_MAJOR(api) == 1 && VK_API_VERSION_MINOR(api) < 2) {
                rejected.add(devName + " (Vulkan " + VK_API_VERSION_MAJOR(api) + "." + VK_API_VERSION_MINOR(api)
                        + ", needs 1.2)");
                continue;
            }
            IntBuffer qn = stack.mallocInt(1);
            vkGetPhysicalDeviceQueueFamilyProperties(pd, qn, null);
            VkQueueFamilyProperties.Buffer families = VkQueueFamilyProperties.malloc(qn.get(0), stack);
            vkGetPhysicalDeviceQueueFamilyProperties(pd, qn, families);
            int best = -1;
            int bestCount = 0;
            for (int f = 0; f < families.capacity(); f++) {
                int flags = families.get(f).queueFlags();
                if ((flags & VK_QUEUE_COMPUTE_BIT) == 0) {
                    continue;
                }
                boolean computeOnly = (flags & VK_QUEUE_GRAPHICS_BIT) == 0;
                if (best < 0 || (computeOnly && (families.get(best).queueFlags() & VK_QUEUE_GRAPHICS_BIT) != 0)
                        || families.get(f).queueCount() > bestCount) {
                    best = f;
                    bestCount = families.get(f).queueCount();
                }
            }
            if (best < 0) {
                rejected.add(devName + " (no compute queue)");
                continue;
            }
            // Storage buffers and 32-bit atomics on them are required of every Vulkan compute device; the
            // ring needs storage buffers of at least 64 KiB.
            if (Integer.toUnsignedLong(p.limits().maxStorageBufferRange()) < 65536) {
                rejected.add(devName + " (storage buffers below 64 KiB)");
                continue;
            }
            suitable.add(new Candidate(pd, i, handles.capacity(), devName, p.deviceType(), best,
                    Math.min(bestCount, 16)));
        }
        if (wanted != null && !wanted.isBlank()) {
            String w = wanted.strip();
            for (Candidate c : suitable) {
                if (w.equals(Integer.toString(c.index))) {
                    return c;
                }
            }
            for (Candidate c : suitable) {
                if (c.name.toLowerCase(Locale.ROOT).contains(w.toLowerCase(Locale.ROOT))) {
                    return c;
                }
            }
            throw new BackendException("no suitable Vulkan device matches '" + w + "' (devices: " + all
                    + (rejected.isEmpty() ? "" : "; unsuitable: " + rejected) + ")",
                    "set -D" + DEVICE_PROPERTY + " / " + DEVICE_ENV + " to an index or a name substring of a listed device");
        }
        if (suitable.isEmpty()) {
            throw new BackendException("no suitable Vulkan device: " + rejected,
                    "use a device with Vulkan 1.2 and a compute queue (update the driver)");
        }
        Candidate best = suitable.getFirst();
        for (Candidate c : suitable) {
            if (rank(c.type) > rank(best.type)) {
                best = c;
            }
        }
        return best;
    }

    private static int rank(int type) {
        return switch (type) {
            case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU -> 4;
            case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU -> 3;
            case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU -> 2;
            case VK_PHYSICAL_DEVICE_TYPE_CPU -> 1;
            default -> 0;
        };
    }

    /**
     * @param required  flags the type must have
     * @param preferred flags tried first, in order (each combined with {@code required})
     * @return a memory type index allowed by {@code typeBits}, or -1
     */
    int memoryType(int typeBits, int required, int... preferred) {
        for (int want : preferred) {
            for (int i = 0; i < memoryFlags.length; i++) {
                if ((typeBits & (1 << i)) != 0 && (memoryFlags[i] & (want | required)) == (want | required)) {
                    return i;
                }
            }
        }
        for (int i = 0; i < memoryFlags.length; i++) {
            if ((typeBits & (1 << i)) != 0 && (memoryFlags[i] & required) == required) {
                return i;
            }
        }
        return -1;
    }

    /**
     * @param required flags the type must have
     * @param avoid    flags the type must not have
     * @return the first memory type allowed by {@code typeBits} with {@code required} and none of
     *         {@code avoid}, or -1
     */
    int memoryTypeAvoiding(int typeBits, int required, int avoid) {
        for (int i = 0; i < memoryFlags.length; i++) {
            if ((typeBits & (1 << i)) != 0 && (memoryFlags[i] & required) == required && (memoryFlags[i] & avoid) == 0) {
                return i;
            }
        }
        return -1;
    }

    /** @return property flags of memory type {@code index} */
    int memoryFlags(int index) {
        return memoryFlags[index];
    }

    /**
     * @return the memory types and heaps, one line: {@code type i: flags (heap h, size)}, flags as
     *         {@code DL} (device-local), {@code HV} (host-visible), {@code HC} (host-coherent), {@code HCa}
     *         (host-cached)
     */
    String memorySummary() {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < memoryFlags.length; i++) {
            int f = memoryFlags[i];
            out.append(i == 0 ? "" : ", ").append("type ").append(i).append(':');
            out.append((f & VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT) != 0 ? " DL" : "");
            out.append((f & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT) != 0 ? " HV" : "");
            out.append((f & VK_MEMORY_PROPERTY_HOST_COHERENT_BIT) != 0 ? " HC" : "");
            out.append((f & VK_MEMORY_PROPERTY_HOST_CACHED_BIT) != 0 ? " HCa" : "");
            out.append(" (heap ").append(memoryHeaps[i]).append(", ").append(heapSizes[memoryHeaps[i]] >> 20)
                    .append(" MiB)");
        }
        return out.toString();
    }

    /** @return true when some memory type is DEVICE_LOCAL, HOST_VISIBLE and HOST_COHERENT */
    boolean hasDeviceLocalHostVisible() {
        int want = VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT | VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT
                | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
        for (int f : memoryFlags) {
            if ((f & want) == want) {
                return true;
            }
        }
        return false;
    }

    /** @return true when every host-visible memory type is also device-local (CPU devices, UMA) */
    boolean unifiedMemory() {
        for (int f : memoryFlags) {
            if ((f & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT) != 0 && (f & VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT) == 0) {
                return false;
            }
        }
        return true;
    }

    void allocated() {
        liveAllocations.incrementAndGet();
    }

    void freed() {
        liveAllocations.decrementAndGet();
    }

    /** @return device memory allocations currently held through this device */
    int liveAllocations() {
        return liveAllocations.get();
    }

    VkDevice device() {
        return device;
    }

    VkPhysicalDevice physical() {
        return physical;
    }

    int queueFamily() {
        return queueFamily;
    }

    List<VkQueue> queues() {
        return queues;
    }

    String name() {
        return name;
    }

    String apiVersionText() {
        return VK_API_VERSION_MAJOR(apiVersion) + "." + VK_API_VERSION_MINOR(apiVersion) + "."
                + VK_API_VERSION_PATCH(apiVersion);
    }

    String driverVersionText() {
        if (vendorId == 0x10DE) { // NVIDIA: 10.8.8.6 bits
            return ((driverVersion >>> 22) & 0x3FF) + "." + ((driverVersion >>> 14) & 0xFF) + "."
                    + ((driverVersion >>> 6) & 0xFF);
        }
        return VK_API_VERSION_MAJOR(driverVersion) + "." + VK_API_VERSION_MINOR(driverVersion) + "."
                + VK_API_VERSION_PATCH(driverVersion);
    }

    /**
     * @return the device as compiled artifacts depend on it: name, vendor and device id, driver version and
     *         {@code pipelineCacheUUID} (the compile cache's device key)
     */
    String cacheIdentity() {
        return cacheIdentity;
    }

    private static byte[] bytes(java.nio.ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }

    boolean isCpu() {
        return deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU;
    }

    boolean isNvidia() {
        return vendorId == 0x10DE;
    }

    int vendorId() {
        return vendorId;
    }

    long maxStorageBufferRange() {
        return maxStorageBufferRange;
    }

    long storageAlignment() {
        return storageAlignment;
    }

    long nonCoherentAtomSize() {
        return nonCoherentAtomSize;
    }

    boolean memoryModel() {
        return memoryModel;
    }

    boolean deviceClock() {
        return deviceClock;
    }

    /** @return true when bufferDeviceAddress is enabled (custom GLSL bodies see {@code VyreDeviceWord}) */
    boolean deviceAddress() {
        return deviceAddress;
    }

    /** @return streaming multiprocessors (VK_NV_shader_sm_builtins), 0 when unknown */
    int smCount() {
        return smCount;
    }

    /** @return validation-layer errors reported so far (empty without validation) */
    List<String> validationMessages() {
        return List.copyOf(validationMessages);
    }

    boolean validationEnabled() {
        return callback != null;
    }

    /** @return the validation features running: enabled at instance creation and not declined by the layer */
    Set<ValidationFeature> validationFeatures() {
        Set<ValidationFeature> active = EnumSet.noneOf(ValidationFeature.class);
        active.addAll(validationEnabledFeatures);
        active.removeAll(validationRefusals.keySet());
        return active;
    }

    /** @return requested validation features that are not running, each with the reason */
    Map<ValidationFeature, String> validationRefusals() {
        return Map.copyOf(validationRefusals);
    }

    /** @return the validation layer's version, null without validation */
    String validationLayerVersion() {
        return validationLayerVersion;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        vkDeviceWaitIdle(device);
        vkDestroyDevice(device, null);
        destroyInstance();
        if (echo) {
            System.err.println(ECHO_PREFIX + "summary: " + name + ": " + validationSummary() + ", "
                    + validationMessages.size() + " errors");
        }
    }

    private void destroyInstance() {
        if (messenger != VK_NULL_HANDLE) {
            vkDestroyDebugUtilsMessengerEXT(instance, messenger, null);
        }
        vkDestroyInstance(instance, null);
        if (callback != null) {
            callback.free();
        }
    }
}
