package dev.vyre.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The split-ownership IO handshake ({@link IoLink}) against a device written exactly as the CUDA, Vulkan and
 * OpenCL kernels run it ({@link Lane}): reservation among lanes, then the lane alone writes the queue and its
 * link words and decides; the host alone writes completions.
 */
class IoLinkTest {

    private static final String QF = "io_uring submission queue at capacity. Fix: ";
    /** Stress duration; {@code -Dvyre.ioLink.stressMillis=N} runs longer. */
    private static final long STRESS_MILLIS = Long.getLong("vyre.ioLink.stressMillis", 1500);

    private final Arena arena = Arena.ofShared();
    private final MemorySegment queue = arena.allocate(IoQueueLayout.IO_SLOT_COUNT * (long) IoQueueLayout.IO_SLOT_BYTES, 64);
    private final MemorySegment link = arena.allocate(IoLink.BYTES, 64);
    /** Device memory of the model: reservations and last sequence per IO slot. */
    private final AtomicIntegerArray held = new AtomicIntegerArray(IoQueueLayout.IO_SLOT_COUNT);
    private final int[] lastSequence = new int[IoQueueLayout.IO_SLOT_COUNT];

    @AfterEach
    void free() {
        arena.close();
    }

    /** The device side of one LOAD_MISS, as the kernels run it. Outcome: 1 DONE, 0 FAULT via ERROR, -1 taken back. */
    private final class Lane {
        final int resource;
        final long waitNanos;
        /** When set, the wait's deadline starts once it is counted down (the host claimed), not at once. */
        final CountDownLatch timedFrom;
        int slot = -1;
        int sequence;

        Lane(int resource, long waitNanos) {
            this(resource, waitNanos, null);
        }

        Lane(int resource, long waitNanos, CountDownLatch timedFrom) {
            this.resource = resource;
            this.waitNanos = waitNanos;
            this.timedFrom = timedFrom;
        }

        boolean reserve() {
            for (int i = 0; i < IoQueueLayout.IO_SLOT_COUNT; i++) {
                if (held.compareAndSet(i, 0, 1)) {
                    slot = i;
                    return true;
                }
            }
            return false;
        }

        void publish() {
            sequence = IoLink.nextSequence(lastSequence[slot]);
            lastSequence[slot] = sequence;
            long base = (long) slot * IoQueueLayout.IO_SLOT_WORDS;
            Words.setRelease(queue, base + IoQueueLayout.STATUS_WORD, SlotStatus.WAIT_IO);
            java.lang.invoke.VarHandle.storeStoreFence();
            Words.set(queue, base, IoQueueLayout.OP_READ);
            Words.set(queue, base + 1, resource);
            Words.set(queue, base + 2, resource);
            Words.set(queue, base + 3, 0);
            Words.set(queue, base + 4, 0);
            Words.set(queue, base + 5, 0);
            Words.set(queue, base + 7, resource);
            Words.set(link, IoLink.SEQUENCE_BASE + slot, sequence);
            Words.setRelease(queue, base + IoQueueLayout.STATUS_WORD, SlotStatus.PUBLISHED);
        }

        int await() {
            if (timedFrom != null) {
                try {
                    timedFrom.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            long deadline = System.nanoTime() + waitNanos;
            int outcome;
            while (true) {
                int word = Words.getAcquire(link, IoLink.COMPLETION_BASE + slot);
                if (word >>> 1 == sequence) {
                    Words.set(link, IoLink.ACCEPTED_BASE + slot, sequence);
                    outcome = (word & 1) != 0 ? 1 : 0;
                    break;
                }
                if (System.nanoTime() > deadline) {
                    outcome = -1;
                    break;
                }
                Thread.onSpinWait();
            }
            Words.setRelease(queue, (long) slot * IoQueueLayout.IO_SLOT_WORDS + IoQueueLayout.STATUS_WORD,
                    SlotStatus.EMPTY);
            held.set(slot, 0);
            return outcome;
        }
    }

    private Thread device(Lane lane, AtomicReference<Integer> outcome) {
        assertTrue(lane.reserve());
        lane.publish();
        return Thread.ofPlatform().start(() -> outcome.set(lane.await()));
    }

    private int status(int q) {
        return Words.getAcquire(queue, (long) q * IoQueueLayout.IO_SLOT_WORDS + IoQueueLayout.STATUS_WORD);
    }

    @Test
    void claimedAndCompletedOkIsAcceptedAndTheSlotEndsEmpty() throws Exception {
        IoLink host = new IoLink(queue, link, 5_000_000_000L);
        AtomicReference<Integer> outcome = new AtomicReference<>();
        Thread d = device(new Lane(42, 5_000_000_000L), outcome);
        List<IoRequest> out = new ArrayList<>();
        assertEquals(1, host.claimInto(out));
        assertEquals(List.of(new IoRequest(0, IoQueueLayout.OP_READ, 42, 42, 0, 0, 42)), out);
        assertEquals(0, host.claimInto(out), "a second claim lists nothing");
        assertEquals(SlotStatus.CLAIMED, host.effectiveStatus(0));
        byte[] snapshot = new byte[(int) queue.byteSize()];
        MemorySegment.copy(queue, 0, MemorySegment.ofArray(snapshot), 0, snapshot.length);
        host.overlay(MemorySegment.ofArray(snapshot));
        assertEquals(SlotStatus.CLAIMED, Words.get(MemorySegment.ofArray(snapshot), IoQueueLayout.STATUS_WORD));
        assertEquals(SlotStatus.PUBLISHED, status(0), "the host never writes the device's status word");
        host.complete(0, true);
        d.join();
        assertEquals(1, outcome.get());
        assertEquals(SlotStatus.EMPTY, status(0));
        assertEquals(SlotStatus.EMPTY, host.effectiveStatus(0));
        assertEquals(IoLink.completionWord(1, true), Words.get(link, IoLink.COMPLETION_BASE));
        assertEquals(1, Words.get(link, IoLink.ACCEPTED_BASE));
    }

    @Test
    void aLaterEntryForTheSameSlotDecides() throws Exception {
        IoLink host = new IoLink(queue, link, 5_000_000_000L);
        AtomicReference<Integer> outcome = new AtomicReference<>();
        Thread d = device(new Lane(7, 5_000_000_000L), outcome);
        assertEquals(1, host.claimInto(new ArrayList<>()));
        host.complete(List.of(IoOutcome.success(0), IoOutcome.failure(0)));
        d.join();
        assertEquals(0, outcome.get(), "ERROR, the later entry, reached the device");
    }

    @Test
    void refusedCompletionsWriteNothing() throws Exception {
        IoLink host = new IoLink(queue, link, 5_000_000_000L);
        AtomicReference<Integer> outcome = new AtomicReference<>();
        CountDownLatch claimed = new CountDownLatch(1);
        Thread d = device(new Lane(9, 200_000_000L, claimed), outcome);
        assertEquals(QF + "io_queue completion requires a CLAIMED request; poll with Megakernel.claimIoRequestsInto"
                        + " before completing so the same DMA is not completed without ownership",
                assertThrows(QueueFullException.class, () -> host.complete(0, true)).getMessage());
        assertEquals(1, host.claimInto(new ArrayList<>()));
        claimed.countDown();
        assertEquals(QF + "io_queue completion slot exceeds queue length; complete a valid slot id",
                assertThrows(QueueFullException.class,
                        () -> host.complete(List.of(IoOutcome.success(0), IoOutcome.success(64)))).getMessage());
        assertEquals(0, Words.get(link, IoLink.COMPLETION_BASE), "a refused batch writes no completion");
        d.join();
        assertEquals(-1, outcome.get());
    }

    @Test
    void aCompletionAfterTheTakeBackIsReportedAndIgnored() throws Exception {
        IoLink host = new IoLink(queue, link, 5_000_000_000L);
        AtomicReference<Integer> outcome = new AtomicReference<>();
        CountDownLatch claimed = new CountDownLatch(1);
        Thread d = device(new Lane(5, 20_000_000L, claimed), outcome);
        assertEquals(1, host.claimInto(new ArrayList<>()));
        claimed.countDown();
        d.join();
        assertEquals(-1, outcome.get());
        assertEquals(SlotStatus.EMPTY, status(0));
        assertThrows(QueueFullException.class, () -> host.complete(0, true));
        // the slot serves the next request with a new sequence; the stale completion word cannot match it
        Thread next = device(new Lane(6, 5_000_000_000L), outcome);
        assertEquals(2, Words.getAcquire(link, IoLink.SEQUENCE_BASE));
        List<IoRequest> out = new ArrayList<>();
        assertEquals(1, host.claimInto(out));
        assertEquals(6, out.getFirst().tag());
        host.complete(0, false);
        next.join();
        assertEquals(0, outcome.get());
    }

    @Test
    void aDeviceThatNeverDecidesIsReported() {
        IoLink host = new IoLink(queue, link, 20_000_000L);
        Lane lane = new Lane(3, 0);
        assertTrue(lane.reserve());
        lane.publish(); // and never polls again
        assertEquals(1, host.claimInto(new ArrayList<>()));
        BackendException e = assertThrows(BackendException.class, () -> host.complete(0, true));
        assertTrue(e.getMessage().contains("did not decide the completion of IO slot 0"), e.getMessage());
    }

    @Test
    void sequencesAre31BitsAndSkipZero() {
        assertEquals(1, IoLink.nextSequence(0));
        assertEquals(1, IoLink.nextSequence(IoLink.SEQUENCE_MASK));
        assertEquals(IoLink.SEQUENCE_MASK, IoLink.nextSequence(IoLink.SEQUENCE_MASK - 1));
        assertEquals(0xFFFF_FFFF, IoLink.completionWord(IoLink.SEQUENCE_MASK, true));
    }

    /**
     * Two device lanes publish requests back to back (each waits 20..200 us, then takes its request back),
     * while one host thread claims them and completes each after a delay drawn across that bound: the device's
     * decision and what the host was told agree for every request, and no request is claimed twice or with
     * another request's words.
     */
    @Test
    void completionsRacingTakeBacksLoseNoUpdate() throws Exception {
        IoLink host = new IoLink(queue, link, 5_000_000_000L);
        Map<Integer, Integer> deviceSaw = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        java.util.concurrent.atomic.AtomicInteger ids = new java.util.concurrent.atomic.AtomicInteger(1);
        List<Thread> lanes = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            long seed = t;
            lanes.add(Thread.ofPlatform().start(() -> {
                SplittableRandom r = new SplittableRandom(seed);
                while (!stop.get()) {
                    Lane lane = new Lane(ids.getAndIncrement(), 20_000 + r.nextLong(180_000));
                    if (!lane.reserve()) {
                        Thread.onSpinWait();
                        continue;
                    }
                    synchronized (lastSequence) {
                        lane.publish();
                    }
                    deviceSaw.put(lane.resource, lane.await());
                }
            }));
        }
        Map<Integer, Integer> hostSaw = new java.util.HashMap<>();
        int[] claimedBy = new int[IoQueueLayout.IO_SLOT_COUNT];
        SplittableRandom r = new SplittableRandom(99);
        long end = System.nanoTime() + STRESS_MILLIS * 1_000_000L;
        List<IoRequest> out = new ArrayList<>();
        List<long[]> due = new ArrayList<>(); // {dueNanos, ioSlot, resource, ok}
        try {
            while (System.nanoTime() < end || !due.isEmpty()) {
                if (System.nanoTime() < end) {
                    host.claimInto(out);
                    for (IoRequest q : out) {
                        assertEquals(new IoRequest(q.slotIdx(), IoQueueLayout.OP_READ, q.tag(), q.tag(), 0, 0, q.tag()), q);
                        assertTrue(hostSaw.putIfAbsent(q.tag(), 2) == null, "request " + q.tag() + " claimed twice");
                        claimedBy[q.slotIdx()] = q.tag();
                        due.add(new long[] {System.nanoTime() + r.nextLong(300_000), q.slotIdx(), q.tag(),
                                r.nextInt(4) == 0 ? 0 : 1});
                    }
                }
                long now = System.nanoTime();
                for (int i = due.size() - 1; i >= 0; i--) {
                    long[] p = due.get(i);
                    if (p[0] > now) {
                        continue;
                    }
                    due.remove(i);
                    int slot = (int) p[1];
                    int tag = (int) p[2];
                    if (claimedBy[slot] != tag) {
                        hostSaw.put(tag, -1); // the slot carries a later request: this one was taken back
                        continue;
                    }
                    try {
                        host.complete(slot, p[3] == 1);
                        hostSaw.put(tag, (int) p[3]);
                    } catch (QueueFullException e) {
                        hostSaw.put(tag, -1);
                    }
                }
            }
        } catch (Throwable t) {
            failure.set(t);
        } finally {
            stop.set(true);
            for (Thread t : lanes) {
                t.join();
            }
        }
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        int accepted = 0;
        int takenBack = 0;
        for (Map.Entry<Integer, Integer> e : hostSaw.entrySet()) {
            Integer device = deviceSaw.get(e.getKey());
            assertEquals(device, e.getValue(), "request " + e.getKey() + ": the host and the device disagree");
            if (device >= 0) {
                accepted++;
            } else {
                takenBack++;
            }
        }
        for (int q = 0; q < IoQueueLayout.IO_SLOT_COUNT; q++) {
            assertEquals(SlotStatus.EMPTY, status(q), "IO slot " + q);
        }
        System.out.println("IoLinkTest stress: " + hostSaw.size() + " requests claimed, " + accepted + " accepted, "
                + takenBack + " taken back, " + deviceSaw.size() + " published");
        LockSupport.parkNanos(1);
    }
}
