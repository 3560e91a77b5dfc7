package dev.vyre.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.api.DeviceGroup;
import dev.vyre.api.GroupRun;
import dev.vyre.api.Session;
import dev.vyre.api.SessionOptions;
import dev.vyre.api.Slots;
import dev.vyre.api.UnitWork;
import dev.vyre.api.Vyre;
import dev.vyre.api.WorkUnit;
import dev.vyre.protocol.BackendException;
import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.Opcodes;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The device group over real reference sessions: every slot adds 1 to an observable counter, each unit's
 * result is the counter's advance during its run, and the results must add up to the stream exactly
 * once, also when a member is lost mid-unit.
 */
class DeviceGroupTest {

    private static final int COUNTER = ControlLayout.OBSERVABLE_BASE;

    /** Counts every slot of a unit on the counter; the result is the counter's advance over the unit. */
    static final class CountingWork implements UnitWork<Long> {
        final Map<Session, Long> startOf = new ConcurrentHashMap<>();

        @Override
        public void encode(WorkUnit unit, long offset, int count, MemorySegment images) {
            for (int i = 0; i < count; i++) {
                Slots.encode(images, i, 0, Opcodes.ATOMIC_ADD, 1, COUNTER, 0);
            }
        }

        @Override
        public void before(Session session, WorkUnit unit) {
            startOf.put(session, Integer.toUnsignedLong(session.controlWord(COUNTER)));
        }

        @Override
        public Long after(Session session, WorkUnit unit) {
            return (Integer.toUnsignedLong(session.controlWord(COUNTER)) - startOf.get(session)) & 0xFFFF_FFFFL;
        }
    }

    private static List<Vyre> reference(int members) {
        List<Vyre> out = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            out.add(Vyre.open("reference", 0));
        }
        return out;
    }

    private static SessionOptions options() {
        return SessionOptions.builder().slotCount(4096).observableSlots(1).workers(1).build();
    }

    private static void assertExactlyOnce(GroupRun<Long> run, long total, long unitSize) {
        long sum = 0;
        for (int i = 0; i < run.results().size(); i++) {
            long expected = Math.min(unitSize, total - i * unitSize);
            assertEquals(expected, run.results().get(i), "unit " + i + " ran on member " + run.unitMember()[i]);
            assertTrue(run.unitMember()[i] >= 0, "unit " + i + " has no member");
            sum += run.results().get(i);
        }
        assertEquals(total, sum);
    }

    @Test
    void everySlotRunsExactlyOnceOverThreeMembers() {
        long total = 3_000_000;
        try (DeviceGroup group = DeviceGroup.open(reference(3), options())) {
            GroupRun<Long> run = group.run(total, new CountingWork());
            assertEquals(12, run.results().size(), "4 units per member");
            assertExactlyOnce(run, total, 250_000);
            assertEquals(List.of(), run.lost());
            long units = 0;
            for (long u : run.unitsPerMember()) {
                units += u;
            }
            assertEquals(12, units);
        }
    }

    @Test
    void aMemberLostMidUnitIsReplacedWithoutLosingOrDoublingASlot() {
        long total = 10_000_000;
        long unit = 500_000;
        AtomicBoolean killed = new AtomicBoolean();
        CountingWork counting = new CountingWork();
        try (DeviceGroup group = DeviceGroup.open(reference(3), options())) {
            Session victim = group.sessions().get(1);
            UnitWork<Long> work = new UnitWork<>() {
                @Override
                public void encode(WorkUnit u, long offset, int count, MemorySegment images) {
                    counting.encode(u, offset, count, images);
                    // Mid-unit, member 1's interpreter stops as a lost device would: the slots it has not
                    // run stay on its ring, and the unit must run again elsewhere.
                    if (offset > u.count() / 2 && u.index() >= 3 && CURRENT.get() == victim
                            && killed.compareAndSet(false, true)) {
                        victim.requestShutdown();
                    }
                }

                @Override
                public void before(Session session, WorkUnit u) {
                    CURRENT.set(session);
                    counting.before(session, u);
                }

                @Override
                public Long after(Session session, WorkUnit u) {
                    return counting.after(session, u);
                }
            };
            GroupRun<Long> run = group.run(total, unit, work);
            assertTrue(killed.get(), "the victim ran a unit past the point of loss");
            assertExactlyOnce(run, total, unit);
            assertEquals(1, run.lost().size(), run.lost().toString());
            assertTrue(run.lost().get(0).startsWith("member 1 "), run.lost().toString());
            assertEquals(1, run.reruns());
            long lostRunSlots = Integer.toUnsignedLong(victim.controlWord(COUNTER));
            long fromVictim = 0;
            for (int i = 0; i < run.results().size(); i++) {
                if (run.unitMember()[i] == 1) {
                    fromVictim += run.results().get(i);
                }
            }
            assertTrue(lostRunSlots > fromVictim, "the victim's partial run left effects (" + lostRunSlots
                    + ") that no result counts (" + fromVictim + ")");
        }
    }

    /** The session of the member thread calling the work. */
    private static final ThreadLocal<Session> CURRENT = new ThreadLocal<>();

    @Test
    void losingEveryMemberFailsTheRunWithEachReason() {
        try (DeviceGroup group = DeviceGroup.open(reference(2), options())) {
            for (Session s : group.sessions()) {
                s.requestShutdown();
                s.awaitTermination(Duration.ofSeconds(10));
            }
            BackendException e = assertThrows(BackendException.class, () -> group.run(100_000, new CountingWork()));
            assertTrue(e.getMessage().contains("every member of the device group was lost"), e.getMessage());
            assertTrue(e.getMessage().contains("member 0") && e.getMessage().contains("member 1"), e.getMessage());
            assertTrue(e.getMessage().contains("Fix:"), e.getMessage());
        }
    }

    @Test
    void noWorkIsAUsageError() {
        try (DeviceGroup group = DeviceGroup.open(reference(1), options())) {
            assertThrows(dev.vyre.protocol.VyreArgumentException.class, () -> group.run(0, new CountingWork()));
        }
    }
}
