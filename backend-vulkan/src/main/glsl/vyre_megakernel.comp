#version 450
// vyre-java Vulkan megakernel: the VIR0 interpreter of docs/PROTOCOL.md ("Interpreter semantics").
//
// Compiled at run time with shaderc; the host defines, after the #version line:
//   VYRE_PERSISTENT   persistent entry point (else: one pass, one invocation per slot)
//   VYRE_LOCAL_SIZE   invocations per workgroup
//   VYRE_VMM          Vulkan memory model atomics (acquire/release loads and stores)
//   VYRE_CLOCK        GL_EXT_shader_realtime_clock for the LOAD_MISS wait bound (else an iteration bound)
//   VYRE_CUSTOM       custom opcodes: the host appends vyre_custom_dispatch() and the snippet bodies
//
// Every buffer access is bounds-checked against the real length the host passes in the link block:
// an out-of-range load is 0, an out-of-range store or atomic has no effect (deliberate fix 1). Index
// arithmetic is 32-bit; a sum that would wrap becomes 0xFFFFFFFF, which is outside every buffer.

#ifdef VYRE_VMM
#extension GL_KHR_memory_scope_semantics : require
#pragma use_vulkan_memory_model
#endif
#ifdef VYRE_CLOCK
#extension GL_EXT_shader_realtime_clock : require
#endif

layout(local_size_x = VYRE_LOCAL_SIZE, local_size_y = 1, local_size_z = 1) in;

layout(std430, set = 0, binding = 0) coherent buffer ControlBuf { uint C[]; };
layout(std430, set = 0, binding = 1) coherent buffer RingBuf { uint R[]; };
layout(std430, set = 0, binding = 2) coherent buffer DebugBuf { uint D[]; };
layout(std430, set = 0, binding = 3) coherent buffer IoBuf { uint Q[]; };
layout(std430, set = 0, binding = 4) coherent readonly buffer DataBuf { uint B[]; };
layout(std430, set = 0, binding = 5) coherent buffer LinkBuf { uint L[]; };

// link block words (must match VulkanLink.java)
#define L_CONTROL_WORDS 0
#define L_SLOT_COUNT 1
#define L_DEBUG_WORDS 2
#define L_IO_SLOTS 3
#define L_DATA_BYTES 4
#define L_IO_TIMEOUT_LO 5
#define L_IO_TIMEOUT_HI 6
#define L_STRIDE 7
#define L_MODE 8
#define L_IO_ITERATIONS 9
#define L_HEARTBEAT 16
#define L_STOPPED 17
#define L_CLOCK_LO 18
#define L_CLOCK_HI 19

#define MODE_CLOCK_PROBE 1u

#define ST_EMPTY 0u
#define ST_PUBLISHED 1u
#define ST_CLAIMED 2u
#define ST_DONE 3u
#define ST_WAIT_IO 4u
#define ST_FAULT 7u
#define IO_OK 0x10u
#define IO_ERROR 0x11u

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

#define C_SHUTDOWN 0u
#define C_DONE_COUNT 1u
#define C_TENANT_BASE 2u
#define C_TENANT_TABLE_END 32u
#define C_METRICS_BASE 96u
#define C_EPOCH 128u
#define C_OBSERVABLE_BASE 160u
#define OOB 0xFFFFFFFFu

#ifdef VYRE_VMM
#define LOAD_ACQ(x) atomicLoad(x, gl_ScopeDevice, gl_StorageSemanticsBuffer, gl_SemanticsAcquire | gl_SemanticsMakeVisible)
#define LOAD_RLX(x) atomicLoad(x, gl_ScopeDevice, 0, gl_SemanticsRelaxed)
#define STORE_REL(x, v) atomicStore(x, v, gl_ScopeDevice, gl_StorageSemanticsBuffer, gl_SemanticsRelease | gl_SemanticsMakeAvailable)
#define STORE_RLX(x, v) atomicStore(x, v, gl_ScopeDevice, 0, gl_SemanticsRelaxed)
#else
#define LOAD_ACQ(x) atomicAdd(x, 0u)
#define LOAD_RLX(x) atomicAdd(x, 0u)
#define STORE_REL(x, v) { memoryBarrierBuffer(); atomicExchange(x, v); }
#define STORE_RLX(x, v) atomicExchange(x, v)
#endif

// ---- the executing slot (also what a custom GLSL snippet sees, see docs/PROTOCOL.md) ----
uint vyre_slot;
uint vyre_tenant;
uint vyre_opcode;
uint vyre_a0;
uint vyre_a1;
uint vyre_a2;
uint vyre_payload[12];

uint CW;     // control words
uint DW;     // debug-log words
uint QS;     // IO slots
uint DBYTES; // data bytes

// a + b, or OOB when the sum does not fit 32 bits
uint vyre_index_add(uint a, uint b) {
    uint carry;
    uint r = uaddCarry(a, b, carry);
    return carry != 0u ? OOB : r;
}

uint vyre_control_words() { return CW; }
uint vyre_load_control(uint i) { return i < CW ? LOAD_RLX(C[i]) : 0u; }
void vyre_store_control(uint i, uint v) { if (i < CW) atomicExchange(C[i], v); }
uint vyre_atomic_add_control(uint i, uint v) { return i < CW ? atomicAdd(C[i], v) : 0u; }
uint vyre_cas_control(uint i, uint expected, uint desired) {
    return i < CW ? atomicCompSwap(C[i], expected, desired) : 0u;
}
uint vyre_data_bytes() { return DBYTES; }
uint vyre_load_data_byte(uint off) {
    return off < DBYTES ? (B[off >> 2u] >> (8u * (off & 3u))) & 0xFFu : 0u;
}
// whole words only: bytes 4w .. 4w+3 must all lie inside the data buffer
uint vyre_load_data_word(uint w) { return w < (DBYTES >> 2u) ? B[w] : 0u; }
uint vyre_arg(uint i) {
    if (i == 0u) return vyre_a0;
    if (i == 1u) return vyre_a1;
    if (i == 2u) return vyre_a2;
    return i < 12u ? vyre_payload[i] : 0u;
}

#ifdef VYRE_CUSTOM
void vyre_custom_dispatch();
#endif

void vyre_printf() {
    if (DW < 5u) return;
    uint old = atomicAdd(D[0], 4u);
    if (old > DW - 5u) return;           // r + 4 <= DW with r = old + 1
    uint r = old + 1u;
    atomicExchange(D[r], vyre_a0);
    atomicExchange(D[r + 1u], vyre_a1);
    atomicExchange(D[r + 2u], vyre_a2);
    atomicExchange(D[r + 3u], vyre_slot * 16u);
}

void vyre_memcpy() {
    uint dst = vyre_a1;
    if (dst >= CW) return;               // every destination is out of range
    uint n = min(vyre_a2, CW - dst);     // later elements would only write out of range
    for (uint i = 0u; i < n; ++i) {
        vyre_store_control(dst + i, vyre_load_control(vyre_index_add(vyre_a0, i)));
    }
}

// metric, built-in and custom handlers for one (possibly packed inner) opcode
void vyre_dispatch() {
    uint op = vyre_opcode;
    if (op < 32u) vyre_atomic_add_control(C_METRICS_BASE + op, 1u);
    if (op == OP_STORE_U32) {
        vyre_store_control(vyre_a1, vyre_a0);
    } else if (op == OP_ATOMIC_ADD) {
        vyre_atomic_add_control(vyre_a1, vyre_a0);
    } else if (op == OP_LOAD_U32) {
        vyre_store_control(vyre_index_add(C_OBSERVABLE_BASE, vyre_a1), vyre_load_control(vyre_a0));
    } else if (op == OP_COMPARE_SWAP) {
        uint prev = vyre_cas_control(vyre_a0, vyre_a1, vyre_a2);
        vyre_store_control(vyre_index_add(C_OBSERVABLE_BASE, vyre_a0), prev);
    } else if (op == OP_MEMCPY) {
        vyre_memcpy();
    } else if (op == OP_DFA_STEP) {
        uint w = vyre_a0 >= 0x01000000u ? OOB : vyre_a0 * 256u + (vyre_a1 & 0xFFu);
        vyre_store_control(vyre_index_add(C_OBSERVABLE_BASE, vyre_a2), vyre_load_data_word(w));
    } else if (op == OP_BATCH_FENCE) {
        vyre_atomic_add_control(C_EPOCH, 1u);
        vyre_store_control(C_OBSERVABLE_BASE, vyre_a1);
    } else if (op == OP_PRINTF) {
        vyre_printf();
    } else if (op == OP_SHUTDOWN) {
        vyre_store_control(C_SHUTDOWN, 1u);
    }
#ifdef VYRE_CUSTOM
    vyre_custom_dispatch();
#endif
}

uint vyre_payload_byte(uint k) {
    return (vyre_payload[k >> 2u] >> (8u * (k & 3u))) & 0xFFu;
}

void vyre_packed() {
    uint n = vyre_payload_byte(0u);
    uint meta = (2u + 2u * n + 3u) / 4u;
    if (meta > 12u) return;              // malformed: the metadata alone overflows the 12 argument words
    for (uint k = 0u; k < n; ++k) {
        uint op = vyre_payload_byte(2u + 2u * k);
        uint off = vyre_payload_byte(3u + 2u * k);
        uint base = meta + off;
        if (base + 3u > 12u) continue;
        vyre_opcode = op;
        vyre_a0 = vyre_payload[base];
        vyre_a1 = vyre_payload[base + 1u];
        vyre_a2 = vyre_payload[base + 2u];
        vyre_dispatch();
    }
}

// ---- LOAD_MISS wait bound ----
#ifdef VYRE_CLOCK
uvec2 vyre_wait_start;
void vyre_wait_begin() { vyre_wait_start = clockRealtime2x32EXT(); }
bool vyre_wait_expired() {
    uvec2 now = clockRealtime2x32EXT();
    uint borrow;
    uint lo = usubBorrow(now.x, vyre_wait_start.x, borrow);
    uint hi = now.y - vyre_wait_start.y - borrow;
    uint toLo = L[L_IO_TIMEOUT_LO];
    uint toHi = L[L_IO_TIMEOUT_HI];
    return hi > toHi || (hi == toHi && lo >= toLo);
}
#else
uint vyre_wait_count;
void vyre_wait_begin() { vyre_wait_count = 0u; }
bool vyre_wait_expired() { return ++vyre_wait_count >= L[L_IO_ITERATIONS]; }
#endif

// Reserve an IO slot (CAS EMPTY -> WAIT_IO), publish a READ request, wait (bounded) for the host.
uint vyre_load_miss() {
    vyre_wait_begin();
    uint q = OOB;
    while (q == OOB) {
        for (uint i = 0u; i < QS; ++i) {
            if (atomicCompSwap(Q[i * 8u + 6u], ST_EMPTY, ST_WAIT_IO) == ST_EMPTY) {
                q = i * 8u;
                break;
            }
        }
        if (q == OOB && vyre_wait_expired()) return ST_FAULT;
    }
    STORE_RLX(Q[q], 1u);
    STORE_RLX(Q[q + 1u], vyre_a0);
    STORE_RLX(Q[q + 2u], vyre_a0);
    STORE_RLX(Q[q + 3u], 0u);
    STORE_RLX(Q[q + 4u], 0u);
    STORE_RLX(Q[q + 5u], 0u);
    STORE_RLX(Q[q + 7u], vyre_a0);
    STORE_REL(Q[q + 6u], ST_PUBLISHED);
    while (true) {
        uint s = LOAD_ACQ(Q[q + 6u]);
        if (s == IO_OK || s == IO_ERROR) {
            STORE_REL(Q[q + 6u], ST_EMPTY);
            return s == IO_OK ? ST_DONE : ST_FAULT;
        }
        if (vyre_wait_expired()) {
            if (atomicCompSwap(Q[q + 6u], ST_PUBLISHED, ST_EMPTY) == ST_PUBLISHED
                    || atomicCompSwap(Q[q + 6u], ST_CLAIMED, ST_EMPTY) == ST_CLAIMED) {
                return ST_FAULT;
            }
        }
    }
    return ST_FAULT;
}

// Executes the claimed slot whose words are in vyre_*; returns DONE or FAULT.
uint vyre_execute() {
    if (vyre_opcode == OP_PACKED_SLOT) {
        vyre_packed();
        return ST_DONE;
    }
    uint result = ST_DONE;
    if (vyre_opcode == OP_LOAD_MISS) result = vyre_load_miss();
    if (result == ST_DONE) vyre_dispatch();
    return result;
}

bool vyre_authorised(uint tenant) {
    uint index = vyre_index_add(vyre_load_control(C_TENANT_BASE), tenant);
    return index < C_TENANT_TABLE_END && vyre_load_control(index) != 0u;
}

// Claims slot s if it is PUBLISHED and authorised, executes it and publishes DONE / FAULT.
void vyre_try_slot(uint s) {
    uint base = s * 16u;
    if (LOAD_ACQ(R[base]) != ST_PUBLISHED) return;
#ifdef VYRE_PERSISTENT
    if (vyre_load_control(C_SHUTDOWN) != 0u) return;
#endif
    uint tenant = LOAD_RLX(R[base + 2u]);
    if (!vyre_authorised(tenant)) return;
    if (atomicCompSwap(R[base], ST_PUBLISHED, ST_CLAIMED) != ST_PUBLISHED) return;
    vyre_slot = s;
    vyre_opcode = LOAD_RLX(R[base + 1u]);
    vyre_tenant = tenant;
    for (uint i = 0u; i < 12u; ++i) vyre_payload[i] = LOAD_RLX(R[base + 4u + i]);
    vyre_a0 = vyre_payload[0];
    vyre_a1 = vyre_payload[1];
    vyre_a2 = vyre_payload[2];
    uint result = vyre_execute();
    if (result == ST_DONE) atomicAdd(C[C_DONE_COUNT], 1u);
    memoryBarrierBuffer();
    STORE_REL(R[base], result);
}

void vyre_load_sizes() {
    CW = L[L_CONTROL_WORDS];
    DW = L[L_DEBUG_WORDS];
    QS = min(L[L_IO_SLOTS], 64u);
    DBYTES = L[L_DATA_BYTES];
}

#ifdef VYRE_PERSISTENT
shared uint vyre_stop;

// Workgroup-uniform loop: every invocation sweeps the slots it owns (s = gid, gid + stride, ...), then
// the workgroup meets at a barrier, so invocations of one workgroup interleave on every implementation.
void main() {
    vyre_load_sizes();
    uint slots = L[L_SLOT_COUNT];
    uint stride = L[L_STRIDE];
    uint gid = gl_GlobalInvocationID.x;
    uint beat = 0u;
    while (true) {
        if (gl_LocalInvocationIndex == 0u) vyre_stop = vyre_load_control(C_SHUTDOWN);
        barrier();
        uint stop = vyre_stop;
        barrier();
        if (stop != 0u) break;
        for (uint s = gid; s < slots; s += stride) vyre_try_slot(s);
        if (gid == 0u) {
            ++beat;
            STORE_REL(L[L_HEARTBEAT], beat);
        }
    }
    if (gid == 0u) {
        memoryBarrierBuffer();
        STORE_REL(L[L_STOPPED], 1u);
    }
}
#else
void main() {
    vyre_load_sizes();
    uint s = gl_GlobalInvocationID.x;
    if (L[L_MODE] == MODE_CLOCK_PROBE) {
        if (s == 0u) {
#ifdef VYRE_CLOCK
            uvec2 t = clockRealtime2x32EXT();
            L[L_CLOCK_LO] = t.x;
            L[L_CLOCK_HI] = t.y;
#endif
        }
        return;
    }
    if (s >= L[L_SLOT_COUNT]) return;
    if (vyre_load_control(C_SHUTDOWN) != 0u) return;
    vyre_try_slot(s);
}
#endif
