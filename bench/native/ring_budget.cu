// ring_budget: where the microseconds of one CUDA publish -> DONE round trip go (issue 18, item 1).
//
// Each variant is a persistent kernel and a host thread doing 100,000 round trips; each round trip adds
// one step of the megakernel's path to the one before, so the differences of the medians are the cost of
// the steps. The kernel also stamps %globaltimer when it sees the doorbell and just before its DONE store,
// so the device-side share of every round trip is measured directly; the rest is the two PCIe crossings
// and the two polls.
//
//   echo      the floor: the GPU polls one word of mapped host memory, stores it back to another
//   line      the doorbell is the last word of a 64-byte line; after seeing it the GPU loads the whole line
//             (four 16-byte loads in flight): the megakernel's tail line that carries the slot
//   line2     the GPU reads the slot from a second line after seeing the doorbell (a second PCIe read)
//   done      line + a device-scope atomicAdd on device memory (DONE_COUNT) and a fence before the DONE
//             store, plus a second posted store (the status word in the ring line) before the echo
//   handoff   done, but the leader warp hands the slot to a worker warp of another block through device
//             memory (a device-scope release/acquire pair); the worker executes and stores DONE
//   sysatom   line + one system-scope atomicCAS on mapped host memory (a claim CAS across PCIe)
//   linepoll  echo, but every poll loads the whole 64-byte line (lanes 0..3 of a warp, 16 bytes each, in one
//             instruction) and the doorbell is its last word: the megakernel's poll of a tail line that carries
//             the submission (no second read)
//   ordered   linepoll + the protocol's completion order for one slot: its effect (a device-scope atomicAdd
//             whose result is used), a GPU fence, DONE_COUNT (atomicAdd), a GPU fence, then DONE as a relaxed
//             system-scope store (the echo): what the megakernel must do at least, so its floor
//   ordacq    ordered with fence.acq_rel.gpu for both fences (__threadfence() is fence.sc.gpu)
//   inline    linepoll + what the megakernel's leader did for a lone slot before session 15 (-Dvyre.cuda.variant=1536
//             now): the tenant check (two loads of device memory in flight together), then the generation CAS on
//             device memory, the CLAIMED store to the mapped ring, the effect (atomicAdd, result used), DONE_COUNT
//             (atomicAdd), one fence.sc.gpu, DONE
//   inlinefast inline with the generation CAS in flight with the tenant loads and a fence.acq_rel.gpu (the leader's
//             lone-slot path since session 15)
//   ahead2    linepoll with two line reads in flight, the second issued half a round trip after the first: a read
//             reaches the host every half round trip instead of every round trip, so a doorbell waits less for the
//             next read to reach it (the idle read's round trip is measured at start; the spacing is half of it)
//   ahead3    linepoll with three reads in flight, a third of a round trip apart
//   inline2   inlinefast polled as ahead2
//   ahead2b   ahead2 written as the megakernel's leader does it (-Dvyre.cuda.variant=2048): one loop, not unrolled; two
//             register sets taken in turn, each step one asm block that issues the next read into one set and takes
//             the other set's earlier read (so no register copy waits for the read just issued)
//
// Build: nvcc -O2 -std=c++20 -arch=sm_90 -o ring_budget ring_budget.cu    Run: ./ring_budget [round trips]
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

#define CK(x) do { cudaError_t e = (x); if (e != cudaSuccess) { \
    std::printf("CUDA error %s at line %d\n", cudaGetErrorString(e), __LINE__); std::exit(1); } } while (0)

using u32 = unsigned int;
using u64 = unsigned long long;
using sys_ref = cuda::atomic_ref<u32, cuda::thread_scope_system>;
using dev_ref = cuda::atomic_ref<u32, cuda::thread_scope_device>;

enum Variant { ECHO, LINE, LINE2, DONE, HANDOFF, SYSATOM, LINEPOLL, ORDERED, ORDACQ, INLINE, INLINEFAST, AHEAD2, AHEAD3, INLINE2,
               AHEAD2B, VARIANTS };
static const char* NAMES[] = {"echo", "line", "line2", "done", "handoff", "sysatom", "linepoll", "ordered", "ordacq", "inline",
                              "inlinefast",
                              "ahead2", "ahead3", "inline2", "ahead2b"};

struct Shared {          // mapped host memory
    u32 line[16];        // host: payload words 0..14, doorbell (sequence) in word 15
    u32 second[16];      // host: the slot of variant line2
    u32 echo[16];        // device: word 0 = sequence done, word 1 = payload sum, word 4 = status
    u32 atom[16];        // variant sysatom: the word the device CASes
    u64 stamps[2];       // device: globaltimer at doorbell seen, at DONE store (of the latest round trip)
    u32 pollCount;       // device: idle poll iterations of the latest round trip
};

struct Device {          // device memory
    u32 doneCount;
    u32 effect;          // variants ordered, ordacq, inline*: the slot's ATOMIC_ADD target
    u32 tenants[4];      // variants inline*: the tenant table (base word, then tenant 0's entry)
    u32 executed;        // variants inline*: the slot's last executed generation
    u32 handSeq;         // leader -> worker
    u32 handSum;
};

__device__ __forceinline__ u64 now_ns() {
    u64 t;
    asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t));
    return t;
}

__device__ __forceinline__ void fence_acq_rel_gpu() { asm volatile("fence.acq_rel.gpu;" ::: "memory"); }
__device__ __forceinline__ u32 ld_relaxed_gpu(const u32* p) {
    u32 v;
    asm volatile("ld.relaxed.gpu.global.u32 %0, [%1];" : "=r"(v) : "l"(p) : "memory");
    return v;
}
__device__ __forceinline__ void st_relaxed_sys(u32* p, u32 v) {
    asm volatile("st.relaxed.sys.global.u32 [%0], %1;" ::"l"(p), "r"(v) : "memory");
}

__device__ __forceinline__ u32 load_line(const u32* line, u32 seq_word_only) {
    if (seq_word_only) return 0;
    const uint4* v = reinterpret_cast<const uint4*>(line);
    uint4 a = __ldcv(v), b = __ldcv(v + 1), c = __ldcv(v + 2), d = __ldcv(v + 3);
    return a.x + a.y + a.z + a.w + b.x + b.y + b.z + b.w + c.x + c.y + c.z + c.w + d.x + d.y + d.z;
}

__device__ __forceinline__ u64 cycles() {
    u64 t;
    asm volatile("mov.u64 %0, %%clock64;" : "=l"(t));
    return t;
}

// One warp-wide read of the 64-byte line: lanes 0..3 load its four 16-byte parts in one instruction.
__device__ __forceinline__ void issue_line(const u32* line, u32 lane, u64& p0, u64& p1) {
    p0 = 0;
    p1 = 0;
    if (lane < 4u) {
        asm volatile("ld.relaxed.sys.global.v2.u64 {%0, %1}, [%2];" : "=l"(p0), "=l"(p1) : "l"(line + 4u * lane) : "memory");
    }
}

// SM cycles of one idle line read (the least of 32, each waited for before the next goes out).
__device__ u64 line_round_trip(const u32* line, u32 lane) {
    u64 best = ~0ull;
    for (int i = 0; i < 32; ++i) {
        u64 p0, p1;
        const u64 t0 = cycles();
        issue_line(line, lane, p0, p1);
        u64 used;
        asm volatile("add.u64 %0, %1, %2;" : "=l"(used) : "l"(p0), "l"(p1)); // waits for the read
        u64 t1;
        asm volatile("mov.u64 %0, %%clock64; // after %1" : "=l"(t1) : "l"(used));
        best = t1 - t0 < best ? t1 - t0 : best;
    }
    return __shfl_sync(0xFFFFFFFFu, best, 0);
}

// Everything after the doorbell of round trip seq was seen (lane 0 of the leader): the variant's device work and
// the echo.
__device__ __forceinline__ void after_poll(int variant, Shared* h, Device* d, u32 seq, u32 sum, u32 polls) {
    sys_ref echo(h->echo[0]);
    u64 seen = now_ns();
    switch (variant) {
        case ECHO: break;
        case LINE: sum = load_line(h->line, 0); break;
        case LINE2: sum = load_line(h->second, 0); break;
        case DONE: case HANDOFF: sum = load_line(h->line, 0); break;
        case SYSATOM: sum = load_line(h->line, 0); sum += atomicCAS_system(&h->atom[0], seq - 1, seq); break;
    }
    h->stamps[0] = seen;
    h->pollCount = polls;
    if (variant == HANDOFF) {
        d->handSum = sum;
        dev_ref(d->handSeq).store(seq, cuda::memory_order_release);
        return;
    }
    if (variant == DONE) {
        atomicAdd(&d->doneCount, 1u);
        __threadfence_system();
        reinterpret_cast<volatile u32*>(h->echo)[4] = 3u;
    }
    if (variant == ORDACQ) {
        sum += atomicAdd(&d->effect, sum);
        h->echo[1] = sum;
        fence_acq_rel_gpu();
        atomicAdd(&d->doneCount, 1u);
        fence_acq_rel_gpu();
        h->stamps[1] = now_ns();
        echo.store(seq, cuda::memory_order_relaxed);
        return;
    }
    if (variant == INLINE || variant == INLINEFAST || variant == INLINE2) {
        u32 base, entry, prev;
        if (variant == INLINE) {
            base = ld_relaxed_gpu(&d->tenants[0]);
            entry = ld_relaxed_gpu(&d->tenants[1]);
            if (base + entry != 4u) return; // never: the table says tenant 0 may run
            prev = atomicCAS(&d->executed, seq - 1u, seq);
        } else {
            prev = atomicCAS(&d->executed, seq - 1u, seq);
            base = ld_relaxed_gpu(&d->tenants[0]);
            entry = ld_relaxed_gpu(&d->tenants[1]);
            if (base + entry != 4u) return;
        }
        if (prev != seq - 1u) return; // never: every generation is new
        st_relaxed_sys(&h->echo[4], 2u); // CLAIMED
        sum += atomicAdd(&d->effect, sum);
        h->echo[1] = sum;
        atomicAdd(&d->doneCount, 1u);
        if (variant == INLINE) __threadfence(); else fence_acq_rel_gpu();
        h->stamps[1] = now_ns();
        echo.store(seq, cuda::memory_order_relaxed);
        return;
    }
    if (variant == ORDERED) {
        sum += atomicAdd(&d->effect, sum); // the slot's effect, its old value used (as ATOMIC_ADD's result)
        h->echo[1] = sum;
        __threadfence(); // every effect before DONE_COUNT
        atomicAdd(&d->doneCount, 1u);
        __threadfence(); // DONE_COUNT before DONE
        h->stamps[1] = now_ns();
        echo.store(seq, cuda::memory_order_relaxed); // DONE: a relaxed system-scope store
        return;
    }
    h->stamps[1] = now_ns();
    h->echo[1] = sum;
    echo.store(seq, cuda::memory_order_release);
}

// The leader of variants ahead*: D line reads in flight, each issued at least `spacing` SM cycles after the one
// before and issued again as soon as its result is used, so a read reaches the host every spacing cycles. The loop
// is unrolled by D so every read has its own registers (the use of a load's register is what waits for it).
template <int D>
__device__ __forceinline__ void serve_ahead(Shared* h, Device* d, int variant, u32 rounds, u32 lane, u64 spacing) {
    u64 p0[D], p1[D];
    u64 issued = cycles();
    issue_line(h->line, lane, p0[0], p1[0]);
#pragma unroll
    for (int k = 1; k < D; ++k) {
        while (cycles() - issued < spacing) { }
        issued = cycles();
        issue_line(h->line, lane, p0[k], p1[k]);
    }
    u32 seq = 1, polls = 0;
    while (true) {
#pragma unroll
        for (int k = 0; k < D; ++k) {
            const u64 last = __shfl_sync(0xFFFFFFFFu, p1[k], 3); // words 14 and 15 (the doorbell)
            if ((u32)(last >> 32) == seq) {
                const u32 sum = (u32)__shfl_sync(0xFFFFFFFFu, p0[k], 0) + (u32)last;
                if (lane == 0u) after_poll(variant, h, d, seq, sum, polls);
                __syncwarp();
                polls = 0;
                if (++seq > rounds) return;
            } else {
                ++polls;
            }
            while (cycles() - issued < spacing) { }
            issued = cycles();
            issue_line(h->line, lane, p0[k], p1[k]);
        }
    }
}

// The leader of variant ahead2b: the megakernel's way (see VYRE_VARIANT_POLL_AHEAD in vyre_megakernel.cu).
__device__ __forceinline__ void serve_alternating(Shared* h, Device* d, int variant, u32 rounds, u32 lane, u64 spacing) {
    const u32* part = h->line + 4u * (lane & 3u);
    u64 a0 = 0, a1 = 0, b0 = 0, b1 = 0;
    if (lane < 4u) asm volatile("ld.relaxed.sys.global.v2.u64 {%0, %1}, [%2];" : "=l"(a0), "=l"(a1) : "l"(part) : "memory");
    u64 issued = cycles();
    bool readA = true; // the set whose read is the older one
    u32 seq = 1, polls = 0;
    while (seq <= rounds) {
        while (cycles() - issued < spacing) { }
        u64 p0 = 0, p1 = 0;
        if (lane < 4u) {
            if (readA) {
                asm volatile("ld.relaxed.sys.global.v2.u64 {%0, %1}, [%4];\n\tmov.b64 %2, %5;\n\tmov.b64 %3, %6;"
                             : "=l"(b0), "=l"(b1), "=l"(p0), "=l"(p1) : "l"(part), "l"(a0), "l"(a1) : "memory");
            } else {
                asm volatile("ld.relaxed.sys.global.v2.u64 {%0, %1}, [%4];\n\tmov.b64 %2, %5;\n\tmov.b64 %3, %6;"
                             : "=l"(a0), "=l"(a1), "=l"(p0), "=l"(p1) : "l"(part), "l"(b0), "l"(b1) : "memory");
            }
        }
        issued = cycles();
        readA = !readA;
        const u64 last = __shfl_sync(0xFFFFFFFFu, p1, 3);
        if ((u32)(last >> 32) == seq) {
            const u32 sum = (u32)__shfl_sync(0xFFFFFFFFu, p0, 0) + (u32)last;
            if (lane == 0u) after_poll(variant, h, d, seq, sum, polls);
            __syncwarp();
            polls = 0;
            ++seq;
        } else {
            ++polls;
        }
    }
}

// Block 0 thread 0 is the leader; block 1 thread 0 is the worker of variant handoff.
__global__ void budget(Shared* h, Device* d, int variant, u32 rounds) {
    const u32 lane = threadIdx.x & 31u;
    const bool linePolls = variant >= LINEPOLL;
    if (threadIdx.x != 0 && !(linePolls && blockIdx.x == 0)) return;
    sys_ref doorbell(h->line[15]);
    if (blockIdx.x == 1) {
        sys_ref echo(h->echo[0]);
        if (variant != HANDOFF) return;
        dev_ref hand(d->handSeq);
        for (u32 seq = 1; seq <= rounds; ++seq) {
            while (hand.load(cuda::memory_order_acquire) != seq) { }
            u32 sum = d->handSum;
            atomicAdd(&d->doneCount, 1u);
            __threadfence_system();
            reinterpret_cast<volatile u32*>(h->echo)[4] = 3u; // the status word
            h->stamps[1] = now_ns();
            h->echo[1] = sum;
            echo.store(seq, cuda::memory_order_release);
        }
        return;
    }
    if (variant == AHEAD2 || variant == INLINE2 || variant == AHEAD3 || variant == AHEAD2B) {
        const u64 rtt = line_round_trip(h->line, lane);
        if (variant == AHEAD2B) serve_alternating(h, d, variant, rounds, lane, rtt / 2u);
        else if (variant == AHEAD3) serve_ahead<3>(h, d, variant, rounds, lane, rtt / 3u);
        else serve_ahead<2>(h, d, variant, rounds, lane, rtt / 2u);
        return;
    }
    for (u32 seq = 1; seq <= rounds; ++seq) {
        u32 polls = 0;
        u32 sum = 0;
        if (linePolls) {
            while (true) { // lanes 0..3 load the line's four 16-byte parts in one warp instruction
                u64 p0, p1;
                issue_line(h->line, lane, p0, p1);
                const u64 last = __shfl_sync(0xFFFFFFFFu, p1, 3); // words 14 and 15 (the doorbell)
                if ((u32)(last >> 32) == seq) {
                    sum = (u32)__shfl_sync(0xFFFFFFFFu, p0, 0) + (u32)last;
                    break;
                }
                ++polls;
            }
            if (lane != 0u) continue;
        } else {
            while (doorbell.load(cuda::memory_order_acquire) != seq) { ++polls; }
        }
        after_poll(variant, h, d, seq, sum, polls);
    }
}

struct Figures { double p50, p99, device50, polls50; };

static Figures run(int variant, u32 rounds, Shared* h, Shared* hd, Device* d, cudaStream_t st) {
    std::memset(h, 0, sizeof(Shared));
    CK(cudaMemset(d, 0, sizeof(Device)));
    const u32 tenants[2] = {3u, 1u}; // the encoder's table base, tenant 0 authorised
    CK(cudaMemcpy(d->tenants, tenants, sizeof(tenants), cudaMemcpyHostToDevice));
    CK(cudaDeviceSynchronize());
    budget<<<2, 32, 0, st>>>(hd, d, variant, rounds);
    std::atomic_ref<u32> bell(h->line[15]);
    std::atomic_ref<u32> echo(h->echo[0]);
    std::vector<double> rt(rounds), dev(rounds), polls(rounds);
    for (u32 seq = 1; seq <= rounds; ++seq) {
        for (int i = 0; i < 15; ++i) { h->line[i] = seq + i; h->second[i] = seq + i; }
        auto t0 = std::chrono::steady_clock::now();
        bell.store(seq, std::memory_order_release);
        while (echo.load(std::memory_order_acquire) != seq) { }
        rt[seq - 1] = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
        dev[seq - 1] = (double) (h->stamps[1] - h->stamps[0]) / 1000.0;
        polls[seq - 1] = h->pollCount;
    }
    CK(cudaStreamSynchronize(st));
    std::sort(rt.begin(), rt.end());
    std::sort(dev.begin(), dev.end());
    std::sort(polls.begin(), polls.end());
    return {rt[rounds / 2], rt[rounds * 99 / 100], dev[rounds / 2], polls[rounds / 2]};
}

int main(int argc, char** argv) {
    std::setvbuf(stdout, nullptr, _IOLBF, 0); // line by line: a run killed by a timeout keeps its rows
    u32 rounds = argc > 1 ? (u32) std::strtoul(argv[1], nullptr, 10) : 100000u;
    cudaDeviceProp p;
    CK(cudaGetDeviceProperties(&p, 0));
    int native = 0;
    CK(cudaDeviceGetAttribute(&native, cudaDevAttrHostNativeAtomicSupported, 0));
    std::printf("ring_budget: %s, %u round trips per variant, hostNativeAtomics=%d\n", p.name, rounds, native);
    Shared* h;
    Shared* hd;
    Device* d;
    CK(cudaHostAlloc(&h, sizeof(Shared), cudaHostAllocMapped));
    CK(cudaHostGetDevicePointer(&hd, h, 0));
    CK(cudaMalloc(&d, sizeof(Device)));
    cudaStream_t st;
    CK(cudaStreamCreateWithFlags(&st, cudaStreamNonBlocking));
    // the idle poll period: one leader spinning 1 ms without a doorbell
    run(ECHO, 2000, h, hd, d, st); // warm-up
    std::printf("| variant | round trip p50 | p99 | device share p50 (doorbell seen -> DONE store) | polls p50 |\n");
    std::printf("|---|---|---|---|---|\n");
    for (int repeat = 0; repeat < 2; ++repeat) {
        for (int v = 0; v < VARIANTS; ++v) {
            Figures f = run(v, rounds, h, hd, d, st);
            std::printf("| %s | %.3f us | %.3f us | %.3f us | %.0f |\n", NAMES[v], f.p50, f.p99, f.device50, f.polls50);
        }
    }
    // the cost of one poll: leader reads per microsecond while the host stays away for 2 ms
    for (int v : {ECHO, LINEPOLL, AHEAD2, AHEAD3, AHEAD2B}) {
        std::memset(h, 0, sizeof(Shared));
        budget<<<2, 32, 0, st>>>(hd, d, v, 1);
        auto t0 = std::chrono::steady_clock::now();
        while (std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count() < 2000) { }
        std::atomic_ref<u32>(h->line[15]).store(1, std::memory_order_release);
        while (std::atomic_ref<u32>(h->echo[0]).load(std::memory_order_acquire) != 1) { }
        double waited = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
        CK(cudaStreamSynchronize(st));
        std::printf("idle poll of mapped host memory, %s: %u reads in %.0f us = %.3f us per read (one PCIe read each)\n",
                    NAMES[v], h->pollCount, waited, waited / std::max(1u, h->pollCount));
    }
    CK(cudaFreeHost(h));
    CK(cudaFree(d));
    return 0;
}
