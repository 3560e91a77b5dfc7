package dev.vyre.conformance;

import static dev.vyre.conformance.OnePass.done;
import static dev.vyre.conformance.OnePass.metric;

import dev.vyre.api.DispatchRequest;
import dev.vyre.api.DispatchResult;
import dev.vyre.api.Session;
import dev.vyre.api.SessionOptions;
import dev.vyre.api.Vyre;
import dev.vyre.ir.Ir;
import dev.vyre.ir.IrOpcodes;
import dev.vyre.ir.Program;
import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.CustomOpcodes;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.SlotStatus;
import dev.vyre.protocol.TenantIsolation;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * Isolated mode (docs/PROTOCOL.md, "Isolated mode"): hostile tenants store into another tenant's window, into
 * SHUTDOWN, into header words, through built-ins, packed inner ops, IR opcodes and atomics; each violating slot
 * ends in FAULT with nothing of the violating access written and is counted for its tenant; the admin tenant
 * may write header words. Every buffer and every violation counter is checked against the spec, and the
 * buffers against the oracle.
 */
final class IsolationCases {

    /** IR opcode: {@code C[a1] = a0; C[a2] = a0 + 1} (two writes, the second may violate after the first). */
    static final int IR_STORE_TWO = 0x21;
    /** IR opcode: {@code C[a1] = data byte a2} (a read that may violate, then a write). */
    static final int IR_DATA_BYTE = 0x22;
    /** Observable words per tenant in these cases (tenant t owns control words 160 + 4t .. 163 + 4t). */
    private static final int WINDOW = 4;
    /** Data bytes per tenant (tenant t reads bytes 16t .. 16t + 15). */
    private static final int DATA_WINDOW = 16;

    private IsolationCases() {
    }

    static List<ConformanceCase> all() {
        return List.of(
                ConformanceCase.onePass("isolation/builtins_hostile",
                        "4 tenants, equal split: built-in writes into another window, SHUTDOWN, masks, EPOCH, MEMCPY"
                                + " and data reads across windows FAULT and are counted; own-window writes run",
                        IsolationCases::builtinsHostile).requires(Requirement.ISOLATION, Requirement.DATA_BUFFER),
                ConformanceCase.onePass("isolation/packed_and_ir",
                        "packed inner ops and IR opcodes (top level and packed) are confined too: the violating"
                                + " access and everything after it in the slot do nothing",
                        IsolationCases::packedAndIr).requires(Requirement.ISOLATION, Requirement.DATA_BUFFER,
                                Requirement.CUSTOM_OPCODES),
                ConformanceCase.onePass("isolation/admin_tenant",
                        "the admin tenant writes header words, other windows and EPOCH and reads any data; a"
                                + " non-admin tenant doing the same FAULTs",
                        IsolationCases::adminTenant).requires(Requirement.ISOLATION, Requirement.DATA_BUFFER),
                ConformanceCase.onePass("isolation/default_mode_unchanged",
                        "the hostile workload without isolation runs every slot as in the default semantics",
                        IsolationCases::defaultModeUnchanged).requires(Requirement.DATA_BUFFER),
                ConformanceCase.persistent("isolation/session",
                        "an isolated session: a tenant's STORE to SHUTDOWN and to another window FAULTs and is"
                                + " counted, the interpreter keeps running, the admin tenant then shuts it down",
                        IsolationCases::session).requires(Requirement.ISOLATION));
    }

    private static byte[] data(int bytes) {
        byte[] d = new byte[bytes];
        for (int i = 0; i < bytes; i++) {
            d[i] = (byte) (0x11 * (i + 1) + (i >> 4));
        }
        return d;
    }

    private static int crc(byte[] data, int from, int to) {
        CRC32C c = new CRC32C();
        c.update(data, from, to - from);
        return (int) c.getValue();
    }

    private static DispatchRequest request(byte[] control, byte[] ring, byte[] data, CustomOpcodes opcodes,
                                           TenantIsolation isolation) {
        return new DispatchRequest(control, ring, Wire.debugLog(), Wire.ioQueue(), data, opcodes, OnePass.IO_WAIT,
                isolation);
    }

    /**
     * Dispatches, checks every buffer against the golden expectation and the violation counters against
     * {@code violations} (tenant t at index t, the rest 0).
     */
    private static List<Snapshot> run(Vyre vyre, DispatchRequest request, Consumer<Golden> effects, int... violations) {
        Golden golden = Golden.from(Buffers.of(request));
        effects.accept(golden);
        DispatchResult result = vyre.dispatch(request);
        Buffers after = Buffers.of(result);
        golden.verify("dispatch", after);
        int[] expected = Arrays.copyOf(violations, request.isolation() == null ? 0 : TenantIsolation.TENANTS);
        if (!Arrays.equals(expected, result.isolationViolations())) {
            throw new ConformanceFailure("isolation violation counters " + Arrays.toString(result.isolationViolations())
                    + ", expected " + Arrays.toString(expected));
        }
        return List.of(Snapshot.exact("dispatch", after));
    }

    private static Golden fault(Golden g, int slot) {
        return g.status(slot, SlotStatus.FAULT);
    }

    // Slots of the hostile built-in workload: {tenant, opcode, a0, a1, a2}; true in RUNS when the slot runs.
    private static final int[][] HOSTILE = {
            {0, Opcodes.STORE_U32, 0xA0, 160, 0},               // 0 own window: runs
            {1, Opcodes.STORE_U32, 0xA1, 160, 0},               // 1 tenant 0's word
            {1, Opcodes.STORE_U32, 1, 0, 0},                    // 2 SHUTDOWN
            {2, Opcodes.ATOMIC_ADD, 5, 3, 0},                   // 3 tenant 0's mask (atomic)
            {2, Opcodes.COMPARE_SWAP, 4, 0xFFFFFFFF, 0},        // 4 CAS on tenant 1's mask
            {3, Opcodes.SHUTDOWN, 0, 0, 0},                     // 5 SHUTDOWN opcode
            {3, Opcodes.BATCH_FENCE, 1, 0x3F, 0},               // 6 EPOCH (header) and word 160
            {1, Opcodes.LOAD_U32, 2, 4, 0},                     // 7 reads a header word into its own word 164: runs
            {2, Opcodes.MEMCPY, 32, 168, 4},                    // 8 quotas into its own words 168..171: runs
            {2, Opcodes.MEMCPY, 32, 170, 4},                    // 9 170..173 crosses into tenant 3's window
            {3, Opcodes.DFA_STEP, 0, 13, 12},                   // 10 data bytes 52..55 (its own) into 172: runs
            {3, Opcodes.DFA_STEP, 0, 0, 13},                    // 11 data bytes 0..3 (tenant 0's)
            {0, Opcodes.CRC32C, 0, 16, 1},                      // 12 CRC of its own 16 bytes into 161: runs
            {0, Opcodes.CRC32C, 8, 16, 2},                      // 13 bytes 8..23 cross into tenant 1's range
            {0, Opcodes.STORE_U32, 0xA5, 5000, 0},              // 14 out of range: no effect, no violation: runs
            {1, Opcodes.PRINTF, 7, 8, 9},                       // 15 the debug log is not isolated: runs
            {0, Opcodes.CRC32C, 1000, 4, 3},                    // 16 past the data buffer: CRC of nothing: runs
            {1, Opcodes.STORE_U32, 0xB1, 165, 0},               // 17 own window: runs
            {1, Opcodes.STORE_U32, 0xB2, 163, 0},               // 18 tenant 0's last word
            {2, Opcodes.LOAD_U32, 2, 15, 0},                    // 19 160 + 15 is tenant 3's word
    };

    private static byte[] hostileRing() {
        byte[] ring = Wire.ring(HOSTILE.length);
        for (int s = 0; s < HOSTILE.length; s++) {
            int[] h = HOSTILE[s];
            Wire.publish(ring, s, h[0], h[1], h[2], h[3], h[4]);
        }
        return ring;
    }

    private static List<Snapshot> builtinsHostile(Vyre vyre) {
        byte[] data = data(64);
        DispatchRequest request = request(Wire.control(false, 4, 16), hostileRing(), data, CustomOpcodes.none(),
                TenantIsolation.equalSplit(4));
        return run(vyre, request, g -> {
            int[] runs = {0, 7, 8, 10, 12, 14, 15, 16, 17};
            for (int s = 0; s < HOSTILE.length; s++) {
                if (HOSTILE[s][1] >= 0 && HOSTILE[s][1] < 32) {
                    metric(g, HOSTILE[s][1]);
                }
                fault(g, s);
            }
            for (int s : runs) {
                done(g, s);
            }
            g.control(160, 0xA0).control(164, 3);
            for (int i = 0; i < 4; i++) {
                g.control(168 + i, ControlLayout.DEFAULT_TENANT_QUOTA);
            }
            g.control(172, Wire.word(data, 13)).control(161, crc(data, 0, 16)).control(165, 0xB1);
            g.debug(0, 4).debug(1, 7).debug(2, 8).debug(3, 9).debug(4, 15 * 16);
        }, 1, 3, 4, 3);
    }

    private static List<Snapshot> defaultModeUnchanged(Vyre vyre) {
        byte[] data = data(64);
        byte[] ring = hostileRing();
        // the same slots minus the SHUTDOWNs (which would end a one-pass dispatch at an order-dependent point)
        // and minus the writes whose effects race with other slots' reads or writes
        int[] keep = {0, 3, 7, 8, 10, 11, 12, 13, 14, 15, 17, 18};
        byte[] kept = Wire.ring(HOSTILE.length);
        for (int s : keep) {
            System.arraycopy(ring, s * 64, kept, s * 64, 64);
        }
        DispatchRequest request = request(Wire.control(false, 4, 16), kept, data, CustomOpcodes.none(), null);
        return run(vyre, request, g -> {
            for (int s : keep) {
                done(g, s);
                if (HOSTILE[s][1] < 32) {
                    metric(g, HOSTILE[s][1]);
                }
            }
            g.control(160, 0xA0).controlAdd(3, 5).control(164, 3);
            for (int i = 0; i < 4; i++) {
                g.control(168 + i, ControlLayout.DEFAULT_TENANT_QUOTA);
            }
            g.control(172, Wire.word(data, 13)).control(173, Wire.word(data, 0)).control(161, crc(data, 0, 16))
                    .control(162, crc(data, 8, 24)).control(165, 0xB1).control(163, 0xB2);
            g.debug(0, 4).debug(1, 7).debug(2, 8).debug(3, 9).debug(4, 15 * 16);
        });
    }

    /** The IR opcodes of {@link #packedAndIr}, with every dialect's body. */
    static CustomOpcodes irOpcodes() {
        Program storeTwo = Program.build(b -> {
            b.store(Ir.arg(1), Ir.arg(0));
            b.store(Ir.arg(2), Ir.add(Ir.arg(0), Ir.u32(1)));
        });
        Program dataByte = Program.build(b -> b.store(Ir.arg(1), Ir.loadDataByte(Ir.arg(2))));
        return CustomOpcodes.of(IrOpcodes.irOpcode(IR_STORE_TWO, storeTwo), IrOpcodes.irOpcode(IR_DATA_BYTE, dataByte));
    }

    private static List<Snapshot> packedAndIr(Vyre vyre) {
        byte[] data = data(64);
        byte[] ring = Wire.ring(10);
        int s1 = Opcodes.STORE_U32;
        Wire.raw(ring, 0, packed(0, new int[] {s1, 0xC0, 160, 0}, new int[] {s1, 0xC1, 161, 0}));
        Wire.raw(ring, 1, packed(1, new int[] {s1, 0xD0, 164, 0}, new int[] {s1, 0xD1, 160, 0},
                new int[] {s1, 0xD2, 165, 0}));
        Wire.raw(ring, 2, packed(2, new int[] {Opcodes.ATOMIC_ADD, 1, ControlLayout.DONE_COUNT, 0}));
        Wire.publish(ring, 3, 3, IR_STORE_TWO, 0xE0, 172, 173);
        Wire.publish(ring, 4, 3, IR_STORE_TWO, 0xE5, 174, 0);             // second write: SHUTDOWN
        Wire.publish(ring, 5, 2, IR_DATA_BYTE, 0, 168, 32);               // its own data byte 32
        Wire.publish(ring, 6, 2, IR_DATA_BYTE, 0, 169, 0);                // tenant 0's data byte: no write after it
        Wire.raw(ring, 7, packed(1, new int[] {IR_STORE_TWO, 0xF0, 166, 167}));
        Wire.raw(ring, 8, packed(1, new int[] {IR_STORE_TWO, 0xF5, 176, 140})); // 176 is out of range; 140 a header
        Wire.publish(ring, 9, 3, IR_STORE_TWO, 0xE8, 175, 175);           // its own word, twice
        DispatchRequest request = request(Wire.control(false, 4, 16), ring, data, irOpcodes(),
                TenantIsolation.equalSplit(4));
        return run(vyre, request, g -> {
            for (int s : new int[] {0, 3, 5, 7, 9}) {
                done(g, s);
            }
            for (int s : new int[] {1, 2, 4, 6, 8}) {
                fault(g, s);
            }
            g.controlAdd(ControlLayout.METRICS_BASE + Opcodes.STORE_U32, 4)
                    .controlAdd(ControlLayout.METRICS_BASE + Opcodes.ATOMIC_ADD, 1);
            g.control(160, 0xC0).control(161, 0xC1).control(164, 0xD0);
            g.control(172, 0xE0).control(173, 0xE1).control(168, data[32] & 0xFF);
            g.control(166, 0xF0).control(167, 0xF1).control(174, 0xE5).control(175, 0xE9);
        }, 0, 2, 2, 1);
    }

    private static int[] packed(int tenant, int[]... ops) {
        return Wire.slotWords(SlotStatus.PUBLISHED, Opcodes.PACKED_SLOT, tenant, Wire.packedPayload(ops));
    }

    private static List<Snapshot> adminTenant(Vyre vyre) {
        byte[] data = data(64);
        byte[] ring = Wire.ring(8);
        Wire.publish(ring, 0, 2, Opcodes.STORE_U32, 0x77, 140, 0);          // admin: a reserved header word
        Wire.publish(ring, 1, 2, Opcodes.STORE_U32, 0x55, 161, 0);          // admin: tenant 0's window
        Wire.publish(ring, 2, 2, Opcodes.BATCH_FENCE, 1, 0x99, 0);          // admin: EPOCH and word 160
        Wire.publish(ring, 3, 2, Opcodes.DFA_STEP, 0, 2, 30);               // admin: tenant 0's data into word 190
        Wire.publish(ring, 4, 1, Opcodes.STORE_U32, 0x66, 141, 0);          // tenant 1: a header word
        Wire.publish(ring, 5, 1, Opcodes.BATCH_FENCE, 1, 0x98, 0);          // tenant 1: EPOCH
        Wire.publish(ring, 6, 0, Opcodes.STORE_U32, 0x44, 162, 0);          // tenant 0: its own window
        Wire.publish(ring, 7, 1, Opcodes.DFA_STEP, 0, 0, 20);               // tenant 1: tenant 0's data
        DispatchRequest request = request(Wire.control(false, 3, 32), ring, data, CustomOpcodes.none(),
                TenantIsolation.equalSplit(2).withAdmin(2));
        return run(vyre, request, g -> {
            for (int s : new int[] {0, 1, 2, 3, 6}) {
                done(g, s);
            }
            for (int s : new int[] {4, 5, 7}) {
                fault(g, s);
            }
            metric(metric(metric(g, Opcodes.STORE_U32), Opcodes.STORE_U32), Opcodes.STORE_U32);
            metric(g, Opcodes.STORE_U32);
            metric(metric(g, Opcodes.BATCH_FENCE), Opcodes.BATCH_FENCE);
            metric(metric(g, Opcodes.DFA_STEP), Opcodes.DFA_STEP);
            g.control(140, 0x77).control(161, 0x55).controlAdd(ControlLayout.EPOCH, 1).control(160, 0x99)
                    .control(190, Wire.word(data, 2)).control(162, 0x44);
        }, 0, 3);
    }

    private static List<Snapshot> session(Vyre vyre) {
        SessionOptions options = SessionOptions.builder().slotCount(8).tenantCount(3).observableSlots(8)
                .isolation(TenantIsolation.equalSplit(2).withAdmin(2)).build();
        try (Session s = vyre.openSession(options)) {
            Golden g = Golden.from(Buffers.of(s));
            s.publish(0, 1, Opcodes.STORE_U32, 1, 0, 0);         // tenant 1: SHUTDOWN
            Sessions.await(s, 0, SlotStatus.FAULT);
            s.publish(1, 1, Opcodes.STORE_U32, 0x10, 160, 0);    // tenant 1: tenant 0's word
            Sessions.await(s, 1, SlotStatus.FAULT);
            s.publish(2, 0, Opcodes.ATOMIC_ADD, 0x20, 163, 0);   // tenant 0: its own last word
            Sessions.await(s, 2, SlotStatus.DONE);
            s.publish(3, 0, Opcodes.COMPARE_SWAP, 164, 0, 9);    // tenant 0: CAS on tenant 1's word 164
            Sessions.await(s, 3, SlotStatus.FAULT);
            s.publish(4, 1, Opcodes.STORE_U32, 0x30, 167, 0);    // tenant 1: its own last word
            Sessions.await(s, 4, SlotStatus.DONE);
            int[] counted = {s.isolationViolations(0), s.isolationViolations(1), s.isolationViolations(2)};
            if (!Arrays.equals(counted, new int[] {1, 2, 0})) {
                throw new ConformanceFailure("isolation violation counters of tenants 0..2 are "
                        + Arrays.toString(counted) + ", expected [1, 2, 0]");
            }
            s.publish(5, 2, Opcodes.SHUTDOWN, 0, 0, 0);          // the admin tenant: SHUTDOWN
            Sessions.awaitStopped(s, "by the admin tenant's SHUTDOWN");
            Buffers after = Buffers.of(s);
            g.controlAdd(ControlLayout.DONE_COUNT, 3).control(ControlLayout.SHUTDOWN, 1);
            g.controlAdd(ControlLayout.METRICS_BASE + Opcodes.STORE_U32, 3)
                    .controlAdd(ControlLayout.METRICS_BASE + Opcodes.ATOMIC_ADD, 1)
                    .controlAdd(ControlLayout.METRICS_BASE + Opcodes.COMPARE_SWAP, 1);
            g.control(163, 0x20).control(167, 0x30);
            g.published(0, 1, Opcodes.STORE_U32, 1, 0, 0).published(1, 1, Opcodes.STORE_U32, 0x10, 160, 0)
                    .published(2, 0, Opcodes.ATOMIC_ADD, 0x20, 163, 0).published(3, 0, Opcodes.COMPARE_SWAP, 164, 0, 9)
                    .published(4, 1, Opcodes.STORE_U32, 0x30, 167, 0).published(5, 2, Opcodes.SHUTDOWN, 0, 0, 0);
            for (int slot : new int[] {0, 1, 3}) {
                g.status(slot, SlotStatus.FAULT);
            }
            for (int slot : new int[] {2, 4, 5}) {
                g.status(slot, SlotStatus.DONE);
            }
            g.verify("after the admin's shutdown", after);
            return List.of(Snapshot.exact("after the admin's shutdown", after));
        }
    }
}
