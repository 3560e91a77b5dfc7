// The launch-per-operation peer of a persistent vyre session: one kernel launch runs one slot.
//
// vyre_peer_slot reads the 64-byte slot at `slot` (mapped pinned host memory, as a persistent session's
// ring), and when it is PUBLISHED claims it, counts its opcode's metric, runs ATOMIC_ADD into the device
// control buffer, adds 1 to DONE_COUNT and then, after a system-scope fence, stores DONE. The host
// rewrites the slot, launches (cuLaunchKernel, or a CUDA Graph holding this one launch), synchronizes,
// and reads DONE: the whole round trip a program without a persistent kernel pays per operation.
// The constants are the protocol's (checked against dev.vyre.protocol by the module's tests).

#define VYRE_PUBLISHED 1u
#define VYRE_CLAIMED 2u
#define VYRE_DONE 3u
#define VYRE_OP_ATOMIC_ADD 2u
#define VYRE_DONE_COUNT 1u
#define VYRE_METRICS_BASE 96u
#define VYRE_METRIC_OPCODES 32u

extern "C" __global__ void vyre_peer_slot(volatile unsigned int* slot, unsigned int* control,
                                          unsigned int controlWords) {
    if (blockIdx.x != 0u || threadIdx.x != 0u) return;
    if (slot[0] != VYRE_PUBLISHED) return;
    slot[0] = VYRE_CLAIMED;
    const unsigned int opcode = slot[1];
    const unsigned int a0 = slot[4];
    const unsigned int a1 = slot[5];
    if (opcode < VYRE_METRIC_OPCODES && VYRE_METRICS_BASE + opcode < controlWords) {
        atomicAdd(control + VYRE_METRICS_BASE + opcode, 1u);
    }
    if (opcode == VYRE_OP_ATOMIC_ADD && a1 < controlWords) atomicAdd(control + a1, a0);
    atomicAdd(control + VYRE_DONE_COUNT, 1u);
    __threadfence_system();
    slot[0] = VYRE_DONE;
}
