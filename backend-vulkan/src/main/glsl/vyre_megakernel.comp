#version 450
// vyre-java Vulkan megakernel: the VIR0 interpreter of docs/PROTOCOL.md ("Interpreter semantics").
//
// Compiled at run time with shaderc; the host defines, after the #version line:
//   VYRE_PERSISTENT   persistent entry point (else: one pass, one invocation per slot)
//   VYRE_LOCAL_SIZE   invocations per workgroup
//   VYRE_VMM          Vulkan memory model atomics (acquire/release loads and stores)
//   VYRE_CLOCK        GL_EXT_shader_realtime_clock for the LOAD_MISS wait bound (else an iteration bound)
//   VYRE_CUSTOM       custom opcodes: the host appends vyre_custom_dispatch() and the snippet bodies
//   VYRE_DEVICE_ADDRESS  with VYRE_CUSTOM, where the device enables bufferDeviceAddress: VyreDeviceWord for bodies
//   VYRE_STOP_EVERY   persistent: sweeps per look at SHUTDOWN (default 1; an experiment switch)
//   VYRE_NO_DONE_BARRIER  with VYRE_VMM: no memoryBarrierBuffer before the release store of a slot's result
//                     (the release orders DONE_COUNT as well; set by default)
//   VYRE_RING_STATUS_LAST persistent: the mirrored result before the ring's (set by default)
//   VYRE_CLAIM_BY_STORE persistent: claim a slot by the status loaded with its other words and a relaxed store,
//                     not by compare-and-set (the host's default; -Dvyre.vulkan.claimByStore=false leaves it out)
//   VYRE_NO_CLAIMED_MIRROR persistent: CLAIMED is not stored into the status mirror (the host's default)
//   VYRE_LOADS_FIRST  persistent: the opcode and payload are loaded with the status and tenant, before the claim
//                     (the host's default; -Dvyre.vulkan.loadsFirst=false loads them after the claim)
//   VYRE_ONE_RELEASE  with VYRE_RING_STATUS_LAST: one release fence orders the effects before both result stores,
//                     which are then relaxed (the host's default; -Dvyre.vulkan.oneRelease=false: two releases)
//   VYRE_ISOLATION    isolated mode (docs/PROTOCOL.md, "Isolated mode"): the isolation block
//                     (TenantIsolation.java) lies in the link block from word L[L_ISOLATION]
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
#ifdef VYRE_DEVICE_ADDRESS
// Custom GLSL bodies on a device with bufferDeviceAddress: VyreDeviceWord(uvec2(low, high)).value is the u32 at a
// raw device address, unchecked (docs/PROTOCOL.md, "GLSL"). The interpreter itself never uses it.
#extension GL_EXT_buffer_reference : require
#extension GL_EXT_buffer_reference_uvec2 : require
layout(buffer_reference, std430, buffer_reference_align = 4) buffer VyreDeviceWord { uint value; };
#endif

layout(local_size_x = VYRE_LOCAL_SIZE, local_size_y = 1, local_size_z = 1) in;

layout(std430, set = 0, binding = 0) coherent buffer ControlBuf { uint C[]; };
layout(std430, set = 0, binding = 1) coherent buffer RingBuf { uint R[]; };
layout(std430, set = 0, binding = 2) coherent buffer DebugBuf { uint D[]; };
layout(std430, set = 0, binding = 3) coherent buffer IoBuf { uint Q[]; };
layout(std430, set = 0, binding = 4) coherent readonly buffer DataBuf { uint B[]; };
layout(std430, set = 0, binding = 5) coherent buffer LinkBuf { uint L[]; };
#ifdef VYRE_PERSISTENT
// Status mirror (StatusMirror.java): host-cached system memory the host polls instead of reading
// BAR-mapped VRAM. The shader only ever writes it (on NVIDIA a shader polling system memory hangs).
layout(std430, set = 0, binding = 6) coherent writeonly buffer MirrorBuf { uint M[]; };
#endif

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
#define L_PING 10
#define L_ISOLATION 11
#define L_HEARTBEAT 16
#define L_STOPPED 17
#define L_CLOCK_LO 18
#define L_CLOCK_HI 19
#define L_GEN_BASE 64u
// the seen array (L_GEN_BASE + slot count ...) follows the generation array, see main()

// status mirror words (must match StatusMirror.java)
#define M_DONE_COUNT 0u
#define M_HEARTBEAT 1u
#define M_PONG 2u
#define M_STATUS_BASE 32u
#define M_GEN_SHIFT 3u

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
#define OP_CRC32C 0x0000FFF1u
#define OP_LOAD_MISS 0x0000FFFDu
#define OP_PRINTF 0x0000FFFEu
#define OP_PACKED_SLOT 0x80000001u
#define OP_SHUTDOWN 0xFFFFFFFFu

#ifndef VYRE_STOP_EVERY
#define VYRE_STOP_EVERY 1u
#endif

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
// mirror stores: a release store (a plain strong store on the device), never a read-modify-write atomic
#define MIRROR_STORE(x, v) STORE_REL(x, v)
// a compare-and-set that releases when it stores
#define RELEASE_CAS(x, c, v) atomicCompSwap(x, c, v, gl_ScopeDevice, gl_StorageSemanticsBuffer, gl_SemanticsRelease, \
        0, gl_SemanticsRelaxed)
// a word only the host writes: an acquire load, never a read-modify-write
#define HOST_LOAD(x) LOAD_ACQ(x)
// every earlier buffer access of this invocation before every later store (a release pattern with relaxed stores)
#define RELEASE_FENCE() memoryBarrier(gl_ScopeDevice, gl_StorageSemanticsBuffer, gl_SemanticsRelease | gl_SemanticsMakeAvailable)
#define MIRROR_RLX(x, v) STORE_RLX(x, v)
#define RELAXED_CAS(x, c, v) atomicCompSwap(x, c, v, gl_ScopeDevice, 0, gl_SemanticsRelaxed, 0, gl_SemanticsRelaxed)
#else
#define LOAD_ACQ(x) atomicAdd(x, 0u)
#define LOAD_RLX(x) atomicAdd(x, 0u)
#define STORE_REL(x, v) { memoryBarrierBuffer(); atomicExchange(x, v); }
#define STORE_RLX(x, v) atomicExchange(x, v)
#define MIRROR_STORE(x, v) { memoryBarrierBuffer(); x = v; }
#define RELEASE_CAS(x, c, v) { memoryBarrierBuffer(); atomicCompSwap(x, c, v); }
#define HOST_LOAD(x) (x)
#define RELEASE_FENCE() memoryBarrierBuffer()
#define MIRROR_RLX(x, v) x = v
#define RELAXED_CAS(x, c, v) atomicCompSwap(x, c, v)
#endif

// IO link block (IoLink.java) in a persistent session's link block, after the seen array: the shader
// writes SEQUENCE and ACCEPTED, the host COMPLETION. Then 128 device-only words: IO slot reservations
// and the last sequence per IO slot (VulkanLink.ioLinkBase / ioDeviceBase).
#define IO_SEQUENCE_BASE 0u
#define IO_ACCEPTED_BASE 64u
#define IO_COMPLETION_BASE 128u
#define IO_LINK_WORDS 192u
#define IO_DEV_SEQUENCE 64u
#define IO_SEQUENCE_MASK 0x7FFFFFFFu

// ---- the executing slot (also what a custom GLSL snippet sees, see docs/PROTOCOL.md) ----
uint vyre_slot;
uint vyre_tenant;
uint vyre_opcode;
uint vyre_a0;
uint vyre_a1;
uint vyre_a2;
uint vyre_payload[12];
bool vyre_packed_op;  // true while a packed slot's inner ops run: their argument words 3..11 read 0

uint CW;     // control words
uint DW;     // debug-log words
uint QS;     // IO slots
uint DBYTES; // data bytes
uint IOL;    // persistent: first word of the IO link block in L
uint IOD;    // persistent: first device-only IO word in L
uint ISO;    // isolated mode: first word of the isolation block in L
uint vyre_iso_admin;  // isolated mode: the admin tenant (0xFFFFFFFF: none)
bool vyre_violated;   // isolated mode: the slot accessed outside its tenant's windows

// a + b, or OOB when the sum does not fit 32 bits
uint vyre_index_add(uint a, uint b) {
    uint carry;
    uint r = uaddCarry(a, b, carry);
    return carry != 0u ? OOB : r;
}

#ifdef VYRE_ISOLATION
// May the slot write control word i? Out of range is no write (the bounds rule comes first).
bool vyre_iso_writable(uint i) {
    if (i >= CW || vyre_tenant == vyre_iso_admin) return true;
    uint w = ISO + 32u + 4u * vyre_tenant;
    return i >= L[w] && i < L[w + 1u];
}
// May the slot read data bytes [off, off + len)? The caller checked that they lie inside the data buffer.
bool vyre_iso_readable(uint off, uint len) {
    if (len == 0u || vyre_tenant == vyre_iso_admin) return true;
    uint w = ISO + 34u + 4u * vyre_tenant;
    return off >= L[w] && off + len <= L[w + 1u];
}
// a write of the slot: after a violation, nothing more of the slot is written
bool vyre_iso_write(uint i) {
    bool ok = !vyre_violated && vyre_iso_writable(i);
    if (!ok) vyre_violated = true;
    return ok;
}
bool vyre_iso_read(uint off, uint len) {
    bool ok = vyre_iso_readable(off, len);
    if (!ok) vyre_violated = true;
    return ok;
}
#define VYRE_ISO_WRITE(i) vyre_iso_write(i)
#define VYRE_ISO_READ(off, len) vyre_iso_read(off, len)
#else
#define VYRE_ISO_WRITE(i) true
#define VYRE_ISO_READ(off, len) true
#endif

uint vyre_control_words() { return CW; }
uint vyre_load_control(uint i) { return i < CW ? LOAD_RLX(C[i]) : 0u; }
// The abort flag of a custom body (docs/PROTOCOL.md, "Custom opcodes"): true once the host asked the interpreter
// to stop (SHUTDOWN, control word 0, non-zero; Session.close() sets it). A body that may loop must poll it and
// return when it is set, or close cannot stop the shader. An atomic load every call, never hoisted.
bool vyre_abort_requested() { return LOAD_RLX(C[C_SHUTDOWN]) != 0u; }
void vyre_store_control(uint i, uint v) { if (i < CW && VYRE_ISO_WRITE(i)) atomicExchange(C[i], v); }
uint vyre_atomic_add_control(uint i, uint v) { return i < CW && VYRE_ISO_WRITE(i) ? atomicAdd(C[i], v) : 0u; }
uint vyre_cas_control(uint i, uint expected, uint desired) {
    return i < CW && VYRE_ISO_WRITE(i) ? atomicCompSwap(C[i], expected, desired) : 0u;
}
uint vyre_data_bytes() { return DBYTES; }
uint vyre_load_data_byte(uint off) {
    return off < DBYTES && VYRE_ISO_READ(off, 1u) ? (B[off >> 2u] >> (8u * (off & 3u))) & 0xFFu : 0u;
}
// whole words only: bytes 4w .. 4w+3 must all lie inside the data buffer
uint vyre_load_data_word(uint w) { return w < (DBYTES >> 2u) && VYRE_ISO_READ(w << 2u, 4u) ? B[w] : 0u; }
uint vyre_arg(uint i) {
    if (i == 0u) return vyre_a0;
    if (i == 1u) return vyre_a1;
    if (i == 2u) return vyre_a2;
    return i < 12u && !vyre_packed_op ? vyre_payload[i] : 0u;
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

// CRC-32C (Castagnoli, reflected) table.
const uint VYRE_CRC32C[256] = uint[](
    0x00000000u, 0xF26B8303u, 0xE13B70F7u, 0x1350F3F4u, 0xC79A971Fu, 0x35F1141Cu,
    0x26A1E7E8u, 0xD4CA64EBu, 0x8AD958CFu, 0x78B2DBCCu, 0x6BE22838u, 0x9989AB3Bu,
    0x4D43CFD0u, 0xBF284CD3u, 0xAC78BF27u, 0x5E133C24u, 0x105EC76Fu, 0xE235446Cu,
    0xF165B798u, 0x030E349Bu, 0xD7C45070u, 0x25AFD373u, 0x36FF2087u, 0xC494A384u,
    0x9A879FA0u, 0x68EC1CA3u, 0x7BBCEF57u, 0x89D76C54u, 0x5D1D08BFu, 0xAF768BBCu,
    0xBC267848u, 0x4E4DFB4Bu, 0x20BD8EDEu, 0xD2D60DDDu, 0xC186FE29u, 0x33ED7D2Au,
    0xE72719C1u, 0x154C9AC2u, 0x061C6936u, 0xF477EA35u, 0xAA64D611u, 0x580F5512u,
    0x4B5FA6E6u, 0xB93425E5u, 0x6DFE410Eu, 0x9F95C20Du, 0x8CC531F9u, 0x7EAEB2FAu,
    0x30E349B1u, 0xC288CAB2u, 0xD1D83946u, 0x23B3BA45u, 0xF779DEAEu, 0x05125DADu,
    0x1642AE59u, 0xE4292D5Au, 0xBA3A117Eu, 0x4851927Du, 0x5B016189u, 0xA96AE28Au,
    0x7DA08661u, 0x8FCB0562u, 0x9C9BF696u, 0x6EF07595u, 0x417B1DBCu, 0xB3109EBFu,
    0xA0406D4Bu, 0x522BEE48u, 0x86E18AA3u, 0x748A09A0u, 0x67DAFA54u, 0x95B17957u,
    0xCBA24573u, 0x39C9C670u, 0x2A993584u, 0xD8F2B687u, 0x0C38D26Cu, 0xFE53516Fu,
    0xED03A29Bu, 0x1F682198u, 0x5125DAD3u, 0xA34E59D0u, 0xB01EAA24u, 0x42752927u,
    0x96BF4DCCu, 0x64D4CECFu, 0x77843D3Bu, 0x85EFBE38u, 0xDBFC821Cu, 0x2997011Fu,
    0x3AC7F2EBu, 0xC8AC71E8u, 0x1C661503u, 0xEE0D9600u, 0xFD5D65F4u, 0x0F36E6F7u,
    0x61C69362u, 0x93AD1061u, 0x80FDE395u, 0x72966096u, 0xA65C047Du, 0x5437877Eu,
    0x4767748Au, 0xB50CF789u, 0xEB1FCBADu, 0x197448AEu, 0x0A24BB5Au, 0xF84F3859u,
    0x2C855CB2u, 0xDEEEDFB1u, 0xCDBE2C45u, 0x3FD5AF46u, 0x7198540Du, 0x83F3D70Eu,
    0x90A324FAu, 0x62C8A7F9u, 0xB602C312u, 0x44694011u, 0x5739B3E5u, 0xA55230E6u,
    0xFB410CC2u, 0x092A8FC1u, 0x1A7A7C35u, 0xE811FF36u, 0x3CDB9BDDu, 0xCEB018DEu,
    0xDDE0EB2Au, 0x2F8B6829u, 0x82F63B78u, 0x709DB87Bu, 0x63CD4B8Fu, 0x91A6C88Cu,
    0x456CAC67u, 0xB7072F64u, 0xA457DC90u, 0x563C5F93u, 0x082F63B7u, 0xFA44E0B4u,
    0xE9141340u, 0x1B7F9043u, 0xCFB5F4A8u, 0x3DDE77ABu, 0x2E8E845Fu, 0xDCE5075Cu,
    0x92A8FC17u, 0x60C37F14u, 0x73938CE0u, 0x81F80FE3u, 0x55326B08u, 0xA759E80Bu,
    0xB4091BFFu, 0x466298FCu, 0x1871A4D8u, 0xEA1A27DBu, 0xF94AD42Fu, 0x0B21572Cu,
    0xDFEB33C7u, 0x2D80B0C4u, 0x3ED04330u, 0xCCBBC033u, 0xA24BB5A6u, 0x502036A5u,
    0x4370C551u, 0xB11B4652u, 0x65D122B9u, 0x97BAA1BAu, 0x84EA524Eu, 0x7681D14Du,
    0x2892ED69u, 0xDAF96E6Au, 0xC9A99D9Eu, 0x3BC21E9Du, 0xEF087A76u, 0x1D63F975u,
    0x0E330A81u, 0xFC588982u, 0xB21572C9u, 0x407EF1CAu, 0x532E023Eu, 0xA145813Du,
    0x758FE5D6u, 0x87E466D5u, 0x94B49521u, 0x66DF1622u, 0x38CC2A06u, 0xCAA7A905u,
    0xD9F75AF1u, 0x2B9CD9F2u, 0xFF56BD19u, 0x0D3D3E1Au, 0x1E6DCDEEu, 0xEC064EEDu,
    0xC38D26C4u, 0x31E6A5C7u, 0x22B65633u, 0xD0DDD530u, 0x0417B1DBu, 0xF67C32D8u,
    0xE52CC12Cu, 0x1747422Fu, 0x49547E0Bu, 0xBB3FFD08u, 0xA86F0EFCu, 0x5A048DFFu,
    0x8ECEE914u, 0x7CA56A17u, 0x6FF599E3u, 0x9D9E1AE0u, 0xD3D3E1ABu, 0x21B862A8u,
    0x32E8915Cu, 0xC083125Fu, 0x144976B4u, 0xE622F5B7u, 0xF5720643u, 0x07198540u,
    0x590AB964u, 0xAB613A67u, 0xB831C993u, 0x4A5A4A90u, 0x9E902E7Bu, 0x6CFBAD78u,
    0x7FAB5E8Cu, 0x8DC0DD8Fu, 0xE330A81Au, 0x115B2B19u, 0x020BD8EDu, 0xF0605BEEu,
    0x24AA3F05u, 0xD6C1BC06u, 0xC5914FF2u, 0x37FACCF1u, 0x69E9F0D5u, 0x9B8273D6u,
    0x88D28022u, 0x7AB90321u, 0xAE7367CAu, 0x5C18E4C9u, 0x4F48173Du, 0xBD23943Eu,
    0xF36E6F75u, 0x0105EC76u, 0x12551F82u, 0xE03E9C81u, 0x34F4F86Au, 0xC69F7B69u,
    0xD5CF889Du, 0x27A40B9Eu, 0x79B737BAu, 0x8BDCB4B9u, 0x988C474Du, 0x6AE7C44Eu,
    0xBE2DA0A5u, 0x4C4623A6u, 0x5F16D052u, 0xAD7D5351u
);

// CRC32C: C[160 + a2] = crc32c(B[a0 .. min(a0 + a1, dataBytes))); no bytes -> 0.
void vyre_crc32c() {
    uint crc = 0u;
    if (vyre_a0 < DBYTES) {
        uint n = min(vyre_a1, DBYTES - vyre_a0);
        crc = 0xFFFFFFFFu;
        for (uint i = 0u; i < n; ++i) {
            crc = VYRE_CRC32C[(crc ^ vyre_load_data_byte(vyre_a0 + i)) & 0xFFu] ^ (crc >> 8u);
        }
        crc = ~crc;
    }
    vyre_store_control(vyre_index_add(C_OBSERVABLE_BASE, vyre_a2), crc);
}

#ifdef VYRE_ISOLATION
// Do all of the built-in's writes of in-range control words and reads of in-range data bytes lie inside the
// tenant's windows? Checked before the built-in runs, so a violating built-in writes nothing.
bool vyre_builtin_allowed() {
    uint op = vyre_opcode;
    bool ok = true;
    if (op == OP_STORE_U32 || op == OP_ATOMIC_ADD) {
        ok = vyre_iso_writable(vyre_a1);
    } else if (op == OP_LOAD_U32) {
        ok = vyre_iso_writable(vyre_index_add(C_OBSERVABLE_BASE, vyre_a1));
    } else if (op == OP_COMPARE_SWAP) {
        ok = vyre_iso_writable(vyre_a0) && vyre_iso_writable(vyre_index_add(C_OBSERVABLE_BASE, vyre_a0));
    } else if (op == OP_MEMCPY) {
        uint end = min(vyre_index_add(vyre_a1, vyre_a2), CW);
        ok = vyre_a1 >= end || (vyre_iso_writable(vyre_a1) && vyre_iso_writable(end - 1u));
    } else if (op == OP_DFA_STEP) {
        uint w = vyre_a0 >= 0x01000000u ? OOB : vyre_a0 * 256u + (vyre_a1 & 0xFFu);
        ok = vyre_iso_writable(vyre_index_add(C_OBSERVABLE_BASE, vyre_a2))
                && (w >= (DBYTES >> 2u) || vyre_iso_readable(w << 2u, 4u));
    } else if (op == OP_BATCH_FENCE) {
        ok = vyre_iso_writable(C_EPOCH) && vyre_iso_writable(C_OBSERVABLE_BASE);
    } else if (op == OP_CRC32C) {
        uint n = vyre_a0 < DBYTES ? min(vyre_a1, DBYTES - vyre_a0) : 0u;
        ok = vyre_iso_writable(vyre_index_add(C_OBSERVABLE_BASE, vyre_a2)) && vyre_iso_readable(vyre_a0, n);
    } else if (op == OP_SHUTDOWN) {
        ok = vyre_iso_writable(C_SHUTDOWN);
    }
    return ok;
}
#endif

// metric, built-in and custom handlers for one (possibly packed inner) opcode
void vyre_dispatch() {
    uint op = vyre_opcode;
    // the metric is the interpreter's own bookkeeping (control is at least 160 words), never the slot's write
    if (op < 32u) atomicAdd(C[C_METRICS_BASE + op], 1u);
#ifdef VYRE_ISOLATION
    if (!vyre_builtin_allowed()) vyre_violated = true;
    if (!vyre_violated) {
#endif
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
    } else if (op == OP_CRC32C) {
        vyre_crc32c();
    } else if (op == OP_PRINTF) {
        vyre_printf();
    } else if (op == OP_SHUTDOWN) {
        vyre_store_control(C_SHUTDOWN, 1u);
    }
#ifdef VYRE_CUSTOM
    vyre_custom_dispatch();
#endif
#ifdef VYRE_ISOLATION
    }
#endif
}

uint vyre_payload_byte(uint k) {
    return (vyre_payload[k >> 2u] >> (8u * (k & 3u))) & 0xFFu;
}

void vyre_packed() {
    uint n = vyre_payload_byte(0u);
    uint meta = (2u + 2u * n + 3u) / 4u;
    if (meta > 12u) return;              // malformed: the metadata alone overflows the 12 argument words
    for (uint k = 0u; k < n && !vyre_violated; ++k) {   // isolated mode: a violating op ends the slot
        uint op = vyre_payload_byte(2u + 2u * k);
        uint off = vyre_payload_byte(3u + 2u * k);
        uint base = meta + off;
        if (base + 3u > 12u) continue;
        vyre_opcode = op;
        vyre_a0 = vyre_payload[base];
        vyre_a1 = vyre_payload[base + 1u];
        vyre_a2 = vyre_payload[base + 2u];
        vyre_packed_op = true;
        vyre_dispatch();
        vyre_packed_op = false;
    }
}

// ---- LOAD_MISS wait bound ----
// An iteration cap always bounds the wait (it also keeps every loop finite for the compiler); with
// VYRE_CLOCK the device clock ends it at the requested time.
uint vyre_wait_count;
#ifdef VYRE_CLOCK
uvec2 vyre_wait_start;
#endif
void vyre_wait_begin() {
    vyre_wait_count = 0u;
#ifdef VYRE_CLOCK
    vyre_wait_start = clockRealtime2x32EXT();
#endif
}
bool vyre_wait_expired() {
    if (++vyre_wait_count >= L[L_IO_ITERATIONS]) return true;
#ifdef VYRE_CLOCK
    uvec2 now = clockRealtime2x32EXT();
    uint borrow;
    uint lo = usubBorrow(now.x, vyre_wait_start.x, borrow);
    uint hi = now.y - vyre_wait_start.y - borrow;
    uint toLo = L[L_IO_TIMEOUT_LO];
    uint toHi = L[L_IO_TIMEOUT_HI];
    return hi > toHi || (hi == toHi && lo >= toLo);
#else
    return false;
#endif
}

// Reserve an IO slot (CAS EMPTY -> WAIT_IO), publish a READ request, wait (bounded) for the host.
// Sets vyre_result to DONE or FAULT. Written with structured loops, no early returns and a global
// result: lavapipe (Mesa 22.3) mis-runs early returns out of these loops.
uint vyre_result;

#ifndef VYRE_PERSISTENT
// One pass: nobody can complete a request while the dispatch runs (the host sees the buffers only
// after it), so the bounded wait always ends in its timeout. The shader goes straight to that outcome:
// reserve the first EMPTY IO slot, publish the request, take it back, FAULT. Straight-line code: lavapipe
// (Mesa 22.3) stops an invocation that leaves a polling loop.
void vyre_load_miss() {
    uint q = OOB;
    for (uint i = 0u; i < QS; ++i) {
        if (q == OOB && atomicCompSwap(Q[i * 8u + 6u], ST_EMPTY, ST_WAIT_IO) == ST_EMPTY) q = i * 8u;
    }
    vyre_result = ST_FAULT;
    if (q != OOB) {
        STORE_RLX(Q[q], 1u);
        STORE_RLX(Q[q + 1u], vyre_a0);
        STORE_RLX(Q[q + 2u], vyre_a0);
        STORE_RLX(Q[q + 3u], 0u);
        STORE_RLX(Q[q + 4u], 0u);
        STORE_RLX(Q[q + 5u], 0u);
        STORE_RLX(Q[q + 7u], vyre_a0);
        STORE_REL(Q[q + 6u], ST_PUBLISHED);
        atomicCompSwap(Q[q + 6u], ST_PUBLISHED, ST_EMPTY);
    }
}
#else
// Persistent: the split-ownership handshake of docs/PROTOCOL.md ("IO queue without shared atomics"). The
// IO queue may be BAR-mapped VRAM or host memory, where the host's compare-and-set is not atomic against
// the shader's atomics, so no word is read-modify-written by both sides: invocations reserve IO slots among
// themselves in device-only link words; the reserving invocation alone writes the IO queue and the SEQUENCE
// and ACCEPTED words; the host alone writes COMPLETION; the invocation alone decides between accepting a
// completion that carries its sequence and, at the wait bound, taking the request back.
void vyre_load_miss() {
    vyre_wait_begin();
    uint slot = OOB;
    bool expired = false;
    while (slot == OOB && !expired) {
        for (uint i = 0u; i < QS && slot == OOB; ++i) {
            if (atomicCompSwap(L[IOD + i], 0u, 1u) == 0u) slot = i;
        }
        if (slot == OOB) expired = vyre_wait_expired();
    }
    vyre_result = ST_FAULT;
    if (slot != OOB) {
        memoryBarrierBuffer();
        uint sequence = (LOAD_RLX(L[IOD + IO_DEV_SEQUENCE + slot]) + 1u) & IO_SEQUENCE_MASK;
        if (sequence == 0u) sequence = 1u;
        STORE_RLX(L[IOD + IO_DEV_SEQUENCE + slot], sequence);
        uint q = slot * 8u;
        STORE_RLX(Q[q + 6u], ST_WAIT_IO);
        memoryBarrierBuffer();  // a host that reads the new request words has seen WAIT_IO (its seqlock)
        STORE_RLX(Q[q], 1u);
        STORE_RLX(Q[q + 1u], vyre_a0);
        STORE_RLX(Q[q + 2u], vyre_a0);
        STORE_RLX(Q[q + 3u], 0u);
        STORE_RLX(Q[q + 4u], 0u);
        STORE_RLX(Q[q + 5u], 0u);
        STORE_RLX(Q[q + 7u], vyre_a0);
        STORE_RLX(L[IOL + IO_SEQUENCE_BASE + slot], sequence);
        STORE_REL(Q[q + 6u], ST_PUBLISHED);
        // The slot is handed back inside the loop, where the decision is made: lavapipe (Mesa 22.3) may
        // stop an invocation that leaves a polling loop before it runs the code after it.
        bool waiting = true;
        while (waiting) {
            uint word = HOST_LOAD(L[IOL + IO_COMPLETION_BASE + slot]);
            bool accepted = (word >> 1u) == sequence;
            if (accepted || vyre_wait_expired()) {
                if (accepted) {
                    // ACCEPTED before EMPTY, so a host that sees the request over sees the verdict
                    STORE_RLX(L[IOL + IO_ACCEPTED_BASE + slot], sequence);
                    vyre_result = (word & 1u) != 0u ? ST_DONE : ST_FAULT;
                }
                // else taken back: the read above, the last one, saw no completion for this sequence
                STORE_REL(Q[q + 6u], ST_EMPTY);
                memoryBarrierBuffer();
                atomicExchange(L[IOD + slot], 0u);
                waiting = false;
            }
        }
    }
}
#endif

// Executes the claimed slot whose words are in vyre_*; sets vyre_result to DONE or FAULT.
void vyre_execute() {
    vyre_result = ST_DONE;
    if (vyre_opcode == OP_PACKED_SLOT) {
        vyre_packed();
    } else {
        if (vyre_opcode == OP_LOAD_MISS) vyre_load_miss();
        if (vyre_result == ST_DONE) vyre_dispatch();
    }
}

// tenantBase: control word C_TENANT_BASE as loaded by the caller
bool vyre_authorised_at(uint tenantBase, uint tenant) {
    uint index = vyre_index_add(tenantBase, tenant);
    return index < C_TENANT_TABLE_END && vyre_load_control(index) != 0u;
}

bool vyre_authorised(uint tenant) {
    return vyre_authorised_at(vyre_load_control(C_TENANT_BASE), tenant);
}

// Loads the opcode and the 12 payload words of the slot whose first word is R[base] into vyre_opcode, vyre_payload.
void vyre_load_words(uint base) {
    vyre_opcode = LOAD_RLX(R[base + 1u]);
    for (uint i = 0u; i < 12u; ++i) vyre_payload[i] = LOAD_RLX(R[base + 4u + i]);
}

// Claims slot s if it is PUBLISHED and authorised, executes it and publishes DONE / FAULT. gen is the
// slot's generation word the caller read (persistent mode: the mirror tag; one pass: unused).
// Returns true when the slot is settled for this generation: it was not PUBLISHED, or it ran. It
// returns false when it left the slot PUBLISHED (SHUTDOWN seen, tenant not authorised; in one-pass
// mode also a claim lost to another invocation), so
// the persistent loop looks at it again on every sweep (a later control write may authorise it).
bool vyre_try_slot(uint s, uint gen) {
    uint base = s * 16u;
#ifdef VYRE_PERSISTENT
    // The caller saw a new generation (acquire): the host stored the whole line, status included,
    // before it, so no separate status read is needed: the claim CAS returns the status. The three
    // independent loads are issued before any branch (a GPU does not speculate past one), so the
    // path from the doorbell to the claim is two dependent loads (tenant table word, then its mask).
    uint stop = vyre_load_control(C_SHUTDOWN);
    uint tenant = LOAD_RLX(R[base + 2u]);
    uint tenantBase = vyre_load_control(C_TENANT_BASE);
#ifdef VYRE_CLAIM_BY_STORE
    uint status = LOAD_RLX(R[base]);
#endif
#ifdef VYRE_LOADS_FIRST
    // The opcode and payload go out with them: the slot runs one device-memory round trip after the doorbell
    // (plus the tenant table's word) instead of two. Words of a slot that does not run are dropped unused.
    vyre_load_words(base);
#endif
    if (stop != 0u) return false;
    if (!vyre_authorised_at(tenantBase, tenant)) {
        return LOAD_RLX(R[base]) != ST_PUBLISHED; // left PUBLISHED: look again every sweep
    }
    // not PUBLISHED (a raw write of another status): nothing runs for this generation
#ifndef VYRE_CLAIM_BY_STORE
    if (atomicCompSwap(R[base], ST_PUBLISHED, ST_CLAIMED) != ST_PUBLISHED) return true;
#else
    // This invocation alone looks at slot s (s = gid + k * stride) and the host writes a slot only while it is
    // EMPTY or DONE, so the status loaded with the other words decides, and the claim is a store that nothing
    // waits for (a compare-and-set would add a round trip to device memory before the payload loads).
    if (status != ST_PUBLISHED) return true;
    STORE_RLX(R[base], ST_CLAIMED);
#endif
#else
    if (LOAD_ACQ(R[base]) != ST_PUBLISHED) return true;
    uint tenant = LOAD_RLX(R[base + 2u]);
    if (!vyre_authorised(tenant)) return false;
    if (atomicCompSwap(R[base], ST_PUBLISHED, ST_CLAIMED) != ST_PUBLISHED) return false;
#endif
#ifdef VYRE_PERSISTENT
    // tag the mirror entries with the generation that rang this slot's doorbell
    uint tag = gen << M_GEN_SHIFT;
#ifndef VYRE_NO_CLAIMED_MIRROR
    MIRROR_STORE(M[M_STATUS_BASE + s], tag | ST_CLAIMED);
#endif
#endif
    vyre_slot = s;
#if !defined(VYRE_PERSISTENT) || !defined(VYRE_LOADS_FIRST)
    vyre_load_words(base);
#endif
    vyre_tenant = tenant;
    vyre_packed_op = false;
    vyre_a0 = vyre_payload[0];
    vyre_a1 = vyre_payload[1];
    vyre_a2 = vyre_payload[2];
    vyre_violated = false;
    vyre_execute();
#ifdef VYRE_ISOLATION
    if (vyre_violated) {
        vyre_result = ST_FAULT;
        atomicAdd(L[ISO + tenant], 1u);
    }
#endif
    if (vyre_result == ST_DONE) atomicAdd(C[C_DONE_COUNT], 1u);
#if defined(VYRE_PERSISTENT) && defined(VYRE_RING_STATUS_LAST)
    // The mirror first (release: after the effects and DONE_COUNT), which is what the host waits for; then the
    // ring's status by a compare-and-set from CLAIMED (release as well), so that a host that reused the slot on
    // the mirrored result keeps its PUBLISHED. An exact read that still finds CLAIMED takes the mirrored result.
#ifdef VYRE_ONE_RELEASE
    // One release fence orders the effects and DONE_COUNT before both result stores, which are relaxed: a second
    // fence would wait for the mirror's store to system memory before this invocation looks at its next doorbell.
    RELEASE_FENCE();
    MIRROR_RLX(M[M_STATUS_BASE + s], tag | vyre_result);
    RELAXED_CAS(R[base], ST_CLAIMED, vyre_result);
#else
    MIRROR_STORE(M[M_STATUS_BASE + s], tag | vyre_result);
    RELEASE_CAS(R[base], ST_CLAIMED, vyre_result);
#endif
#else
#if !defined(VYRE_VMM) || !defined(VYRE_NO_DONE_BARRIER)
    memoryBarrierBuffer(); // (with the memory model the release store below orders DONE_COUNT as well)
#endif
    STORE_REL(R[base], vyre_result);
#ifdef VYRE_PERSISTENT
    // after the effects, DONE_COUNT and the ring status (release): the host trusts a mirrored DONE
    MIRROR_STORE(M[M_STATUS_BASE + s], tag | vyre_result);
#endif
#endif
    return true;
}

void vyre_load_sizes() {
    CW = L[L_CONTROL_WORDS];
    DW = L[L_DEBUG_WORDS];
    QS = min(L[L_IO_SLOTS], 64u);
    DBYTES = L[L_DATA_BYTES];
    IOL = L_GEN_BASE + 2u * L[L_SLOT_COUNT];
    IOD = IOL + IO_LINK_WORDS;
    vyre_violated = false;
#ifdef VYRE_ISOLATION
    ISO = L[L_ISOLATION];
    vyre_iso_admin = L[ISO + 160u];
#else
    ISO = 0u;
    vyre_iso_admin = OOB;
#endif
}

#ifdef VYRE_PERSISTENT
shared uint vyre_stop;

// Workgroup-uniform loop: every invocation sweeps the slots it owns (s = gid, gid + stride, ...), then
// the workgroup meets at a barrier, so invocations of one workgroup interleave on every implementation.
//
// Doorbell: the host writes a slot's whole ring line (payload and status), then, behind a full fence,
// the slot's new generation word L[L_GEN_BASE + s] (VulkanSession.java). A sweep loads that word
// (acquire; lanes of a workgroup own consecutive slots, so the loads coalesce) and looks at the ring
// line only when it differs from L[seen + s], the generation this invocation last settled there
// (device-only words, zero at open like the generations). A slot left PUBLISHED (refused for its
// tenant, or SHUTDOWN seen) is not settled: it is looked at again on every sweep. The shader never
// stores PUBLISHED into a ring slot, so a settled slot changes only with a new host generation.
void main() {
    vyre_load_sizes();
    uint slots = L[L_SLOT_COUNT];
    uint seen = L_GEN_BASE + slots;
    uint stride = L[L_STRIDE];
    uint gid = gl_GlobalInvocationID.x;
    uint beat = 0u;
    uint mirroredDone = 0u;
    uint ping = 0u;
    uint sweep = 0u;
    while (true) {
        // SHUTDOWN every VYRE_STOP_EVERY sweeps: one global load fewer between two looks at the doorbells
        if (gl_LocalInvocationIndex == 0u && sweep++ % VYRE_STOP_EVERY == 0u) vyre_stop = vyre_load_control(C_SHUTDOWN);
        barrier();
        uint stop = vyre_stop;
        barrier();
        if (stop != 0u) break;
        for (uint s = gid; s < slots; s += stride) {
            uint settled = L[seen + s]; // before the acquire below, so both loads are in flight together
            uint g = LOAD_ACQ(L[L_GEN_BASE + s]);
            if (g != settled) {
                if (vyre_try_slot(s, g)) L[seen + s] = g;
            }
        }
        if (gid == 0u) {
            ++beat;
            STORE_REL(L[L_HEARTBEAT], beat);
            // one writer keeps the mirrored DONE_COUNT monotonic; it lags by at most one sweep
            uint done = LOAD_ACQ(C[C_DONE_COUNT]);
            if (done != mirroredDone) {
                mirroredDone = done;
                MIRROR_STORE(M[M_DONE_COUNT], done);
            }
            if ((beat & 63u) == 0u) MIRROR_STORE(M[M_HEARTBEAT], beat);
            // the open-time handshake: echo the host's ping, proving that host stores reach this shader
            uint p = LOAD_ACQ(L[L_PING]);
            if (p != ping) {
                ping = p;
                MIRROR_STORE(M[M_PONG], p);
            }
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
    vyre_try_slot(s, 0u);
}
#endif
