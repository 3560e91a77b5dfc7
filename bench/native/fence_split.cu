// fence_split: what the megakernel's fence before DONE waits for (issue 18, item 1).
//
// Session 16's trace split the leader's inline run of a lone slot (1.52 us on the H100): the effect was done at
// 0.76 us and the DONE store issued at 1.50 us, so 0.74 us went to DONE_COUNT's atomic add and the
// fence.acq_rel.gpu before the DONE store. A fence waits until the thread's earlier writes are performed; before it
// the leader has issued the CLAIMED store (system scope, to the ring in mapped host memory), the opcode metric's
// atomic add and DONE_COUNT's (device memory). This kernel times each of those, alone and together, in one thread
// with nothing else running, so the cost of each one the fence waits for is measured, not inferred:
//
//   fence          fence.acq_rel.gpu with nothing outstanding
//   red            one atomicAdd on device memory, result unused (a reduction), then the fence
//   red2           two of them on different words (the metric, then DONE_COUNT): what vyre_execute and
//                  vyre_count_done issue for a NOP
//   sysst          one relaxed system-scope store to mapped host memory (the CLAIMED store), then the fence
//   sysst_red2     the leader's order: CLAIMED store, metric, DONE_COUNT, fence (the traced 0.74 us should be this)
//   atom_red       an atomicAdd whose result is used (ATOMIC_ADD's effect), DONE_COUNT, fence: the C inlinefast shape
//   sysst_sc       the CLAIMED store, then fence.sc.gpu (__threadfence)
//   sysst_sys      the CLAIMED store, then fence.acq_rel.sys
//   red2_nofence   the two reductions and no fence: what issuing them costs the thread
//
// Each case runs 20,000 times; every iteration starts after a fence.sc.sys and 4,000 idle cycles, so nothing of the
// previous one is outstanding. Reported: median and p99 of SM cycles (clock64) from before the first operation to
// after the fence, and the median in ns (cycles over the SM clock measured against %globaltimer for 20 ms).
//
// Build: nvcc -O2 -std=c++20 -arch=sm_90 -o fence_split fence_split.cu    Run: ./fence_split [iterations]
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>
#include <cuda_runtime.h>

#define CK(x) do { cudaError_t e = (x); if (e != cudaSuccess) { \
    std::printf("CUDA error %s at line %d. Fix: check nvidia-smi\n", cudaGetErrorString(e), __LINE__); std::exit(1); } } while (0)

using u32 = unsigned int;
using u64 = unsigned long long;

enum Case { FENCE, RED, RED2, SYSST, SYSST_RED2, ATOM_RED, SYSST_SC, SYSST_SYS, RED2_NOFENCE, CASES };
static const char* NAMES[] = {"fence", "red", "red2", "sysst", "sysst_red2", "atom_red", "sysst_sc", "sysst_sys",
                              "red2_nofence"};

__device__ __forceinline__ u64 cycles() {
    u64 t;
    asm volatile("mov.u64 %0, %%clock64;" : "=l"(t)::"memory");
    return t;
}
__device__ __forceinline__ u64 now_ns() {
    u64 t;
    asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t)::"memory");
    return t;
}
__device__ __forceinline__ void fence_acq_rel_gpu() { asm volatile("fence.acq_rel.gpu;" ::: "memory"); }
__device__ __forceinline__ void fence_acq_rel_sys() { asm volatile("fence.acq_rel.sys;" ::: "memory"); }
__device__ __forceinline__ void st_relaxed_sys(u32* p, u32 v) {
    asm volatile("st.relaxed.sys.global.u32 [%0], %1;" ::"l"(p), "r"(v) : "memory");
}
__device__ __forceinline__ void red_add_gpu(u32* p, u32 v) {
    asm volatile("red.relaxed.gpu.global.add.u32 [%0], %1;" ::"l"(p), "r"(v) : "memory");
}

// dev: device memory (words 0, 32, 64: metric, DONE_COUNT, effect on separate lines); host: mapped host memory;
// out: cycles per iteration; clock: SM cycles and globaltimer ns over 20 ms.
__global__ void split(int which, u32 iterations, u32* dev, u32* host, u64* out, u64* clock) {
    if (threadIdx.x != 0 || blockIdx.x != 0) return;
    if (which < 0) {
        const u64 c0 = cycles(), t0 = now_ns();
        while (now_ns() - t0 < 20000000ull) { }
        clock[0] = cycles() - c0;
        clock[1] = now_ns() - t0;
        return;
    }
    u32 sink = 0;
    for (u32 i = 0; i < iterations; ++i) {
        __threadfence_system();
        const u64 idle = cycles();
        while (cycles() - idle < 4000ull) { }
        const u64 t0 = cycles();
        switch (which) {
            case FENCE: fence_acq_rel_gpu(); break;
            case RED: red_add_gpu(dev, 1u); fence_acq_rel_gpu(); break;
            case RED2: red_add_gpu(dev, 1u); red_add_gpu(dev + 32, 1u); fence_acq_rel_gpu(); break;
            case SYSST: st_relaxed_sys(host, i); fence_acq_rel_gpu(); break;
            case SYSST_RED2:
                st_relaxed_sys(host, i); red_add_gpu(dev, 1u); red_add_gpu(dev + 32, 1u); fence_acq_rel_gpu(); break;
            case ATOM_RED: sink += atomicAdd(dev + 64, i); red_add_gpu(dev + 32, 1u); fence_acq_rel_gpu(); break;
            case SYSST_SC: st_relaxed_sys(host, i); __threadfence(); break;
            case SYSST_SYS: st_relaxed_sys(host, i); fence_acq_rel_sys(); break;
            case RED2_NOFENCE: red_add_gpu(dev, 1u); red_add_gpu(dev + 32, 1u); break;
        }
        u64 t1;
        asm volatile("mov.u64 %0, %%clock64; // after %1" : "=l"(t1) : "r"(sink) : "memory");
        out[i] = t1 - t0;
    }
    if (sink == 0xFFFFFFFFu) dev[96] = sink;
}

int main(int argc, char** argv) {
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    const u32 iterations = argc > 1 ? (u32) std::strtoul(argv[1], nullptr, 10) : 20000u;
    if (iterations == 0) {
        std::printf("fence_split: iterations must be at least 1. Fix: pass a positive count, e.g. 20000\n");
        return 2;
    }
    cudaDeviceProp p;
    CK(cudaGetDeviceProperties(&p, 0));
    u32* dev;
    u32* host;
    u32* hostDev;
    u64* out;
    u64* clock;
    CK(cudaMalloc(&dev, 128 * sizeof(u32)));
    CK(cudaMemset(dev, 0, 128 * sizeof(u32)));
    CK(cudaHostAlloc(&host, 64, cudaHostAllocMapped));
    CK(cudaHostGetDevicePointer(&hostDev, host, 0));
    CK(cudaMalloc(&out, (size_t) iterations * sizeof(u64)));
    CK(cudaMallocManaged(&clock, 2 * sizeof(u64)));
    split<<<1, 32>>>(-1, 0, dev, hostDev, out, clock);
    CK(cudaDeviceSynchronize());
    const double ghz = (double) clock[0] / (double) clock[1];
    std::printf("fence_split: %s, %u iterations per case, SM clock %.3f GHz (clock64 against globaltimer)\n", p.name,
                iterations, ghz);
    std::printf("| case | cycles p50 | cycles p99 | p50 |\n|---|---|---|---|\n");
    std::vector<u64> c(iterations);
    for (int repeat = 0; repeat < 2; ++repeat) {
        for (int which = 0; which < CASES; ++which) {
            split<<<1, 32>>>(which, iterations, dev, hostDev, out, clock);
            CK(cudaDeviceSynchronize());
            CK(cudaMemcpy(c.data(), out, (size_t) iterations * sizeof(u64), cudaMemcpyDeviceToHost));
            std::sort(c.begin(), c.end());
            const u64 p50 = c[iterations / 2], p99 = c[(size_t) iterations * 99 / 100];
            std::printf("| %s | %llu | %llu | %.3f us |\n", NAMES[which], p50, p99, (double) p50 / ghz / 1000.0);
        }
    }
    CK(cudaFree(dev));
    CK(cudaFreeHost(host));
    CK(cudaFree(out));
    CK(cudaFree(clock));
    return 0;
}
