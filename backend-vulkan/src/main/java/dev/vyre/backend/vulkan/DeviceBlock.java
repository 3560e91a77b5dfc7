package dev.vyre.backend.vulkan;

import static org.lwjgl.system.MemoryStack.stackPush;
import static org.lwjgl.vulkan.VK10.*;

import dev.vyre.protocol.BackendException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.lwjgl.PointerBuffer;
import org.lwjgl.system.MemoryStack;
import org.lwjgl.vulkan.VkBufferCreateInfo;
import org.lwjgl.vulkan.VkMappedMemoryRange;
import org.lwjgl.vulkan.VkMemoryAllocateInfo;
import org.lwjgl.vulkan.VkMemoryRequirements;

/**
 * One VkBuffer bound to its own VkDeviceMemory, mapped when the memory type is host-visible. Buffers
 * are usable as storage buffers and as copy source and destination.
 */
final class DeviceBlock implements AutoCloseable {

    private final VulkanDevice device;
    private final long buffer;
    private final long memory;
    private final long size;
    private final int memoryType;
    private final MemorySegment mapped;
    private boolean closed;
    /** Set at creation by {@link #settle}: whether it checked the mapping, remaps, pages dropping stores after. */
    private boolean checked;
    private int remaps;
    private long droppedPagesAtOpen;

    /**
     * @param size      bytes (at least 1)
     * @param required  memory property flags the type must have
     * @param preferred flag sets tried first, in order
     * @throws BackendException when no memory type fits or the allocation fails
     */
    DeviceBlock(VulkanDevice device, long size, int required, int... preferred) {
        this(device, size, ALL_USES, bits -> device.memoryType(bits, required, preferred),
                "0x" + Integer.toHexString(required), true);
    }

    /**
     * A block for the store probe ({@link StoreSweep#probeAllocations}): its mapping is not checked at creation,
     * so the probe sees the first stores into it; storage usage only (no copies) when {@code storageOnly}.
     */
    static DeviceBlock forProbe(VulkanDevice device, long size, boolean storageOnly, int required, int... preferred) {
        return new DeviceBlock(device, size, storageOnly ? VK_BUFFER_USAGE_STORAGE_BUFFER_BIT : ALL_USES,
                bits -> device.memoryType(bits, required, preferred), "0x" + Integer.toHexString(required), false);
    }

    private static final int ALL_USES = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT
            | VK_BUFFER_USAGE_TRANSFER_DST_BIT;

    /**
     * A block in host memory the host reads from its caches: HOST_VISIBLE | HOST_COHERENT, preferring
     * HOST_CACHED, and not DEVICE_LOCAL where the device has host-visible memory that is not (a
     * discrete GPU: its DEVICE_LOCAL | HOST_VISIBLE memory is uncached BAR-mapped VRAM).
     *
     * @throws BackendException when no memory type fits or the allocation fails
     */
    static DeviceBlock hostCached(VulkanDevice device, long size) {
        int coherent = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
        int avoid = device.unifiedMemory() ? 0 : VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT;
        return new DeviceBlock(device, size, ALL_USES, bits -> {
            int t = device.memoryTypeAvoiding(bits, coherent | VK_MEMORY_PROPERTY_HOST_CACHED_BIT, avoid);
            return t >= 0 ? t : device.memoryTypeAvoiding(bits, coherent, avoid);
        }, "0x" + Integer.toHexString(coherent) + " (not DEVICE_LOCAL)", true);
    }

    private DeviceBlock(VulkanDevice device, long size, int usage, java.util.function.IntUnaryOperator typeFor,
                        String flags, boolean check) {
        this.device = device;
        this.size = size;
        try (MemoryStack stack = stackPush()) {
            VkBufferCreateInfo bci = VkBufferCreateInfo.calloc(stack).sType$Default().size(size)
                    .usage(usage)
                    .sharingMode(VK_SHARING_MODE_EXCLUSIVE);
            var pb = stack.mallocLong(1);
            VulkanCalls.check(vkCreateBuffer(device.device(), bci, null, pb), "vkCreateBuffer(" + size + " bytes)");
            buffer = pb.get(0);
            VkMemoryRequirements req = VkMemoryRequirements.malloc(stack);
            vkGetBufferMemoryRequirements(device.device(), buffer, req);
            memoryType = typeFor.applyAsInt(req.memoryTypeBits());
            if (memoryType < 0) {
                vkDestroyBuffer(device.device(), buffer, null);
                throw new BackendException("no Vulkan memory type with flags " + flags
                        + " for a " + size + "-byte buffer", "use a device whose driver offers host-visible memory");
            }
            VkMemoryAllocateInfo mai = VkMemoryAllocateInfo.calloc(stack).sType$Default()
                    .allocationSize(req.size()).memoryTypeIndex(memoryType);
            var pm = stack.mallocLong(1);
            int r = vkAllocateMemory(device.device(), mai, null, pm);
            if (r != VK_SUCCESS) {
                vkDestroyBuffer(device.device(), buffer, null);
                throw VulkanCalls.failure(r, "vkAllocateMemory(" + req.size() + " bytes, type " + memoryType + ")");
            }
            memory = pm.get(0);
            device.allocated();
            r = vkBindBufferMemory(device.device(), buffer, memory, 0);
            if (r != VK_SUCCESS) {
                free();
                throw VulkanCalls.failure(r, "vkBindBufferMemory");
            }
            if ((device.memoryFlags(memoryType) & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT) != 0) {
                PointerBuffer pp = stack.mallocPointer(1);
                r = vkMapMemory(device.device(), memory, 0, VK_WHOLE_SIZE, 0, pp);
                if (r != VK_SUCCESS) {
                    free();
                    throw VulkanCalls.failure(r, "vkMapMemory");
                }
                MemorySegment first = MemorySegment.ofAddress(pp.get(0)).reinterpret(size);
                mapped = check ? settle(first) : first;
            } else {
                mapped = null;
            }
        }
    }

    /** Whether BAR-mapped blocks are checked page by page, and mapped again while a page drops stores. */
    static final String SETTLE_PROPERTY = "vyre.vulkan.settleMapping";
    /** Pauses before each new mapping of a block whose pages drop host stores, in milliseconds. */
    private static final long[] REMAP_PAUSE_MILLIS = {0, 10, 50, 200};
    private static final long PAGE = 4096;
    private static final int SENTINEL = 0x5E77_1ED0;

    /**
     * Checks that every page of a DEVICE_LOCAL | HOST_VISIBLE mapping keeps a host store (write one word, read
     * it back; past the first 16 MiB every 16th page) and maps the memory again, up to {@link #REMAP_PAUSE_MILLIS} times, while some page does not.
     * On some H100 leases the first pages of a fresh BAR mapping read 0 after any store, the rest work; a
     * mapping that still drops stores after the last try is kept, and the session's start check reports it.
     * Host memory (lavapipe, integrated GPUs) and {@code -Dvyre.vulkan.settleMapping=false} skip the check.
     *
     * @return the mapping to use, every checked word back at 0
     */
    private MemorySegment settle(MemorySegment first) {
        int flags = device.memoryFlags(memoryType);
        if ((flags & VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT) == 0 || device.unifiedMemory()
                || !Boolean.parseBoolean(System.getProperty(SETTLE_PROPERTY, "true"))) {
            return first;
        }
        checked = true;
        MemorySegment mapping = first;
        for (int attempt = 0; ; attempt++) {
            long dropped = droppedPages(mapping);
            if (dropped == 0 || attempt == REMAP_PAUSE_MILLIS.length) {
                droppedPagesAtOpen = dropped;
                return mapping;
            }
            remaps++;
            vkUnmapMemory(device.device(), memory);
            try {
                Thread.sleep(REMAP_PAUSE_MILLIS[attempt]);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try (MemoryStack stack = stackPush()) {
                PointerBuffer pp = stack.mallocPointer(1);
                int r = vkMapMemory(device.device(), memory, 0, VK_WHOLE_SIZE, 0, pp);
                if (r != VK_SUCCESS) {
                    free();
                    throw VulkanCalls.failure(r, "vkMapMemory (again, after pages dropped host stores)");
                }
                mapping = MemorySegment.ofAddress(pp.get(0)).reinterpret(size);
            }
        }
    }

    /** Bytes from the start of a block whose every page is checked; past them, every 16th page (a large data buffer). */
    private static final long EVERY_PAGE_BYTES = 16L << 20;

    /** @return checked pages whose first word did not read back a store; every checked word is left at 0 */
    private static long droppedPages(MemorySegment mapping) {
        long dropped = 0;
        for (long at = 0; at + 4 <= mapping.byteSize(); at += at < EVERY_PAGE_BYTES ? PAGE : 16 * PAGE) {
            mapping.set(ValueLayout.JAVA_INT, at, SENTINEL);
            if (mapping.get(ValueLayout.JAVA_INT, at) != SENTINEL) {
                dropped++;
            }
            mapping.set(ValueLayout.JAVA_INT, at, 0);
        }
        return dropped;
    }

    /** @return whether the mapping was checked at creation, how often it was mapped again, what still dropped */
    String settleReport() {
        if (!checked) {
            return "mapping not checked (host memory, or -D" + SETTLE_PROPERTY + "=false)";
        }
        return remaps == 0 ? "every checked page kept a store at creation" : "mapped again " + remaps + " time(s) at"
                + " creation, " + droppedPagesAtOpen + " checked page(s) still dropping stores after that";
    }

    long buffer() {
        return buffer;
    }

    long size() {
        return size;
    }

    /** @return the index of the memory type it lives in */
    int memoryType() {
        return memoryType;
    }

    /** @return property flags of the memory type it lives in */
    int flags() {
        return device.memoryFlags(memoryType);
    }

    /** @return the host mapping (whole buffer), or null when not host-visible */
    MemorySegment mapped() {
        return mapped;
    }

    /**
     * Flushes the whole mapping to the device ({@code vkFlushMappedMemoryRanges}). HOST_COHERENT memory
     * needs none by the specification; this exists for the {@link VulkanSession#FLUSH_PROPERTY} experiment
     * on drivers where host stores to a running session's memory were seen not to land.
     */
    void flush() {
        try (MemoryStack stack = stackPush()) {
            VkMappedMemoryRange.Buffer range = VkMappedMemoryRange.calloc(1, stack).sType$Default().memory(memory)
                    .offset(0).size(VK_WHOLE_SIZE);
            VulkanCalls.check(vkFlushMappedMemoryRanges(device.device(), range), "vkFlushMappedMemoryRanges");
        }
    }

    private void free() {
        vkDestroyBuffer(device.device(), buffer, null);
        vkFreeMemory(device.device(), memory, null);
        device.freed();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (mapped != null) {
                vkUnmapMemory(device.device(), memory);
            }
            free();
        }
    }
}
