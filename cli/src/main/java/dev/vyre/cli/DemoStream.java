package dev.vyre.cli;

import dev.vyre.api.Session;
import dev.vyre.api.Slots;
import dev.vyre.protocol.SlotStatus;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;

/**
 * Streams the demo workload through a session the way a user should: the ring is split into
 * segments (two halves when it has at least two slots); each segment's slots are encoded into slot
 * images and handed to {@link Session#publishSlots} in runs of {@value #RUN_SLOTS}, one doorbell a run.
 * While the interpreter runs one segment the host waits for the other, records each slot's
 * publish-to-DONE latency, checks every slot's results against the {@link DemoWorkload} model in a
 * control snapshot, and publishes that segment's next wave. When the time is up every segment drains
 * and the shared counters and the debug log are checked too. Allocates nothing per slot.
 */
final class DemoStream {

    /** Slots per {@link Session#publishSlots} call. */
    static final int RUN_SLOTS = 64;
    /** How long one slot may take before the run fails. */
    static final Duration SLOT_TIMEOUT = Duration.ofSeconds(10);

    /**
     * What a run did.
     *
     * @param slots   slots published, completed and verified (all of them unless {@code failure})
     * @param waves   waves of the whole ring
     * @param nanos   time from the first publish to the last check
     * @param failure null when every result matched the model, else the first difference or stall
     */
    record Result(long slots, long waves, long nanos, String failure) {
    }

    /** Receives the progress after each segment. */
    interface Listener {
        /** @param verifiedSlots slots verified so far */
        void verified(long verifiedSlots);
    }

    private final Session session;
    private final DemoWorkload model;
    private final LatencyHistogram latency;
    private final int[] segmentStart;
    private final long[] publishedAt;
    private long verified;

    DemoStream(Session session, DemoWorkload model, LatencyHistogram latency) {
        this.session = session;
        this.model = model;
        this.latency = latency;
        int slots = model.slots;
        int segments = slots >= 2 ? 2 : 1;
        this.segmentStart = new int[segments + 1];
        for (int k = 0; k <= segments; k++) {
            segmentStart[k] = (int) ((long) slots * k / segments);
        }
        this.publishedAt = new long[slots];
    }

    /** @return the number of ring segments the host alternates between */
    int segments() {
        return segmentStart.length - 1;
    }

    /** Streams for {@code nanos} (at least one wave), then drains and checks everything. */
    Result run(long nanos, Listener listener) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment images = arena.allocate((long) RUN_SLOTS * Slots.BYTES, 64);
            long start = System.nanoTime();
            long deadline = start + nanos;
            String failure = null;
            int segments = segments();
            for (int k = 0; k < segments && failure == null; k++) {
                failure = publish(images, k, 0);
            }
            long waves = 0;
            boolean more = true;
            while (failure == null && more) {
                more = System.nanoTime() - deadline < 0;
                for (int k = 0; k < segments && failure == null; k++) {
                    failure = await(k, waves);
                    if (failure == null) {
                        failure = model.verifySlots(session.controlSnapshot(), segmentStart[k], segmentStart[k + 1]);
                    }
                    if (failure == null) {
                        verified += segmentStart[k + 1] - segmentStart[k];
                        if (more) {
                            failure = publish(images, k, waves + 1);
                        }
                    }
                    listener.verified(verified);
                }
                waves++;
            }
            if (failure == null) {
                failure = model.verifyCounters(session.controlSnapshot());
            }
            if (failure == null) {
                failure = model.verifyLog(session.debugLogSnapshot());
            }
            return new Result(verified, waves, System.nanoTime() - start, failure);
        }
    }

    /** Encodes and publishes wave {@code wave} of segment {@code k} in runs. */
    private String publish(MemorySegment images, int k, long wave) {
        int w = (int) wave;
        for (int first = segmentStart[k]; first < segmentStart[k + 1]; first += RUN_SLOTS) {
            int count = Math.min(RUN_SLOTS, segmentStart[k + 1] - first);
            for (int i = 0; i < count; i++) {
                model.encode(images, i, w, first + i);
            }
            long now = System.nanoTime();
            int published = session.publishSlots(first, images, count);
            if (published != count) {
                return "ring slot " + (first + published) + " was not free for wave " + wave + " although it was"
                        + " DONE in wave " + (wave - 1) + " (status " + SlotStatus.name(session.slotStatus(first
                        + published)) + ")";
            }
            for (int i = 0; i < count; i++) {
                publishedAt[first + i] = now;
            }
        }
        return null;
    }

    /** Waits for every slot of segment {@code k} to be DONE, recording each slot's latency. */
    private String await(int k, long wave) {
        for (int s = segmentStart[k]; s < segmentStart[k + 1]; s++) {
            if (session.slotStatus(s) != SlotStatus.DONE
                    && !session.awaitSlotStatus(s, SlotStatus.DONE, SLOT_TIMEOUT)) {
                return "slot " + s + " of wave " + wave + " did not complete within " + SLOT_TIMEOUT.toSeconds()
                        + " s (status " + SlotStatus.name(session.slotStatus(s)) + ")";
            }
            latency.record(System.nanoTime() - publishedAt[s]);
        }
        return null;
    }
}
