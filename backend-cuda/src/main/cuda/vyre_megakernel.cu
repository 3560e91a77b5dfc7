// vyre-java CUDA megakernel: the VIR0 interpreter of docs/PROTOCOL.md.
//
// Two entry points share one interpreter:
//   vyre_persistent  launched once per session; runs until control word 0 is non-zero.
//   vyre_once        one pass over a ring the host filled beforehand (all buffers in device memory).
//
// Memory placement (persistent): the ring, IO queue, data buffer, submission queue and link block live
// in page-locked host memory mapped into the device; control and debug log live in device memory so the
// hot atomics (ATOMIC_ADD, metrics, DONE_COUNT, PRINTF cursor) stay on the GPU. The host never polls
// device memory: the leader warp mirrors DONE_COUNT and a heartbeat into the link block.
//
// Every access is bounds-checked against the buffer's real length: an out-of-range load is 0, an
// out-of-range store or atomic has no effect (docs/PROTOCOL.md, deliberate fix 1).
//
// The file must stay NVRTC-compatible (no host headers): custom opcodes are compiled at run time by
// prepending a definition of VYRE_CUSTOM_DISPATCH and the handler bodies.

typedef unsigned int u32;
typedef unsigned long long u64;

#define VYRE_EMPTY 0u
#define VYRE_PUBLISHED 1u
#define VYRE_CLAIMED 2u
#define VYRE_DONE 3u
#define VYRE_WAIT_IO 4u
#define VYRE_FAULT 7u
#define VYRE_IO_OK 0x10u
#define VYRE_IO_ERROR 0x11u

#define OP_NOP 0u
#define OP_STORE_U32 1u
#define OP_ATOMIC_ADD 2u
#define OP_LOAD_U32 3u
#define OP_COMPARE_SWAP 4u
#define OP_MEMCPY 5u
#define OP_DFA_STEP 6u
#define OP_BATCH_FENCE 7u
#define OP_LOAD_MISS 0x0000FFFDu
#define OP_PRINTF 0x0000FFFEu
#define OP_PACKED_SLOT 0x80000001u
#define OP_SHUTDOWN 0xFFFFFFFFu

#define C_SHUTDOWN 0ull
#define C_DONE_COUNT 1ull
#define C_TENANT_BASE 2ull
#define C_TENANT_TABLE_END 32ull
#define C_METRICS_BASE 96ull
#define C_EPOCH 128ull
#define C_OBSERVABLE_BASE 160ull

// Link block (host-mapped, u32 word offsets; each group on its own 64-byte line).
#define L_CONSUMED 16     // u64, leader: submission entries copied to the device
#define L_HEARTBEAT 32    // u32, leader: +1 per loop
#define L_DONE_MIRROR 33  // u32, leader: copy of control word 1
#define L_STOPPED 34      // u32, leader: 1 when the kernel is leaving
#define L_MAIL_SEQ 48     // u32, host: control-write request sequence
#define L_MAIL_WORD 49    // u32, host: control word index
#define L_MAIL_VALUE 50   // u32, host: value
#define L_MAIL_ACK 52     // u32, leader: last applied sequence

#define VYRE_FULL_MASK 0xFFFFFFFFu

// Kernel arguments, one 8-byte field each; written by CudaKernelArgs on the host in this order.
struct VyreArgs {
    u64 control;       // u32*, device memory
    u64 controlWords;
    u64 ring;          // u32*, mapped host memory (persistent) or device memory (once)
    u64 slotCount;
    u64 debugLog;      // u32*
    u64 debugWords;
    u64 ioQueue;       // u32*
    u64 ioSlots;
    u64 data;          // unsigned char*
    u64 dataBytes;
    u64 link;          // u32*, mapped host memory (persistent only)
    u64 sq;            // u64*, mapped host memory: submission entries, ((n + 1) << 32) | slot for entry n
    u64 sqMask;        // capacity - 1 (capacity is a power of two)
    u64 devSq;         // u32*, device copy of the submission entries
    u64 devCursor;     // u64*, device: [0] entries handed to workers, [1] entries claimed by workers
    u64 owner;         // u32*, device: per-slot execution lock
    u64 ioTimeoutNs;
    u64 idleSleepNs;   // longest idle back-off of a worker warp
};

// ---- memory-order primitives (PTX ISA 6.0+, sm_70+) ----

__device__ __forceinline__ u32 ld_acquire_sys(const u32* p) {
    u32 v;
    asm volatile("ld.acquire.sys.global.u32 %0, [%1];" : "=r"(v) : "l"(p) : "memory");
    return v;
}
__device__ __forceinline__ u64 ld_acquire_sys64(const u64* p) {
    u64 v;
    asm volatile("ld.acquire.sys.global.u64 %0, [%1];" : "=l"(v) : "l"(p) : "memory");
    return v;
}
__device__ __forceinline__ u32 ld_relaxed_sys(const u32* p) {
    u32 v;
    asm volatile("ld.relaxed.sys.global.u32 %0, [%1];" : "=r"(v) : "l"(p) : "memory");
    return v;
}
__device__ __forceinline__ void st_release_sys(u32* p, u32 v) {
    asm volatile("st.release.sys.global.u32 [%0], %1;" ::"l"(p), "r"(v) : "memory");
}
__device__ __forceinline__ void st_relaxed_sys(u32* p, u32 v) {
    asm volatile("st.relaxed.sys.global.u32 [%0], %1;" ::"l"(p), "r"(v) : "memory");
}
__device__ __forceinline__ void st_relaxed_sys64(u64* p, u64 v) {
    asm volatile("st.relaxed.sys.global.u64 [%0], %1;" ::"l"(p), "l"(v) : "memory");
}
__device__ __forceinline__ u32 ld_relaxed_gpu(const u32* p) {
    u32 v;
    asm volatile("ld.relaxed.gpu.global.u32 %0, [%1];" : "=r"(v) : "l"(p) : "memory");
    return v;
}
__device__ __forceinline__ u64 ld_acquire_gpu64(const u64* p) {
    u64 v;
    asm volatile("ld.acquire.gpu.global.u64 %0, [%1];" : "=l"(v) : "l"(p) : "memory");
    return v;
}
__device__ __forceinline__ u64 ld_relaxed_gpu64(const u64* p) {
    u64 v;
    asm volatile("ld.relaxed.gpu.global.u64 %0, [%1];" : "=l"(v) : "l"(p) : "memory");
    return v;
}
__device__ __forceinline__ void st_release_gpu64(u64* p, u64 v) {
    asm volatile("st.release.gpu.global.u64 [%0], %1;" ::"l"(p), "l"(v) : "memory");
}
__device__ __forceinline__ u64 now_ns() {
    u64 t;
    asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t));
    return t;
}
__device__ __forceinline__ void vyre_sleep(u32 ns) {
    __nanosleep(ns);
}

// ---- bounds-checked buffer access (deliberate fix 1) ----

struct VyreCtx {
    u32* control;
    u64 controlWords;
    u32* debugLog;
    u64 debugWords;
    u32* ioQueue;
    u64 ioSlots;
    const unsigned char* data;
    u64 dataBytes;
    u64 ioTimeoutNs;
    u32 slot;
    u32 tenant;
    u32 opcode;
    u32 a0, a1, a2;
    const u32* payload;  // the slot's 12 argument words (registers of the executing lane)
};

__device__ __forceinline__ u32 vyre_load_control(const VyreCtx& c, u64 i) {
    return i < c.controlWords ? ld_relaxed_gpu(c.control + i) : 0u;
}
__device__ __forceinline__ void vyre_store_control(const VyreCtx& c, u64 i, u32 v) {
    if (i < c.controlWords) atomicExch(c.control + i, v);
}
__device__ __forceinline__ u32 vyre_atomic_add_control(const VyreCtx& c, u64 i, u32 v) {
    return i < c.controlWords ? atomicAdd(c.control + i, v) : 0u;
}
__device__ __forceinline__ u32 vyre_cas_control(const VyreCtx& c, u64 i, u32 expected, u32 desired) {
    return i < c.controlWords ? atomicCAS(c.control + i, expected, desired) : 0u;
}
__device__ __forceinline__ u32 vyre_load_data_byte(const VyreCtx& c, u64 off) {
    return off < c.dataBytes ? (u32)((volatile const unsigned char*)c.data)[off] : 0u;
}
__device__ __forceinline__ u32 vyre_load_data_word(const VyreCtx& c, u64 word) {
    // whole words only: bytes 4w .. 4w+3 must all lie inside the data buffer
    if (word >= (c.dataBytes >> 2)) return 0u;
    const unsigned char* p = c.data + (word << 2);
    return (u32)p[0] | ((u32)p[1] << 8) | ((u32)p[2] << 16) | ((u32)p[3] << 24);
}
// Argument word i (0..11) of the slot; for a packed inner op, words 0..2 are the inner op's arguments.
__device__ __forceinline__ u32 vyre_arg(const VyreCtx& c, u32 i) {
    if (i == 0) return c.a0;
    if (i == 1) return c.a1;
    if (i == 2) return c.a2;
    return i < 12 ? c.payload[i] : 0u;
}

#ifndef VYRE_CUSTOM_DISPATCH
#define VYRE_CUSTOM_DISPATCH(ctx)
#endif

// ---- opcode handlers ----

__device__ void vyre_printf(const VyreCtx& c) {
    if (c.debugWords == 0) return;
    u64 r = (u64)atomicAdd(c.debugLog, 4u) + 1ull;
    if (r + 4ull <= c.debugWords) {
        atomicExch(c.debugLog + r, c.a0);
        atomicExch(c.debugLog + r + 1, c.a1);
        atomicExch(c.debugLog + r + 2, c.a2);
        atomicExch(c.debugLog + r + 3, c.slot * 16u);
    }
}

__device__ void vyre_memcpy(const VyreCtx& c) {
    u64 src = c.a0, dst = c.a1, len = c.a2;
    if (dst >= c.controlWords) return;  // every destination is out of range
    u64 room = c.controlWords - dst;
    if (len > room) len = room;         // later elements would only write out of range
    for (u64 i = 0; i < len; ++i) {
        vyre_store_control(c, dst + i, vyre_load_control(c, src + i));
    }
}

// Metric + built-in + custom handlers for one (possibly packed inner) opcode.
__device__ void vyre_dispatch(VyreCtx& c) {
    const u32 op = c.opcode;
    if (op < 32u) vyre_atomic_add_control(c, C_METRICS_BASE + op, 1u);
    switch (op) {
        case OP_STORE_U32: vyre_store_control(c, c.a1, c.a0); break;
        case OP_ATOMIC_ADD: vyre_atomic_add_control(c, c.a1, c.a0); break;
        case OP_LOAD_U32: vyre_store_control(c, C_OBSERVABLE_BASE + c.a1, vyre_load_control(c, c.a0)); break;
        case OP_COMPARE_SWAP: {
            u32 prev = vyre_cas_control(c, c.a0, c.a1, c.a2);
            vyre_store_control(c, C_OBSERVABLE_BASE + c.a0, prev);
            break;
        }
        case OP_MEMCPY: vyre_memcpy(c); break;
        case OP_DFA_STEP: {
            u64 index = (u64)c.a0 * 256ull + (u64)(c.a1 & 0xFFu);
            vyre_store_control(c, C_OBSERVABLE_BASE + c.a2, vyre_load_data_word(c, index));
            break;
        }
        case OP_BATCH_FENCE:
            vyre_atomic_add_control(c, C_EPOCH, 1u);
            vyre_store_control(c, C_OBSERVABLE_BASE, c.a1);
            break;
        case OP_PRINTF: vyre_printf(c); break;
        case OP_SHUTDOWN: vyre_store_control(c, C_SHUTDOWN, 1u); break;
        default: break;
    }
    VYRE_CUSTOM_DISPATCH(c);
}

__device__ __forceinline__ u32 vyre_payload_byte(const u32* payload, u32 k) {
    return (payload[k >> 2] >> (8u * (k & 3u))) & 0xFFu;
}

__device__ void vyre_packed(VyreCtx& c) {
    const u32 n = vyre_payload_byte(c.payload, 0);
    const u32 meta = (2u + 2u * n + 3u) / 4u;
    if (meta > 12u) return;  // malformed: metadata alone overflows the 12 argument words
    for (u32 k = 0; k < n; ++k) {
        u32 op = vyre_payload_byte(c.payload, 2u + 2u * k);
        u32 off = vyre_payload_byte(c.payload, 3u + 2u * k);
        u32 base = meta + off;
        if (base + 3u > 12u) continue;
        c.opcode = op;
        c.a0 = c.payload[base];
        c.a1 = c.payload[base + 1u];
        c.a2 = c.payload[base + 2u];
        vyre_dispatch(c);
    }
}

// LOAD_MISS: reserve an IO slot with CAS, publish a READ request, wait (bounded) for the host.
// Returns VYRE_DONE or VYRE_FAULT.
__device__ u32 vyre_load_miss(const VyreCtx& c) {
    const u64 deadline = now_ns() + c.ioTimeoutNs;
    u32* q = 0;
    while (q == 0) {
        for (u64 i = 0; i < c.ioSlots; ++i) {
            u32* candidate = c.ioQueue + i * 8ull;
            if (atomicCAS_system(candidate + 6, VYRE_EMPTY, VYRE_WAIT_IO) == VYRE_EMPTY) {
                q = candidate;
                break;
            }
        }
        if (q == 0) {
            if (now_ns() > deadline) return VYRE_FAULT;
            vyre_sleep(1000);
        }
    }
    st_relaxed_sys(q + 0, 1u);  // READ
    st_relaxed_sys(q + 1, c.a0);
    st_relaxed_sys(q + 2, c.a0);
    st_relaxed_sys(q + 3, 0u);
    st_relaxed_sys(q + 4, 0u);
    st_relaxed_sys(q + 5, 0u);
    st_relaxed_sys(q + 7, c.a0);
    st_release_sys(q + 6, VYRE_PUBLISHED);
    while (true) {
        u32 s = ld_acquire_sys(q + 6);
        if (s == VYRE_IO_OK || s == VYRE_IO_ERROR) {
            st_release_sys(q + 6, VYRE_EMPTY);
            return s == VYRE_IO_OK ? VYRE_DONE : VYRE_FAULT;
        }
        if (now_ns() > deadline) {
            if (atomicCAS_system(q + 6, VYRE_PUBLISHED, VYRE_EMPTY) == VYRE_PUBLISHED
                    || atomicCAS_system(q + 6, VYRE_CLAIMED, VYRE_EMPTY) == VYRE_CLAIMED) {
                return VYRE_FAULT;
            }
            continue;  // completed meanwhile: take the completion on the next read
        }
        vyre_sleep(256);
    }
}

// Executes a claimed slot whose 16 words are in w. Returns VYRE_DONE or VYRE_FAULT.
__device__ u32 vyre_execute(VyreCtx& c, const u32* w) {
    c.opcode = w[1];
    c.tenant = w[2];
    c.a0 = w[4];
    c.a1 = w[5];
    c.a2 = w[6];
    c.payload = w + 4;
    if (c.opcode == OP_PACKED_SLOT) {
        vyre_packed(c);
        return VYRE_DONE;
    }
    u32 result = VYRE_DONE;
    if (c.opcode == OP_LOAD_MISS) result = vyre_load_miss(c);
    if (result == VYRE_DONE) vyre_dispatch(c);
    return result;
}

__device__ __forceinline__ bool vyre_authorised(const VyreCtx& c, u32 tenant) {
    u64 index = (u64)vyre_load_control(c, C_TENANT_BASE) + (u64)tenant;
    return index < C_TENANT_TABLE_END && vyre_load_control(c, index) != 0u;
}

__device__ __forceinline__ VyreCtx vyre_context(const VyreArgs* A) {
    VyreCtx c;
    c.control = (u32*)A->control;
    c.controlWords = A->controlWords;
    c.debugLog = (u32*)A->debugLog;
    c.debugWords = A->debugWords;
    c.ioQueue = (u32*)A->ioQueue;
    c.ioSlots = A->ioSlots;
    c.data = (const unsigned char*)A->data;
    c.dataBytes = A->dataBytes;
    c.ioTimeoutNs = A->ioTimeoutNs;
    c.slot = 0;
    c.tenant = 0;
    c.opcode = 0;
    c.a0 = c.a1 = c.a2 = 0;
    c.payload = 0;
    return c;
}

// ---- one pass ----

extern "C" __global__ void vyre_once(const VyreArgs* A) {
    VyreCtx c = vyre_context(A);
    const u64 slot = (u64)blockIdx.x * blockDim.x + threadIdx.x;
    if (slot >= A->slotCount) return;
    if (vyre_load_control(c, C_SHUTDOWN) != 0u) return;
    u32* s = (u32*)A->ring + slot * 16ull;
    if (ld_relaxed_gpu(s) != VYRE_PUBLISHED) return;
    if (!vyre_authorised(c, s[2])) return;
    if (atomicCAS(s, VYRE_PUBLISHED, VYRE_CLAIMED) != VYRE_PUBLISHED) return;
    u32 w[16];
    for (int i = 0; i < 16; ++i) w[i] = s[i];
    c.slot = (u32)slot;
    u32 result = vyre_execute(c, w);
    if (result == VYRE_DONE) vyre_atomic_add_control(c, C_DONE_COUNT, 1u);
    __threadfence();
    atomicExch(s, result);
}

// ---- persistent ----

// Reads the slot from mapped host memory with four 16-byte loads (one PCIe round trip). The loads are
// ordered after the submission entry that named the slot, which the host released after the slot's words.
__device__ __forceinline__ void vyre_read_slot(const u32* s, u32* w) {
#pragma unroll
    for (int i = 0; i < 4; ++i) {
        asm volatile("ld.volatile.global.v4.u32 {%0, %1, %2, %3}, [%4];"
                     : "=r"(w[4 * i]), "=r"(w[4 * i + 1]), "=r"(w[4 * i + 2]), "=r"(w[4 * i + 3])
                     : "l"(s + 4 * i)
                     : "memory");
    }
}

// Claims the slot an entry names and executes it. Returns 0 when nothing ran (stale or duplicate
// entry, or an unauthorised tenant: the slot stays PUBLISHED), else VYRE_DONE / VYRE_FAULT with the
// slot's owner lock held; vyre_finish releases it.
__device__ u32 vyre_claim_and_execute(const VyreArgs* A, VyreCtx& c, u32 slot) {
    if ((u64)slot >= A->slotCount) return 0;
    u32* owner = (u32*)A->owner + slot;
    // The lock is held only while one lane runs one slot (bounded work), so waiting is short; a
    // repeat entry for a slot in flight waits, then finds it no longer PUBLISHED.
    const u64 deadline = now_ns() + 1000000000ull;
    while (atomicCAS(owner, 0u, 1u) != 0u) {
        if (now_ns() > deadline) return 0;
        vyre_sleep(64);
    }
    u32* s = (u32*)A->ring + (u64)slot * 16ull;
    u32 w[16];
    vyre_read_slot(s, w);
    if (w[0] != VYRE_PUBLISHED || !vyre_authorised(c, w[2])) {
        atomicExch(owner, 0u);
        return 0;
    }
    st_relaxed_sys(s, VYRE_CLAIMED);
    c.slot = slot;
    return vyre_execute(c, w);
}

// Publishes the final status (release: every effect of the slot, and DONE_COUNT, before it), then
// releases the owner lock at system scope so a later claimant reads the new status.
__device__ __forceinline__ void vyre_finish(const VyreArgs* A, u32 slot, u32 result) {
    u32* s = (u32*)A->ring + (u64)slot * 16ull;
    st_release_sys(s, result);
    u32* owner = (u32*)A->owner + slot;
    asm volatile("atom.release.sys.global.exch.b32 %0, [%1], 0;" : "=r"(result) : "l"(owner) : "memory");
}

// Leader warp: reads new submission entries straight from host memory (an entry carries its own
// sequence tag, so one PCIe round trip both notices and delivers it), hands them to the worker warps
// through device memory, runs a lone entry itself when the workers have no backlog, applies host
// control writes, and mirrors DONE_COUNT and a heartbeat into the link block.
__device__ void vyre_leader(const VyreArgs* A, VyreCtx& c) {
    const u32 lane = threadIdx.x & 31u;
    u32* link = (u32*)A->link;
    const u64* sq = (const u64*)A->sq;
    u32* devSq = (u32*)A->devSq;
    u64* cursor = (u64*)A->devCursor;
    const u64 mask = A->sqMask;
    u64 seen = 0;  // next entry to take
    u32 heartbeat = 0;
    u32 lastMail = 0;
    u32 idle = 0;
    while (true) {
        const u32 stop = vyre_load_control(c, C_SHUTDOWN);
        if (lane == 0 && (heartbeat & 7u) == 0u) {
            u32 mail = ld_acquire_sys(link + L_MAIL_SEQ);
            if (mail != lastMail) {
                u32 word = ld_relaxed_sys(link + L_MAIL_WORD);
                u32 value = ld_relaxed_sys(link + L_MAIL_VALUE);
                vyre_store_control(c, word, value);
                __threadfence_system();
                st_release_sys(link + L_MAIL_ACK, mail);
                lastMail = mail;
            }
        }
        // Four entries per lane in flight: up to 128 entries per round trip. When idle, lane 0
        // alone watches the next entry.
        const u32 perLane = idle > 64u ? 0u : 4u;
        u64 e[4];
#pragma unroll
        for (int k = 0; k < 4; ++k) {
            u64 n = seen + (u64)k * 32ull + lane;
            bool load = (u32)k < perLane || (k == 0 && lane == 0);
            e[k] = 0ull;
            if (load) {
                asm volatile("ld.relaxed.sys.global.u64 %0, [%1];" : "=l"(e[k]) : "l"(sq + (n & mask)) : "memory");
            }
        }
        u32 taken = 0;
#pragma unroll
        for (int k = 0; k < 4; ++k) {
            u64 n = seen + (u64)k * 32ull + lane;
            bool valid = (u32)(e[k] >> 32) == (u32)(n + 1ull);
            u32 ballot = __ballot_sync(VYRE_FULL_MASK, valid);
            u32 prefix = (~ballot == 0u) ? 32u : (u32)(__ffs(~ballot) - 1);
            if (taken == (u32)k * 32u) {
                if (lane < prefix) devSq[n & mask] = (u32)e[k];
                taken += prefix;
            }
        }
        if (taken != 0u) {
            __syncwarp();
            __threadfence();
            const u64 next = seen + taken;
            u32 inline_slot = 0xFFFFFFFFu;
            if (lane == 0) {
                // A lone entry with no backlog runs here: no hand-off latency.
                if (taken == 1u && atomicCAS(cursor + 1, seen, next) == seen) {
                    inline_slot = (u32)e[0];
                }
                st_release_gpu64(cursor, next);
                st_relaxed_sys64((u64*)(link + L_CONSUMED), next);
            }
            if (lane == 0 && inline_slot != 0xFFFFFFFFu) {
                u32 result = vyre_claim_and_execute(A, c, inline_slot);
                if (result == VYRE_DONE) vyre_atomic_add_control(c, C_DONE_COUNT, 1u);
                if (result != 0u) vyre_finish(A, inline_slot, result);
            }
            __syncwarp();
            seen = next;
            idle = 0;
        } else if (idle < 0xFFFFFFFFu) {
            ++idle;
        }
        if (lane == 0) {
            ++heartbeat;
            st_relaxed_sys(link + L_HEARTBEAT, heartbeat);
            st_relaxed_sys(link + L_DONE_MIRROR, vyre_load_control(c, C_DONE_COUNT));
        }
        if (stop != 0u) break;
    }
    if (lane == 0) {
        __threadfence_system();
        st_release_sys(link + L_STOPPED, 1u);
    }
}

__device__ void vyre_worker(const VyreArgs* A, VyreCtx& c) {
    const u32 lane = threadIdx.x & 31u;
    u64* cursor = (u64*)A->devCursor;
    const u32* devSq = (const u32*)A->devSq;
    const u64 mask = A->sqMask;
    const u32 maxSleep = (u32)A->idleSleepNs;
    u32 sleep = 0;
    while (vyre_load_control(c, C_SHUTDOWN) == 0u) {
        u64 head = 0, take = 0;
        if (lane == 0) {
            for (int attempt = 0; attempt < 4; ++attempt) {
                head = ld_relaxed_gpu64(cursor + 1);
                u64 tail = ld_acquire_gpu64(cursor);
                if (head >= tail) {
                    take = 0;
                    break;
                }
                take = tail - head;
                if (take > 32ull) take = 32ull;
                if (atomicCAS(cursor + 1, head, head + take) == head) break;
                take = 0;
            }
        }
        head = __shfl_sync(VYRE_FULL_MASK, head, 0);
        take = __shfl_sync(VYRE_FULL_MASK, take, 0);
        if (take == 0) {
            sleep = sleep == 0 ? 32u : (sleep < maxSleep ? sleep * 2u : maxSleep);
            vyre_sleep(sleep);
            continue;
        }
        sleep = 0;
        u32 result = 0;
        u32 slot = 0;
        if ((u64)lane < take) {
            slot = devSq[(head + lane) & mask];
            result = vyre_claim_and_execute(A, c, slot);
        }
        // DONE_COUNT once per warp, after every lane's effects and before any DONE.
        const u32 done = __popc(__ballot_sync(VYRE_FULL_MASK, result == VYRE_DONE));
        if (lane == 0 && done != 0u) vyre_atomic_add_control(c, C_DONE_COUNT, done);
        __syncwarp();
        if (result != 0u) vyre_finish(A, slot, result);
    }
}

extern "C" __global__ void vyre_persistent(const VyreArgs* A) {
    VyreCtx c = vyre_context(A);
    const u64 warp = ((u64)blockIdx.x * blockDim.x + threadIdx.x) >> 5;
    if (warp == 0) {
        vyre_leader(A, c);
    } else {
        vyre_worker(A, c);
    }
}
