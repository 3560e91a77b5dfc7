package dev.vyre.conformance;

import static dev.vyre.conformance.OnePass.done;

import dev.vyre.api.Session;
import dev.vyre.api.SessionOptions;
import dev.vyre.api.Vyre;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.SlotStatus;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** PRINTF overflow: the cursor keeps growing by 4, records past the 64th are dropped. */
final class PrintfCases {

    private static final int COUNT = 70;

    private PrintfCases() {
    }

    static List<ConformanceCase> all() {
        return List.of(
                ConformanceCase.onePass("printf/overflow_parallel",
                        "70 PRINTFs in one pass: cursor 280, 64 distinct records out of the 70, in any order",
                        PrintfCases::parallel),
                ConformanceCase.persistent("printf/overflow_sequential",
                        "70 PRINTFs one after another through a recycled 8-slot ring: cursor 280, first 64 records in order",
                        PrintfCases::sequential));
    }

    private static List<Snapshot> parallel(Vyre vyre) {
        byte[] ring = Wire.ring(COUNT);
        for (int s = 0; s < COUNT; s++) {
            Wire.publish(ring, s, 0, Opcodes.PRINTF, 0x70, s, ~s);
        }
        var request = OnePass.request(Wire.control(false, 1, 0), ring);
        Golden g = Golden.from(Buffers.of(request));
        for (int s = 0; s < COUNT; s++) {
            done(g, s);
        }
        Buffers after = Buffers.of(vyre.dispatch(request));
        g.verify("dispatch", after, EnumSet.complementOf(EnumSet.of(BufferKind.DEBUG_LOG)));
        byte[] log = after.debugLog();
        if (Wire.word(log, 0) != 4 * COUNT) {
            throw new ConformanceFailure(new Mismatch("dispatch", "golden", BufferKind.DEBUG_LOG, 0, 4 * COUNT,
                    Integer.toUnsignedLong(Wire.word(log, 0)), "the cursor grows by 4 per PRINTF, also past capacity"));
        }
        Set<Integer> seen = new HashSet<>();
        for (int r = 0; r < 64; r++) {
            int base = 1 + 4 * r;
            int s = Wire.word(log, base + 1);
            boolean valid = s >= 0 && s < COUNT && Wire.word(log, base) == 0x70 && Wire.word(log, base + 2) == ~s
                    && Wire.word(log, base + 3) == s * 16 && seen.add(s);
            if (!valid) {
                throw new ConformanceFailure(new Mismatch("dispatch", "golden", BufferKind.DEBUG_LOG, base,
                        0x70, Integer.toUnsignedLong(Wire.word(log, base)),
                        "record " + r + " is not one of the 70 PRINTFs (fmt 0x70, slot, ~slot, slot*16) or repeats one"));
            }
        }
        return List.of(new Snapshot("dispatch", after, EnumSet.complementOf(EnumSet.of(BufferKind.DEBUG_LOG))));
    }

    private static List<Snapshot> sequential(Vyre vyre) {
        SessionOptions options = SessionOptions.builder().slotCount(8).observableSlots(0).build();
        try (Session s = vyre.openSession(options)) {
            Golden g = Golden.from(Buffers.of(s));
            for (int i = 0; i < COUNT; i++) {
                int slot = i % 8;
                if (i >= 8) {
                    Sessions.await(s, slot, SlotStatus.DONE);
                }
                s.publish(slot, 0, Opcodes.PRINTF, 0x70, i, ~i);
                Sessions.await(s, slot, SlotStatus.DONE);
                if (i < 64) {
                    g.debug(1 + 4 * i, 0x70).debug(2 + 4 * i, i).debug(3 + 4 * i, ~i).debug(4 + 4 * i, slot * 16);
                }
            }
            Buffers after = Sessions.stop(s);
            g.debug(0, 4 * COUNT).controlAdd(1, COUNT).control(0, 1);
            for (int i = COUNT - 8; i < COUNT; i++) {
                g.published(i % 8, 0, Opcodes.PRINTF, 0x70, i, ~i).status(i % 8, SlotStatus.DONE);
            }
            g.verify("after shutdown", after);
            return List.of(Snapshot.exact("after shutdown", after));
        }
    }
}
