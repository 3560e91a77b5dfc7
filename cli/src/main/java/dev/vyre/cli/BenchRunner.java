package dev.vyre.cli;

import dev.vyre.api.DispatchRequest;
import dev.vyre.api.DispatchResult;
import dev.vyre.api.Megakernel;
import dev.vyre.api.Session;
import dev.vyre.api.Slots;
import dev.vyre.api.Vyre;
import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.SlotStatus;
import dev.vyre.protocol.Words;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import org.HdrHistogram.Histogram;

/**
 * The measurements of {@code vyre bench} on one open session, each verified: every slot is an
 * ATOMIC_ADD of a known amount into one of the session's observable words, and after each measurement
 * every word must hold exactly the sum of its increments and DONE_COUNT must have advanced by exactly the
 * slots published (a lost, repeated or faulted slot fails the check).
 * <ul>
 *   <li>{@link #latency()}: one slot in flight, publish to DONE seen by the host;</li>
 *   <li>{@link #publish()}, {@link #deferred()}, {@link #publishSlots()}: the ring kept full through
 *       each publishing API, slots/s from the first publication to the last DONE;</li>
 *   <li>{@link #dispatch()}: the one-pass peer, a {@link Vyre#dispatch} of one slot per operation.</li>
 * </ul>
 * Each runs for the given time after a short warm-up. Not thread-safe.
 */
final class BenchRunner {

    /** How long one slot may take before the run fails. */
    static final Duration SLOT_LIMIT = Duration.ofSeconds(10);
    private static final int SPINS = 10_000;

    /**
     * One measurement, or a peer that cannot run here.
     *
     * @param api         the publishing API or peer, e.g. {@code publishSlots}, {@code cuLaunchKernel+sync}
     * @param mode        how it was driven, e.g. {@code runs of 256}
     * @param slots       slots (or dispatches, or launches) measured
     * @param nanos       time from the first publication to the last DONE
     * @param latency     publish→DONE latencies in ns, or null when the mode measures throughput only
     * @param failure     why verification failed, or null when every result was right
     * @param unavailable why the peer could not run here (nothing was measured), or null
     */
    record Row(String api, String mode, long slots, long nanos, Histogram latency, String failure,
               String unavailable) {
        /** @return a row for a peer that cannot run here */
        static Row unavailable(String api, String mode, String reason) {
            return new Row(api, mode, 0, 0, null, null, reason);
        }

        /** @return slots per second */
        double rate() {
            return nanos > 0 ? slots * 1e9 / nanos : 0;
        }

        /** @return true unless a measurement's results were wrong (a peer that could not run is not wrong) */
        boolean verified() {
            return failure == null;
        }
    }

    /** Hears of the measurements as they run, e.g. to draw a progress line. */
    interface Listener {
        /** A measurement starts. */
        void phase(String label);

        /** {@code slots} done so far in the measurement. */
        void progress(long slots);
    }

    private final Vyre vyre;
    private final Session session;
    private final int slots;
    private final int batch;
    private final int words;
    private final long phaseNanos;
    private final long warmupNanos;
    private final Listener listener;
    private final long[] expected;
    private final MemorySegment images;
    private final int[] runIncrements;
    private long published;
    private long doneBase;
    private int seq;

    /**
     * @param session    an open session with at least {@code words} observable words
     * @param slots      ring slots to use, from 0
     * @param batch      slots per flush / per publishSlots run
     * @param words      observable words the increments spread over
     * @param phase      time each measurement runs
     */
    BenchRunner(Vyre vyre, Session session, int slots, int batch, int words, Duration phase, Listener listener) {
        this.vyre = vyre;
        this.session = session;
        this.slots = slots;
        this.batch = batch;
        this.words = words;
        this.phaseNanos = phase.toNanos();
        this.warmupNanos = Math.min(phaseNanos / 5, 500_000_000L);
        this.listener = listener;
        this.expected = new long[words];
        this.images = Arena.ofAuto().allocate((long) batch * Slots.BYTES, 8);
        this.runIncrements = new int[batch];
        this.doneBase = session.doneCount();
    }

    private int nextIncrement() {
        return (seq++ & 0xFF) + 1;
    }

    private int word(int slot) {
        return slot % words;
    }

    /** One slot in flight: publish, then spin until the host sees DONE; the latency of each. */
    Row latency() {
        listener.phase("publish, 1 in flight");
        Histogram h = newHistogram();
        long warmEnd = System.nanoTime() + warmupNanos;
        int slot = 0;
        while (System.nanoTime() < warmEnd) {
            latencyOnce(slot);
            slot = (slot + 1) % slots;
        }
        long n = 0;
        long start = System.nanoTime();
        long deadline = start + phaseNanos;
        long measured = 0;
        while (true) {
            long t = latencyOnce(slot);
            h.recordValue(t);
            measured += t;
            slot = (slot + 1) % slots;
            if ((++n & 63) == 0) {
                listener.progress(n);
                if (System.nanoTime() >= deadline) {
                    break;
                }
            }
        }
        return new Row("publish", "1 in flight", n, measured, h, verify(), null);
    }

    private long latencyOnce(int slot) {
        int inc = nextIncrement();
        long t0 = System.nanoTime();
        session.publish(slot, 0, Opcodes.ATOMIC_ADD, inc, Slots.observable(word(slot)), 0);
        while (session.slotStatus(slot) != SlotStatus.DONE) {
            awaitDone(slot);
        }
        long t1 = System.nanoTime();
        expected[word(slot)] += inc;
        published++;
        return t1 - t0;
    }

    /** The ring kept full with single-slot {@code publish} calls. */
    Row publish() {
        listener.phase("publish, ring full");
        warmUp(this::streamPublish);
        return measure("publish", "ring of " + Formats.count(slots), this::streamPublish);
    }

    /**
     * The ring kept full with {@code publishDeferred}, one {@code flush} per batch (the session itself
     * flushes every {@value Session#MAX_DEFERRED} deferred slots, so larger batches flush that often).
     */
    Row deferred() {
        listener.phase("publishDeferred+flush");
        warmUp(this::streamDeferred);
        return measure("publishDeferred+flush", "flush per " + Formats.count(Math.min(batch, Session.MAX_DEFERRED)),
                this::streamDeferred);
    }

    /** The ring kept full with {@code publishSlots} runs. */
    Row publishSlots() {
        listener.phase("publishSlots");
        warmUp(this::streamRuns);
        return measure("publishSlots", "runs of " + Formats.count(batch), this::streamRuns);
    }

    private interface Stream {
        /** Publishes until {@code deadline}; @return slots published */
        long run(long deadline);
    }

    private void warmUp(Stream stream) {
        stream.run(System.nanoTime() + warmupNanos);
        drain();
    }

    private Row measure(String api, String mode, Stream stream) {
        long before = published;
        long start = System.nanoTime();
        stream.run(start + phaseNanos);
        drain();
        long nanos = System.nanoTime() - start;
        return new Row(api, mode, published - before, nanos, null, verify(), null);
    }

    private long streamPublish(long deadline) {
        long n = 0;
        int slot = 0;
        do {
            for (int i = 0; i < 64; i++) {
                awaitPublishable(slot);
                int inc = nextIncrement();
                session.publish(slot, 0, Opcodes.ATOMIC_ADD, inc, Slots.observable(word(slot)), 0);
                expected[word(slot)] += inc;
                slot = slot + 1 == slots ? 0 : slot + 1;
            }
            n += 64;
            published += 64;
            listener.progress(n);
        } while (System.nanoTime() < deadline);
        return n;
    }

    private long streamDeferred(long deadline) {
        long n = 0;
        int slot = 0;
        int inBatch = 0;
        do {
            for (int i = 0; i < 64; i++) {
                awaitPublishable(slot);
                int inc = nextIncrement();
                session.publishDeferred(slot, 0, Opcodes.ATOMIC_ADD, inc, Slots.observable(word(slot)), 0);
                expected[word(slot)] += inc;
                slot = slot + 1 == slots ? 0 : slot + 1;
                if (++inBatch == batch || slot == 0) {
                    session.flush();
                    inBatch = 0;
                }
            }
            n += 64;
            published += 64;
            listener.progress(n);
        } while (System.nanoTime() < deadline);
        session.flush();
        return n;
    }

    private long streamRuns(long deadline) {
        long n = 0;
        int first = 0;
        do {
            int count = Math.min(batch, slots - first);
            for (int k = 0; k < count; k++) {
                awaitPublishable(first + k);
            }
            for (int k = 0; k < count; k++) {
                int inc = nextIncrement();
                runIncrements[k] = inc;
                Slots.encode(images, k, 0, Opcodes.ATOMIC_ADD, inc, Slots.observable(word(first + k)), 0);
            }
            int done = session.publishSlots(first, images, count);
            if (done != count) {
                throw new CliFailure("publishSlots published " + done + " of " + count + " slots from slot " + first
                        + " although every one was DONE", "report this with `vyre backends` output: the ring"
                        + " refused free slots");
            }
            for (int k = 0; k < count; k++) {
                expected[word(first + k)] += runIncrements[k];
            }
            n += count;
            published += count;
            first = first + count == slots ? 0 : first + count;
            listener.progress(n);
        } while (System.nanoTime() < deadline);
        return n;
    }

    /** The one-pass peer: a dispatch of one ATOMIC_ADD slot per operation, each result checked. */
    Row dispatch() {
        listener.phase("dispatch, one pass per op");
        byte[] control = Megakernel.encodeControl(false, 1, 1);
        byte[] debugLog = Megakernel.encodeEmptyDebugLog(Megakernel.debugRecordCapacity());
        byte[] ring = new byte[Slots.BYTES];
        MemorySegment ringSegment = MemorySegment.ofArray(ring);
        Histogram h = newHistogram();
        String failure = null;
        long warmEnd = System.nanoTime() + warmupNanos;
        while (System.nanoTime() < warmEnd && failure == null) {
            failure = dispatchOnce(control, debugLog, ring, ringSegment, null);
        }
        long n = 0;
        long measured = 0;
        long deadline = System.nanoTime() + phaseNanos;
        long[] took = new long[1];
        while (failure == null) {
            failure = dispatchOnce(control, debugLog, ring, ringSegment, took);
            h.recordValue(took[0]);
            measured += took[0];
            listener.progress(++n);
            if (System.nanoTime() >= deadline) {
                break;
            }
        }
        return new Row("dispatch", "one pass per op", n, measured, h, failure, null);
    }

    private String dispatchOnce(byte[] control, byte[] debugLog, byte[] ring, MemorySegment ringSegment, long[] took) {
        int inc = nextIncrement();
        Slots.encode(ringSegment, 0, 0, Opcodes.ATOMIC_ADD, inc, Slots.observable(0), 0);
        DispatchRequest request = DispatchRequest.of(control, ring, debugLog);
        long t0 = System.nanoTime();
        DispatchResult result = vyre.dispatch(request);
        long t1 = System.nanoTime();
        if (took != null) {
            took[0] = t1 - t0;
        }
        MemorySegment c = MemorySegment.ofArray(result.control());
        int status = Words.get(MemorySegment.ofArray(result.ring()), 0);
        int word = Words.get(c, Slots.observable(0));
        int done = Words.get(c, ControlLayout.DONE_COUNT);
        if (status != SlotStatus.DONE || word != inc || done != 1) {
            return "a one-pass dispatch of ATOMIC_ADD " + inc + " ended with slot status " + SlotStatus.name(status)
                    + ", word 160 = " + Integer.toUnsignedString(word) + " and DONE_COUNT " + Integer.toUnsignedString(done)
                    + " (expected DONE, " + inc + " and 1)";
        }
        return null;
    }

    /** Waits until every slot of the ring is DONE or EMPTY. */
    private void drain() {
        session.flush();
        for (int s = 0; s < slots; s++) {
            awaitPublishable(s);
        }
    }

    private void awaitPublishable(int slot) {
        int status = session.slotStatus(slot);
        if (status == SlotStatus.DONE || status == SlotStatus.EMPTY) {
            return;
        }
        awaitDone(slot);
    }

    /** Waits for {@code slot} to be DONE: spins, then sleeps; fails on FAULT or after {@link #SLOT_LIMIT}. */
    private void awaitDone(int slot) {
        for (int i = 0; i < SPINS; i++) {
            if (session.slotStatus(slot) == SlotStatus.DONE) {
                return;
            }
            Thread.onSpinWait();
        }
        long deadline = System.nanoTime() + SLOT_LIMIT.toNanos();
        while (true) {
            int status = session.slotStatus(slot);
            if (status == SlotStatus.DONE) {
                return;
            }
            if (status == SlotStatus.FAULT) {
                throw new CliFailure("slot " + slot + " FAULTed on an ATOMIC_ADD into an observable word",
                        "run `vyre conform --backend " + session.backendName() + "` to find the broken rule");
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new CliFailure("slot " + slot + " did not reach DONE within " + SLOT_LIMIT.toSeconds()
                        + " s (status " + SlotStatus.name(status) + ")", "run `vyre conform --backend "
                        + session.backendName() + "`; a stuck interpreter needs a restart of the process");
            }
            session.awaitSlotStatus(slot, SlotStatus.DONE, Duration.ofMillis(1));
        }
    }

    /** @return null when every observable word and DONE_COUNT hold what the publications add up to */
    private String verify() {
        byte[] snapshot = session.controlSnapshot();
        MemorySegment c = MemorySegment.ofArray(snapshot);
        long done = Integer.toUnsignedLong(Words.get(c, ControlLayout.DONE_COUNT));
        long want = (doneBase + published) & 0xFFFF_FFFFL;
        if (done != want) {
            return "DONE_COUNT is " + done + " after " + Formats.count(published) + " slots, expected " + want;
        }
        for (int k = 0; k < words; k++) {
            int got = Words.get(c, Slots.observable(k));
            if (got != (int) expected[k]) {
                return "observable word " + k + " holds " + Integer.toUnsignedString(got) + ", expected "
                        + Long.toString(expected[k] & 0xFFFF_FFFFL) + " (the sum of its increments)";
            }
        }
        return null;
    }

    /** @return a histogram of 1 ns .. 1 h at 3 significant digits */
    static Histogram newHistogram() {
        return new Histogram(3_600_000_000_000L, 3);
    }
}
