// The VIR0 interpreter as OpenCL C 1.2 (docs/PROTOCOL.md, "Interpreter semantics"), compiled at run time
// by the device's OpenCL compiler. Three kernels share it:
//   vyre_once        one pass: one work-item per ring slot
//   vyre_persistent  a persistent loop until control word 0 (SHUTDOWN) is non-zero; every work-item
//                    sweeps the slots s = gid, gid + stride, ... and claims PUBLISHED ones (the ring is
//                    polled: host-mapped or fine-grained SVM memory the host writes while it runs)
//   vyre_handshake   the host's measurement of whether a running kernel sees host writes (OpenClPersistence.java)
//
// The host may define VYRE_CUSTOM and append vyre_custom_dispatch() and the custom opcode bodies
// (dialect "opencl-c", KernelSource.java), and VYRE_ISOLATION for isolated mode (docs/PROTOCOL.md, "Isolated
// mode"): the isolation block (TenantIsolation.java) then lies in the link block from word L_ISOLATION.
//
// Every buffer access is bounds-checked against the real length the host passes: an out-of-range load
// is 0, an out-of-range store or atomic has no effect (deliberate fix 1). Index sums are 64-bit (ulong)
// and never wrap. Memory ordering: OpenCL C 1.2 has no acquire/release atomics, so a load that must see
// another agent's store is volatile and followed by mem_fence; a release store is mem_fence, then an
// atomic exchange; claims and IO statuses move by atomic_cmpxchg.

typedef uint u32;
typedef ulong u64;

// link block words (must match OpenClLink.java)
#define L_HEARTBEAT 0
#define L_STOPPED 1
#define L_HS_STARTED 2
#define L_HS_TOKEN 3
#define L_HS_ACK 4
#define L_HS_POLLS_LO 5
#define L_HS_POLLS_HI 6
#define L_HS_FINISHED 7
// persistent sessions: the IO link block (IoLink.java) from word 16: the kernel writes SEQUENCE and
// ACCEPTED, the host COMPLETION; then 128 device-only words: IO slot reservations, last sequence per slot
#define L_IO_LINK 16ul
#define IO_SEQUENCE_BASE 0ul
#define IO_ACCEPTED_BASE 64ul
#define IO_COMPLETION_BASE 128ul
#define IO_LINK_WORDS 192ul
#define IO_DEV_SEQUENCE 64ul
#define IO_SEQUENCE_MASK 0x7FFFFFFFu
// isolated mode: the isolation block (TenantIsolation.java) from this link word (OpenClLink.ISOLATION)
#define L_ISOLATION 336ul
#define ISO_WINDOWS 32ul
#define ISO_ADMIN 160ul

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

#define C_SHUTDOWN 0ul
#define C_DONE_COUNT 1ul
#define C_TENANT_BASE 2ul
#define C_TENANT_TABLE_END 32ul
#define C_METRICS_BASE 96ul
#define C_EPOCH 128ul
#define C_OBSERVABLE_BASE 160ul

#define VOLATILE(p) (*(volatile __global u32*)(p))

inline u32 vyre_load_acquire(__global u32* p) {
    u32 v = VOLATILE(p);
    mem_fence(CLK_GLOBAL_MEM_FENCE);
    return v;
}
inline void vyre_store_release(__global u32* p, u32 v) {
    mem_fence(CLK_GLOBAL_MEM_FENCE);
    atomic_xchg((volatile __global u32*)p, v);
}

// ---- the executing slot: what the interpreter and a custom "opencl-c" body see ----
typedef struct {
    __global u32* control;
    u64 controlWords;
    __global u32* debugLog;
    u64 debugWords;
    __global u32* ioQueue;
    u32 ioSlots;
    __global const uchar* data;
    u64 dataBytes;
    u64 ioWaitPolls;     // LOAD_MISS wait bound in polls (persistent); 0 in one pass
    __global u32* link;
    u32 ioLinked;        // 1 in a persistent session: LOAD_MISS runs the split-ownership handshake
    u32 slot;
    u32 tenant;
    u32 opcode;
    u32 a0, a1, a2;
    u32 packed;          // 1 while a packed inner op runs: argument words 3..11 read 0
    u32 result;          // ST_DONE or ST_FAULT
    u32 payload[12];
    u32 violated;        // isolated mode: 1 once the slot accessed outside its tenant's windows
    u32 isoAdmin;        // isolated mode: the admin tenant (0xFFFFFFFF: none)
} VyreCtx;

#ifdef VYRE_ISOLATION
// Isolated mode: may the slot write control word i? Out of range is no write (the bounds rule comes first).
inline bool vyre_iso_writable(const VyreCtx* c, u64 i) {
    if (i >= c->controlWords || c->tenant == c->isoAdmin) return true;
    __global u32* w = c->link + L_ISOLATION + ISO_WINDOWS + 4ul * (u64)c->tenant;
    return i >= (u64)VOLATILE(w) && i < (u64)VOLATILE(w + 1);
}
// ... read data bytes [off, off + len)? A range not wholly inside the data buffer reads nothing (0).
inline bool vyre_iso_readable(const VyreCtx* c, u64 off, u64 len) {
    if (len == 0ul || off + len > c->dataBytes || c->tenant == c->isoAdmin) return true;
    __global u32* w = c->link + L_ISOLATION + ISO_WINDOWS + 4ul * (u64)c->tenant + 2ul;
    return off >= (u64)VOLATILE(w) && off + len <= (u64)VOLATILE(w + 1);
}
// a custom body's (or built-in's) write: after a violation, nothing more of the slot is written
inline bool vyre_iso_write(VyreCtx* c, u64 i) {
    if (c->violated == 0u && vyre_iso_writable(c, i)) return true;
    c->violated = 1u;
    return false;
}
inline bool vyre_iso_read(VyreCtx* c, u64 off, u64 len) {
    if (vyre_iso_readable(c, off, len)) return true;
    c->violated = 1u;
    return false;
}
#define VYRE_ISO_WRITE(c, i) vyre_iso_write(c, i)
#define VYRE_ISO_READ(c, off, len) vyre_iso_read(c, off, len)
#else
#define VYRE_ISO_WRITE(c, i) true
#define VYRE_ISO_READ(c, off, len) true
#endif

inline u32 vyre_load_control_p(const VyreCtx* c, u64 i) {
    return i < c->controlWords ? VOLATILE(c->control + i) : 0u;
}
inline void vyre_store_control_p(VyreCtx* c, u64 i, u32 v) {
    if (i < c->controlWords && VYRE_ISO_WRITE(c, i)) atomic_xchg((volatile __global u32*)(c->control + i), v);
}
inline u32 vyre_atomic_add_control_p(VyreCtx* c, u64 i, u32 v) {
    return i < c->controlWords && VYRE_ISO_WRITE(c, i) ? atomic_add((volatile __global u32*)(c->control + i), v) : 0u;
}
inline u32 vyre_cas_control_p(VyreCtx* c, u64 i, u32 expected, u32 desired) {
    return i < c->controlWords && VYRE_ISO_WRITE(c, i)
            ? atomic_cmpxchg((volatile __global u32*)(c->control + i), expected, desired) : 0u;
}
inline u32 vyre_load_data_byte_p(VyreCtx* c, u64 off) {
    return off < c->dataBytes && VYRE_ISO_READ(c, off, 1ul) ? (u32)((volatile __global const uchar*)c->data)[off] : 0u;
}
// whole words only: bytes 4w .. 4w+3 must all lie inside the data buffer (little-endian)
inline u32 vyre_load_data_word_p(VyreCtx* c, u64 w) {
    if (w >= (c->dataBytes >> 2) || !VYRE_ISO_READ(c, w << 2, 4ul)) return 0u;
    volatile __global const uchar* p = (volatile __global const uchar*)c->data + (w << 2);
    return (u32)p[0] | ((u32)p[1] << 8) | ((u32)p[2] << 16) | ((u32)p[3] << 24);
}
// argument word i (0..11); for a packed inner op, words 0..2 are its arguments and 3..11 read 0
inline u32 vyre_arg_p(const VyreCtx* c, u32 i) {
    if (i == 0u) return c->a0;
    if (i == 1u) return c->a1;
    if (i == 2u) return c->a2;
    return i < 12u && c->packed == 0u ? c->payload[i] : 0u;
}

// The abort flag of a custom body (docs/PROTOCOL.md, "Custom opcodes"): true once the host asked the interpreter
// to stop (SHUTDOWN, control word 0, non-zero; Session.close() sets it). A body that may loop must poll it and
// return when it is set, or close cannot stop the kernel. A volatile load every call, never hoisted.
inline bool vyre_abort_requested_p(const VyreCtx* c) {
    return VOLATILE(c->control + C_SHUTDOWN) != 0u;
}

// The dialect's names take the context as a value, as in the CUDA dialect: vyre_arg(ctx, i) ...
#define vyre_abort_requested(c) vyre_abort_requested_p(&(c))
#define vyre_load_control(c, i) vyre_load_control_p(&(c), (u64)(i))
#define vyre_store_control(c, i, v) vyre_store_control_p(&(c), (u64)(i), (u32)(v))
#define vyre_atomic_add_control(c, i, v) vyre_atomic_add_control_p(&(c), (u64)(i), (u32)(v))
#define vyre_cas_control(c, i, e, d) vyre_cas_control_p(&(c), (u64)(i), (u32)(e), (u32)(d))
#define vyre_load_data_byte(c, off) vyre_load_data_byte_p(&(c), (u64)(off))
#define vyre_load_data_word(c, w) vyre_load_data_word_p(&(c), (u64)(w))
#define vyre_arg(c, i) vyre_arg_p(&(c), (u32)(i))

#ifdef VYRE_CUSTOM
void vyre_custom_dispatch(VyreCtx* vyre_ctx);
#endif

// CRC-32C (Castagnoli, reflected) table.
__constant u32 VYRE_CRC32C[256] = {
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
};

// CRC32C: C[160 + a2] = crc32c(B[a0 .. min(a0 + a1, dataBytes))); no bytes -> 0.
inline void vyre_crc32c(VyreCtx* c) {
    u32 crc = 0u;
    u64 start = c->a0;
    if (start < c->dataBytes) {
        u64 end = min(start + (u64)c->a1, c->dataBytes);
        crc = 0xFFFFFFFFu;
        for (u64 i = start; i < end; ++i) {
            crc = VYRE_CRC32C[(crc ^ vyre_load_data_byte_p(c, i)) & 0xFFu] ^ (crc >> 8);
        }
        crc = ~crc;
    }
    vyre_store_control_p(c, C_OBSERVABLE_BASE + c->a2, crc);
}

inline void vyre_printf(const VyreCtx* c) {
    volatile __global u32* cursor = (volatile __global u32*)c->debugLog;
    if (c->debugWords < 5ul) return;
    u64 r = (u64)atomic_add(cursor, 4u) + 1ul;
    if (r + 4ul > c->debugWords) return;
    atomic_xchg((volatile __global u32*)(c->debugLog + r), c->a0);
    atomic_xchg((volatile __global u32*)(c->debugLog + r + 1ul), c->a1);
    atomic_xchg((volatile __global u32*)(c->debugLog + r + 2ul), c->a2);
    atomic_xchg((volatile __global u32*)(c->debugLog + r + 3ul), c->slot * 16u);
}

// ascending, one element at a time (overlap smears forward); stops once every destination is out of range
inline void vyre_memcpy(VyreCtx* c) {
    u64 src = c->a0;
    u64 dst = c->a1;
    if (dst >= c->controlWords) return;
    u64 n = min((u64)c->a2, c->controlWords - dst);
    for (u64 i = 0; i < n; ++i) {
        vyre_store_control_p(c, dst + i, vyre_load_control_p(c, src + i));
    }
}

#ifdef VYRE_ISOLATION
// Isolated mode: do all of the built-in's writes of in-range control words and reads of in-range data bytes
// lie inside the tenant's windows? Checked before the built-in runs, so a violating built-in writes nothing.
inline bool vyre_builtin_allowed(const VyreCtx* c) {
    u32 op = c->opcode;
    u64 a0 = c->a0, a1 = c->a1, a2 = c->a2;
    if (op == OP_STORE_U32 || op == OP_ATOMIC_ADD) return vyre_iso_writable(c, a1);
    if (op == OP_LOAD_U32) return vyre_iso_writable(c, C_OBSERVABLE_BASE + a1);
    if (op == OP_COMPARE_SWAP) return vyre_iso_writable(c, a0) && vyre_iso_writable(c, C_OBSERVABLE_BASE + a0);
    if (op == OP_MEMCPY) {
        u64 end = min(a1 + a2, c->controlWords);
        return a1 >= end || (vyre_iso_writable(c, a1) && vyre_iso_writable(c, end - 1ul));
    }
    if (op == OP_DFA_STEP) {
        return vyre_iso_writable(c, C_OBSERVABLE_BASE + a2) && vyre_iso_readable(c, (a0 * 256ul + (a1 & 0xFFul)) * 4ul, 4ul);
    }
    if (op == OP_BATCH_FENCE) return vyre_iso_writable(c, C_EPOCH) && vyre_iso_writable(c, C_OBSERVABLE_BASE);
    if (op == OP_CRC32C) {
        u64 end = min(a0 + a1, c->dataBytes);
        return vyre_iso_writable(c, C_OBSERVABLE_BASE + a2) && (a0 >= end || vyre_iso_readable(c, a0, end - a0));
    }
    if (op == OP_SHUTDOWN) return vyre_iso_writable(c, C_SHUTDOWN);
    return true;
}
#endif

// metric, built-in and custom handlers of one (possibly packed inner) op
inline void vyre_dispatch(VyreCtx* c) {
    u32 op = c->opcode;
    // the metric is the interpreter's own bookkeeping (control is at least 160 words), never the slot's write
    if (op < 32u) atomic_add((volatile __global u32*)(c->control + C_METRICS_BASE + op), 1u);
#ifdef VYRE_ISOLATION
    if (!vyre_builtin_allowed(c)) {
        c->violated = 1u;
        return;
    }
#endif
    if (op == OP_STORE_U32) {
        vyre_store_control_p(c, c->a1, c->a0);
    } else if (op == OP_ATOMIC_ADD) {
        vyre_atomic_add_control_p(c, c->a1, c->a0);
    } else if (op == OP_LOAD_U32) {
        vyre_store_control_p(c, C_OBSERVABLE_BASE + c->a1, vyre_load_control_p(c, c->a0));
    } else if (op == OP_COMPARE_SWAP) {
        u32 prev = vyre_cas_control_p(c, c->a0, c->a1, c->a2);
        vyre_store_control_p(c, C_OBSERVABLE_BASE + c->a0, prev);
    } else if (op == OP_MEMCPY) {
        vyre_memcpy(c);
    } else if (op == OP_DFA_STEP) {
        vyre_store_control_p(c, C_OBSERVABLE_BASE + c->a2,
                vyre_load_data_word_p(c, (u64)c->a0 * 256ul + (c->a1 & 0xFFu)));
    } else if (op == OP_BATCH_FENCE) {
        vyre_atomic_add_control_p(c, C_EPOCH, 1u);
        vyre_store_control_p(c, C_OBSERVABLE_BASE, c->a1);
    } else if (op == OP_CRC32C) {
        vyre_crc32c(c);
    } else if (op == OP_PRINTF) {
        vyre_printf(c);
    } else if (op == OP_SHUTDOWN) {
        vyre_store_control_p(c, C_SHUTDOWN, 1u);
    }
#ifdef VYRE_CUSTOM
    vyre_custom_dispatch(c);
#endif
}

inline u32 vyre_payload_byte(const VyreCtx* c, u32 k) {
    return (c->payload[k >> 2] >> (8u * (k & 3u))) & 0xFFu;
}

inline void vyre_packed(VyreCtx* c) {
    u32 n = vyre_payload_byte(c, 0u);
    u32 meta = (2u + 2u * n + 3u) / 4u;
    if (meta > 12u) return;              // malformed: the metadata alone overflows the 12 argument words
    c->packed = 1u;
    for (u32 k = 0u; k < n; ++k) {
        u32 op = vyre_payload_byte(c, 2u + 2u * k);
        u32 base = meta + vyre_payload_byte(c, 3u + 2u * k);
        if (base + 3u > 12u) continue;
        c->opcode = op;
        c->a0 = c->payload[base];
        c->a1 = c->payload[base + 1u];
        c->a2 = c->payload[base + 2u];
        vyre_dispatch(c);
        if (c->violated != 0u) return;   // isolated mode: the violating op ends the slot
    }
}

// LOAD_MISS: reserve the first EMPTY IO slot (CAS EMPTY -> WAIT_IO), write the READ request, publish it
// (release) and wait for the host, bounded by c->ioWaitPolls polls. In one pass nobody can serve it (the
// host sees the buffers only after the pass), so the wait bound is 0: the request is taken back at once.
inline void vyre_load_miss_shared(VyreCtx* c) {
    volatile __global u32* q = 0;
    u64 polls = 0;
    c->result = ST_FAULT;
    while (q == 0) {
        for (u32 i = 0u; i < c->ioSlots && q == 0; ++i) {
            volatile __global u32* status = (volatile __global u32*)(c->ioQueue + i * 8u + 6u);
            if (atomic_cmpxchg(status, ST_EMPTY, ST_WAIT_IO) == ST_EMPTY) q = (volatile __global u32*)(c->ioQueue + i * 8u);
        }
        if (q == 0 && polls++ >= c->ioWaitPolls) return;   // no IO slot became EMPTY within the bound
    }
    q[0] = 1u;
    q[1] = c->a0;
    q[2] = c->a0;
    q[3] = 0u;
    q[4] = 0u;
    q[5] = 0u;
    q[7] = c->a0;
    vyre_store_release((__global u32*)(q + 6), ST_PUBLISHED);
    polls = 0;
    while (true) {
        u32 s = vyre_load_acquire((__global u32*)(q + 6));
        if (s == IO_OK || s == IO_ERROR) {
            vyre_store_release((__global u32*)(q + 6), ST_EMPTY);
            c->result = s == IO_OK ? ST_DONE : ST_FAULT;
            return;
        }
        if (polls++ >= c->ioWaitPolls) {
            // take the request back; a host that completed it just now wins and its completion is taken
            if (atomic_cmpxchg(q + 6, ST_PUBLISHED, ST_EMPTY) == ST_PUBLISHED) return;
            if (atomic_cmpxchg(q + 6, ST_CLAIMED, ST_EMPTY) == ST_CLAIMED) return;
            if (polls > c->ioWaitPolls + 1000000ul) return;   // a status outside the protocol: give up
        }
        if ((polls & 1023ul) == 0ul) atomic_inc((volatile __global u32*)(c->link + L_HEARTBEAT));
    }
}

// LOAD_MISS in a persistent session: the split-ownership handshake of docs/PROTOCOL.md ("IO queue without
// shared atomics"). The buffers are host-mapped memory or SVM, where a GPU's atomics need not be atomic
// against the host's compare-and-set, so no word is read-modify-written by both sides: work-items reserve IO
// slots among themselves in device-only link words; the reserving work-item alone writes the IO queue and the
// SEQUENCE and ACCEPTED words; the host alone writes COMPLETION; the work-item alone decides between accepting
// a completion that carries its sequence and, at the wait bound, taking the request back.
inline void vyre_load_miss_linked(VyreCtx* c) {
    __global u32* io = c->link + L_IO_LINK;
    __global u32* dev = io + IO_LINK_WORDS;
    u32 slot = c->ioSlots;
    u64 polls = 0;
    c->result = ST_FAULT;
    while (slot == c->ioSlots) {
        for (u32 i = 0u; i < c->ioSlots && slot == c->ioSlots; ++i) {
            if (atomic_cmpxchg((volatile __global u32*)(dev + i), 0u, 1u) == 0u) slot = i;
        }
        if (slot == c->ioSlots && polls++ >= c->ioWaitPolls) return;   // no IO slot freed within the bound
    }
    mem_fence(CLK_GLOBAL_MEM_FENCE);
    u32 sequence = (VOLATILE(dev + IO_DEV_SEQUENCE + slot) + 1u) & IO_SEQUENCE_MASK;
    if (sequence == 0u) sequence = 1u;
    VOLATILE(dev + IO_DEV_SEQUENCE + slot) = sequence;
    volatile __global u32* q = (volatile __global u32*)(c->ioQueue + slot * 8u);
    q[6] = ST_WAIT_IO;
    mem_fence(CLK_GLOBAL_MEM_FENCE);   // a host that reads the new request words has seen WAIT_IO (its seqlock)
    q[0] = 1u;
    q[1] = c->a0;
    q[2] = c->a0;
    q[3] = 0u;
    q[4] = 0u;
    q[5] = 0u;
    q[7] = c->a0;
    VOLATILE(io + IO_SEQUENCE_BASE + slot) = sequence;
    mem_fence(CLK_GLOBAL_MEM_FENCE);
    q[6] = ST_PUBLISHED;
    polls = 0;
    while (true) {
        u32 word = vyre_load_acquire(io + IO_COMPLETION_BASE + slot);
        bool accepted = (word >> 1) == sequence;
        if (accepted || polls++ >= c->ioWaitPolls) {
            if (accepted) {
                // ACCEPTED before EMPTY, so a host that sees the request over sees the verdict
                VOLATILE(io + IO_ACCEPTED_BASE + slot) = sequence;
                c->result = (word & 1u) != 0u ? ST_DONE : ST_FAULT;
            }
            // else taken back: the read above, the last one, saw no completion for this sequence
            mem_fence(CLK_GLOBAL_MEM_FENCE);
            q[6] = ST_EMPTY;
            mem_fence(CLK_GLOBAL_MEM_FENCE);
            atomic_xchg((volatile __global u32*)(dev + slot), 0u);
            return;
        }
        if ((polls & 1023ul) == 0ul) atomic_inc((volatile __global u32*)(c->link + L_HEARTBEAT));
    }
}

inline void vyre_load_miss(VyreCtx* c) {
    if (c->ioLinked) {
        vyre_load_miss_linked(c);
    } else {
        vyre_load_miss_shared(c);
    }
}

inline void vyre_execute(VyreCtx* c) {
    c->result = ST_DONE;
    c->packed = 0u;
    if (c->opcode == OP_PACKED_SLOT) {
        vyre_packed(c);
    } else {
        if (c->opcode == OP_LOAD_MISS) vyre_load_miss(c);
        if (c->result == ST_DONE) vyre_dispatch(c);
    }
}

// t = C[2] + tenant (64-bit) < 32, < Cw, and C[t] != 0
inline bool vyre_authorised(const VyreCtx* c, u32 tenant) {
    u64 t = (u64)vyre_load_control_p(c, C_TENANT_BASE) + tenant;
    return t < C_TENANT_TABLE_END && vyre_load_control_p(c, t) != 0u;
}

// Claims slot s when it is PUBLISHED, its tenant authorised and SHUTDOWN not set; executes it, adds 1 to
// DONE_COUNT and release-stores DONE (or FAULT). The same steps, in the same order, as the reference.
inline void vyre_try_slot(VyreCtx* c, __global u32* R, u32 s) {
    __global u32* w = R + (u64)s * 16ul;
    if (vyre_load_acquire(w) != ST_PUBLISHED) return;
    if (!vyre_authorised(c, VOLATILE(w + 2))) return;
    if (vyre_load_control_p(c, C_SHUTDOWN) != 0u) return;
    if (atomic_cmpxchg((volatile __global u32*)w, ST_PUBLISHED, ST_CLAIMED) != ST_PUBLISHED) return;
    // the claim matched this publication: check the tenant it carries (a republished slot may differ)
    u32 tenant = VOLATILE(w + 2);
    if (!vyre_authorised(c, tenant)) {
        vyre_store_release(w, ST_PUBLISHED);
        return;
    }
    c->slot = s;
    c->tenant = tenant;
    c->opcode = VOLATILE(w + 1);
    for (u32 i = 0u; i < 12u; ++i) c->payload[i] = VOLATILE(w + 4 + i);
    c->a0 = c->payload[0];
    c->a1 = c->payload[1];
    c->a2 = c->payload[2];
    c->violated = 0u;
    vyre_execute(c);
#ifdef VYRE_ISOLATION
    if (c->violated != 0u) {
        c->result = ST_FAULT;
        atomic_inc((volatile __global u32*)(c->link + L_ISOLATION + (u64)tenant));
    }
#endif
    if (c->result == ST_DONE) atomic_inc((volatile __global u32*)(c->control + C_DONE_COUNT));
    vyre_store_release(w, c->result);
}

inline void vyre_init(VyreCtx* c, __global u32* C, __global u32* D, __global u32* Q, __global const uchar* B,
                      __global u32* L, u32 cw, u32 dw, u32 qs, u64 dbytes, u64 ioWaitPolls) {
    c->control = C;
    c->controlWords = cw;
    c->debugLog = D;
    c->debugWords = dw;
    c->ioQueue = Q;
    c->ioSlots = min(qs, 64u);
    c->data = B;
    c->dataBytes = dbytes;
    c->ioWaitPolls = ioWaitPolls;
    c->link = L;
    c->ioLinked = ioWaitPolls != 0ul ? 1u : 0u;
    c->packed = 0u;
    c->result = ST_DONE;
    c->violated = 0u;
#ifdef VYRE_ISOLATION
    c->isoAdmin = VOLATILE(L + L_ISOLATION + ISO_ADMIN);
#else
    c->isoAdmin = 0xFFFFFFFFu;
#endif
}

// One pass: work-item s runs slot s once.
__kernel void vyre_once(__global u32* C, __global u32* R, __global u32* D, __global u32* Q,
                        __global const uchar* B, __global u32* L, u32 cw, u32 slots, u32 dw, u32 qs, u64 dbytes) {
    u32 s = (u32)get_global_id(0);
    if (s >= slots) return;
    VyreCtx c;
    vyre_init(&c, C, D, Q, B, L, cw, dw, qs, dbytes, 0ul);
    vyre_try_slot(&c, R, s);
}

// Persistent: sweeps its slots until SHUTDOWN. Work-item 0 beats the heartbeat once per sweep; every
// work-item adds 1 to the stopped count as it leaves. A work-item that owns no slot (gid >= slots) leaves at
// once, so it does not poll control word 0 across the bus for nothing.
__kernel void vyre_persistent(__global u32* C, __global u32* R, __global u32* D, __global u32* Q,
                              __global const uchar* B, __global u32* L, u32 cw, u32 slots, u32 dw, u32 qs,
                              u64 dbytes, u64 ioWaitPolls) {
    u32 gid = (u32)get_global_id(0);
    u32 stride = (u32)get_global_size(0);
    VyreCtx c;
    vyre_init(&c, C, D, Q, B, L, cw, dw, qs, dbytes, ioWaitPolls);
    while (gid < slots && vyre_load_acquire(C) == 0u) {
        for (u32 s = gid; s < slots; s += stride) {
            if (VOLATILE(R + (u64)s * 16ul) == ST_PUBLISHED) vyre_try_slot(&c, R, s);
        }
        if (gid == 0u) atomic_inc((volatile __global u32*)(L + L_HEARTBEAT));
    }
    mem_fence(CLK_GLOBAL_MEM_FENCE);
    atomic_inc((volatile __global u32*)(L + L_STOPPED));
}

// Ping-pong with the host over the link block: for rounds 1..n, wait (at most maxPolls polls) until the
// host stores the round's token, then store it as the acknowledgement. Reports the polls it made.
__kernel void vyre_handshake(__global u32* L, u32 rounds, u64 maxPolls) {
    if (get_global_id(0) != 0) return;
    vyre_store_release(L + L_HS_STARTED, 1u);
    u64 total = 0;
    for (u32 r = 1u; r <= rounds; ++r) {
        u64 n = 0;
        while (VOLATILE(L + L_HS_TOKEN) != r && n < maxPolls) ++n;
        total += n;
        if (n >= maxPolls) break;
        vyre_store_release(L + L_HS_ACK, r);
    }
    L[L_HS_POLLS_LO] = (u32)total;
    L[L_HS_POLLS_HI] = (u32)(total >> 32);
    vyre_store_release(L + L_HS_FINISHED, 1u);
}
