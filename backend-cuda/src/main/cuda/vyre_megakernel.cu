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
#define OP_CRC32C 0x0000FFF1u
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
#define L_TAIL_LINE 0     // 16 words, host: queue 0's newest submission (see "Submissions")
#define L_CONSUMED 16     // u64, leader: queue 0's submission entries copied to the device
#define L_QUEUE_BASE 96   // queue q >= 1: tail line at word L_QUEUE_BASE + 32 q, consumed 16 words later
#define VYRE_MAX_QUEUES 8u
#define L_HEARTBEAT 32    // u32, leader: +1 per loop
#define L_DONE_MIRROR 33  // u32, leader: copy of control word 1
#define L_STOPPED 34      // u32, leader: 1 when the kernel is leaving
#define L_TRACE 40        // u64 x 4, leader: inline runs, their total ns, total ns from tail read to run
                          // start, total ns spent reading the tail line
#define L_TRACE_PARTS 64  // u64 x 3, leader: inline runs' total ns to the claim, to the end of the execution, to the
                          // DONE store after the fence (the trace's run split; words 64..127 are free otherwise)
#define L_MAIL_SEQ 48     // u32, host: control-write request sequence
#define L_MAIL_WORD 49    // u32, host: control word index
#define L_MAIL_VALUE 50   // u32, host: value
#define L_MAIL_ACK 52     // u32, leader: last applied sequence

#define VYRE_FULL_MASK 0xFFFFFFFFu

// Submissions. The host has A->queues submission queues (1..8), each with its own array (capacity
// sqMask + 1 entries, queue q's at sq + q * capacity), tail line and consumed word in the link block:
// one per publishing thread, so publishers never share a line. Numbers n below count per queue. The
// leader polls every queue's tail line in one warp load and moves what it finds, queue by queue, into
// the one device queue the workers drain (devSq, positions counted by the leader alone).
// For its n-th publication on a queue the host writes, in this order:
//   1. the slot's words into the ring (status PUBLISHED last, release);
//   2. entry n of the submission array: one u64 = (generation << 32) | run, run = the first slot and
//      the run's length (VYRE_RUN_SHIFT below): a publishSlots run of 64 slots is one entry;
//   3. the tail line (link words 0..15): eight u64 words (tag << 32) | field, tag = n + 1, fields
//        slot (a run, as in the entry), generation, flags, opcode, tenant, arg0, arg1, arg2.
// Every field carries its own tag in one naturally aligned 8-byte word, which a PCIe read returns
// whole: a line read while the host rewrites it can mix publications, but never inside a word, so
// the leader uses the fields only when all eight tags agree. (16-byte quarters with one tag each
// were measured to tear on the H100 machine: fields of two publications under equal tags.)
// The leader polls only the tail line. When it advanced by one and is whole, the line itself
// carries the publication (one PCIe round trip from publish to execution). Otherwise the tag of
// word 0 bounds what is complete: entries below it are read from the array, and their executors
// read the slot words from the ring (VYRE_ENTRY_READ_SLOT). The GPU never reads an array entry the
// host has not written.
//
// Device entry (12 words, in devSq): [-, slot, generation, flags] [-, opcode, tenant, arg0]
// [-, arg1, arg2, arg3]; without VYRE_ENTRY_READ_SLOT the fields are the slot's.
#define VYRE_ENTRY_WORDS 12
#define VYRE_ENTRY_READ_SLOT 1u
// An array entry's low word (and a tail line's slot field) names a run of slots: the first slot in bits
// 0..19, the run's length minus 1 in bits 20..31 (runs of 1 .. 4096 slots; slots below 2^20). Every slot
// of a run carries the entry's generation. The leader expands a run into one device entry per slot.
#define VYRE_RUN_SHIFT 20u
#define VYRE_RUN_SLOT_MASK 0xFFFFFu

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
    u64 sq;            // u64*, mapped host memory: submission array, (generation << 32) | slot
    u64 sqMask;        // capacity - 1 (capacity is a power of two)
    u64 devSq;         // u32*, device copy of the submission entries (12 words each)
    u64 devCursor;     // u64*, device: [0] entries handed to workers, [1] entries claimed by workers
    u64 executed;      // u32*, device: per-slot generation of the last publication executed
    u64 ioTimeoutNs;
    u64 idleSleepNs;   // longest idle back-off of a worker warp
    u64 variant;       // VYRE_VARIANT_* bits: measured alternatives (docs/PERFORMANCE.md)
    u64 ioLink;        // u32*, mapped host memory: the IO link block (IoLink.java); 0 in one pass
    u64 ioDev;         // u32*, device: IO slot reservations [0, 64) and last sequences [64, 128)
    u64 isolation;     // u32*, device: the isolation block (TenantIsolation.java); 0 unless VYRE_ISOLATION
    u64 queues;        // submission queues, 1..VYRE_MAX_QUEUES (persistent only)
    u64 resident;      // unsigned char*, device: the copy of data bytes [residentAt, residentAt + residentBytes)
    u64 residentAt;    // a multiple of 4
    u64 residentBytes; // a multiple of 4; 0: the data buffer has no device copy
    u64 tail;          // u32*, device memory the host writes through BAR1 holding the tail lines (at the link
                       // block's offsets), or 0: the tail lines are in the link block (persistent only)
};

// IO link block (IoLink.java), u32 words: the device writes SEQUENCE and ACCEPTED, the host COMPLETION.
#define IO_SEQUENCE_BASE 0ull
#define IO_ACCEPTED_BASE 64ull
#define IO_COMPLETION_BASE 128ull
#define IO_SEQUENCE_MASK 0x7FFFFFFFu
#define IO_DEV_SEQUENCE 64ull

#define VYRE_VARIANT_NO_CLAIMED_STORE 1ull  // do not write CLAIMED to the ring before executing
#define VYRE_VARIANT_SYS_RELEASE_DONE 2ull  // DONE = system-scope release store (default: gpu fence + store)
#define VYRE_VARIANT_NO_INLINE 4ull         // the leader never runs a lone entry itself
#define VYRE_VARIANT_ARRAY_ONLY 8ull        // never take fields from the tail line (experiment)
#define VYRE_VARIANT_SLOW_POLL 16ull        // the leader sleeps 20 us between polls (experiment)
#define VYRE_VARIANT_TRACE 32ull            // the leader times its polls and inline runs (L_TRACE)
#define VYRE_VARIANT_LANE_SLOT_READS 64ull  // each worker lane reads its own slot (16-byte quarters, peer)
#define VYRE_VARIANT_TAKE_32 128ull         // a worker warp never claims more than 32 entries at a time (peer)
#define VYRE_VARIANT_INLINE_CAS 256ull      // a lone entry run by the leader takes a device position by a CAS (peer)
#define VYRE_VARIANT_SC_FENCE_DONE 512ull   // the fence before DONE is fence.sc.gpu (default: fence.acq_rel.gpu; peer)
#define VYRE_VARIANT_LATE_CLAIM 1024ull     // the leader's generation CAS waits for the tenant check (default: both in flight; peer)
#define VYRE_VARIANT_RARE_MAIL 4096ull      // the leader reads the mailbox every 1024 loops (host control writes, SHUTDOWN
                                            // included, wait up to about a millisecond; experiment: the mail read's share)
#define VYRE_VARIANT_UNPACK_ALL 8192ull     // the leader unpacks every queue's tail line every loop, moved or not (peer:
                                            // before session 17; default: an unmoved line costs one shuffle)

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
    u32* ioLink;
    u32* ioDev;
    const unsigned char* data;
    u64 dataBytes;
    const unsigned char* resident;  // device copy of data bytes [residentAt, residentAt + residentBytes)
    u64 residentAt;
    u64 residentBytes;
    u64 ioTimeoutNs;
    u32 slot;
    u32 tenant;
    u32 opcode;
    u32 a0, a1, a2;
    u32 packed;          // 1 while a packed slot's inner ops run: their argument words 3..11 read 0
    const u32* payload;  // the slot's 12 argument words (registers of the executing lane)
    bool warpCrc;        // worker warps: CRC32C is left to the whole warp (vyre_warp_crc32c)
    bool crcPending;     // a CRC32C of this lane's slot waits for the warp
    u32 crcA0, crcA1, crcA2;
    u32* iso;            // isolated mode: the isolation block; 0 otherwise
    u32 isoAdmin;        // isolated mode: the admin tenant (0xFFFFFFFF: none)
    mutable u32 violated;  // isolated mode: 1 once the slot accessed outside its tenant's windows
    u64 claimedAt;       // traced (VYRE_VARIANT_TRACE): %globaltimer when vyre_run_entry last claimed a publication
};

// ---- isolated mode (docs/PROTOCOL.md, "Isolated mode"), compiled in with VYRE_ISOLATION ----
#define ISO_WINDOWS 32ull
#define ISO_ADMIN 160ull
#ifdef VYRE_ISOLATION
// May the slot write control word i? Out of range is no write (the bounds rule comes first).
__device__ __forceinline__ bool vyre_iso_writable(const VyreCtx& c, u64 i) {
    if (i >= c.controlWords || c.tenant == c.isoAdmin) return true;
    const u32* w = c.iso + ISO_WINDOWS + 4ull * (u64)c.tenant;
    return i >= (u64)w[0] && i < (u64)w[1];
}
// May the slot read data bytes [off, off + len)? A range not wholly inside the data buffer reads nothing.
__device__ __forceinline__ bool vyre_iso_readable(const VyreCtx& c, u64 off, u64 len) {
    if (len == 0ull || off + len > c.dataBytes || c.tenant == c.isoAdmin) return true;
    const u32* w = c.iso + ISO_WINDOWS + 4ull * (u64)c.tenant + 2ull;
    return off >= (u64)w[0] && off + len <= (u64)w[1];
}
// a write of the slot: after a violation, nothing more of the slot is written
__device__ __forceinline__ bool vyre_iso_write(const VyreCtx& c, u64 i) {
    if (c.violated == 0u && vyre_iso_writable(c, i)) return true;
    c.violated = 1u;
    return false;
}
__device__ __forceinline__ bool vyre_iso_read(const VyreCtx& c, u64 off, u64 len) {
    if (vyre_iso_readable(c, off, len)) return true;
    c.violated = 1u;
    return false;
}
#define VYRE_ISO_WRITE(c, i) vyre_iso_write(c, i)
#define VYRE_ISO_READ(c, off, len) vyre_iso_read(c, off, len)
#else
#define VYRE_ISO_WRITE(c, i) true
#define VYRE_ISO_READ(c, off, len) true
#endif

__device__ __forceinline__ u32 vyre_load_control(const VyreCtx& c, u64 i) {
    return i < c.controlWords ? ld_relaxed_gpu(c.control + i) : 0u;
}
// The abort flag of a custom body (docs/PROTOCOL.md, "Custom opcodes"): true once the host asked the interpreter
// to stop (SHUTDOWN, control word 0, non-zero; Session.close() sets it). A body that may loop must poll it and
// return when it is set, or close cannot stop the kernel. A fresh load every call (asm volatile), never hoisted.
__device__ __forceinline__ bool vyre_abort_requested(const VyreCtx& c) {
    return ld_relaxed_gpu(c.control + C_SHUTDOWN) != 0u;
}
__device__ __forceinline__ void vyre_store_control(const VyreCtx& c, u64 i, u32 v) {
    if (i < c.controlWords && VYRE_ISO_WRITE(c, i)) atomicExch(c.control + i, v);
}
__device__ __forceinline__ u32 vyre_atomic_add_control(const VyreCtx& c, u64 i, u32 v) {
    return i < c.controlWords && VYRE_ISO_WRITE(c, i) ? atomicAdd(c.control + i, v) : 0u;
}
// The interpreter's own bookkeeping, never a slot's write, so never subject to the tenant windows of
// isolated mode: DONE_COUNT (the control buffer always has it) and the host's mailbox writes.
__device__ __forceinline__ void vyre_count_done(const VyreCtx& c, u32 n) {
    atomicAdd(c.control + C_DONE_COUNT, n);
}
__device__ __forceinline__ void vyre_host_store_control(const VyreCtx& c, u64 i, u32 v) {
    if (i < c.controlWords) atomicExch(c.control + i, v);
}
__device__ __forceinline__ u32 vyre_cas_control(const VyreCtx& c, u64 i, u32 expected, u32 desired) {
    return i < c.controlWords && VYRE_ISO_WRITE(c, i) ? atomicCAS(c.control + i, expected, desired) : 0u;
}
// Data loads read the device copy of the resident range when the session has one (the host committed
// it: SessionDriver.commitResidentRange), else the data buffer itself. The range and the buffer hold the
// same bytes while the host keeps its contract, so the choice is placement, never semantics.
__device__ __forceinline__ u32 vyre_load_data_byte(const VyreCtx& c, u64 off) {
    if (off >= c.dataBytes || !VYRE_ISO_READ(c, off, 1ull)) return 0u;
    const u64 rel = off - c.residentAt;
    return rel < c.residentBytes ? (u32)c.resident[rel] : (u32)((volatile const unsigned char*)c.data)[off];
}
__device__ __forceinline__ u32 vyre_load_data_word(const VyreCtx& c, u64 word) {
    // whole words only: bytes 4w .. 4w+3 must all lie inside the data buffer
    if (word >= (c.dataBytes >> 2) || !VYRE_ISO_READ(c, word << 2, 4ull)) return 0u;
    // one aligned 4-byte load (the buffer's base is at least 256-byte aligned; the device is little-endian):
    // across PCIe each load is a transaction, and four byte loads were four. The resident range's ends are
    // multiples of 4, so a word lies wholly inside it or wholly outside.
    const u64 rel = (word << 2) - c.residentAt;
    return rel < c.residentBytes ? *(const u32*)(c.resident + rel) : *(const u32*)(c.data + (word << 2));
}
// Argument word i (0..11) of the slot; for a packed inner op, words 0..2 are its arguments and 3..11 read 0.
__device__ __forceinline__ u32 vyre_arg(const VyreCtx& c, u32 i) {
    if (i == 0) return c.a0;
    if (i == 1) return c.a1;
    if (i == 2) return c.a2;
    return i < 12 && c.packed == 0u ? c.payload[i] : 0u;
}

#ifndef VYRE_CUSTOM_DISPATCH
#define VYRE_CUSTOM_DISPATCH(ctx)
#endif
// True for a custom opcode whose body declares itself short (CustomOpcode.SHORT_MARK): the leader may run a lone one
// itself, as it does a lone short built-in opcode.
#ifndef VYRE_CUSTOM_SHORT
#define VYRE_CUSTOM_SHORT(op) false
#endif

// ---- opcode handlers ----

// CRC-32C (Castagnoli, reflected) table.
__device__ const u32 vyre_crc32c_table[256] = {
    0x00000000u, 0xF26B8303u, 0xE13B70F7u, 0x1350F3F4u, 0xC79A971Fu, 0x35F1141Cu, 0x26A1E7E8u, 0xD4CA64EBu,
    0x8AD958CFu, 0x78B2DBCCu, 0x6BE22838u, 0x9989AB3Bu, 0x4D43CFD0u, 0xBF284CD3u, 0xAC78BF27u, 0x5E133C24u,
    0x105EC76Fu, 0xE235446Cu, 0xF165B798u, 0x030E349Bu, 0xD7C45070u, 0x25AFD373u, 0x36FF2087u, 0xC494A384u,
    0x9A879FA0u, 0x68EC1CA3u, 0x7BBCEF57u, 0x89D76C54u, 0x5D1D08BFu, 0xAF768BBCu, 0xBC267848u, 0x4E4DFB4Bu,
    0x20BD8EDEu, 0xD2D60DDDu, 0xC186FE29u, 0x33ED7D2Au, 0xE72719C1u, 0x154C9AC2u, 0x061C6936u, 0xF477EA35u,
    0xAA64D611u, 0x580F5512u, 0x4B5FA6E6u, 0xB93425E5u, 0x6DFE410Eu, 0x9F95C20Du, 0x8CC531F9u, 0x7EAEB2FAu,
    0x30E349B1u, 0xC288CAB2u, 0xD1D83946u, 0x23B3BA45u, 0xF779DEAEu, 0x05125DADu, 0x1642AE59u, 0xE4292D5Au,
    0xBA3A117Eu, 0x4851927Du, 0x5B016189u, 0xA96AE28Au, 0x7DA08661u, 0x8FCB0562u, 0x9C9BF696u, 0x6EF07595u,
    0x417B1DBCu, 0xB3109EBFu, 0xA0406D4Bu, 0x522BEE48u, 0x86E18AA3u, 0x748A09A0u, 0x67DAFA54u, 0x95B17957u,
    0xCBA24573u, 0x39C9C670u, 0x2A993584u, 0xD8F2B687u, 0x0C38D26Cu, 0xFE53516Fu, 0xED03A29Bu, 0x1F682198u,
    0x5125DAD3u, 0xA34E59D0u, 0xB01EAA24u, 0x42752927u, 0x96BF4DCCu, 0x64D4CECFu, 0x77843D3Bu, 0x85EFBE38u,
    0xDBFC821Cu, 0x2997011Fu, 0x3AC7F2EBu, 0xC8AC71E8u, 0x1C661503u, 0xEE0D9600u, 0xFD5D65F4u, 0x0F36E6F7u,
    0x61C69362u, 0x93AD1061u, 0x80FDE395u, 0x72966096u, 0xA65C047Du, 0x5437877Eu, 0x4767748Au, 0xB50CF789u,
    0xEB1FCBADu, 0x197448AEu, 0x0A24BB5Au, 0xF84F3859u, 0x2C855CB2u, 0xDEEEDFB1u, 0xCDBE2C45u, 0x3FD5AF46u,
    0x7198540Du, 0x83F3D70Eu, 0x90A324FAu, 0x62C8A7F9u, 0xB602C312u, 0x44694011u, 0x5739B3E5u, 0xA55230E6u,
    0xFB410CC2u, 0x092A8FC1u, 0x1A7A7C35u, 0xE811FF36u, 0x3CDB9BDDu, 0xCEB018DEu, 0xDDE0EB2Au, 0x2F8B6829u,
    0x82F63B78u, 0x709DB87Bu, 0x63CD4B8Fu, 0x91A6C88Cu, 0x456CAC67u, 0xB7072F64u, 0xA457DC90u, 0x563C5F93u,
    0x082F63B7u, 0xFA44E0B4u, 0xE9141340u, 0x1B7F9043u, 0xCFB5F4A8u, 0x3DDE77ABu, 0x2E8E845Fu, 0xDCE5075Cu,
    0x92A8FC17u, 0x60C37F14u, 0x73938CE0u, 0x81F80FE3u, 0x55326B08u, 0xA759E80Bu, 0xB4091BFFu, 0x466298FCu,
    0x1871A4D8u, 0xEA1A27DBu, 0xF94AD42Fu, 0x0B21572Cu, 0xDFEB33C7u, 0x2D80B0C4u, 0x3ED04330u, 0xCCBBC033u,
    0xA24BB5A6u, 0x502036A5u, 0x4370C551u, 0xB11B4652u, 0x65D122B9u, 0x97BAA1BAu, 0x84EA524Eu, 0x7681D14Du,
    0x2892ED69u, 0xDAF96E6Au, 0xC9A99D9Eu, 0x3BC21E9Du, 0xEF087A76u, 0x1D63F975u, 0x0E330A81u, 0xFC588982u,
    0xB21572C9u, 0x407EF1CAu, 0x532E023Eu, 0xA145813Du, 0x758FE5D6u, 0x87E466D5u, 0x94B49521u, 0x66DF1622u,
    0x38CC2A06u, 0xCAA7A905u, 0xD9F75AF1u, 0x2B9CD9F2u, 0xFF56BD19u, 0x0D3D3E1Au, 0x1E6DCDEEu, 0xEC064EEDu,
    0xC38D26C4u, 0x31E6A5C7u, 0x22B65633u, 0xD0DDD530u, 0x0417B1DBu, 0xF67C32D8u, 0xE52CC12Cu, 0x1747422Fu,
    0x49547E0Bu, 0xBB3FFD08u, 0xA86F0EFCu, 0x5A048DFFu, 0x8ECEE914u, 0x7CA56A17u, 0x6FF599E3u, 0x9D9E1AE0u,
    0xD3D3E1ABu, 0x21B862A8u, 0x32E8915Cu, 0xC083125Fu, 0x144976B4u, 0xE622F5B7u, 0xF5720643u, 0x07198540u,
    0x590AB964u, 0xAB613A67u, 0xB831C993u, 0x4A5A4A90u, 0x9E902E7Bu, 0x6CFBAD78u, 0x7FAB5E8Cu, 0x8DC0DD8Fu,
    0xE330A81Au, 0x115B2B19u, 0x020BD8EDu, 0xF0605BEEu, 0x24AA3F05u, 0xD6C1BC06u, 0xC5914FF2u, 0x37FACCF1u,
    0x69E9F0D5u, 0x9B8273D6u, 0x88D28022u, 0x7AB90321u, 0xAE7367CAu, 0x5C18E4C9u, 0x4F48173Du, 0xBD23943Eu,
    0xF36E6F75u, 0x0105EC76u, 0x12551F82u, 0xE03E9C81u, 0x34F4F86Au, 0xC69F7B69u, 0xD5CF889Du, 0x27A40B9Eu,
    0x79B737BAu, 0x8BDCB4B9u, 0x988C474Du, 0x6AE7C44Eu, 0xBE2DA0A5u, 0x4C4623A6u, 0x5F16D052u, 0xAD7D5351u,
};

// CRC32C: C[160 + a2] = crc32c(B[a0 .. min(a0 + a1, dataBytes))). The data buffer may be mapped host
// memory across PCIe, so the executing lane keeps 32 16-byte loads in flight (512 bytes per round
// trip) before folding them into the CRC.
#define VYRE_CRC_BLOCK 512ull
__device__ __forceinline__ u32 vyre_crc32c_word(u32 crc, u32 word) {
#pragma unroll
    for (int b = 0; b < 4; ++b) crc = vyre_crc32c_table[(crc ^ (word >> (8 * b))) & 0xFFu] ^ (crc >> 8);
    return crc;
}
// Standard CRC-32C (initial value and final xor 0xFFFFFFFF) of data[begin .. end).
__device__ __noinline__ u32 vyre_crc32c_range(const unsigned char* data, u64 begin, u64 end) {
    u32 crc = 0xFFFFFFFFu;
    u64 at = begin;
    while (at < end && (at & 15ull) != 0ull) {
        crc = vyre_crc32c_table[(crc ^ data[at]) & 0xFFu] ^ (crc >> 8);
        ++at;
    }
    while (at + VYRE_CRC_BLOCK <= end) {
        uint4 v[32];
#pragma unroll
        for (int k = 0; k < 32; ++k) {
            const u32* p = (const u32*)(data + at + 16ull * k);
            asm volatile("ld.volatile.global.v4.u32 {%0, %1, %2, %3}, [%4];"
                         : "=r"(v[k].x), "=r"(v[k].y), "=r"(v[k].z), "=r"(v[k].w)
                         : "l"(p));
        }
#pragma unroll
        for (int k = 0; k < 32; ++k) {
            crc = vyre_crc32c_word(crc, v[k].x);
            crc = vyre_crc32c_word(crc, v[k].y);
            crc = vyre_crc32c_word(crc, v[k].z);
            crc = vyre_crc32c_word(crc, v[k].w);
        }
        at += VYRE_CRC_BLOCK;
    }
    while (at < end) {
        crc = vyre_crc32c_table[(crc ^ data[at]) & 0xFFu] ^ (crc >> 8);
        ++at;
    }
    return crc ^ 0xFFFFFFFFu;
}

// GF(2) arithmetic modulo the reflected Castagnoli polynomial: bit 31 is x^0.
__device__ u32 vyre_gf2_mul(u32 a, u32 b) {
    u32 product = 0u;
    for (int i = 0; i < 32; ++i) {
        if (a & (0x80000000u >> i)) product ^= b;
        b = (b & 1u) ? (b >> 1) ^ 0x82F63B78u : b >> 1;
    }
    return product;
}

// x^(8 * bytes) modulo the polynomial, by square-and-multiply.
__device__ u32 vyre_gf2_shift_bytes(u64 bytes) {
    u32 result = 0x80000000u;  // 1
    u32 power = 0x00800000u;   // x^8
    while (bytes != 0ull) {
        if (bytes & 1ull) result = vyre_gf2_mul(result, power);
        power = vyre_gf2_mul(power, power);
        bytes >>= 1;
    }
    return result;
}

// CRC32C: C[160 + a2] = crc32c(B[a0 .. min(a0 + a1, dataBytes))). One lane; the data buffer may be
// mapped host memory across PCIe, so the lane keeps 512 bytes of loads in flight.
__device__ void vyre_crc32c(const VyreCtx& c) {
    u64 begin = c.a0;
    u64 end = begin + (u64)c.a1;
    if (end > c.dataBytes) end = c.dataBytes;
    const u32 crc = begin < end ? vyre_crc32c_range(c.data, begin, end) : 0u;
    vyre_store_control(c, C_OBSERVABLE_BASE + c.a2, crc);
}

// The same CRC32C computed by a whole warp: lane i checksums the i-th of 32 equal segments, then
// lane 0 joins them in order with crc(A || B) = crc(A) * x^(8 |B|) + crc(B) (mod P). Every lane of
// the warp must call it with the same arguments.
__device__ void vyre_warp_crc32c(const VyreCtx& c, u32 a0, u32 a1, u32 a2) {
    const u32 lane = threadIdx.x & 31u;
    const u64 begin = a0;
    u64 end = begin + (u64)a1;
    if (end > c.dataBytes) end = c.dataBytes;
    const u64 length = begin < end ? end - begin : 0ull;
    const u64 segment = (length + 31ull) / 32ull;
    u64 from = begin + segment * lane;
    u64 to = from + segment;
    if (from > begin + length) from = begin + length;
    if (to > begin + length) to = begin + length;
    const u32 part = from < to ? vyre_crc32c_range(c.data, from, to) : 0u;
    u32 total = 0u;
    for (int i = 0; i < 32; ++i) {
        const u32 crc = __shfl_sync(VYRE_FULL_MASK, part, i);
        const u64 bytes = __shfl_sync(VYRE_FULL_MASK, to - from, i);
        if (lane == 0u) total = i == 0 ? crc : vyre_gf2_mul(vyre_gf2_shift_bytes(bytes), total) ^ crc;
    }
    // the slot's own destination, checked against its tenant's window before the CRC was deferred (isolated
    // mode): lane 0's context belongs to another slot, so the store bypasses the window check
    const u64 dst = C_OBSERVABLE_BASE + (u64)a2;
    if (lane == 0u && dst < c.controlWords) atomicExch(c.control + dst, length == 0ull ? 0u : total);
}

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

#ifdef VYRE_ISOLATION
// Do all of the built-in's writes of in-range control words and reads of in-range data bytes lie inside the
// tenant's windows? Checked before the built-in runs, so a violating built-in writes nothing.
__device__ bool vyre_builtin_allowed(const VyreCtx& c) {
    const u32 op = c.opcode;
    const u64 a0 = c.a0, a1 = c.a1, a2 = c.a2;
    switch (op) {
        case OP_STORE_U32:
        case OP_ATOMIC_ADD: return vyre_iso_writable(c, a1);
        case OP_LOAD_U32: return vyre_iso_writable(c, C_OBSERVABLE_BASE + a1);
        case OP_COMPARE_SWAP: return vyre_iso_writable(c, a0) && vyre_iso_writable(c, C_OBSERVABLE_BASE + a0);
        case OP_MEMCPY: {
            const u64 end = a1 + a2 < c.controlWords ? a1 + a2 : c.controlWords;
            return a1 >= end || (vyre_iso_writable(c, a1) && vyre_iso_writable(c, end - 1ull));
        }
        case OP_DFA_STEP:
            return vyre_iso_writable(c, C_OBSERVABLE_BASE + a2)
                    && vyre_iso_readable(c, (a0 * 256ull + (a1 & 0xFFull)) * 4ull, 4ull);
        case OP_BATCH_FENCE: return vyre_iso_writable(c, C_EPOCH) && vyre_iso_writable(c, C_OBSERVABLE_BASE);
        case OP_CRC32C: {
            const u64 end = a0 + a1 < c.dataBytes ? a0 + a1 : c.dataBytes;
            return vyre_iso_writable(c, C_OBSERVABLE_BASE + a2) && (a0 >= end || vyre_iso_readable(c, a0, end - a0));
        }
        case OP_SHUTDOWN: return vyre_iso_writable(c, C_SHUTDOWN);
        default: return true;
    }
}
#endif

// Metric + built-in + custom handlers for one (possibly packed inner) opcode.
__device__ void vyre_dispatch(VyreCtx& c) {
    const u32 op = c.opcode;
    // the metric is the interpreter's own bookkeeping (control is at least 160 words), never the slot's write
    if (op < 32u) atomicAdd(c.control + C_METRICS_BASE + op, 1u);
#ifdef VYRE_ISOLATION
    if (!vyre_builtin_allowed(c)) {
        c.violated = 1u;
        return;
    }
#endif
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
        case OP_CRC32C:
            if (c.warpCrc) {
                c.crcPending = true;
                c.crcA0 = c.a0;
                c.crcA1 = c.a1;
                c.crcA2 = c.a2;
            } else {
                vyre_crc32c(c);
            }
            break;
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
        c.packed = 1u;
        vyre_dispatch(c);
        c.packed = 0u;
        if (c.violated != 0u) return;  // isolated mode: the violating op ends the slot
    }
}

// LOAD_MISS, one pass: every buffer is device memory and no host runs during the pass, so lanes
// reserve by CAS on the status word itself; nobody can complete the request, so the bounded wait ends
// in the take-back. Returns VYRE_DONE or VYRE_FAULT.
__device__ u32 vyre_load_miss_shared(const VyreCtx& c) {
    const u64 deadline = now_ns() + c.ioTimeoutNs;
    u32* q = 0;
    while (q == 0) {
        for (u64 i = 0; i < c.ioSlots; ++i) {
            u32* candidate = c.ioQueue + i * 8ull;
            if (atomicCAS(candidate + 6, VYRE_EMPTY, VYRE_WAIT_IO) == VYRE_EMPTY) {
                q = candidate;
                break;
            }
        }
        if (q == 0) {
            if (now_ns() > deadline) return VYRE_FAULT;
            vyre_sleep(1000);
        }
    }
    q[0] = 1u;  // READ
    q[1] = c.a0;
    q[2] = c.a0;
    q[3] = 0u;
    q[4] = 0u;
    q[5] = 0u;
    q[7] = c.a0;
    __threadfence();
    atomicExch(q + 6, VYRE_PUBLISHED);
    while (true) {
        u32 s = atomicAdd(q + 6, 0u);
        if (s == VYRE_IO_OK || s == VYRE_IO_ERROR) {
            atomicExch(q + 6, VYRE_EMPTY);
            return s == VYRE_IO_OK ? VYRE_DONE : VYRE_FAULT;
        }
        if (now_ns() > deadline) {
            if (atomicCAS(q + 6, VYRE_PUBLISHED, VYRE_EMPTY) == VYRE_PUBLISHED
                    || atomicCAS(q + 6, VYRE_CLAIMED, VYRE_EMPTY) == VYRE_CLAIMED) {
                return VYRE_FAULT;
            }
            continue;  // completed meanwhile: take the completion on the next read
        }
        vyre_sleep(256);
    }
}

// LOAD_MISS, persistent: the split-ownership handshake of docs/PROTOCOL.md ("IO queue without shared
// atomics"). The IO queue and the link block are mapped host memory, and this GPU's atomics there are
// not atomic against the host's, so no word there is read-modify-written by both sides:
//   - lanes reserve IO slot q among themselves in device memory (ioDev[q], device-scope CAS);
//   - the lane alone writes the IO queue (WAIT_IO, the request, PUBLISHED, EMPTY) and the link's
//     SEQUENCE and ACCEPTED words, with plain system-scope stores;
//   - the host alone writes COMPLETION[q] = sequence << 1 | ok;
//   - the lane alone decides: it accepts a completion carrying its sequence, or, at the deadline, takes
//     the request back; a completion that arrives later carries a stale sequence and is never read.
// Returns VYRE_DONE or VYRE_FAULT.
__device__ u32 vyre_load_miss_linked(const VyreCtx& c) {
    const u64 deadline = now_ns() + c.ioTimeoutNs;
    u64 slot = c.ioSlots;
    while (slot == c.ioSlots) {
        for (u64 i = 0; i < c.ioSlots; ++i) {
            if (atomicCAS(c.ioDev + i, 0u, 1u) == 0u) {
                slot = i;
                break;
            }
        }
        if (slot == c.ioSlots) {
            if (now_ns() > deadline) return VYRE_FAULT;
            vyre_sleep(1000);
        }
    }
    __threadfence();  // the reservation is held before anything the previous holder wrote is overwritten
    u32* sequenceDev = c.ioDev + IO_DEV_SEQUENCE + slot;
    // at L2 (the previous holder may have run on another SM): a stale L1 copy would repeat a sequence
    u32 sequence = (ld_relaxed_gpu(sequenceDev) + 1u) & IO_SEQUENCE_MASK;
    if (sequence == 0u) sequence = 1u;
    asm volatile("st.relaxed.gpu.global.u32 [%0], %1;" ::"l"(sequenceDev), "r"(sequence) : "memory");
    u32* q = c.ioQueue + slot * 8ull;
    st_relaxed_sys(q + 6, VYRE_WAIT_IO);
    __threadfence_system();  // a host that reads the new request words has seen WAIT_IO (its seqlock)
    st_relaxed_sys(q + 0, 1u);  // READ
    st_relaxed_sys(q + 1, c.a0);
    st_relaxed_sys(q + 2, c.a0);
    st_relaxed_sys(q + 3, 0u);
    st_relaxed_sys(q + 4, 0u);
    st_relaxed_sys(q + 5, 0u);
    st_relaxed_sys(q + 7, c.a0);
    st_relaxed_sys(c.ioLink + IO_SEQUENCE_BASE + slot, sequence);
    st_release_sys(q + 6, VYRE_PUBLISHED);
    const u32* completion = c.ioLink + IO_COMPLETION_BASE + slot;
    u32 result;
    while (true) {
        const u32 word = ld_acquire_sys(completion);
        if ((word >> 1) == sequence) {
            // accepted: ACCEPTED before EMPTY, so a host that sees the request over sees the verdict
            st_relaxed_sys(c.ioLink + IO_ACCEPTED_BASE + slot, sequence);
            result = (word & 1u) != 0u ? VYRE_DONE : VYRE_FAULT;
            break;
        }
        if (now_ns() > deadline) {
            result = VYRE_FAULT;  // taken back: the last read above saw no completion for this sequence
            break;
        }
        vyre_sleep(256);
    }
    st_release_sys(q + 6, VYRE_EMPTY);
    __threadfence_system();
    atomicExch(c.ioDev + slot, 0u);  // device-scope: the slot may be reserved again
    return result;
}

__device__ __forceinline__ u32 vyre_load_miss(const VyreCtx& c) {
    return c.ioLink != 0 ? vyre_load_miss_linked(c) : vyre_load_miss_shared(c);
}

// Executes a claimed slot whose 16 words are in w. Returns VYRE_DONE or VYRE_FAULT.
__device__ u32 vyre_execute(VyreCtx& c, const u32* w) {
    c.opcode = w[1];
    c.tenant = w[2];
    c.a0 = w[4];
    c.a1 = w[5];
    c.a2 = w[6];
    c.payload = w + 4;
    c.packed = 0u;
    c.violated = 0u;
    u32 result = VYRE_DONE;
    if (c.opcode == OP_PACKED_SLOT) {
        vyre_packed(c);
    } else {
        if (c.opcode == OP_LOAD_MISS) result = vyre_load_miss(c);
        if (result == VYRE_DONE) vyre_dispatch(c);
    }
#ifdef VYRE_ISOLATION
    if (c.violated != 0u) {
        // a violating slot ends in FAULT and is counted for its tenant (below 32: it passed authorisation)
        atomicAdd(c.iso + c.tenant, 1u);
        return VYRE_FAULT;
    }
#endif
    return result;
}

__device__ __forceinline__ bool vyre_authorised(const VyreCtx& c, u32 tenant) {
    // Both loads in flight at once: the table pointer is almost always the encoder's 3.
    const u32 base = vyre_load_control(c, C_TENANT_BASE);
    const u32 guess = tenant < 29u ? vyre_load_control(c, 3ull + tenant) : 0u;
    const u64 index = (u64)base + (u64)tenant;
    if (index >= C_TENANT_TABLE_END) return false;
    return (base == 3u ? guess : vyre_load_control(c, index)) != 0u;
}

__device__ __forceinline__ VyreCtx vyre_context(const VyreArgs* A) {
    VyreCtx c;
    c.control = (u32*)A->control;
    c.controlWords = A->controlWords;
    c.debugLog = (u32*)A->debugLog;
    c.debugWords = A->debugWords;
    c.ioQueue = (u32*)A->ioQueue;
    c.ioSlots = A->ioSlots;
    c.ioLink = (u32*)A->ioLink;
    c.ioDev = (u32*)A->ioDev;
    c.data = (const unsigned char*)A->data;
    c.dataBytes = A->dataBytes;
    c.resident = (const unsigned char*)A->resident;
    c.residentAt = A->residentAt;
    c.residentBytes = A->residentBytes;
    c.ioTimeoutNs = A->ioTimeoutNs;
    c.slot = 0;
    c.tenant = 0;
    c.opcode = 0;
    c.a0 = c.a1 = c.a2 = 0;
    c.packed = 0u;
    c.payload = 0;
    c.warpCrc = false;
    c.crcPending = false;
    c.crcA0 = c.crcA1 = c.crcA2 = 0u;
    c.iso = (u32*)A->isolation;
    c.violated = 0u;
    c.claimedAt = 0ull;
#ifdef VYRE_ISOLATION
    c.isoAdmin = c.iso[ISO_ADMIN];
#else
    c.isoAdmin = 0xFFFFFFFFu;
#endif
    return c;
}

// ---- one pass ----

extern "C" __global__ void vyre_once(const VyreArgs* args) {
    const VyreArgs local = *args;
    const VyreArgs* A = &local;
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
    if (result == VYRE_DONE) vyre_count_done(c, 1u);
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

// True when this lane's claimed entry e names a slot of the ring whose words must be read from it.
__device__ __forceinline__ bool vyre_reads_slot(const VyreArgs* A, const u32* e) {
    return (e[3] & VYRE_ENTRY_READ_SLOT) != 0u && (u64)e[1] < A->slotCount;
}

// The whole warp reads the ring slots of the lanes in `readers` (bit j: lane j's slot, e[1] of lane j)
// and returns this lane's 16 words in w. Four lanes read one 64-byte slot, so each of the four warp
// loads reads eight whole slots (one 64-byte PCIe read each) where one lane per slot would read a
// 16-byte quarter of 32 slots per load, each quarter its own 32-byte sector request (twice the bytes
// across PCIe, four requests per slot). The quarters then move to their lanes by shuffles.
__device__ __forceinline__ void vyre_read_slots_coalesced(const VyreArgs* A, u32 readers, u32 slot, u32* w) {
    const u32 lane = threadIdx.x & 31u;
    uint4 part[4];
#pragma unroll
    for (u32 q = 0; q < 4u; ++q) {
        const u32 j = 8u * q + (lane >> 2);  // the lane whose slot this lane reads a quarter of
        const u32 sj = __shfl_sync(VYRE_FULL_MASK, slot, (int)j);
        part[q] = make_uint4(0u, 0u, 0u, 0u);
        if ((readers >> j) & 1u) {
            const u32* p = (const u32*)A->ring + (u64)sj * 16ull + 4u * (lane & 3u);
            asm volatile("ld.volatile.global.v4.u32 {%0, %1, %2, %3}, [%4];"
                         : "=r"(part[q].x), "=r"(part[q].y), "=r"(part[q].z), "=r"(part[q].w)
                         : "l"(p)
                         : "memory");
        }
    }
    // Quarter r of this lane's slot is part[lane >> 3] of lane 4 * (lane & 7) + r.
    const u32 mine = lane >> 3;
#pragma unroll
    for (u32 r = 0; r < 4u; ++r) {
        const int src = (int)(4u * (lane & 7u) + r);
#pragma unroll
        for (u32 q = 0; q < 4u; ++q) {
            const u32 x = __shfl_sync(VYRE_FULL_MASK, part[q].x, src);
            const u32 y = __shfl_sync(VYRE_FULL_MASK, part[q].y, src);
            const u32 z = __shfl_sync(VYRE_FULL_MASK, part[q].z, src);
            const u32 v = __shfl_sync(VYRE_FULL_MASK, part[q].w, src);
            if (mine == q) {
                w[4 * r] = x;
                w[4 * r + 1] = y;
                w[4 * r + 2] = z;
                w[4 * r + 3] = v;
            }
        }
    }
}

// Runs the publication an entry announces, at most once per (slot, generation): the per-slot
// generation CAS in device memory replaces a claim CAS on the ring, which lives across PCIe.
// `read` holds the slot's 16 words already read from the ring (the workers read them warp-wide),
// or is null: the entry's slot is read here when the entry says so.
// `early` (the leader's lone-slot run only, so at most one thread ever holds a generation it may give back):
// the generation CAS goes out with the tenant loads instead of after them.
// Returns 0 when nothing ran (stale or repeated entry, slot not PUBLISHED, or an unauthorised
// tenant: the slot stays PUBLISHED), else VYRE_DONE / VYRE_FAULT.
__device__ u32 vyre_run_entry(const VyreArgs* A, VyreCtx& c, const u32* e, const u32* read, bool early) {
    const u32 slot = e[1];
    const u32 generation = e[2];
    if ((u64)slot >= A->slotCount) return 0;
    u32* s = (u32*)A->ring + (u64)slot * 16ull;
    u32 w[16];
    if (e[3] & VYRE_ENTRY_READ_SLOT) {
        if (read != nullptr) {
#pragma unroll
            for (int i = 0; i < 16; ++i) w[i] = read[i];
        } else {
            vyre_read_slot(s, w);
        }
        if (w[0] != VYRE_PUBLISHED) return 0;
    } else {
        w[0] = VYRE_PUBLISHED;
        w[1] = e[5];
        w[2] = e[6];
        w[3] = 2u;
        w[4] = e[7];
        w[5] = e[9];
        w[6] = e[10];
        w[7] = e[11];
#pragma unroll
        for (int i = 8; i < 16; ++i) w[i] = 0u;
    }
    u32* executed = (u32*)A->executed + slot;
    u32 seen = generation - 1u;  // the usual case: the previous publication ran
    bool taken = false;
    if (early) {
        // The generation CAS and the tenant loads in flight together: one L2 round trip instead of two before
        // the slot runs (p50 3.45-3.53 against 3.64-3.86 us on the H100, docs/PERFORMANCE.md, session 15). An
        // unauthorised tenant gives the generation back, so the slot stays PUBLISHED. An entry of the same
        // publication that a worker took meanwhile (a re-announcement after a control write) found it held and
        // was dropped; so the tenant is read again after the give-back, and if it is authorised by now the slot
        // runs here, as that entry would have run it.
        const u32 prev = atomicCAS(executed, seen, generation);
        bool authorised = vyre_authorised(c, w[2]);
        if (!authorised && prev == seen) {
            atomicCAS(executed, generation, seen);
            __threadfence();
            authorised = vyre_authorised(c, w[2]);
        } else if (authorised) {
            taken = prev == seen;
            seen = prev;
        }
        if (!authorised) return 0;
    } else {
        if (!vyre_authorised(c, w[2])) return 0;
    }
    while (!taken) {
        if ((int)(generation - seen) <= 0) return 0;
        const u32 prev = atomicCAS(executed, seen, generation);
        taken = prev == seen;
        seen = prev;
    }
    if (A->variant & VYRE_VARIANT_TRACE) c.claimedAt = now_ns();
    if ((A->variant & VYRE_VARIANT_NO_CLAIMED_STORE) == 0ull) st_relaxed_sys(s, VYRE_CLAIMED);
    c.slot = slot;
    return vyre_execute(c, w);
}

// Publishes the final status after every effect of the slot and DONE_COUNT. The effects live in
// device memory (control, debug log), performed at L2; the host reads them only through copies it
// issues after seeing DONE, which the copy engine serves from that L2, so a GPU-scope fence before
// the system-scope store suffices (measured 0.35 us faster per slot than a system-scope release,
// which VYRE_VARIANT_SYS_RELEASE_DONE restores). Host-memory effects (IO queue) carry their own
// release/acquire, and CLAIMED precedes DONE at the same address.
__device__ __forceinline__ void vyre_finish(const VyreArgs* A, const u32* e, u32 result) {
    u32* status = (u32*)A->ring + (u64)e[1] * 16ull;
    if (A->variant & VYRE_VARIANT_SYS_RELEASE_DONE) {
        st_release_sys(status, result);
        return;
    }
    if (A->variant & VYRE_VARIANT_SC_FENCE_DONE) {
        __threadfence();  // fence.sc.gpu
    } else {
        asm volatile("fence.acq_rel.gpu;" ::: "memory");  // a release pattern: no total order of fences is needed
    }
    st_relaxed_sys(status, result);
}

__device__ __forceinline__ void vyre_load_quad(const u32* p, u32* out) {
    asm volatile("ld.relaxed.sys.global.v4.u32 {%0, %1, %2, %3}, [%4];"
                 : "=r"(out[0]), "=r"(out[1]), "=r"(out[2]), "=r"(out[3])
                 : "l"(p)
                 : "memory");
}

// Word offset of queue q's tail line in the link block (its consumed word is 16 words later).
__device__ __forceinline__ u32 vyre_tail_line_word(u32 q) {
    return q == 0u ? (u32)L_TAIL_LINE : (u32)L_QUEUE_BASE + 32u * q;
}

// Leader warp: polls every queue's tail line, hands submissions to the worker warps through device
// memory (or runs a lone one itself when the workers have no backlog), applies host control writes,
// and mirrors DONE_COUNT and a heartbeat into the link block.
__device__ void vyre_leader(const VyreArgs* A, VyreCtx& c) {
    const u32 lane = threadIdx.x & 31u;
    u32* link = (u32*)A->link;
    const u64* sqBase = (const u64*)A->sq;
    u32* devSq = (u32*)A->devSq;
    u64* cursor = (u64*)A->devCursor;
    const u64 mask = A->sqMask;
    const u32 queues = A->queues == 0ull ? 1u : (A->queues > VYRE_MAX_QUEUES ? VYRE_MAX_QUEUES : (u32)A->queues);
    u64 seenOf[VYRE_MAX_QUEUES];  // per queue: submissions handed on so far
#pragma unroll
    for (u32 q = 0; q < VYRE_MAX_QUEUES; ++q) seenOf[q] = 0ull;
    u64 handed = 0;      // device-queue entries handed to the workers (cursor[0])
    u64 claimedSeen = 0; // last read of cursor[1]: entries the workers have taken (only grows)
    u32 heartbeat = 0;
    u32 lastMail = 0;
    u64 traceRuns = 0, traceRunNs = 0, traceReachNs = 0, tracePollNs = 0;
    u64 traceClaimNs = 0, traceExecNs = 0, traceDoneNs = 0;
    // Lanes 4q..4q+3 read queue q's tail line as four 16-byte pairs in one warp instruction, which the memory
    // system turns into one 64-byte read per line, all in flight together (four separate strong loads from one lane
    // were measured at 3.3 us; they do not overlap). The lines are in device memory the host writes through BAR1
    // when A->tail is set (each poll an L2 read), else in the link block (each poll a PCIe read); their consumed
    // words stay in the link block either way.
    const bool reader = lane < 4u * queues;
    const u32* tailBase = A->tail != 0ull ? (const u32*)A->tail : link;
    const u32* tailPart = tailBase + vyre_tail_line_word(lane >> 2) + 4u * (lane & 3u);
    // The mailbox (host control writes) is a PCIe read with acquire: every 8 loops of PCIe polls, every 64 of L2 polls.
    const u32 mailMask = (A->variant & VYRE_VARIANT_RARE_MAIL) != 0ull ? 1023u : (A->tail != 0ull ? 63u : 7u);
    while (true) {
        const u32 stop = vyre_load_control(c, C_SHUTDOWN);
        u64 polled = 0;
        const bool tracing = (A->variant & VYRE_VARIANT_TRACE) != 0ull;
        const u64 pollStart = tracing ? now_ns() : 0ull;
        u64 pair0 = 0ull, pair1 = 0ull;
        if (reader) {
            asm volatile("ld.relaxed.sys.global.v2.u64 {%0, %1}, [%2];" : "=l"(pair0), "=l"(pair1) : "l"(tailPart) : "memory");
        }
        if (lane == 0 && (heartbeat & mailMask) == 0u) {
            u32 mail = ld_acquire_sys(link + L_MAIL_SEQ);
            if (mail != lastMail) {
                u32 w = ld_relaxed_sys(link + L_MAIL_WORD);
                u32 value = ld_relaxed_sys(link + L_MAIL_VALUE);
                vyre_host_store_control(c, w, value);
                __threadfence_system();
                st_release_sys(link + L_MAIL_ACK, mail);
                lastMail = mail;
            }
        }
        if (tracing) {
            polled = now_ns();
            tracePollNs += polled - pollStart;
        }
        // Queue by queue: a lone whole short submission runs here when nothing is pending; a whole
        // line is copied as the entry; everything else becomes a job whose array entries are read
        // below, all jobs' reads in flight together (one PCIe round trip for up to 256 entries).
        // Device positions follow in queue order; the workers see them at one release of cursor[0].
        u64 released = handed;  // cursor[0]: entries the workers can see
        u32 advanced = 0u;  // bit q: queue q's consumed word moves at the release
        u32 jobs = 0u;
        u32 jobQueue[VYRE_MAX_QUEUES];
        u64 jobFrom[VYRE_MAX_QUEUES], jobEnd[VYRE_MAX_QUEUES];
        for (u32 q = 0; q < queues; ++q) {
            const u64 seen = seenOf[q];
            // A line whose tag has not moved (every idle queue, every loop) costs one shuffle: the tag is the high
            // half of word 0, lane 4q's first pair. Only a moved line is unpacked (16 shuffles, the entry built).
            const u64 head = __shfl_sync(VYRE_FULL_MASK, pair0, (int)(4u * q));
            if ((u32)(head >> 32) == (u32)seen && (A->variant & VYRE_VARIANT_UNPACK_ALL) == 0ull) continue;
            u64 word[8];
#pragma unroll
            for (int i = 0; i < 4; ++i) {
                word[2 * i] = __shfl_sync(VYRE_FULL_MASK, pair0, (int)(4u * q) + i);
                word[2 * i + 1] = __shfl_sync(VYRE_FULL_MASK, pair1, (int)(4u * q) + i);
            }
            const u32 lineTag = (u32)(word[0] >> 32);
            bool agree = true;
#pragma unroll
            for (int i = 1; i < 8; ++i) agree = agree && (u32)(word[i] >> 32) == lineTag;
            // device-entry layout: [-, slot, generation, flags] [-, opcode, tenant, arg0] [-, arg1, arg2, arg3]
            u32 line[VYRE_ENTRY_WORDS] = {lineTag, (u32)word[0], (u32)word[1], (u32)word[2],
                                          lineTag, (u32)word[3], (u32)word[4], (u32)word[5],
                                          lineTag, (u32)word[6], (u32)word[7], 0u};
            // Never trust a tag behind what was already taken (a stale read) or one the host cannot
            // have reached (it waits for room in the array).
            u32 ahead = lineTag - (u32)seen;
            if (ahead > (u32)(mask + 1ull)) ahead = 0u;
            u64 count = (u64)ahead;
            if (count == 0ull) continue;
            // Room in the device queue: entries handed but not yet taken by the workers stay intact.
            if (handed + count - claimedSeen > mask + 1ull) {
                claimedSeen = __shfl_sync(VYRE_FULL_MASK, lane == 0 ? ld_relaxed_gpu64(cursor + 1) : 0ull, 0);
                const u64 room = mask + 1ull - (handed - claimedSeen);
                if (count > room) count = room;
                if (count == 0ull) continue;
            }
            const u64 tail = seen + count;
            const bool whole = agree && count == (u64)ahead && (A->variant & VYRE_VARIANT_ARRAY_ONLY) == 0ull;
            // Work that can take long (CRC32C over a range, LOAD_MISS, custom opcodes not declared short, slots
            // read from the ring, long MEMCPYs) goes to the workers so the leader keeps polling.
            const u32 op = line[5];
            const bool shortOp = (line[3] & VYRE_ENTRY_READ_SLOT) == 0u
                    && (op <= OP_BATCH_FENCE || op == OP_PRINTF || op == OP_SHUTDOWN || VYRE_CUSTOM_SHORT(op))
                    && (op != OP_MEMCPY || line[10] <= 64u);
            // A lone entry runs here once the workers have taken every entry, without a device position: the
            // workers claim only below cursor[0], which is `handed` here (nothing handed yet in this loop), so
            // once cursor[1] is seen at `handed` it cannot move, and the entry runs with no atomic before it
            // (p50 3.60-3.73 against 3.84-3.97 us on the H100). VYRE_VARIANT_INLINE_CAS takes a position for it
            // by a CAS of cursor[1] first, an L2 round trip before the slot runs (the earlier way).
            const bool casInline = (A->variant & VYRE_VARIANT_INLINE_CAS) != 0ull;
            bool runHere = false;
            if (count == 1ull && whole && shortOp && handed == released
                    && (A->variant & VYRE_VARIANT_NO_INLINE) == 0ull) {
                if (casInline) {
                    if (lane == 0) runHere = atomicCAS(cursor + 1, handed, handed + 1ull) == handed;
                } else {
                    if (claimedSeen != handed) {
                        claimedSeen = __shfl_sync(VYRE_FULL_MASK, lane == 0 ? ld_relaxed_gpu64(cursor + 1) : 0ull, 0);
                    }
                    runHere = claimedSeen == handed;
                }
            }
            runHere = __shfl_sync(VYRE_FULL_MASK, runHere, 0);
            if (runHere) {
                if (lane == 0) {
                    if (casInline) {
                        asm volatile("st.relaxed.gpu.global.u64 [%0], %1;" ::"l"(cursor), "l"(handed + 1ull) : "memory");
                    }
                    const u64 t0 = tracing ? now_ns() : 0ull;
                    if (tracing) c.claimedAt = t0;
                    u32 result = vyre_run_entry(A, c, line, nullptr, (A->variant & VYRE_VARIANT_LATE_CLAIM) == 0ull);
                    const u64 ranAt = tracing ? now_ns() : 0ull;
                    if (result == VYRE_DONE) vyre_count_done(c, 1u);
                    if (result != 0u) vyre_finish(A, line, result);
                    const u64 doneStored = tracing ? now_ns() : 0ull;
                    st_relaxed_sys64((u64*)(link + vyre_tail_line_word(q) + 16u), tail);
                    if (tracing) {
                        const u64 t1 = now_ns();
                        traceRuns += 1ull;
                        traceRunNs += t1 - t0;
                        traceReachNs += t0 - polled;
                        traceClaimNs += c.claimedAt - t0;
                        traceExecNs += ranAt - t0;
                        traceDoneNs += doneStored - t0;
                        u64* trace = (u64*)(link + L_TRACE);
                        st_relaxed_sys64(trace, traceRuns);
                        st_relaxed_sys64(trace + 1, traceRunNs);
                        st_relaxed_sys64(trace + 2, traceReachNs);
                        u64* parts = (u64*)(link + L_TRACE_PARTS);
                        st_relaxed_sys64(parts, traceClaimNs);
                        st_relaxed_sys64(parts + 1, traceExecNs);
                        st_relaxed_sys64(parts + 2, traceDoneNs);
                    }
                }
                if (casInline) {
                    claimedSeen = handed + 1ull;  // the CAS took every entry below it
                    handed += 1ull;
                }
                seenOf[q] = tail;
                released = handed;  // cursor[0] is there already: a later queue may run inline too
                __syncwarp();
                continue;
            }
            if (count == 1ull && whole && (line[1] >> VYRE_RUN_SHIFT) == 0u) {
                // the tail line is the submission (one slot): fields included
                if (lane == 0) {
                    uint4* dst = (uint4*)(devSq + (handed & mask) * VYRE_ENTRY_WORDS);
                    dst[0] = make_uint4(line[0], line[1], line[2], line[3]);
                    dst[1] = make_uint4(line[4], line[5], line[6], line[7]);
                    dst[2] = make_uint4(line[8], line[9], line[10], line[11]);
                }
                advanced |= 1u << q;
                handed += 1ull;
                seenOf[q] = tail;
            } else {
                // array entries (runs of slots): read and expanded below, after every queue's line
                jobQueue[jobs] = q;
                jobFrom[jobs] = seen;
                jobEnd[jobs] = tail;
                ++jobs;
            }
        }
        if (jobs != 0u) {
            // Every job's array entries in one stream (job order), up to 256 loads in flight per round trip.
            // Each entry is a run of slots; a warp scan gives each run its device positions, and the whole
            // warp writes the runs' device entries. Runs that do not fit the device queue stay for the next
            // loop: a prefix of the stream is taken, and each queue's seen count moves over its part of it.
            __threadfence_system();  // the array reads come after the tail line reads
            u64 total = 0ull;
            for (u32 j = 0; j < jobs; ++j) total += jobEnd[j] - jobFrom[j];
            u64 taken = total;
            for (u64 base = 0ull; base < total && taken == total; base += 256ull) {
                u64 v[8];
#pragma unroll
                for (int k = 0; k < 8; ++k) {
                    u64 g = base + (u64)k * 32ull + lane;
                    v[k] = 0ull;
                    if (g < total) {
                        u32 j = 0;
                        while (g >= jobEnd[j] - jobFrom[j]) {
                            g -= jobEnd[j] - jobFrom[j];
                            ++j;
                        }
                        const u64* sq = sqBase + (u64)jobQueue[j] * (mask + 1ull);
                        asm volatile("ld.relaxed.sys.global.u64 %0, [%1];" : "=l"(v[k]) : "l"(sq + ((jobFrom[j] + g) & mask)) : "memory");
                    }
                }
                for (int k = 0; k < 8; ++k) {
                    const u64 first = base + (u64)k * 32ull;
                    if (first >= total) break;
                    const bool valid = first + lane < total;
                    const u64 e = v[k];
                    const u32 len = valid ? ((u32)e >> VYRE_RUN_SHIFT) + 1u : 0u;
                    u32 incl = len;
#pragma unroll
                    for (u32 d = 1; d < 32u; d <<= 1) {
                        const u32 t = __shfl_up_sync(VYRE_FULL_MASK, incl, d);
                        if (lane >= d) incl += t;
                    }
                    const u32 sum = __shfl_sync(VYRE_FULL_MASK, incl, 31);
                    if (handed + sum - claimedSeen > mask + 1ull) {
                        claimedSeen = __shfl_sync(VYRE_FULL_MASK, lane == 0 ? ld_relaxed_gpu64(cursor + 1) : 0ull, 0);
                    }
                    const u64 room = mask + 1ull - (handed - claimedSeen);
                    const u32 fits = __ballot_sync(VYRE_FULL_MASK, valid && (u64)incl <= room);
                    const u32 accepted = __popc(fits);  // a prefix of the lanes: incl grows with the lane
                    const u32 excl = incl - len;
                    for (u32 src = 0; src < accepted; ++src) {
                        const u64 run = __shfl_sync(VYRE_FULL_MASK, e, src);
                        const u64 at = handed + (u64)__shfl_sync(VYRE_FULL_MASK, excl, src);
                        const u32 runLen = ((u32)run >> VYRE_RUN_SHIFT) + 1u;
                        const u32 slot0 = (u32)run & VYRE_RUN_SLOT_MASK;
                        const u32 gen = (u32)(run >> 32);
                        for (u32 i = lane; i < runLen; i += 32u) {
                            uint4* dst = (uint4*)(devSq + ((at + i) & mask) * VYRE_ENTRY_WORDS);
                            dst[0] = make_uint4(0u, slot0 + i, gen, VYRE_ENTRY_READ_SLOT);
                        }
                    }
                    if (accepted != 0u) handed += (u64)__shfl_sync(VYRE_FULL_MASK, incl, (int)accepted - 1);
                    const u32 present = total - first < 32ull ? (u32)(total - first) : 32u;
                    if (accepted < present) {
                        taken = first + accepted;
                        break;
                    }
                }
            }
            u64 before = 0ull;
            for (u32 j = 0; j < jobs; ++j) {
                const u64 entries = jobEnd[j] - jobFrom[j];
                const u64 part = taken <= before ? 0ull : (taken - before < entries ? taken - before : entries);
                if (part != 0ull) {
                    seenOf[jobQueue[j]] = jobFrom[j] + part;
                    advanced |= 1u << jobQueue[j];
                }
                before += entries;
            }
        }
        if (advanced != 0u) {
            __syncwarp();
            __threadfence();
            if (lane == 0) {
                st_release_gpu64(cursor, handed);
                for (u32 q = 0; q < queues; ++q) {
                    if (advanced & (1u << q)) st_relaxed_sys64((u64*)(link + vyre_tail_line_word(q) + 16u), seenOf[q]);
                }
            }
            __syncwarp();
        }
        if (lane == 0) {
            ++heartbeat;
            // Link stores every 64 loops only: with one per loop the idle loop took 3.8 us for a
            // 1.5 us tail-line read.
            if ((heartbeat & 63u) == 0u) {
                st_relaxed_sys(link + L_HEARTBEAT, heartbeat);
                st_relaxed_sys(link + L_DONE_MIRROR, vyre_load_control(c, C_DONE_COUNT));
                st_relaxed_sys64((u64*)(link + L_TRACE) + 3, tracePollNs);
            }
        }
        if (stop != 0u) {
            if (lane == 0) st_relaxed_sys(link + L_DONE_MIRROR, vyre_load_control(c, C_DONE_COUNT));
            break;
        }
        if (A->variant & VYRE_VARIANT_SLOW_POLL) vyre_sleep(20000);
    }
    if (lane == 0) {
        __threadfence_system();
        st_release_sys(link + L_STOPPED, 1u);
    }
}

// Reads device entry `position` of the device queue into e (12 words).
__device__ __forceinline__ void vyre_load_entry(const u32* devSq, u64 mask, u64 position, u32* e) {
    const uint4* src = (const uint4*)(devSq + (position & mask) * VYRE_ENTRY_WORDS);
#pragma unroll
    for (int q = 0; q < 3; ++q) {
        uint4 v = src[q];
        e[4 * q] = v.x;
        e[4 * q + 1] = v.y;
        e[4 * q + 2] = v.z;
        e[4 * q + 3] = v.w;
    }
}

// Runs one batch of claimed entries, one per active lane (e; w holds the slot words of the lanes in
// `readers`, read warp-wide), then checksums its CRC32C slots warp-wide, counts DONE once and stores
// each lane's final status. Every lane of the warp calls it.
__device__ __forceinline__ void vyre_work_batch(const VyreArgs* A, VyreCtx& c, const u32* e, bool active,
                                                u32 readers, const u32* w) {
    const u32 lane = threadIdx.x & 31u;
    u32 result = 0;
    c.warpCrc = true;
    c.crcPending = false;
    if (active) {
        result = vyre_run_entry(A, c, e, ((readers >> lane) & 1u) ? w : nullptr, false);
    }
    // CRC32C slots of this batch, each checksummed by the whole warp (a chunk of megabytes read
    // across PCIe by one lane took tens of milliseconds).
    u32 crcLanes = __ballot_sync(VYRE_FULL_MASK, c.crcPending);
    while (crcLanes != 0u) {
        const int src = __ffs(crcLanes) - 1;
        crcLanes &= crcLanes - 1u;
        vyre_warp_crc32c(c, __shfl_sync(VYRE_FULL_MASK, c.crcA0, src), __shfl_sync(VYRE_FULL_MASK, c.crcA1, src),
                         __shfl_sync(VYRE_FULL_MASK, c.crcA2, src));
    }
    __syncwarp();
    __threadfence();
    // DONE_COUNT once per batch, after every lane's effects and before any DONE.
    const u32 done = __popc(__ballot_sync(VYRE_FULL_MASK, result == VYRE_DONE));
    if (lane == 0 && done != 0u) vyre_count_done(c, done);
    __syncwarp();
    if (result != 0u) vyre_finish(A, e, result);
}

// Worker warp: claims device entries by one compare-and-set of the claim cursor, up to 32 at a time,
// or up to 64 while more are waiting than every worker warp could take at 32 (never with
// VYRE_VARIANT_TAKE_32), reads them all and the ring slots they name at once, then runs them as one
// or two batches of 32. Two batches per claim halve the claims that every worker warp races for on
// the one cursor (at 4 publishers the H100 ran faster with fewer warps: 32 gave 147-149 M slots/s,
// 64 gave 134 M, 256 gave 119 M; claims of 64 then gave 227 M against 146 M), and the second
// batch's PCIe reads overlap the first. With fewer waiting entries a warp keeps to 32, so long slots
// (scan chunks, CRC32C) stay spread over as many warps as before instead of queueing behind a warp's
// first batch. Claimed entries are read at once, before any of them runs, so cursor[1] stays what
// the leader's room check needs: every entry below it has been read.
__device__ void vyre_worker(const VyreArgs* A, VyreCtx& c) {
    const u32 lane = threadIdx.x & 31u;
    u64* cursor = (u64*)A->devCursor;
    const u32* devSq = (const u32*)A->devSq;
    const u64 mask = A->sqMask;
    const u32 maxSleep = (u32)A->idleSleepNs;
    const bool take32 = (A->variant & VYRE_VARIANT_TAKE_32) != 0ull;
    const u64 workers = (((u64)gridDim.x * blockDim.x) >> 5) - 1ull;  // every warp but the leader
    const bool laneReads = (A->variant & VYRE_VARIANT_LANE_SLOT_READS) != 0ull;
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
                const u64 most = take32 || take <= 32ull * workers ? 32ull : 64ull;
                if (take > most) take = most;
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
        const bool first = (u64)lane < take;
        const bool second = (u64)lane + 32ull < take;
        u32 e0[VYRE_ENTRY_WORDS], e1[VYRE_ENTRY_WORDS];
        e0[1] = e0[3] = e1[1] = e1[3] = 0u;
        if (first) vyre_load_entry(devSq, mask, head + lane, e0);
        if (second) vyre_load_entry(devSq, mask, head + 32ull + lane, e1);
        __syncwarp();
        const u32 readers0 = laneReads ? 0u : __ballot_sync(VYRE_FULL_MASK, first && vyre_reads_slot(A, e0));
        const u32 readers1 = laneReads ? 0u : __ballot_sync(VYRE_FULL_MASK, second && vyre_reads_slot(A, e1));
        u32 w0[16], w1[16];
        if (readers0 != 0u) vyre_read_slots_coalesced(A, readers0, e0[1], w0);
        if (readers1 != 0u) vyre_read_slots_coalesced(A, readers1, e1[1], w1);
        vyre_work_batch(A, c, e0, first, readers0, w0);
        if (take > 32ull) vyre_work_batch(A, c, e1, second, readers1, w1);
    }
}

extern "C" __global__ void vyre_persistent(const VyreArgs* args) {
    // A private copy: every asm statement below clobbers memory, which would otherwise make the
    // compiler reload each argument from global memory (an L2 round trip) on every use.
    const VyreArgs local = *args;
    const VyreArgs* A = &local;
    VyreCtx c = vyre_context(A);
    const u64 warp = ((u64)blockIdx.x * blockDim.x + threadIdx.x) >> 5;
    if (warp == 0) {
        vyre_leader(A, c);
    } else {
        vyre_worker(A, c);
    }
}
