package dev.vyre.bench;

import static org.lwjgl.system.MemoryStack.stackPush;
import static org.lwjgl.util.shaderc.Shaderc.*;
import static org.lwjgl.vulkan.VK10.*;

import dev.vyre.api.DispatchRequest;
import dev.vyre.api.Megakernel;
import dev.vyre.api.Session;
import dev.vyre.api.SessionOptions;
import dev.vyre.api.Vyre;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.SlotStatus;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.lwjgl.PointerBuffer;
import org.lwjgl.system.MemoryStack;
import org.lwjgl.vulkan.VK;
import org.lwjgl.vulkan.VkApplicationInfo;
import org.lwjgl.vulkan.VkBufferCreateInfo;
import org.lwjgl.vulkan.VkCommandBuffer;
import org.lwjgl.vulkan.VkCommandBufferAllocateInfo;
import org.lwjgl.vulkan.VkCommandBufferBeginInfo;
import org.lwjgl.vulkan.VkCommandPoolCreateInfo;
import org.lwjgl.vulkan.VkComputePipelineCreateInfo;
import org.lwjgl.vulkan.VkDescriptorBufferInfo;
import org.lwjgl.vulkan.VkDescriptorPoolCreateInfo;
import org.lwjgl.vulkan.VkDescriptorPoolSize;
import org.lwjgl.vulkan.VkDescriptorSetAllocateInfo;
import org.lwjgl.vulkan.VkDescriptorSetLayoutBinding;
import org.lwjgl.vulkan.VkDescriptorSetLayoutCreateInfo;
import org.lwjgl.vulkan.VkDevice;
import org.lwjgl.vulkan.VkDeviceCreateInfo;
import org.lwjgl.vulkan.VkDeviceQueueCreateInfo;
import org.lwjgl.vulkan.VkFenceCreateInfo;
import org.lwjgl.vulkan.VkInstance;
import org.lwjgl.vulkan.VkInstanceCreateInfo;
import org.lwjgl.vulkan.VkMemoryAllocateInfo;
import org.lwjgl.vulkan.VkMemoryRequirements;
import org.lwjgl.vulkan.VkPhysicalDevice;
import org.lwjgl.vulkan.VkPhysicalDeviceProperties;
import org.lwjgl.vulkan.VkPipelineLayoutCreateInfo;
import org.lwjgl.vulkan.VkPipelineShaderStageCreateInfo;
import org.lwjgl.vulkan.VkQueue;
import org.lwjgl.vulkan.VkQueueFamilyProperties;
import org.lwjgl.vulkan.VkShaderModuleCreateInfo;
import org.lwjgl.vulkan.VkSubmitInfo;
import org.lwjgl.vulkan.VkWriteDescriptorSet;

/**
 * Vulkan benchmark with its peers in one run (docs/PERFORMANCE.md, Vulkan), through the user API:
 * <ul>
 *   <li>{@code submit+fence}: the peer of a persistent round trip, measured with LWJGL directly on the
 *       same device: vkQueueSubmit of a 1-invocation dispatch + spin on the fence, per op;</li>
 *   <li>{@code mirror_check}: one slot through a persistent session, seen DONE by
 *       {@code slotStatus} (on Vulkan the host-cached status mirror) and in the ring itself
 *       (a ring snapshot); where the buffers live;</li>
 *   <li>{@code host_publish_ns}: host cost of publish() / publishDeferred() into a ring the shader leaves
 *       alone (unauthorised tenant), per slot;</li>
 *   <li>{@code persistent}: publish one ATOMIC_ADD slot, spin on its status until DONE (p50/p99/p99.9);</li>
 *   <li>{@code throughput}: one Java publisher over a recycled ring, slots/s from DONE_COUNT, with
 *       publish() and with publishDeferred() + flush() every 64 slots;</li>
 *   <li>{@code one-pass}: Vyre.dispatch of 1, 64, 4,096 and 65,536 ATOMIC_ADD slots (median).</li>
 * </ul>
 * Usage: {@code VulkanBench [--seconds S] [--json FILE]}.
 */
public final class VulkanBench {

    private VulkanBench() {
    }

    /** Entry point. */
    public static void main(String[] args) {
        BenchMain.guard("VulkanBench", () -> runVulkanBench(args));
    }

    private static void runVulkanBench(String[] args) throws Exception {
        double seconds = 3;
        Path json = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--seconds" -> seconds = Double.parseDouble(args[i + 1]);
                case "--json" -> json = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; use --seconds S --json FILE");
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        try (Vyre b = Vyre.open("vulkan")) {
            out.put("device", b.device().name());
            out.put("driver", b.device().driver());
            out.put("details", b.device().details().toString());
            out.put("placements", b.features().placements().toString());
            section(out, "submit_fence_us", () -> {
                SubmitFencePeer.roundTrips(b.device().name(), 2000);
                return percentiles(SubmitFencePeer.roundTrips(b.device().name(), 20000));
            });
            if (b.features().persistent()) {
                double s = seconds;
                section(out, "mirror_check", () -> mirrorCheck(b));
                section(out, "host_publish_ns", () -> hostPublish(b));
                section(out, "persistent_rtt_us", () -> latency(b, s));
                section(out, "throughput_slots_per_s", () -> throughput(b, s, 0));
                section(out, "throughput_deferred64_slots_per_s", () -> throughput(b, s, 64));
            } else {
                out.put("persistent", "off on this device");
            }
            Map<String, Object> batches = new LinkedHashMap<>();
            for (int n : new int[] {1, 64, 4096, 65536}) {
                batches.put(Integer.toString(n), onePass(b, n));
            }
            out.put("one_pass_ms", batches);
        }
        String text = toJson(out);
        System.out.println(text);
        if (json != null) {
            Files.writeString(json, text);
        }
    }

    /** Runs one section; a failure becomes its entry ("FAILED: ...") and is printed, the rest still runs. */
    private static void section(Map<String, Object> out, String name, java.util.function.Supplier<Object> body) {
        try {
            out.put(name, body.get());
        } catch (RuntimeException e) {
            String text = "FAILED: " + e;
            out.put(name, text);
            System.err.println(name + " " + text);
            e.printStackTrace();
        }
    }

    /** @return the slot's status word in a snapshot of the ring itself (not the backend's cheaper copy) */
    private static int ringStatus(Session s, int slot) {
        return ByteBuffer.wrap(s.ringSnapshot()).order(ByteOrder.LITTLE_ENDIAN).getInt(slot * 64);
    }

    /**
     * One slot through a session: how long until {@code slotStatus} (the status mirror, host-cached, what
     * the host polls) and the ring show DONE. If the mirror never does, GPU writes to host memory stay in
     * the GPU's caches while the dispatch runs on this driver: waits still finish (they confirm in the
     * ring before parking) but spin far slower.
     */
    private static Map<String, Object> mirrorCheck(Vyre b) {
        SessionOptions o = SessionOptions.builder().slotCount(64).observableSlots(16).build();
        try (Session s = b.openSession(o)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("placement", b.features().placements() + ", " + b.device().details().get("persistentPlacement"));
            for (int round = 0; round < 3; round++) {
                long t0 = System.nanoTime();
                s.publish(0, 0, Opcodes.ATOMIC_ADD, 1, 160, 0);
                long deadline = t0 + 2_000_000_000L;
                long mirrorNs = -1;
                while (System.nanoTime() < deadline) {
                    if (s.slotStatus(0) == SlotStatus.DONE) {
                        mirrorNs = System.nanoTime() - t0;
                        break;
                    }
                    Thread.onSpinWait();
                }
                int ring = ringStatus(s, 0);
                m.put("round" + round, "mirror DONE after " + (mirrorNs < 0 ? "NEVER (2 s)" : mirrorNs / 1e3 + " us")
                        + ", ring status " + SlotStatus.name(ring) + ", control[160] " + s.controlWord(160));
                if (mirrorNs < 0) {
                    m.put("verdict", ring == SlotStatus.DONE
                            ? "MIRROR BROKEN: the ring says DONE but the host-cached mirror never did; the shader's"
                                    + " writes to system memory are not reaching the host while it runs"
                            : "SHADER NOT RUNNING SLOTS: the ring status is " + SlotStatus.name(ring) + ", alive "
                                    + s.isAlive());
                    return m;
                }
                if (!s.awaitSlotStatus(0, SlotStatus.DONE, java.time.Duration.ofSeconds(1))) {
                    throw new IllegalStateException("awaitSlotStatus(DONE) failed after the mirror showed DONE");
                }
            }
            m.put("done_count", s.doneCount());
            m.put("verdict", s.doneCount() == 3 && s.controlWord(160) == 3 ? "OK"
                    : "WRONG: expected DONE_COUNT 3 and control[160] 3");
            return m;
        }
    }

    /** Host cost per slot of publish() and publishDeferred() (flush every 64) with tenant 31 (not authorised). */
    private static Map<String, Object> hostPublish(Vyre b) {
        int ring = 4096;
        Map<String, Object> m = new LinkedHashMap<>();
        for (int mode = 0; mode < 2; mode++) {
            long best = Long.MAX_VALUE;
            for (int rep = 0; rep < 5; rep++) {
                SessionOptions o = SessionOptions.builder().slotCount(ring).observableSlots(16).build();
                try (Session s = b.openSession(o)) {
                    long t0 = System.nanoTime();
                    for (int i = 0; i < ring; i++) {
                        if (mode == 0) {
                            s.publish(i, 31, Opcodes.ATOMIC_ADD, 1, 160, 0);
                        } else {
                            s.publishDeferred(i, 31, Opcodes.ATOMIC_ADD, 1, 160, 0);
                            if ((i & 63) == 63) {
                                s.flush();
                            }
                        }
                    }
                    best = Math.min(best, System.nanoTime() - t0);
                    if (s.slotStatus(ring - 1) != SlotStatus.PUBLISHED) {
                        throw new IllegalStateException("slot " + (ring - 1) + " is " + SlotStatus.name(
                                s.slotStatus(ring - 1)) + " after publishing with an unauthorised tenant, expected"
                                + " PUBLISHED");
                    }
                }
            }
            m.put(mode == 0 ? "publish" : "publishDeferred64", (double) best / ring);
        }
        return m;
    }

    private static Map<String, Object> latency(Vyre b, double seconds) {
        SessionOptions o = SessionOptions.builder().slotCount(1024).observableSlots(16).build();
        try (Session s = b.openSession(o)) {
            long[] samples = new long[4_000_000];
            int n = 0;
            long warm = System.nanoTime() + 1_000_000_000L;
            long end = warm + (long) (seconds * 1e9);
            int slot = 0;
            while (true) {
                long t0 = System.nanoTime();
                if (t0 > end || n == samples.length) {
                    break;
                }
                s.publish(slot, 0, Opcodes.ATOMIC_ADD, 1, 160, 0);
                long spins = 0;
                while (s.slotStatus(slot) != SlotStatus.DONE) {
                    if (++spins % 1_000_000 == 0) {
                        stuck(b, s, slot, t0);
                    }
                    Thread.onSpinWait();
                }
                long dt = System.nanoTime() - t0;
                if (t0 > warm) {
                    samples[n++] = dt;
                }
                slot = (slot + 1) & 1023;
            }
            return percentiles(Arrays.copyOf(samples, n));
        }
    }

    /** Throws with what the host sees when a slot has not finished for a second. */
    private static void stuck(Vyre b, Session s, int slot, long since) {
        if (System.nanoTime() - since < 1_000_000_000L) {
            return;
        }
        int ring = ringStatus(s, slot);
        boolean alive = s.isAlive();
        throw new IllegalStateException("slot " + slot + " not DONE after 1 s: slotStatus says "
                + SlotStatus.name(s.slotStatus(slot)) + ", the ring says " + SlotStatus.name(ring)
                + ", alive " + alive + "; placements " + b.features().placements()
                + (ring == SlotStatus.DONE ? " -> the status mirror is not updated by the shader"
                        : !alive ? " -> the persistent dispatch ended or stalled (expected on lavapipe, which"
                                + " ends long-running loops; a bug on a GPU)"
                        : " -> the shader is alive but does not run the slot"));
    }

    /** @param batch 0: publish(); else publishDeferred() with flush() every {@code batch} slots */
    private static double throughput(Vyre b, double seconds, int batch) {
        int ring = 4096;
        SessionOptions o = SessionOptions.builder().slotCount(ring).observableSlots(ring).build();
        try (Session s = b.openSession(o)) {
            long start = 0;
            long startDone = 0;
            long warm = System.nanoTime() + 1_000_000_000L;
            long end = warm + (long) (seconds * 1e9);
            boolean measuring = false;
            int slot = 0;
            long published = 0;
            long waitingSince = 0;
            while (true) {
                int st = s.slotStatus(slot);
                if (st == SlotStatus.EMPTY || st == SlotStatus.DONE) {
                    if (batch == 0) {
                        s.publish(slot, 0, Opcodes.ATOMIC_ADD, 1, 160 + slot, 0);
                    } else {
                        s.publishDeferred(slot, 0, Opcodes.ATOMIC_ADD, 1, 160 + slot, 0);
                        if ((published + 1) % batch == 0) {
                            s.flush();
                        }
                    }
                    published++;
                    waitingSince = 0;
                    slot = slot + 1 == ring ? 0 : slot + 1;
                } else {
                    s.flush();
                    if (waitingSince == 0) {
                        waitingSince = System.nanoTime();
                    } else {
                        stuck(b, s, slot, waitingSince);
                    }
                    Thread.onSpinWait();
                }
                if ((published & 1023) == 0) {
                    long now = System.nanoTime();
                    if (!measuring && now > warm) {
                        measuring = true;
                        start = now;
                        startDone = s.doneCount();
                    } else if (measuring && now > end) {
                        long done = s.doneCount();
                        return (done - startDone) / ((now - start) / 1e9);
                    }
                }
            }
        }
    }

    private static Map<String, Object> onePass(Vyre b, int slots) {
        byte[] control = Megakernel.encodeControl(false, 1, 1024);
        byte[] ring = Megakernel.encodeEmptyRing(slots);
        for (int i = 0; i < slots; i++) {
            Megakernel.publishSlot(ring, i, 0, Opcodes.ATOMIC_ADD, 1, 160 + (i & 1023));
        }
        DispatchRequest r = DispatchRequest.of(control, ring, Megakernel.encodeEmptyDebugLog(64));
        b.dispatch(r);
        int runs = slots >= 65536 ? 20 : 100;
        long[] t = new long[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            b.dispatch(r);
            t[i] = System.nanoTime() - t0;
        }
        Arrays.sort(t);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("median_ms", t[runs / 2] / 1e6);
        m.put("min_ms", t[0] / 1e6);
        return m;
    }

    private static Map<String, Object> percentiles(long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", s.length);
        if (s.length > 0) {
            m.put("p50", s[(int) (s.length * 0.50)] / 1e3);
            m.put("p99", s[Math.min(s.length - 1, (int) (s.length * 0.99))] / 1e3);
            m.put("p99.9", s[Math.min(s.length - 1, (int) (s.length * 0.999))] / 1e3);
            m.put("max", s[s.length - 1] / 1e3);
        }
        return m;
    }

    private static String toJson(Object o) {
        if (o instanceof Map<?, ?> m) {
            StringBuilder sb = new StringBuilder("{");
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (sb.length() > 1) {
                    sb.append(", ");
                }
                sb.append('"').append(e.getKey()).append("\": ").append(toJson(e.getValue()));
            }
            return sb.append('}').toString();
        }
        if (o instanceof Number n) {
            return n instanceof Double d ? String.format(Locale.ROOT, "%.3f", d) : n.toString();
        }
        return '"' + String.valueOf(o).replace("\\", "\\\\").replace("\"", "'") + '"';
    }

    /**
     * The peer of a persistent round trip, on its own Vulkan instance and device (the physical device the
     * backend runs on, found by name): per op, record a 1-invocation dispatch of a shader that adds 1 to a
     * storage-buffer word (bind pipeline, bind descriptor set, dispatch), reset the fence, vkQueueSubmit,
     * and spin on vkGetFenceStatus until it signals: what a host pays per op without a persistent kernel.
     */
    static final class SubmitFencePeer {

        private static final String SHADER = """
                #version 450
                layout(local_size_x = 1) in;
                layout(std430, binding = 0) buffer Word { uint word; };
                void main() { atomicAdd(word, 1u); }
                """;

        private SubmitFencePeer() {
        }

        private static void check(int result, String call) {
            if (result != VK_SUCCESS) {
                throw new IllegalStateException(call + " failed: VkResult " + result);
            }
        }

        /** @return nanoseconds of each of {@code count} round trips */
        static long[] roundTrips(String deviceName, int count) {
            try {
                VK.getFunctionProvider();
            } catch (IllegalStateException notYet) {
                VK.create();
            }
            byte[] spirv = compile();
            try (MemoryStack stack = stackPush()) {
                VkApplicationInfo app = VkApplicationInfo.calloc(stack).sType$Default()
                        .pApplicationName(stack.UTF8("vyre-bench")).apiVersion(VK.getInstanceVersionSupported());
                PointerBuffer pp = stack.mallocPointer(1);
                VkInstanceCreateInfo ici = VkInstanceCreateInfo.calloc(stack).sType$Default().pApplicationInfo(app);
                check(vkCreateInstance(ici, null, pp), "vkCreateInstance");
                VkInstance instance = new VkInstance(pp.get(0), ici);
                try {
                    return onInstance(instance, deviceName, spirv, count);
                } finally {
                    vkDestroyInstance(instance, null);
                }
            }
        }

        private static long[] onInstance(VkInstance instance, String deviceName, byte[] spirv, int count) {
            try (MemoryStack stack = stackPush()) {
                IntBuffer n = stack.mallocInt(1);
                check(vkEnumeratePhysicalDevices(instance, n, null), "vkEnumeratePhysicalDevices");
                PointerBuffer handles = stack.mallocPointer(n.get(0));
                check(vkEnumeratePhysicalDevices(instance, n, handles), "vkEnumeratePhysicalDevices");
                VkPhysicalDevice physical = null;
                for (int i = 0; i < handles.capacity() && physical == null; i++) {
                    VkPhysicalDevice pd = new VkPhysicalDevice(handles.get(i), instance);
                    VkPhysicalDeviceProperties p = VkPhysicalDeviceProperties.malloc(stack);
                    vkGetPhysicalDeviceProperties(pd, p);
                    if (p.deviceNameString().equals(deviceName)) {
                        physical = pd;
                    }
                }
                if (physical == null) {
                    throw new IllegalStateException("no Vulkan device named '" + deviceName + "'");
                }
                int family = computeFamily(stack, physical);
                VkDeviceQueueCreateInfo.Buffer qci = VkDeviceQueueCreateInfo.calloc(1, stack);
                qci.get(0).sType$Default().queueFamilyIndex(family).pQueuePriorities(stack.floats(1f));
                PointerBuffer pd = stack.mallocPointer(1);
                VkDeviceCreateInfo dci = VkDeviceCreateInfo.calloc(stack).sType$Default().pQueueCreateInfos(qci);
                check(vkCreateDevice(physical, dci, null, pd), "vkCreateDevice");
                VkDevice device = new VkDevice(pd.get(0), physical, dci);
                try {
                    return onDevice(device, physical, family, spirv, count);
                } finally {
                    vkDestroyDevice(device, null);
                }
            }
        }

        /** @return the family the backend picks: a compute family, compute-only first, else the most queues */
        private static int computeFamily(MemoryStack stack, VkPhysicalDevice physical) {
            IntBuffer qn = stack.mallocInt(1);
            vkGetPhysicalDeviceQueueFamilyProperties(physical, qn, null);
            VkQueueFamilyProperties.Buffer families = VkQueueFamilyProperties.malloc(qn.get(0), stack);
            vkGetPhysicalDeviceQueueFamilyProperties(physical, qn, families);
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
                throw new IllegalStateException("the Vulkan device has no compute queue");
            }
            return best;
        }

        private static long[] onDevice(VkDevice device, VkPhysicalDevice physical, int family, byte[] spirv,
                                       int count) {
            long buffer = VK_NULL_HANDLE;
            long memory = VK_NULL_HANDLE;
            long module = VK_NULL_HANDLE;
            long setLayout = VK_NULL_HANDLE;
            long layout = VK_NULL_HANDLE;
            long pipeline = VK_NULL_HANDLE;
            long pool = VK_NULL_HANDLE;
            long commandPool = VK_NULL_HANDLE;
            long fence = VK_NULL_HANDLE;
            try (MemoryStack stack = stackPush()) {
                LongBuffer p = stack.mallocLong(1);
                check(vkCreateBuffer(device, VkBufferCreateInfo.calloc(stack).sType$Default().size(4)
                        .usage(VK_BUFFER_USAGE_STORAGE_BUFFER_BIT).sharingMode(VK_SHARING_MODE_EXCLUSIVE), null, p),
                        "vkCreateBuffer");
                buffer = p.get(0);
                VkMemoryRequirements req = VkMemoryRequirements.malloc(stack);
                vkGetBufferMemoryRequirements(device, buffer, req);
                int type = Integer.numberOfTrailingZeros(req.memoryTypeBits());
                check(vkAllocateMemory(device, VkMemoryAllocateInfo.calloc(stack).sType$Default()
                        .allocationSize(req.size()).memoryTypeIndex(type), null, p), "vkAllocateMemory");
                memory = p.get(0);
                check(vkBindBufferMemory(device, buffer, memory, 0), "vkBindBufferMemory");

                ByteBuffer code = stack.malloc(spirv.length).put(spirv).flip();
                check(vkCreateShaderModule(device, VkShaderModuleCreateInfo.calloc(stack).sType$Default().pCode(code),
                        null, p), "vkCreateShaderModule");
                module = p.get(0);
                VkDescriptorSetLayoutBinding.Buffer binding = VkDescriptorSetLayoutBinding.calloc(1, stack);
                binding.get(0).binding(0).descriptorType(VK_DESCRIPTOR_TYPE_STORAGE_BUFFER).descriptorCount(1)
                        .stageFlags(VK_SHADER_STAGE_COMPUTE_BIT);
                check(vkCreateDescriptorSetLayout(device, VkDescriptorSetLayoutCreateInfo.calloc(stack).sType$Default()
                        .pBindings(binding), null, p), "vkCreateDescriptorSetLayout");
                setLayout = p.get(0);
                check(vkCreatePipelineLayout(device, VkPipelineLayoutCreateInfo.calloc(stack).sType$Default()
                        .pSetLayouts(stack.longs(setLayout)), null, p), "vkCreatePipelineLayout");
                layout = p.get(0);
                VkComputePipelineCreateInfo.Buffer pci = VkComputePipelineCreateInfo.calloc(1, stack);
                pci.get(0).sType$Default().layout(layout).stage(VkPipelineShaderStageCreateInfo.calloc(stack)
                        .sType$Default().stage(VK_SHADER_STAGE_COMPUTE_BIT).module(module).pName(stack.UTF8("main")));
                check(vkCreateComputePipelines(device, VK_NULL_HANDLE, pci, null, p), "vkCreateComputePipelines");
                pipeline = p.get(0);

                VkDescriptorPoolSize.Buffer sizes = VkDescriptorPoolSize.calloc(1, stack);
                sizes.get(0).type(VK_DESCRIPTOR_TYPE_STORAGE_BUFFER).descriptorCount(1);
                check(vkCreateDescriptorPool(device, VkDescriptorPoolCreateInfo.calloc(stack).sType$Default()
                        .maxSets(1).pPoolSizes(sizes), null, p), "vkCreateDescriptorPool");
                pool = p.get(0);
                check(vkAllocateDescriptorSets(device, VkDescriptorSetAllocateInfo.calloc(stack).sType$Default()
                        .descriptorPool(pool).pSetLayouts(stack.longs(setLayout)), p), "vkAllocateDescriptorSets");
                long set = p.get(0);
                VkDescriptorBufferInfo.Buffer info = VkDescriptorBufferInfo.calloc(1, stack);
                info.get(0).buffer(buffer).offset(0).range(VK_WHOLE_SIZE);
                VkWriteDescriptorSet.Buffer write = VkWriteDescriptorSet.calloc(1, stack);
                write.get(0).sType$Default().dstSet(set).dstBinding(0).descriptorCount(1)
                        .descriptorType(VK_DESCRIPTOR_TYPE_STORAGE_BUFFER).pBufferInfo(info);
                vkUpdateDescriptorSets(device, write, null);

                check(vkCreateCommandPool(device, VkCommandPoolCreateInfo.calloc(stack).sType$Default()
                        .flags(VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT).queueFamilyIndex(family), null, p),
                        "vkCreateCommandPool");
                commandPool = p.get(0);
                PointerBuffer pcb = stack.mallocPointer(1);
                check(vkAllocateCommandBuffers(device, VkCommandBufferAllocateInfo.calloc(stack).sType$Default()
                        .commandPool(commandPool).level(VK_COMMAND_BUFFER_LEVEL_PRIMARY).commandBufferCount(1), pcb),
                        "vkAllocateCommandBuffers");
                VkCommandBuffer cb = new VkCommandBuffer(pcb.get(0), device);
                check(vkCreateFence(device, VkFenceCreateInfo.calloc(stack).sType$Default(), null, p), "vkCreateFence");
                fence = p.get(0);
                PointerBuffer pq = stack.mallocPointer(1);
                vkGetDeviceQueue(device, family, 0, pq);
                VkQueue queue = new VkQueue(pq.get(0), device);

                long[] out = new long[count];
                for (int i = 0; i < count; i++) {
                    long t0 = System.nanoTime();
                    try (MemoryStack s = stackPush()) {
                        check(vkResetCommandBuffer(cb, 0), "vkResetCommandBuffer");
                        check(vkBeginCommandBuffer(cb, VkCommandBufferBeginInfo.calloc(s).sType$Default()
                                .flags(VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT)), "vkBeginCommandBuffer");
                        vkCmdBindPipeline(cb, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline);
                        vkCmdBindDescriptorSets(cb, VK_PIPELINE_BIND_POINT_COMPUTE, layout, 0, s.longs(set), null);
                        vkCmdDispatch(cb, 1, 1, 1);
                        check(vkEndCommandBuffer(cb), "vkEndCommandBuffer");
                        check(vkResetFences(device, fence), "vkResetFences");
                        check(vkQueueSubmit(queue, VkSubmitInfo.calloc(s).sType$Default().pCommandBuffers(s.pointers(cb)),
                                fence), "vkQueueSubmit");
                    }
                    int r;
                    while ((r = vkGetFenceStatus(device, fence)) == VK_NOT_READY) {
                        Thread.onSpinWait();
                    }
                    check(r, "vkGetFenceStatus");
                    out[i] = System.nanoTime() - t0;
                }
                return out;
            } finally {
                vkDeviceWaitIdle(device);
                vkDestroyFence(device, fence, null);
                vkDestroyCommandPool(device, commandPool, null);
                vkDestroyDescriptorPool(device, pool, null);
                vkDestroyPipeline(device, pipeline, null);
                vkDestroyPipelineLayout(device, layout, null);
                vkDestroyDescriptorSetLayout(device, setLayout, null);
                vkDestroyShaderModule(device, module, null);
                vkFreeMemory(device, memory, null);
                vkDestroyBuffer(device, buffer, null);
            }
        }

        /** @return the SPIR-V of {@link #SHADER}, compiled with shaderc */
        private static byte[] compile() {
            long compiler = shaderc_compiler_initialize();
            long options = shaderc_compile_options_initialize();
            try {
                shaderc_compile_options_set_target_env(options, shaderc_target_env_vulkan, shaderc_env_version_vulkan_1_2);
                long result = shaderc_compile_into_spv(compiler, SHADER, shaderc_glsl_compute_shader, "peer.comp", "main",
                        options);
                try {
                    if (shaderc_result_get_compilation_status(result) != shaderc_compilation_status_success) {
                        throw new IllegalStateException("the peer shader did not compile: "
                                + shaderc_result_get_error_message(result));
                    }
                    ByteBuffer bytes = shaderc_result_get_bytes(result);
                    byte[] spv = new byte[bytes.remaining()];
                    bytes.get(spv);
                    return spv;
                } finally {
                    shaderc_result_release(result);
                }
            } finally {
                shaderc_compile_options_release(options);
                shaderc_compiler_release(compiler);
            }
        }
    }
}
