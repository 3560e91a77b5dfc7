package dev.vyre.conformance;

import static dev.vyre.conformance.OnePass.done;
import static dev.vyre.conformance.OnePass.metric;

import dev.vyre.api.Session;
import dev.vyre.api.SessionOptions;
import dev.vyre.api.Vyre;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.SlotStatus;
import java.util.List;

/**
 * Tenant authorisation (deliberate fix 3): {@code t = C[2] + tenant} in 64 bits must be below 32
 * and {@code C[t] != 0}; everything else stays PUBLISHED.
 */
final class TenantCases {

    private TenantCases() {
    }

    static List<ConformanceCase> all() {
        return List.of(
                ConformanceCase.onePass("tenant/mask_table",
                        "tenants 0..2 run; 3 and 28 (mask 0), 29 (word 32 = a quota), 1000 and 0xFFFFFFFF stay PUBLISHED",
                        TenantCases::maskTable),
                ConformanceCase.onePass("tenant/host_moved_base",
                        "the host points C[2] at word 10: tenant 21 (word 31) runs, 22 (word 32) and a zeroed mask do not",
                        TenantCases::movedBase),
                ConformanceCase.onePass("tenant/base_no_wrap",
                        "C[2] = 0xFFFFFFFF: C[2] + tenant never wraps to a low word, no tenant runs",
                        TenantCases::baseNoWrap),
                ConformanceCase.persistent("tenant/base_changed_by_store",
                        "a STORE_U32 to C[2] re-points the mask table for later slots; the host restores it",
                        TenantCases::storeMovesBase));
    }

    private static List<Snapshot> maskTable(Vyre vyre) {
        byte[] control = Wire.control(false, 3, 16);
        byte[] ring = Wire.ring(8);
        int[] tenants = {0, 2, 3, 28, 29, 1000, 0xFFFFFFFF, 1};
        for (int s = 0; s < tenants.length; s++) {
            Wire.publish(ring, s, tenants[s], Opcodes.STORE_U32, 0x100 + s, 160 + s);
        }
        return OnePass.run(vyre, OnePass.request(control, ring), g -> {
            for (int s : new int[] {0, 1, 7}) {
                metric(done(g, s), 1).control(160 + s, 0x100 + s);
            }
        });
    }

    private static List<Snapshot> movedBase(Vyre vyre) {
        byte[] control = Wire.control(false, 29, 16);
        Wire.setWord(control, 2, 10);
        Wire.setWord(control, 12, 0); // tenant 2 (word 12) loses its mask
        byte[] ring = Wire.ring(4);
        int[] tenants = {0, 21, 22, 2};
        for (int s = 0; s < tenants.length; s++) {
            Wire.publish(ring, s, tenants[s], Opcodes.STORE_U32, 0x200 + s, 160 + s);
        }
        return OnePass.run(vyre, OnePass.request(control, ring), g -> {
            for (int s : new int[] {0, 1}) {
                metric(done(g, s), 1).control(160 + s, 0x200 + s);
            }
        });
    }

    private static List<Snapshot> baseNoWrap(Vyre vyre) {
        byte[] control = Wire.control(false, 29, 16);
        Wire.setWord(control, 2, 0xFFFFFFFF);
        byte[] ring = Wire.ring(4);
        int[] tenants = {0, 1, 4, 5};
        for (int s = 0; s < tenants.length; s++) {
            Wire.publish(ring, s, tenants[s], Opcodes.STORE_U32, 0x300 + s, 160 + s);
        }
        return OnePass.run(vyre, OnePass.request(control, ring), g -> { });
    }

    private static List<Snapshot> storeMovesBase(Vyre vyre) {
        SessionOptions options = SessionOptions.builder().slotCount(8).tenantCount(1).observableSlots(16).build();
        try (Session s = vyre.openSession(options)) {
            Golden g = Golden.from(Buffers.of(s));
            s.publish(0, 0, Opcodes.STORE_U32, 0, 2, 0); // C[2] = 0: tenant t now reads C[t]
            Sessions.await(s, 0, SlotStatus.DONE);
            s.publish(1, 3, Opcodes.STORE_U32, 0x33, 163, 0); // C[3] = tenant 0's mask: runs
            Sessions.await(s, 1, SlotStatus.DONE);
            s.publish(2, 0, Opcodes.STORE_U32, 0x30, 160, 0); // C[0] = 0: waits
            // C[0 + 4] = 0 (no mask) before the restore and C[3 + 4] = 0 after it: waits. (Tenant 2 would
            // read C[2], the base word itself, which the host rewrites below: whether it then runs
            // depends on when the interpreter re-checks it, so it is not an order-free workload.)
            s.publish(3, 4, Opcodes.STORE_U32, 0x32, 162, 0);
            s.publish(4, 32, Opcodes.STORE_U32, 0x20, 164, 0); // word 32 is outside the table: waits
            s.publish(5, 1, Opcodes.STORE_U32, 0x11, 161, 0); // C[1] = DONE_COUNT = 2: runs
            Sessions.await(s, 5, SlotStatus.DONE);
            s.writeControlWord(2, 3); // the host restores the table: slot 2 (tenant 0) runs now
            Sessions.await(s, 2, SlotStatus.DONE);
            s.publish(6, 0, Opcodes.NOP, 0, 0, 0); // a later slot: everything before it has been seen
            Sessions.await(s, 6, SlotStatus.DONE);
            Buffers after = Sessions.stop(s);
            g.controlAdd(1, 5);
            g.controlAdd(97, 4).controlAdd(96, 1);
            g.control(163, 0x33).control(161, 0x11).control(160, 0x30).control(0, 1);
            g.published(0, 0, Opcodes.STORE_U32, 0, 2, 0).published(1, 3, Opcodes.STORE_U32, 0x33, 163, 0)
                    .published(2, 0, Opcodes.STORE_U32, 0x30, 160, 0).published(3, 4, Opcodes.STORE_U32, 0x32, 162, 0)
                    .published(4, 32, Opcodes.STORE_U32, 0x20, 164, 0).published(5, 1, Opcodes.STORE_U32, 0x11, 161, 0)
                    .published(6, 0, Opcodes.NOP, 0, 0, 0);
            for (int slot : new int[] {0, 1, 2, 5, 6}) {
                g.status(slot, SlotStatus.DONE);
            }
            g.verify("after shutdown", after);
            return List.of(Snapshot.exact("after shutdown", after));
        }
    }
}
