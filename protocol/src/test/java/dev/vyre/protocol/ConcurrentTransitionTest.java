package dev.vyre.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Transitions on native rings are compare-and-set: racing claimers, exactly one wins per slot. */
class ConcurrentTransitionTest {

    @Test
    void exactlyOneClaimWinsPerSlot() throws InterruptedException {
        int slots = 256;
        int threads = 4;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment ring = arena.allocate(slots * 64L, 64);
            for (int s = 0; s < slots; s++) {
                RingPublisher.publishSlot(ring, s, 0, Opcodes.NOP, s);
            }
            AtomicInteger wins = new AtomicInteger();
            AtomicInteger refusals = new AtomicInteger();
            java.util.Queue<String> problems = new java.util.concurrent.ConcurrentLinkedQueue<>();
            CountDownLatch start = new CountDownLatch(1);
            Thread[] workers = new Thread[threads];
            for (int t = 0; t < threads; t++) {
                workers[t] = new Thread(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        problems.add("worker interrupted before it started");
                        return;
                    }
                    for (int s = 0; s < slots; s++) {
                        try {
                            int previous = RingPublisher.transitionSlotStatus(ring, s, SlotTransition.CLAIM);
                            if (previous != SlotStatus.PUBLISHED) {
                                problems.add("slot " + s + " was claimed from " + SlotStatus.name(previous));
                            }
                            wins.incrementAndGet();
                        } catch (QueueFullException e) {
                            refusals.incrementAndGet();
                        } catch (RuntimeException e) {
                            problems.add("slot " + s + ": " + e);
                        }
                    }
                });
                workers[t].start();
            }
            start.countDown();
            for (Thread w : workers) {
                w.join();
            }
            assertEquals(java.util.List.of(), java.util.List.copyOf(problems), "failures inside the workers");
            assertEquals(slots, wins.get());
            assertEquals(slots * (threads - 1), refusals.get());
            for (int s = 0; s < slots; s++) {
                assertEquals(SlotStatus.CLAIMED, Words.getAcquire(ring, 16L * s));
                assertEquals(s, Words.get(ring, 16L * s + 4), "payload untouched");
            }
        }
    }
}
