// The C side of the Vulkan store probe (issue 10): allocates host-coherent buffers from 4 KiB to 64 MiB,
// DEVICE_LOCAL where the device has such memory host-visible, with STORAGE usage only and with vyre's
// STORAGE | TRANSFER_SRC | TRANSFER_DST, maps each, and for every 4 KiB page (the page's last word):
//   write first: stores a marker before any read of the mapping, then (after a full fence) reads all back;
//   read-write-read: reads the word, stores old ^ 0x5A5AA5A5, fences, reads it back, restores it.
// Prints each buffer's memory type, flags, heap, mapped address and its /proc/self/maps line, the counts of
// pages that kept the stores. The same report as vyre's -Dvyre.vulkan.storeProbe=true, from a C process.
//   gcc -O2 -o vk_store_probe bench/native/vk_store_probe.c -lvulkan && ./vk_store_probe [device index]
#define _GNU_SOURCE
#include <vulkan/vulkan.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#define VK(x) do { VkResult r_ = (x); if (r_ != VK_SUCCESS) { printf("VK error %d at line %d: %s\n", r_, __LINE__, #x); exit(1); } } while (0)
#define PAGE 4096u

static void maps_line(const void* p, char* out, size_t n) {
    snprintf(out, n, "not in /proc/self/maps");
    FILE* f = fopen("/proc/self/maps", "r");
    if (!f) return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        unsigned long from, to;
        if (sscanf(line, "%lx-%lx", &from, &to) == 2 && (unsigned long)p >= from && (unsigned long)p < to) {
            line[strcspn(line, "\n")] = 0;
            snprintf(out, n, "%s", line);
            break;
        }
    }
    fclose(f);
}

int main(int argc, char** argv) {
    uint32_t index = argc > 1 ? (uint32_t)atoi(argv[1]) : 0;
    VkApplicationInfo ai = { VK_STRUCTURE_TYPE_APPLICATION_INFO, 0, "vk_store_probe", 1, 0, 0, VK_API_VERSION_1_2 };
    VkInstanceCreateInfo ici = { VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO, 0, 0, &ai, 0, 0, 0, 0 };
    VkInstance inst; VK(vkCreateInstance(&ici, 0, &inst));
    uint32_t nd = 8; VkPhysicalDevice pds[8]; VK(vkEnumeratePhysicalDevices(inst, &nd, pds));
    if (index >= nd) { printf("no device %u (%u devices)\n", index, nd); return 2; }
    VkPhysicalDevice pd = pds[index];
    VkPhysicalDeviceProperties pp; vkGetPhysicalDeviceProperties(pd, &pp);
    VkPhysicalDeviceMemoryProperties mp; vkGetPhysicalDeviceMemoryProperties(pd, &mp);
    printf("vk_store_probe: %s, driver 0x%x; memory types:", pp.deviceName, pp.driverVersion);
    for (uint32_t i = 0; i < mp.memoryTypeCount; ++i)
        printf(" %u:0x%x(heap %u)", i, mp.memoryTypes[i].propertyFlags, mp.memoryTypes[i].heapIndex);
    printf("; heaps:");
    for (uint32_t i = 0; i < mp.memoryHeapCount; ++i)
        printf(" %u:%llu MiB%s", i, (unsigned long long)(mp.memoryHeaps[i].size >> 20),
               mp.memoryHeaps[i].flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT ? " DL" : "");
    printf("\n");
    float prio = 1.0f;
    VkDeviceQueueCreateInfo qci = { VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO, 0, 0, 0, 1, &prio };
    VkDeviceCreateInfo dci = { VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO, 0, 0, 1, &qci, 0, 0, 0, 0, 0 };
    VkDevice dev; VK(vkCreateDevice(pd, &dci, 0, &dev));
    const VkDeviceSize sizes[] = { 4096, 1u << 20, 8u << 20, 64u << 20 };
    const VkBufferUsageFlags usages[] = { VK_BUFFER_USAGE_STORAGE_BUFFER_BIT,
        VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT };
    const VkMemoryPropertyFlags want = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
    for (int u = 0; u < 2; ++u) {
        for (int k = 0; k < 4; ++k) {
            VkBufferCreateInfo bci = { VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO, 0, 0, sizes[k], usages[u], VK_SHARING_MODE_EXCLUSIVE, 0, 0 };
            VkBuffer buf; VK(vkCreateBuffer(dev, &bci, 0, &buf));
            VkMemoryRequirements mr; vkGetBufferMemoryRequirements(dev, buf, &mr);
            uint32_t mt = UINT32_MAX;
            for (uint32_t i = 0; i < mp.memoryTypeCount && mt == UINT32_MAX; ++i)  // DEVICE_LOCAL first, as vyre
                if ((mr.memoryTypeBits & (1u << i)) && (mp.memoryTypes[i].propertyFlags & (want | 1u)) == (want | 1u)) mt = i;
            for (uint32_t i = 0; i < mp.memoryTypeCount && mt == UINT32_MAX; ++i)
                if ((mr.memoryTypeBits & (1u << i)) && (mp.memoryTypes[i].propertyFlags & want) == want) mt = i;
            if (mt == UINT32_MAX) { printf("no host-visible memory type\n"); return 1; }
            VkMemoryAllocateInfo mai = { VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO, 0, mr.size, mt };
            VkDeviceMemory mem; VK(vkAllocateMemory(dev, &mai, 0, &mem)); VK(vkBindBufferMemory(dev, buf, mem, 0));
            volatile uint32_t* w; VK(vkMapMemory(dev, mem, 0, VK_WHOLE_SIZE, 0, (void**)&w));
            uint32_t pages = (uint32_t)((sizes[k] + PAGE - 1) / PAGE), kept1 = 0, kept2 = 0;
            for (uint32_t p = 0; p < pages; ++p) w[(p * PAGE + PAGE - 4) / 4] = 0x6A5A0000u + p;
            atomic_thread_fence(memory_order_seq_cst);
            for (uint32_t p = 0; p < pages; ++p) kept1 += w[(p * PAGE + PAGE - 4) / 4] == 0x6A5A0000u + p;
            for (uint32_t p = 0; p < pages; ++p) {
                volatile uint32_t* a = &w[(p * PAGE + PAGE - 4) / 4];
                uint32_t old = *a, marker = old ^ 0x5A5AA5A5u;
                *a = marker;
                atomic_thread_fence(memory_order_seq_cst);
                kept2 += *a == marker;
                *a = old;
                atomic_thread_fence(memory_order_seq_cst);
            }
            char line[512]; maps_line((const void*)w, line, sizeof line);
            printf("[%llu B %s, type %u flags 0x%x heap %u, at %p (%s): write first: %u of %u pages kept; read-write-read: %u of %u]\n",
                   (unsigned long long)sizes[k], u == 0 ? "storage" : "storage+copy", mt, mp.memoryTypes[mt].propertyFlags,
                   mp.memoryTypes[mt].heapIndex, (void*)w, line, kept1, pages, kept2, pages);
        }
    }
    return 0;
}
