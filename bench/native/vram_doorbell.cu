// vram_doorbell: the CUDA round trip with the submission line in the GPU's own memory (issue 18, item 1).
//
// The megakernel polls a 64-byte tail line in mapped host memory: every poll is a PCIe read (1.1-1.3 us on the
// H100), and a publication waits on average half a poll for the next read to reach it, plus the read's way back.
// Vulkan's persistent shader instead polls BAR-mapped VRAM that the host writes (write-combined stores): its C
// ping-pong measured 2.2 us against 3.0-3.3 us for CUDA's mapped-memory echo. CUDA has no API that maps device
// memory for the CPU, but it can import Vulkan memory: this program allocates DEVICE_LOCAL | HOST_VISIBLE memory
// with Vulkan (exportable as an opaque fd), maps it on the host, imports it into CUDA
// (cudaImportExternalMemory) and lets one persistent kernel poll it. Every variant echoes to mapped host memory
// (the host polls its own cache), 100,000 round trips each, twice, alternating:
//
//   hostline   the floor today: lanes 0..3 of a warp read the 64-byte line in mapped host memory (ring_budget's
//              linepoll); the host writes 15 payload words, then the doorbell (word 15) with a release store
//   vramline   the same line in imported VRAM: the host writes the payload words, sfence, the doorbell, sfence (the
//              Vulkan session's order: the device never sees a doorbell before the line it announces)
//   vramone    the whole line, doorbell last, then one sfence: counts the round trips whose payload did not match
//              (a torn line), to tell whether one fence would do
//   vramlock   vramone with `lock addl` (what Java's VarHandle.fullFence() emits on x86) instead of sfence
//   vramidle   vramone, but the host waits 200 us before each publication (the kernel polls an unchanged line that
//              long, as an idle session does)
// A round trip whose echo has not come after 100 ms counts as stalled: the host writes the line again with an
// sfence and waits again (the last column).
//
// Every round trip's payload is checked: the kernel echoes the sum of words 0..14, the host compares it.
// Build: nvcc -O2 -std=c++20 -arch=sm_90 -cudart shared -o vram_doorbell vram_doorbell.cu -lvulkan (the Vulkan headers are
// needed where it is built, not where it runs)
// Run:   ./vram_doorbell [round trips]     (needs the Vulkan loader and NVIDIA's ICD; says why when it cannot run)
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>
#include <cuda/atomic>
#include <cuda_runtime.h>
#include <immintrin.h>
#include <vulkan/vulkan.h>

using u32 = unsigned int;
using u64 = unsigned long long;

#define CK(x) do { cudaError_t e = (x); if (e != cudaSuccess) { \
    std::printf("CUDA error %s at line %d\n", cudaGetErrorString(e), __LINE__); std::exit(1); } } while (0)
#define VK(x) do { VkResult r = (x); if (r != VK_SUCCESS) { \
    std::printf("Vulkan error %d at line %d. Fix: run on a machine with NVIDIA's Vulkan ICD\n", (int) r, __LINE__); \
    std::exit(1); } } while (0)

enum Variant { HOSTLINE, VRAMLINE, VRAMONE, VRAMLOCK, VRAMIDLE, VARIANTS };
static const char* NAMES[] = {"hostline", "vramline", "vramone", "vramlock", "vramidle"};

struct Echo {        // mapped host memory, written by the device
    u32 seq;         // round trip done
    u32 sum;         // sum of the payload words the device saw
    u32 polls;       // polls of the latest round trip
    u32 pad;
    u64 stamps[2];   // globaltimer at doorbell seen, at echo store
};

__device__ __forceinline__ u64 now_ns() {
    u64 t;
    asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t));
    return t;
}

// One warp: lanes 0..3 read the line's four 16-byte parts in one instruction until the doorbell (word 15) reads seq.
__global__ void serve(const u32* line, Echo* echo, u32 rounds) {
    const u32 lane = threadIdx.x & 31u;
    cuda::atomic_ref<u32, cuda::thread_scope_system> done(echo->seq);
    for (u32 seq = 1; seq <= rounds; ++seq) {
        u32 polls = 0;
        u64 p0 = 0, p1 = 0;
        while (true) {
            if (lane < 4u) {
                asm volatile("ld.relaxed.sys.global.v2.u64 {%0, %1}, [%2];" : "=l"(p0), "=l"(p1) : "l"(line + 4u * lane) : "memory");
            }
            const u64 last = __shfl_sync(0xFFFFFFFFu, p1, 3);
            if ((u32)(last >> 32) == seq) break;
            ++polls;
        }
        u32 part = (u32)p0 + (u32)(p0 >> 32) + (u32)p1 + (lane == 3u ? 0u : (u32)(p1 >> 32));
        for (int d = 1; d < 4; d <<= 1) part += __shfl_xor_sync(0xFFFFFFFFu, part, d);
        if (lane == 0u) {
            const u64 seen = now_ns();
            echo->sum = part;
            echo->polls = polls;
            echo->stamps[0] = seen;
            echo->stamps[1] = now_ns();
            done.store(seq, cuda::memory_order_release);
        }
        __syncwarp();
    }
}

struct Figures { double p50, p99, device50, polls50; u32 torn, stalled; };

static Figures run(Variant v, u32 rounds, u32* hostLine, u32* devHostLine, u32* vramHost, u32* vramDev, Echo* echo,
                   Echo* echoDev, cudaStream_t st) {
    std::memset(echo, 0, sizeof(Echo));
    volatile u32* line = v == HOSTLINE ? hostLine : vramHost;
    for (int i = 0; i < 16; ++i) line[i] = 0u;
    _mm_sfence();
    serve<<<1, 32, 0, st>>>(v == HOSTLINE ? devHostLine : vramDev, echoDev, v == VRAMIDLE ? std::min(rounds, 2000u) : rounds);
    std::atomic_ref<u32> done(echo->seq);
    std::vector<double> rt(rounds), dev(rounds), polls(rounds);
    u32 torn = 0, stalled = 0;
    const u32 count = v == VRAMIDLE ? std::min(rounds, 2000u) : rounds;
    for (u32 seq = 1; seq <= count; ++seq) {
        u32 expect = 0;
        for (int i = 0; i < 15; ++i) expect += seq * 7u + (u32)i;
        if (v == VRAMIDLE) {
            const auto idle = std::chrono::steady_clock::now();
            while (std::chrono::steady_clock::now() - idle < std::chrono::microseconds(200)) { }
        }
        const auto t0 = std::chrono::steady_clock::now();
        for (int i = 0; i < 15; ++i) line[i] = seq * 7u + (u32)i;
        if (v == HOSTLINE) {
            std::atomic_ref<u32>(hostLine[15]).store(seq, std::memory_order_release);
        } else {
            if (v == VRAMLINE) _mm_sfence();
            line[15] = seq;
            if (v == VRAMLOCK) asm volatile("lock addl $0, (%%rsp)" ::: "memory", "cc");
            else _mm_sfence();
        }
        while (done.load(std::memory_order_acquire) != seq) {
            if (std::chrono::steady_clock::now() - t0 > std::chrono::milliseconds(100)) {
                ++stalled;
                line[15] = seq;
                _mm_sfence();
                while (done.load(std::memory_order_acquire) != seq) { }
                break;
            }
        }
        rt[seq - 1] = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
        dev[seq - 1] = (double)(echo->stamps[1] - echo->stamps[0]) / 1000.0;
        polls[seq - 1] = echo->polls;
        if (echo->sum != expect) ++torn;
    }
    CK(cudaStreamSynchronize(st));
    rt.resize(count);
    dev.resize(count);
    polls.resize(count);
    std::sort(rt.begin(), rt.end());
    std::sort(dev.begin(), dev.end());
    std::sort(polls.begin(), polls.end());
    return {rt[count / 2], rt[count * 99 / 100], dev[count / 2], polls[count / 2], torn, stalled};
}

// Vulkan: DEVICE_LOCAL | HOST_VISIBLE | HOST_COHERENT memory, exportable as an opaque fd, mapped for the host.
struct VramBlock { VkDevice device; VkDeviceMemory memory; void* host; int fd; VkDeviceSize size; };

static VramBlock vram_block(VkDeviceSize size) {
    VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
    app.apiVersion = VK_API_VERSION_1_2;
    VkInstanceCreateInfo ici{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
    ici.pApplicationInfo = &app;
    VkInstance instance;
    VK(vkCreateInstance(&ici, nullptr, &instance));
    u32 count = 0;
    VK(vkEnumeratePhysicalDevices(instance, &count, nullptr));
    std::vector<VkPhysicalDevice> all(count);
    VK(vkEnumeratePhysicalDevices(instance, &count, all.data()));
    VkPhysicalDevice gpu = VK_NULL_HANDLE;
    for (VkPhysicalDevice p : all) {
        VkPhysicalDeviceProperties props;
        vkGetPhysicalDeviceProperties(p, &props);
        if (props.vendorID == 0x10DE) { gpu = p; std::printf("vulkan device: %s\n", props.deviceName); break; }
    }
    if (gpu == VK_NULL_HANDLE) {
        std::printf("no NVIDIA Vulkan device among %u. Fix: install NVIDIA's Vulkan ICD (VK_DRIVER_FILES)\n", count);
        std::exit(1);
    }
    VkPhysicalDeviceMemoryProperties mem;
    vkGetPhysicalDeviceMemoryProperties(gpu, &mem);
    const VkMemoryPropertyFlags want = VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT | VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT
            | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
    int type = -1;
    for (u32 i = 0; i < mem.memoryTypeCount && type < 0; ++i) {
        if ((mem.memoryTypes[i].propertyFlags & want) == want) type = (int)i;
    }
    if (type < 0) { std::printf("no DEVICE_LOCAL | HOST_VISIBLE | HOST_COHERENT memory type. Fix: enable BAR1/ReBAR\n"); std::exit(1); }
    float priority = 1.0f;
    VkDeviceQueueCreateInfo qci{VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO};
    qci.queueFamilyIndex = 0;
    qci.queueCount = 1;
    qci.pQueuePriorities = &priority;
    const char* extensions[] = {"VK_KHR_external_memory_fd"};
    VkDeviceCreateInfo dci{VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
    dci.queueCreateInfoCount = 1;
    dci.pQueueCreateInfos = &qci;
    dci.enabledExtensionCount = 1;
    dci.ppEnabledExtensionNames = extensions;
    VramBlock b{};
    VK(vkCreateDevice(gpu, &dci, nullptr, &b.device));
    VkExportMemoryAllocateInfo export_{VK_STRUCTURE_TYPE_EXPORT_MEMORY_ALLOCATE_INFO};
    export_.handleTypes = VK_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_FD_BIT;
    VkMemoryAllocateInfo mai{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
    mai.pNext = &export_;
    mai.allocationSize = size;
    mai.memoryTypeIndex = (u32)type;
    VK(vkAllocateMemory(b.device, &mai, nullptr, &b.memory));
    VK(vkMapMemory(b.device, b.memory, 0, size, 0, &b.host));
    auto getFd = (PFN_vkGetMemoryFdKHR)vkGetDeviceProcAddr(b.device, "vkGetMemoryFdKHR");
    if (getFd == nullptr) { std::printf("vkGetMemoryFdKHR missing. Fix: a driver with VK_KHR_external_memory_fd\n"); std::exit(1); }
    VkMemoryGetFdInfoKHR gfi{VK_STRUCTURE_TYPE_MEMORY_GET_FD_INFO_KHR};
    gfi.memory = b.memory;
    gfi.handleType = VK_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_FD_BIT;
    VK(getFd(b.device, &gfi, &b.fd));
    b.size = size;
    std::printf("vram block: %llu bytes, memory type %d (flags 0x%x), fd %d\n", (u64)size, type,
                mem.memoryTypes[type].propertyFlags, b.fd);
    return b;
}

int main(int argc, char** argv) {
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    const u32 rounds = argc > 1 ? (u32)std::strtoul(argv[1], nullptr, 10) : 100000u;
    cudaDeviceProp p;
    CK(cudaGetDeviceProperties(&p, 0));
    std::printf("vram_doorbell: %s, %u round trips per variant\n", p.name, rounds);
    VramBlock b = vram_block(1u << 16);
    cudaExternalMemoryHandleDesc desc{};
    desc.type = cudaExternalMemoryHandleTypeOpaqueFd;
    desc.handle.fd = b.fd;  // CUDA owns the fd after a successful import
    desc.size = b.size;
    cudaExternalMemory_t ext;
    CK(cudaImportExternalMemory(&ext, &desc));
    cudaExternalMemoryBufferDesc bd{};
    bd.offset = 0;
    bd.size = b.size;
    void* vramDev = nullptr;
    CK(cudaExternalMemoryGetMappedBuffer(&vramDev, ext, &bd));
    u32* hostLine;
    u32* devHostLine;
    Echo* echo;
    Echo* echoDev;
    CK(cudaHostAlloc(&hostLine, 64, cudaHostAllocMapped));
    CK(cudaHostGetDevicePointer(&devHostLine, hostLine, 0));
    CK(cudaHostAlloc(&echo, sizeof(Echo), cudaHostAllocMapped));
    CK(cudaHostGetDevicePointer(&echoDev, echo, 0));
    cudaStream_t st;
    CK(cudaStreamCreateWithFlags(&st, cudaStreamNonBlocking));
    run(HOSTLINE, 2000, hostLine, devHostLine, (u32*)b.host, (u32*)vramDev, echo, echoDev, st);  // warm-up
    run(VRAMLINE, 2000, hostLine, devHostLine, (u32*)b.host, (u32*)vramDev, echo, echoDev, st);
    std::printf("| variant | round trip p50 | p99 | device share p50 | polls p50 | payload mismatches | stalled > 100 ms |\n");
    std::printf("|---|---|---|---|---|---|---|\n");
    for (int repeat = 0; repeat < 2; ++repeat) {
        for (int v = 0; v < VARIANTS; ++v) {
            Figures f = run((Variant)v, rounds, hostLine, devHostLine, (u32*)b.host, (u32*)vramDev, echo, echoDev, st);
            std::printf("| %s | %.3f us | %.3f us | %.3f us | %.0f | %u | %u |\n", NAMES[v], f.p50, f.p99, f.device50,
                        f.polls50, f.torn, f.stalled);
        }
    }
    CK(cudaDestroyExternalMemory(ext));
    vkUnmapMemory(b.device, b.memory);
    vkFreeMemory(b.device, b.memory, nullptr);
    vkDestroyDevice(b.device, nullptr);
    return 0;
}
