package dev.vyre.backend.vulkan;

import static org.lwjgl.system.MemoryStack.stackPush;
import static org.lwjgl.vulkan.VK10.*;

import java.nio.ByteBuffer;
import org.lwjgl.system.MemoryStack;
import org.lwjgl.system.MemoryUtil;
import org.lwjgl.vulkan.VkComputePipelineCreateInfo;
import org.lwjgl.vulkan.VkDescriptorBufferInfo;
import org.lwjgl.vulkan.VkDescriptorPoolCreateInfo;
import org.lwjgl.vulkan.VkDescriptorPoolSize;
import org.lwjgl.vulkan.VkDescriptorSetAllocateInfo;
import org.lwjgl.vulkan.VkDescriptorSetLayoutBinding;
import org.lwjgl.vulkan.VkDescriptorSetLayoutCreateInfo;
import org.lwjgl.vulkan.VkPipelineLayoutCreateInfo;
import org.lwjgl.vulkan.VkPipelineShaderStageCreateInfo;
import org.lwjgl.vulkan.VkShaderModuleCreateInfo;
import org.lwjgl.vulkan.VkWriteDescriptorSet;

/**
 * A compiled megakernel variant: descriptor set layout (bindings 0..6, storage buffers: control,
 * ring, debug log, IO queue, data, link block, status mirror), pipeline layout and compute pipeline.
 */
final class Kernel implements AutoCloseable {

    /**
     * Storage-buffer bindings: control, ring, debug log, IO queue, data, link, status mirror (host-cached
     * memory the persistent shader writes and never reads; see {@link StatusMirror}).
     */
    static final int BINDINGS = 7;

    private final VulkanDevice device;
    private final long setLayout;
    private final long pipelineLayout;
    private final long pipeline;
    private boolean closed;
    /** Sessions and dispatches using a custom-opcode kernel (guarded by the backend's kernel table). */
    int users;

    Kernel(VulkanDevice device, byte[] spirv, long pipelineCache) {
        this.device = device;
        try (MemoryStack stack = stackPush()) {
            VkDescriptorSetLayoutBinding.Buffer b = VkDescriptorSetLayoutBinding.calloc(BINDINGS, stack);
            for (int i = 0; i < BINDINGS; i++) {
                b.get(i).binding(i).descriptorType(VK_DESCRIPTOR_TYPE_STORAGE_BUFFER).descriptorCount(1)
                        .stageFlags(VK_SHADER_STAGE_COMPUTE_BIT);
            }
            var p = stack.mallocLong(1);
            VulkanCalls.check(vkCreateDescriptorSetLayout(device.device(),
                    VkDescriptorSetLayoutCreateInfo.calloc(stack).sType$Default().pBindings(b), null, p),
                    "vkCreateDescriptorSetLayout");
            setLayout = p.get(0);
            VulkanCalls.check(vkCreatePipelineLayout(device.device(), VkPipelineLayoutCreateInfo.calloc(stack)
                    .sType$Default().pSetLayouts(stack.longs(setLayout)), null, p), "vkCreatePipelineLayout");
            pipelineLayout = p.get(0);
            ByteBuffer code = MemoryUtil.memAlloc(spirv.length);
            long module;
            try {
                code.put(spirv).flip();
                VulkanCalls.check(vkCreateShaderModule(device.device(),
                        VkShaderModuleCreateInfo.calloc(stack).sType$Default().pCode(code), null, p),
                        "vkCreateShaderModule");
                module = p.get(0);
            } finally {
                MemoryUtil.memFree(code);
            }
            try {
                VkPipelineShaderStageCreateInfo stage = VkPipelineShaderStageCreateInfo.calloc(stack).sType$Default()
                        .stage(VK_SHADER_STAGE_COMPUTE_BIT).module(module).pName(stack.UTF8("main"));
                VkComputePipelineCreateInfo.Buffer ci = VkComputePipelineCreateInfo.calloc(1, stack);
                ci.get(0).sType$Default().stage(stage).layout(pipelineLayout);
                VulkanCalls.check(vkCreateComputePipelines(device.device(), pipelineCache, ci, null, p),
                        "vkCreateComputePipelines");
                pipeline = p.get(0);
            } finally {
                vkDestroyShaderModule(device.device(), module, null);
            }
        }
    }

    long pipeline() {
        return pipeline;
    }

    long pipelineLayout() {
        return pipelineLayout;
    }

    /**
     * Allocates a descriptor pool with one set for this kernel and points bindings 0..6 at
     * {@code (buffer, offset, range)} triples.
     *
     * @return {@code [pool, set]}
     */
    long[] bind(long[] buffers, long[] offsets, long[] ranges) {
        try (MemoryStack stack = stackPush()) {
            VkDescriptorPoolSize.Buffer sizes = VkDescriptorPoolSize.calloc(1, stack);
            sizes.get(0).type(VK_DESCRIPTOR_TYPE_STORAGE_BUFFER).descriptorCount(BINDINGS);
            var p = stack.mallocLong(1);
            VulkanCalls.check(vkCreateDescriptorPool(device.device(), VkDescriptorPoolCreateInfo.calloc(stack)
                    .sType$Default().maxSets(1).pPoolSizes(sizes), null, p), "vkCreateDescriptorPool");
            long pool = p.get(0);
            int r = vkAllocateDescriptorSets(device.device(), VkDescriptorSetAllocateInfo.calloc(stack).sType$Default()
                    .descriptorPool(pool).pSetLayouts(stack.longs(setLayout)), p);
            if (r != VK_SUCCESS) {
                vkDestroyDescriptorPool(device.device(), pool, null);
                throw VulkanCalls.failure(r, "vkAllocateDescriptorSets");
            }
            long set = p.get(0);
            update(set, buffers, offsets, ranges);
            return new long[] {pool, set};
        }
    }

    /** Points the bindings of {@code set} at new ranges (the set must not be in use). */
    void update(long set, long[] buffers, long[] offsets, long[] ranges) {
        try (MemoryStack stack = stackPush()) {
            VkWriteDescriptorSet.Buffer writes = VkWriteDescriptorSet.calloc(BINDINGS, stack);
            for (int i = 0; i < BINDINGS; i++) {
                VkDescriptorBufferInfo.Buffer info = VkDescriptorBufferInfo.calloc(1, stack);
                info.get(0).buffer(buffers[i]).offset(offsets[i]).range(ranges[i]);
                writes.get(i).sType$Default().dstSet(set).dstBinding(i).descriptorCount(1)
                        .descriptorType(VK_DESCRIPTOR_TYPE_STORAGE_BUFFER).pBufferInfo(info);
            }
            vkUpdateDescriptorSets(device.device(), writes, null);
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            vkDestroyPipeline(device.device(), pipeline, null);
            vkDestroyPipelineLayout(device.device(), pipelineLayout, null);
            vkDestroyDescriptorSetLayout(device.device(), setLayout, null);
        }
    }
}
