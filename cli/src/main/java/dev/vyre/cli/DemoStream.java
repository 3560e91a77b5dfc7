package dev.vyre.cli;

import dev.vyre.api.Session;
import dev.vyre.api.Slots;
import dev.vyre.protocol.SlotStatus;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * Streams the {@link DemoWorkload} through a session the way a user should: the ring is cut into runs of
 * {@code batch} slots, each run is handed to {@link Session#publishSlots} whole (one doorbell), and the
 * ring stays full: at most {@code slots - batch} slots are in flight when a run is recycled.
 *
 * <p>Two threads share the work. An encoder thread writes the images of the next runs and updates the
 * model, at most {@value #LOOKAHEAD} runs ahead of the publisher and never into images not yet
 * published; the calling thread only publishes. Run {@code q} is wave {@code q / runs} of ring slots
 * {@code (q % runs) * batch ..}; the two threads hand runs over through two counters (runs encoded,
 * runs published) with release/acquire semantics, so the publisher sees a run's images and the encoder
 * rewrites them only after {@code publishSlots} copied them into the ring.
 *
 * <p>Recycling reads no status line per slot on the host's side: before a run is published again the
 * publisher waits until DONE_COUNT shows that enough slots have finished ({@link Session#awaitDoneCount}),
 * and {@code publishSlots} itself reads each slot's status once as it takes the run. Only when it finds a
 * slot still busy (slots finish out of order) does the host wait on that slot's status. Every slot's
 * results are checked once at the end, when the ring has drained: each slot's ATOMIC_ADD total proves it
 * ran exactly once per publication, and the shared counters prove the totals of every opcode (see
 * {@link DemoWorkload}). While streaming, the encoder checks the first run it encodes again, then one run every
 * {@value #SPOT_CHECK_MILLIS} ms, in full against a control snapshot (once the device has finished its previous
 * wave) before it encodes it again.
 *
 * <p>Latency: for each run, the time from its {@code publishSlots} call until DONE_COUNT, read once per
 * run, shows every slot published up to it as finished: publish to DONE as a streaming host sees it, with
 * the ring full. Allocates nothing per slot or per run.
 */
final class DemoStream {

    /** How long one slot may take before the run fails. */
    static final Duration SLOT_TIMEOUT = Duration.ofSeconds(10);
    /** Interval between two runs checked while streaming. */
    static final long SPOT_CHECK_MILLIS = 100;
    /** Runs the encoder may have ready that the publisher has not published yet. */
    static final int LOOKAHEAD = 2;
    /** How long the host waits on DONE_COUNT before it looks at the run's slots themselves. */
    private static final Duration GATE_TIMEOUT = Duration.ofMillis(100);
    /** Slice of {@link #SLOT_TIMEOUT} between two looks for a FAULT while waiting on a slot. */
    private static final Duration SLOT_POLL = Duration.ofMillis(50);
    /** A thread waiting for the other spins this often, then sleeps {@value #PARK_NANOS} ns at a time. */
    private static final int SPINS = 2_000;
    private static final long PARK_NANOS = 20_000;
    private static final long U32 = 0xFFFF_FFFFL;

    /**
     * What a run did.
     *
     * @param slots      slots published and completed, all verified unless {@code failure}
     * @param waves      waves of the whole ring (the last one may be partial)
     * @param nanos      time from the first publication to the end of the final check
     * @param spotChecks runs checked in full while streaming
     * @param stopped    true when {@link #stop()} ended the stream before its time
     * @param failure    null when every check passed, else the first difference or stall
     */
    record Result(long slots, long waves, long nanos, long spotChecks, boolean stopped, String failure) {
    }

    /** Hears how many slots have been published so far, once per run. */
    interface Listener {
        void published(long slots);
    }

    private final Session session;
    private final DemoWorkload model;
    private final LatencyHistogram latency;
    private final int ring;
    private final int batch;
    private final int runs;
    /** Views of the image buffer from each slot on, made when first needed (publisher only). */
    private final MemorySegment[] views;
    /** Runs published and not yet seen finished: cumulative slot count after the run, and its publish time. */
    private final long[] pendingEnd;
    private final long[] pendingAt;
    private int pendingHead;
    private int pendingSize;
    private volatile boolean stopRequested;
    private volatile long publishedSoFar;
    // the hand-over between the two threads
    private volatile long runsEncoded;
    private volatile long runsPublished;
    private volatile boolean encoderStop;
    private volatile String encoderFailure;
    private volatile Throwable encoderError;
    // publisher only
    private long published;
    private long doneSeen;
    private int doneRaw;
    // encoder only (read by the publisher after joining it)
    private long spotChecks;

    /**
     * @param batch slots per {@code publishSlots} run, 1..{@code model.slots}
     */
    DemoStream(Session session, DemoWorkload model, int batch, LatencyHistogram latency) {
        if (batch < 1 || batch > model.slots) {
            throw new IllegalArgumentException("batch " + batch + " is outside 1.." + model.slots
                    + ". Fix: pass a run length no longer than the ring");
        }
        this.session = session;
        this.model = model;
        this.latency = latency;
        this.ring = model.slots;
        this.batch = batch;
        this.runs = (ring + batch - 1) / batch;
        this.views = new MemorySegment[ring];
        this.pendingEnd = new long[runs + LOOKAHEAD + 1];
        this.pendingAt = new long[runs + LOOKAHEAD + 1];
    }

    /** @return runs in one wave of the ring */
    int runs() {
        return runs;
    }

    /** Asks a running {@link #run} to stop after the runs already encoded, then drain and check (any thread). */
    void stop() {
        stopRequested = true;
    }

    /** @return slots published so far (any thread) */
    long publishedSoFar() {
        return publishedSoFar;
    }

    /**
     * Streams for {@code nanos} and at least one whole wave (unless {@link #stop()} comes first), then
     * drains the ring and checks every slot and every shared counter.
     *
     * @throws RuntimeException what the session threw on either thread (a stalled interpreter, a lost device)
     */
    Result run(long nanos, Listener listener) {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment images = arena.allocate((long) ring * Slots.BYTES, 64);
            model.writeTemplates(images);
            byte[] before = session.controlSnapshot();
            doneRaw = (int) session.doneCount();
            long start = System.nanoTime();
            long deadline = start + nanos;
            Thread encoder = Thread.ofPlatform().name("vyre-demo-encoder").daemon(true)
                    .start(() -> encode(images, start));
            String failure = null;
            long q = 0;
            try {
                while (!stopRequested && (System.nanoTime() - deadline < 0 || published < ring)) {
                    failure = awaitEncoded(q);
                    if (failure == null) {
                        failure = publish(images, q, listener);
                    }
                    if (failure != null) {
                        break;
                    }
                    q++;
                }
            } finally {
                stopEncoder(encoder);
            }
            if (encoderError != null) {
                throw rethrow(encoderError);
            }
            // the model holds every run the encoder finished: publish those too, so that it matches the ring
            for (long encoded = runsEncoded; failure == null && q < encoded; q++) {
                failure = publish(images, q, listener);
            }
            if (failure == null) {
                failure = encoderFailure;
            }
            long waves = (q + runs - 1) / runs;
            int covered = (int) Math.min(ring, published);
            if (failure == null) {
                failure = drain(covered);
            }
            if (failure == null) {
                observeDone(System.nanoTime());
                byte[] control = session.controlSnapshot();
                failure = model.verifySlots(control, 0, covered);
                if (failure == null) {
                    failure = model.verifyUnowned(control, covered);
                }
                if (failure == null) {
                    failure = model.verifyCounters(control, before);
                }
                if (failure == null) {
                    failure = model.verifyLog(session.debugLogSnapshot(), waves);
                }
            }
            return new Result(published, waves, System.nanoTime() - start, spotChecks, stopRequested, failure);
        }
    }

    // ------------------------------------------------------------------ publisher

    /** Publishes run {@code q} (its images are encoded) once the ring has room for it. */
    private String publish(MemorySegment images, long q, Listener listener) {
        int first = (int) (q % runs) * batch;
        int count = Math.min(batch, ring - first);
        if (q >= runs) {
            gate(published + count - ring);
        }
        long at = System.nanoTime();
        String failure = publishRun(images, first, count);
        if (failure != null) {
            return failure;
        }
        published += count;
        publishedSoFar = published;
        runsPublished = q + 1;
        pending(published, at);
        observeDone(System.nanoTime());
        listener.published(published);
        return null;
    }

    /** Waits until the encoder has finished run {@code q}. @return null, or the encoder's failure */
    private String awaitEncoded(long q) {
        for (int round = 0; runsEncoded <= q; round++) {
            if (encoderFailure != null || encoderError != null) {
                return encoderFailure != null ? encoderFailure : "the encoder thread failed";
            }
            pause(round);
        }
        return null;
    }

    private void stopEncoder(Thread encoder) {
        encoderStop = true;
        LockSupport.unpark(encoder);
        boolean interrupted = false;
        while (true) {
            try {
                encoder.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException(t.getMessage() + ". Fix: rerun with --verbose and report it", t);
    }

    /**
     * Waits (at most {@link #GATE_TIMEOUT}) until DONE_COUNT shows {@code need} of the slots published so
     * far as finished; past the timeout the slots' own statuses decide ({@link #publishRun}).
     */
    private void gate(long need) {
        if (need <= doneSeen) {
            return;
        }
        observeDone(System.nanoTime());
        if (need > doneSeen) {
            session.awaitDoneCount(Integer.toUnsignedLong(doneRaw) + (need - doneSeen), GATE_TIMEOUT);
            observeDone(System.nanoTime());
        }
    }

    /** Reads DONE_COUNT once, and records the latency of every run it shows finished. */
    private void observeDone(long now) {
        int raw = (int) session.doneCount();
        doneSeen += (raw - doneRaw) & U32;
        doneRaw = raw;
        while (pendingSize > 0 && pendingEnd[pendingHead] <= doneSeen) {
            latency.record(now - pendingAt[pendingHead]);
            pendingHead = pendingHead + 1 == pendingEnd.length ? 0 : pendingHead + 1;
            pendingSize--;
        }
    }

    /** Remembers a published run; when a faulty count keeps older runs unseen, the oldest is forgotten. */
    private void pending(long end, long at) {
        if (pendingSize == pendingEnd.length) {
            pendingHead = pendingHead + 1 == pendingEnd.length ? 0 : pendingHead + 1;
            pendingSize--;
        }
        int tail = (pendingHead + pendingSize) % pendingEnd.length;
        pendingEnd[tail] = end;
        pendingAt[tail] = at;
        pendingSize++;
    }

    /**
     * Publishes the images of ring slots {@code first .. first + count - 1}: one {@code publishSlots} call
     * when the run's slots are free; when one is still busy, waits for the run's last slot (then, if slots
     * finished out of order, for the busy one) and publishes the rest.
     *
     * @return null, or why a slot never became free
     */
    private String publishRun(MemorySegment images, int first, int count) {
        int done = 0;
        boolean waitedForLast = false;
        while (true) {
            int from = first + done;
            done += session.publishSlots(from, view(images, from), count - done);
            if (done == count) {
                return null;
            }
            int wait = waitedForLast ? first + done : first + count - 1;
            waitedForLast = true;
            String stuck = awaitDone(wait);
            if (stuck != null) {
                return stuck;
            }
        }
    }

    private MemorySegment view(MemorySegment images, int slot) {
        MemorySegment v = views[slot];
        if (v == null) {
            v = slot == 0 ? images : images.asSlice((long) slot * Slots.BYTES);
            views[slot] = v;
        }
        return v;
    }

    /**
     * Waits for every published slot to finish: one host wait on the device until DONE_COUNT shows all of
     * them (at most {@link #GATE_TIMEOUT}; it returns at once when they already are), then each slot's own
     * status, which also names a slot that ended in FAULT.
     */
    private String drain(int covered) {
        observeDone(System.nanoTime());
        session.awaitDoneCount(Integer.toUnsignedLong(doneRaw) + Math.max(0, published - doneSeen), GATE_TIMEOUT);
        for (int s = 0; s < covered; s++) {
            String stuck = awaitDone(s);
            if (stuck != null) {
                return stuck;
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ encoder

    /**
     * The encoder thread: encodes run after run, each once the publisher has published the run
     * {@value #LOOKAHEAD} before it (and so the previous wave of its own slots), and spot-checks the first run it
     * encodes again, then a run every {@value #SPOT_CHECK_MILLIS} ms, before encoding it. Ends when asked, after a
     * failure, or on an exception, which the publisher rethrows.
     */
    private void encode(MemorySegment images, long start) {
        try {
            long nextSpot = start;
            int ahead = Math.min(LOOKAHEAD, runs);
            for (long q = 0; ; q++) {
                if (!awaitPublished(q - ahead + 1)) {
                    return;
                }
                int first = (int) (q % runs) * batch;
                int count = Math.min(batch, ring - first);
                long wave = q / runs;
                if (wave > 0 && System.nanoTime() - nextSpot >= 0) {
                    String bad = spotCheck(first, count);
                    if (bad != null) {
                        encoderFailure = bad;
                        return;
                    }
                    spotChecks++;
                    nextSpot = System.nanoTime() + SPOT_CHECK_MILLIS * 1_000_000L;
                }
                model.encodeRun(images, first, count, wave);
                runsEncoded = q + 1;
                if (encoderStop) {
                    return;
                }
            }
        } catch (Throwable t) {
            encoderError = t;
        }
    }

    /** @return true once {@code need} runs are published; false when the encoder is asked to stop first */
    private boolean awaitPublished(long need) {
        for (int round = 0; runsPublished < need; round++) {
            if (encoderStop) {
                return false;
            }
            pause(round);
        }
        return !encoderStop;
    }

    /** Waits for every slot of a run to finish, then checks each one's words in a control snapshot. */
    private String spotCheck(int first, int count) {
        for (int s = first; s < first + count; s++) {
            String stuck = awaitDone(s);
            if (stuck != null) {
                return stuck;
            }
        }
        String bad = model.verifySlots(session.controlSnapshot(), first, first + count);
        return bad == null ? null : "spot check of ring slots " + first + ".." + (first + count - 1) + ": " + bad;
    }

    // ------------------------------------------------------------------ both

    /** @return null once the published {@code slot} is DONE, else why it did not get there */
    private String awaitDone(int slot) {
        long deadline = System.nanoTime() + SLOT_TIMEOUT.toNanos();
        while (true) {
            int status = session.slotStatus(slot);
            if (status == Slots.DONE) {
                return null;
            }
            if (status == Slots.FAULT) {
                return "ring slot " + slot + " (" + DemoWorkload.kindName(DemoWorkload.kind(slot)) + ") ended in FAULT";
            }
            if (System.nanoTime() - deadline >= 0) {
                return "ring slot " + slot + " did not complete within " + SLOT_TIMEOUT.toSeconds() + " s (status "
                        + SlotStatus.name(status) + ")";
            }
            session.awaitSlotStatus(slot, Slots.DONE, SLOT_POLL);
        }
    }

    /** Spins {@value #SPINS} rounds, then sleeps {@value #PARK_NANOS} ns a round. */
    private static void pause(int round) {
        if (round < SPINS) {
            Thread.onSpinWait();
        } else {
            LockSupport.parkNanos(PARK_NANOS);
        }
    }
}
