package dev.vyre.bench;

import dev.vyre.api.DeviceGroup;
import dev.vyre.api.GroupRun;
import dev.vyre.api.Session;
import dev.vyre.api.SessionOptions;
import dev.vyre.api.Slots;
import dev.vyre.api.UnitWork;
import dev.vyre.api.Vyre;
import dev.vyre.api.WorkUnit;
import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.Opcodes;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Exactly-once through a {@link DeviceGroup} of several sessions on one device, with one member lost mid-run,
 * and the group's throughput in slots/s.
 *
 * <p>Slot {@code i} of the stream adds {@code weight(i) = 1 + i mod 251} to its session's observable counter
 * ({@code ATOMIC_ADD}); a unit's result is the counter's advance over the unit's run, which must equal the sum
 * of its slots' weights (mod 2^32): a slot lost or run twice changes it. With {@code --lose-member-at K}, once
 * K slots of the stream have been encoded, the interpreter of member {@code --victim} is stopped in the middle
 * of its unit ({@link Session#requestShutdown()}, as a lost device), and the group must re-run that unit on
 * another member. PASS needs every unit's result right, one result per unit, and exactly one member lost (none
 * without {@code --lose-member-at}).
 *
 * <pre>
 * DeviceGroupBench [--backend NAME] [--device D] [--sessions N] [--slots TOTAL] [--unit SLOTS] [--ring SLOTS]
 *                  [--workers W] [--lose-member-at K] [--victim M] [--stall-timeout SECONDS]
 * </pre>
 * Defaults: the default backend, device 0, 4 sessions, 10^8 slots, units of 10^6 slots, a 65,536-slot ring per
 * session, the backend's workers, no loss, victim 1, a 10 s stall timeout. Prints one result line (slots/s and
 * PASS or FAIL); exit 0 on PASS, 1 on FAIL or a failed run, 2 for a bad argument.
 */
public final class DeviceGroupBench {

    private static final int COUNTER = ControlLayout.OBSERVABLE_BASE;

    private DeviceGroupBench() {
    }

    /** Weight of stream slot {@code i}: 1..251. */
    static int weight(long i) {
        return 1 + (int) (i % 251);
    }

    /** The expected result of {@code unit}: its slots' weights summed mod 2^32. */
    static long expected(WorkUnit unit) {
        long sum = 0;
        for (long i = unit.first(); i < unit.first() + unit.count(); i++) {
            sum += weight(i);
        }
        return sum & 0xFFFF_FFFFL;
    }

    /** The settings of one run. */
    record Settings(String backend, int device, int sessions, long slots, long unit, int ring, int workers,
                    long loseAt, int victim, Duration stallTimeout) {
    }

    /** Encodes weighted ATOMIC_ADD slots, stops the victim once past {@code loseAt}, measures each unit's run. */
    static final class Work implements UnitWork<Long> {
        private final Map<Session, Long> startOf = new ConcurrentHashMap<>();
        private final ThreadLocal<Session> current = new ThreadLocal<>();
        private final AtomicLong encoded = new AtomicLong();
        private final AtomicBoolean lost = new AtomicBoolean();
        private final Session victim;
        private final long loseAt;
        private volatile long lostAtSlot = -1;

        Work(Session victim, long loseAt) {
            this.victim = victim;
            this.loseAt = loseAt;
        }

        @Override
        public void encode(WorkUnit unit, long offset, int count, MemorySegment images) {
            long first = unit.first() + offset;
            for (int k = 0; k < count; k++) {
                Slots.encode(images, k, 0, Opcodes.ATOMIC_ADD, weight(first + k), COUNTER, 0);
            }
            long total = encoded.addAndGet(count);
            if (victim != null && total >= loseAt && current.get() == victim && offset > 0
                    && lost.compareAndSet(false, true)) {
                lostAtSlot = total;
                victim.requestShutdown(); // mid-unit: the unit's remaining slots never run on this member
            }
        }

        @Override
        public void before(Session session, WorkUnit unit) {
            current.set(session);
            startOf.put(session, Integer.toUnsignedLong(session.controlWord(COUNTER)));
        }

        @Override
        public Long after(Session session, WorkUnit unit) {
            return (Integer.toUnsignedLong(session.controlWord(COUNTER)) - startOf.get(session)) & 0xFFFF_FFFFL;
        }

        boolean fired() {
            return lost.get();
        }

        long lostAtSlot() {
            return lostAtSlot;
        }
    }

    public static void main(String[] args) {
        Settings s;
        try {
            s = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("DeviceGroupBench: " + e.getMessage());
            System.exit(2);
            return;
        }
        boolean pass;
        try {
            pass = run(s);
        } catch (RuntimeException e) {
            String m = String.valueOf(e.getMessage());
            System.err.println("DeviceGroupBench: FAIL: " + e.getClass().getSimpleName() + ": " + m
                    + (m.contains("Fix:") ? "" : " Fix: rerun with VYRE_DEBUG=1 for the stack trace"));
            if (System.getenv("VYRE_DEBUG") != null) {
                e.printStackTrace();
            }
            System.exit(1);
            return;
        }
        System.exit(pass ? 0 : 1);
    }

    /** @return whether the run passed; prints its result line */
    static boolean run(Settings s) {
        List<Vyre> backends = new ArrayList<>();
        List<Session> sessions = new ArrayList<>();
        try {
            SessionOptions options = SessionOptions.builder().slotCount(s.ring()).observableSlots(1)
                    .workers(s.workers()).build();
            for (int m = 0; m < s.sessions(); m++) {
                Vyre vyre = Vyre.open(s.backend(), s.device());
                backends.add(vyre);
                sessions.add(vyre.openSession(options));
            }
            Vyre first = backends.getFirst();
            System.out.printf("DeviceGroupBench: %s:%d (%s [%s]), %d sessions on the one device, %,d slots in units"
                            + " of %,d, ring %,d, workers %s%s%n", first.name(), s.device(), first.device().name(),
                    first.device().driver(), s.sessions(), s.slots(), s.unit(), s.ring(),
                    s.workers() == 0 ? "default" : String.valueOf(s.workers()),
                    s.loseAt() < 0 ? "" : ", member " + s.victim() + " lost after " + String.format("%,d", s.loseAt())
                            + " slots");
            Work work = new Work(s.loseAt() < 0 ? null : sessions.get(s.victim()), s.loseAt());
            DeviceGroup group = DeviceGroup.of(sessions, s.stallTimeout());
            long t0 = System.nanoTime();
            GroupRun<Long> run = group.run(s.slots(), s.unit(), work);
            double seconds = (System.nanoTime() - t0) / 1e9;
            return report(s, work, run, seconds);
        } finally {
            for (Session session : sessions) {
                try {
                    session.close();
                } catch (RuntimeException e) {
                    System.err.println("DeviceGroupBench: closing a session: " + e.getMessage());
                }
            }
            for (Vyre v : backends) {
                v.close();
            }
        }
    }

    private static boolean report(Settings s, Work work, GroupRun<Long> run, double seconds) {
        List<String> problems = new ArrayList<>();
        long units = (s.slots() + s.unit() - 1) / s.unit();
        if (run.results().size() != units) {
            problems.add(run.results().size() + " results for " + units + " units");
        }
        long slots = 0;
        int wrong = 0;
        for (int i = 0; i < run.results().size(); i++) {
            WorkUnit unit = new WorkUnit(i, (long) i * s.unit(), Math.min(s.unit(), s.slots() - (long) i * s.unit()));
            Long got = run.results().get(i);
            long want = expected(unit);
            if (got == null || got != want || run.unitMember()[i] < 0) {
                if (wrong++ < 5) {
                    problems.add("unit " + i + " (member " + run.unitMember()[i] + "): " + got + ", expected " + want);
                }
            } else {
                slots += unit.count();
            }
        }
        if (wrong > 5) {
            problems.add((wrong - 5) + " more wrong units");
        }
        int expectLost = s.loseAt() < 0 ? 0 : 1;
        if (expectLost == 1 && !work.fired()) {
            problems.add("the member was never lost: the victim encoded no slot of a unit after " + s.loseAt()
                    + " slots (pass a smaller --lose-member-at)");
        }
        if (run.lost().size() != expectLost) {
            problems.add(run.lost().size() + " members lost, expected " + expectLost + ": " + run.lost());
        }
        if (run.reruns() != expectLost) {
            problems.add(run.reruns() + " units re-run, expected " + expectLost);
        }
        boolean pass = problems.isEmpty() && slots == s.slots();
        System.out.printf("DeviceGroupBench: %,d slots verified of %,d in %.3f s = %,.0f slots/s; units per member %s;"
                        + " lost %s; units re-run %d; exactly once: %s%n", slots, s.slots(), seconds,
                s.slots() / seconds, Arrays.toString(run.unitsPerMember()),
                run.lost().isEmpty() ? "none" : run.lost() + " (at slot " + String.format("%,d", work.lostAtSlot()) + ")",
                run.reruns(), pass ? "PASS" : "FAIL");
        for (String p : problems) {
            System.out.println("  FAIL: " + p);
        }
        return pass;
    }

    static Settings parse(String[] args) {
        String backend = null;
        int device = 0;
        int sessions = 4;
        long slots = 100_000_000L;
        long unit = 1_000_000L;
        int ring = 65_536;
        int workers = 0;
        long loseAt = -1;
        int victim = 1;
        double stall = 10;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                throw new IllegalArgumentException("usage: DeviceGroupBench [--backend NAME] [--device D] [--sessions N]"
                        + " [--slots TOTAL] [--unit SLOTS] [--ring SLOTS] [--workers W] [--lose-member-at K]"
                        + " [--victim M] [--stall-timeout SECONDS]. Fix: pass those options");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + a + " needs a value. Fix: pass e.g. " + a + " 1");
            }
            String v = args[++i];
            switch (a) {
                case "--backend" -> backend = v;
                case "--device" -> device = (int) BenchArgs.number(a, v, 0, Integer.MAX_VALUE);
                case "--sessions" -> sessions = (int) BenchArgs.number(a, v, 1, 64);
                case "--slots" -> slots = BenchArgs.number(a, v, 1, Long.MAX_VALUE / 2);
                case "--unit" -> unit = BenchArgs.number(a, v, 1, Long.MAX_VALUE / 2);
                case "--ring" -> ring = (int) BenchArgs.number(a, v, 4, SessionOptions.MAX_SLOTS);
                case "--workers" -> workers = (int) BenchArgs.number(a, v, 0, 1 << 16);
                case "--lose-member-at" -> loseAt = BenchArgs.number(a, v, 0, Long.MAX_VALUE / 2);
                case "--victim" -> victim = (int) BenchArgs.number(a, v, 0, 63);
                case "--stall-timeout" -> stall = BenchArgs.number(a, v, 1, 3600);
                default -> throw new IllegalArgumentException("unknown option " + a + ". Fix: use --backend, --device,"
                        + " --sessions, --slots, --unit, --ring, --workers, --lose-member-at, --victim, --stall-timeout");
            }
        }
        if (loseAt >= 0 && sessions < 2) {
            throw new IllegalArgumentException("--lose-member-at needs at least 2 sessions (the group fails when it"
                    + " loses its only member). Fix: pass --sessions 2 or more");
        }
        if (loseAt >= 0 && victim >= sessions) {
            throw new IllegalArgumentException("--victim " + victim + " is not a member of " + sessions
                    + " sessions. Fix: pass 0.." + (sessions - 1));
        }
        if (loseAt >= slots) {
            throw new IllegalArgumentException("--lose-member-at " + loseAt + " is not inside the stream of " + slots
                    + " slots. Fix: pass a smaller value, e.g. " + slots / 3);
        }
        if ((slots + unit - 1) / unit > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("--slots / --unit makes more than " + Integer.MAX_VALUE
                    + " units. Fix: pass a larger --unit");
        }
        return new Settings(backend, device, sessions, slots, unit, ring, workers, loseAt, victim,
                Duration.ofMillis((long) (stall * 1000)));
    }

}
