package dev.vyre.api;

import dev.vyre.protocol.BackendException;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.VyreArgumentException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.apiguardian.api.API;

/**
 * Spreads one stream of slots over several sessions, typically one per device ({@link Vyre#open(String, int)}).
 * The stream is cut into units ({@link WorkPartition}); each member runs on its own thread and takes the
 * next unit as soon as it is idle, so a fast device takes more units than a slow one.
 *
 * <p>Exactly once: every unit's result is taken from exactly one complete run of the unit. A member whose
 * session fails (its device is lost, its interpreter stops or stalls) is dropped for the rest of the run,
 * and the unit it was running goes back to the queue, where another member runs it again from its first
 * slot. Effects of the lost, partial run stay on the lost device and never reach a result. The run fails
 * only when every member is lost, or when the {@link UnitWork} itself throws.
 *
 * <p>Inside a member, a unit's slots stream through the session's ring in runs of
 * {@code min(1024, slotCount / 4)} slots with {@link Session#publishSlots}, many runs in flight; the unit
 * ends when DONE_COUNT has advanced by its slot count.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.3")
public final class DeviceGroup implements AutoCloseable {

    private static final long MAX_PARK_NANOS = 200_000L;

    private final List<Session> sessions;
    private final List<Vyre> owned;
    private final Duration stallTimeout;

    private DeviceGroup(List<Session> sessions, List<Vyre> owned, Duration stallTimeout) {
        this.sessions = List.copyOf(sessions);
        this.owned = List.copyOf(owned);
        this.stallTimeout = stallTimeout;
    }

    /**
     * Opens one session with {@code options} on each backend; the group closes the sessions and the
     * backends when it is closed.
     *
     * @throws VyreArgumentException when {@code backends} is empty
     */
    public static DeviceGroup open(List<Vyre> backends, SessionOptions options) {
        if (backends.isEmpty()) {
            throw new VyreArgumentException("backends", "a device group needs at least one backend",
                    "open one Vyre per device (Vyre.open(name, index)) and pass them all");
        }
        List<Session> opened = new ArrayList<>();
        try {
            for (Vyre v : backends) {
                opened.add(v.openSession(options));
            }
        } catch (RuntimeException e) {
            for (Session s : opened) {
                try {
                    s.close();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
        return new DeviceGroup(opened, backends, Duration.ofSeconds(30));
    }

    /**
     * A group over sessions the caller owns (and closes): e.g. several sessions on one device.
     *
     * @param stallTimeout how long a member may make no progress before it is treated as lost
     * @throws VyreArgumentException when {@code sessions} is empty or the timeout is not positive
     */
    public static DeviceGroup of(List<Session> sessions, Duration stallTimeout) {
        if (sessions.isEmpty()) {
            throw new VyreArgumentException("sessions", "a device group needs at least one session",
                    "pass one open session per member");
        }
        if (stallTimeout.isNegative() || stallTimeout.isZero()) {
            throw new VyreArgumentException("stallTimeout", stallTimeout + " is not positive", "pass e.g. 30 s");
        }
        return new DeviceGroup(sessions, List.of(), stallTimeout);
    }

    /** @return the members' sessions, in member order */
    public List<Session> sessions() {
        return sessions;
    }

    /**
     * Runs {@code totalSlots} slots over the members, in units of the default size
     * ({@code max(1, total / (4 × members))}).
     */
    public <R> GroupRun<R> run(long totalSlots, UnitWork<R> work) {
        return run(totalSlots, 0, work);
    }

    /**
     * Runs {@code totalSlots} slots over the members in units of {@code unitSlots} (0 for the default size).
     * Blocks until every unit has a result.
     *
     * @throws VyreArgumentException when {@code totalSlots} is not positive or {@code unitSlots} negative
     * @throws BackendException      when every member was lost before the stream finished (the message
     *                               lists why each was lost)
     */
    public <R> GroupRun<R> run(long totalSlots, long unitSlots, UnitWork<R> work) {
        Objects.requireNonNull(work, "work");
        if (totalSlots <= 0) {
            throw new VyreArgumentException("totalSlots", totalSlots + " slots is no work",
                    "pass at least one slot");
        }
        if (unitSlots < 0) {
            throw new VyreArgumentException("unitSlots", unitSlots + " is negative", "pass 0 for the default unit size");
        }
        WorkPartition partition = unitSlots == 0 ? WorkPartition.of(totalSlots, sessions.size())
                : WorkPartition.withUnitSize(totalSlots, unitSlots);
        Run<R> run = new Run<>(partition, work, sessions.size());
        List<Thread> threads = new ArrayList<>();
        for (int m = 0; m < sessions.size(); m++) {
            int member = m;
            threads.add(Thread.ofPlatform().name("vyre-group-" + m).start(() -> run.member(member,
                    sessions.get(member))));
        }
        boolean interrupted = false;
        for (Thread t : threads) {
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                    run.abort(new BackendException("the thread running the device group was interrupted",
                            "do not interrupt DeviceGroup.run; close the group to stop it"));
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return run.outcome();
    }

    /** Closes the sessions and backends the group opened (none for {@link #of}). */
    @Override
    public void close() {
        if (owned.isEmpty()) {
            return;
        }
        RuntimeException failure = null;
        for (Session s : sessions) {
            try {
                s.close();
            } catch (RuntimeException e) {
                failure = add(failure, e);
            }
        }
        for (Vyre v : owned) {
            try {
                v.close();
            } catch (RuntimeException e) {
                failure = add(failure, e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static RuntimeException add(RuntimeException first, RuntimeException next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    /** A member's session failed; the unit it ran goes back to the queue. */
    private static final class MemberLost extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MemberLost(String why, Throwable cause) {
            super(why, cause, false, false);
        }
    }

    /** The shared state of one {@link #run}. */
    private final class Run<R> {
        private final WorkPartition partition;
        private final UnitWork<R> work;
        private final AtomicInteger nextUnit = new AtomicInteger();
        private final ConcurrentLinkedQueue<WorkUnit> retry = new ConcurrentLinkedQueue<>();
        private final AtomicInteger remaining;
        private final AtomicInteger live;
        private final AtomicInteger reruns = new AtomicInteger();
        private final AtomicReferenceArray<R> results;
        private final int[] unitMember;
        private final AtomicLongArray unitsPerMember;
        private final List<String> lost = new CopyOnWriteArrayList<>();
        private final AtomicReference<RuntimeException> failure = new AtomicReference<>();

        Run(WorkPartition partition, UnitWork<R> work, int members) {
            this.partition = partition;
            this.work = work;
            this.remaining = new AtomicInteger(partition.units());
            this.live = new AtomicInteger(members);
            this.results = new AtomicReferenceArray<>(partition.units());
            this.unitMember = new int[partition.units()];
            Arrays.fill(unitMember, -1);
            this.unitsPerMember = new AtomicLongArray(members);
        }

        void abort(RuntimeException why) {
            failure.compareAndSet(null, why);
        }

        /** The loop of one member: take a unit (a re-run first), run it, until none is left or the run ends. */
        void member(int member, Session session) {
            int batch = Math.max(1, Math.min(1024, session.slotCount() / 4));
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment images = arena.allocate((long) batch * SlotLayout.SLOT_BYTES, 64);
                long idle = 0;
                while (remaining.get() > 0 && failure.get() == null) {
                    WorkUnit unit = retry.poll();
                    if (unit == null) {
                        int index = nextUnit.getAndIncrement();
                        if (index < partition.units()) {
                            unit = partition.unit(index);
                        }
                    }
                    if (unit == null) {
                        // Every unit is taken; a lost member may still hand one back.
                        LockSupport.parkNanos(Math.min(MAX_PARK_NANOS, 1_000L << Math.min(idle++, 8)));
                        continue;
                    }
                    idle = 0;
                    try {
                        R result = runUnit(session, unit, images, batch);
                        if (!results.compareAndSet(unit.index(), null, result)) {
                            throw new IllegalStateException("unit " + unit.index() + " produced a second result");
                        }
                        unitMember[unit.index()] = member;
                        unitsPerMember.incrementAndGet(member);
                        remaining.decrementAndGet();
                    } catch (MemberLost e) {
                        lost.add("member " + member + " (" + session.backendName() + "): " + e.getMessage());
                        retry.add(unit);
                        reruns.incrementAndGet();
                        if (live.decrementAndGet() == 0) {
                            abort(new BackendException("every member of the device group was lost with "
                                    + remaining.get() + " of " + partition.units() + " units unfinished: " + lost,
                                    "check the devices (vyre backends) and run the stream again"));
                        }
                        return;
                    }
                }
            } catch (RuntimeException | Error e) {
                abort(e instanceof RuntimeException r ? r : new IllegalStateException(e));
            }
        }

        /** Runs every slot of {@code unit} on {@code session}; session failures become {@link MemberLost}. */
        private R runUnit(Session session, WorkUnit unit, MemorySegment images, int batch) {
            work.before(session, unit);
            long start = sessionCall(session, session::doneCount);
            int ring = session.slotCount();
            int slot = 0;
            for (long offset = 0; offset < unit.count(); ) {
                int n = (int) Math.min(Math.min(batch, unit.count() - offset), ring - slot);
                MemorySegment run = images.asSlice(0, (long) n * SlotLayout.SLOT_BYTES);
                work.encode(unit, offset, n, run);
                publishAll(session, slot, run, n);
                offset += n;
                slot = (slot + n) % ring;
            }
            long target = start + unit.count();
            boolean done = sessionCall(session, () -> session.awaitDoneCount(target, stallTimeout));
            if (!done) {
                throw new MemberLost("its interpreter " + (alive(session) ? "made no progress for " + stallTimeout
                        : "stopped") + " with " + unit.count() + " slots of unit " + unit.index() + " published",
                        null);
            }
            return work.after(session, unit);
        }

        /** Publishes {@code n} images at {@code slot}, waiting for busy ring slots to finish. */
        private void publishAll(Session session, int slot, MemorySegment run, int n) {
            int published = 0;
            long waitedSince = 0;
            long park = 1_000L;
            while (published < n) {
                int k = published;
                int now = sessionCall(session, () -> session.publishSlots(slot + k,
                        run.asSlice((long) k * SlotLayout.SLOT_BYTES), n - k));
                published += now;
                if (now > 0) {
                    waitedSince = 0;
                    park = 1_000L;
                    continue;
                }
                long t = System.nanoTime();
                if (waitedSince == 0) {
                    waitedSince = t;
                } else if (t - waitedSince > stallTimeout.toNanos() || !alive(session)) {
                    throw new MemberLost("ring slot " + (slot + k) + " stayed busy for "
                            + (t - waitedSince) / 1_000_000 + " ms" + (alive(session) ? "" : "; its interpreter stopped"),
                            null);
                }
                if (failure.get() != null) {
                    throw new MemberLost("the run was aborted", null);
                }
                Thread.onSpinWait();
                LockSupport.parkNanos(park);
                park = Math.min(park << 1, MAX_PARK_NANOS);
            }
        }

        /** @return whether the session's interpreter runs; a device that fails to answer counts as not */
        private boolean alive(Session session) {
            try {
                return session.isAlive();
            } catch (BackendException e) {
                return false;
            }
        }

        private <T> T sessionCall(Session session, Supplier<T> call) {
            try {
                return call.get();
            } catch (BackendException e) {
                throw new MemberLost(e.getMessage(), e);
            }
        }

        GroupRun<R> outcome() {
            RuntimeException f = failure.get();
            if (f != null) {
                throw f;
            }
            List<R> out = new ArrayList<>(partition.units());
            for (int i = 0; i < partition.units(); i++) {
                out.add(results.get(i));
            }
            long[] perMember = new long[unitsPerMember.length()];
            for (int m = 0; m < perMember.length; m++) {
                perMember[m] = unitsPerMember.get(m);
            }
            return new GroupRun<>(Collections.unmodifiableList(out), unitMember.clone(), perMember,
                    List.copyOf(lost), reruns.get());
        }
    }
}
