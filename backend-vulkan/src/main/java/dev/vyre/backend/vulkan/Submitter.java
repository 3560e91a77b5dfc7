package dev.vyre.backend.vulkan;

import static org.lwjgl.system.MemoryStack.stackPush;
import static org.lwjgl.vulkan.VK10.*;

import org.lwjgl.PointerBuffer;
import org.lwjgl.system.MemoryStack;
import org.lwjgl.vulkan.VkCommandBuffer;
import org.lwjgl.vulkan.VkCommandBufferAllocateInfo;
import org.lwjgl.vulkan.VkCommandBufferBeginInfo;
import org.lwjgl.vulkan.VkCommandPoolCreateInfo;
import org.lwjgl.vulkan.VkFenceCreateInfo;
import org.lwjgl.vulkan.VkQueue;
import org.lwjgl.vulkan.VkSubmitInfo;

/** A command pool with one reusable command buffer and a fence, on one queue. Not thread-safe. */
final class Submitter implements AutoCloseable {

    private final VulkanDevice device;
    private final VkQueue queue;
    private final long pool;
    private final long fence;
    private final VkCommandBuffer commands;
    private boolean closed;

    Submitter(VulkanDevice device, VkQueue queue) {
        this.device = device;
        this.queue = queue;
        try (MemoryStack stack = stackPush()) {
            var p = stack.mallocLong(1);
            VulkanCalls.check(vkCreateCommandPool(device.device(), VkCommandPoolCreateInfo.calloc(stack).sType$Default()
                    .flags(VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT).queueFamilyIndex(device.queueFamily()),
                    null, p), "vkCreateCommandPool");
            pool = p.get(0);
            PointerBuffer pcb = stack.mallocPointer(1);
            int r = vkAllocateCommandBuffers(device.device(), VkCommandBufferAllocateInfo.calloc(stack).sType$Default()
                    .commandPool(pool).level(VK_COMMAND_BUFFER_LEVEL_PRIMARY).commandBufferCount(1), pcb);
            if (r != VK_SUCCESS) {
                vkDestroyCommandPool(device.device(), pool, null);
                throw VulkanCalls.failure(r, "vkAllocateCommandBuffers");
            }
            commands = new VkCommandBuffer(pcb.get(0), device.device());
            r = vkCreateFence(device.device(), VkFenceCreateInfo.calloc(stack).sType$Default(), null, p);
            if (r != VK_SUCCESS) {
                vkDestroyCommandPool(device.device(), pool, null);
                throw VulkanCalls.failure(r, "vkCreateFence");
            }
            fence = p.get(0);
        }
    }

    /** Resets and begins the command buffer. */
    VkCommandBuffer begin() {
        try (MemoryStack stack = stackPush()) {
            VulkanCalls.check(vkResetCommandBuffer(commands, 0), "vkResetCommandBuffer");
            VulkanCalls.check(vkBeginCommandBuffer(commands, VkCommandBufferBeginInfo.calloc(stack).sType$Default()
                    .flags(VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT)), "vkBeginCommandBuffer");
            return commands;
        }
    }

    /** Ends the command buffer and submits it with the fence (reset first). */
    void submit() {
        try (MemoryStack stack = stackPush()) {
            VulkanCalls.check(vkEndCommandBuffer(commands), "vkEndCommandBuffer");
            VulkanCalls.check(vkResetFences(device.device(), fence), "vkResetFences");
            VulkanCalls.check(vkQueueSubmit(queue, VkSubmitInfo.calloc(stack).sType$Default()
                    .pCommandBuffers(stack.pointers(commands)), fence), "vkQueueSubmit");
        }
    }

    /**
     * Waits for the last submission.
     *
     * @return true when it finished within {@code timeoutNanos}
     */
    boolean await(long timeoutNanos) {
        int r = vkWaitForFences(device.device(), fence, true, timeoutNanos);
        if (r == VK_TIMEOUT) {
            return false;
        }
        VulkanCalls.check(r, "vkWaitForFences");
        return true;
    }

    /** @return true when the last submission finished (throws on device loss) */
    boolean finished() {
        int r = vkGetFenceStatus(device.device(), fence);
        if (r == VK_NOT_READY) {
            return false;
        }
        VulkanCalls.check(r, "vkGetFenceStatus");
        return true;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            vkDestroyFence(device.device(), fence, null);
            vkDestroyCommandPool(device.device(), pool, null);
        }
    }
}
