package dev.vyre.protocol.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RingReadGuardTest {

    @Test
    void aWriteWaitsForTheNewestUnreadImageOfItsSlotsOnly() {
        RingReadGuard g = new RingReadGuard(256);
        g.queued(0, 64, 64); // queue numbers 0..63 in slots 0..63
        g.queued(64, 64, 128);
        assertEquals(64, g.required(0, 64, 0), "slots 0..63 hold unread images up to queue number 63");
        assertEquals(128, g.required(64, 1, 0));
        assertEquals(128, g.required(60, 8, 0), "a write across two blocks waits for both");
        assertEquals(0, g.required(128, 128, 0), "never written");
        assertTrue(g.required(0, 64, 64) <= 64, "read: the tail reached 64");
        assertTrue(g.required(0, 128, 128) <= 128, "both read");
    }

    @Test
    void disjointWritesOfOneBlockDoNotWaitForEachOther() {
        RingReadGuard g = new RingReadGuard(64);
        for (int k = 0; k < 4; k++) { // four publishers, 16 slots each, none read yet
            assertEquals(0, g.required(16 * k, 16, 0), "publisher " + k + " writes slots no one else wrote");
            g.queued(16 * k, 16, 16L * (k + 1));
        }
        for (int k = 0; k < 4; k++) {
            assertEquals(16L * (k + 1), g.required(16 * k, 16, 0), "its own previous run only");
        }
        assertEquals(48, g.required(20, 24, 0), "slots 20..43: the runs ending at 32 and 48");
    }

    @Test
    void runsThatDoNotStartOnABlockDoNotWaitForTheirNeighbour() {
        RingReadGuard g = new RingReadGuard(1024);
        long q = 0;
        for (int slot = 0; slot + 48 <= 1024; slot += 48) { // one publisher, runs of 48, nothing read
            assertEquals(0, g.required(slot, 48, 0), "slot " + slot + " is written for the first time");
            g.queued(slot, 48, q += 48);
        }
    }

    @Test
    void anOverflowingBlockWaitsForMoreNeverForLess() {
        RingReadGuard g = new RingReadGuard(64);
        for (int s = 0; s < 6; s++) { // six single-slot writes into one block of four entries
            g.queued(s, 1, s + 1);
        }
        // slots 0 and 1 were folded: every write of the block now waits for queue number 2 at least
        assertEquals(2, g.required(40, 1, 0));
        assertEquals(6, g.required(5, 1, 0), "slot 5's own image");
        assertEquals(2, g.required(1, 1, 0), "slot 1's image was folded, still waited for");
        assertEquals(0, g.required(40, 1, 2), "once the tail passes the folded value it is forgotten");
        assertEquals(4, g.required(3, 1, 2));
    }

    @Test
    void readWritesAreForgottenSoSteadyLapsNeverWait() {
        RingReadGuard g = new RingReadGuard(64);
        long q = 0;
        for (int lap = 0; lap < 100; lap++) {
            long tail = q; // every image of the earlier laps was read
            for (int k = 0; k < 4; k++) {
                assertTrue(g.required(16 * k, 16, tail) <= tail, "lap " + lap + ", publisher " + k);
                g.queued(16 * k, 16, q + 16L * (k + 1));
            }
            q += 64;
        }
        assertEquals(q, g.required(48, 16, q - 64), "the last lap's run is not read yet");
    }

    @Test
    void randomWritesNeverWaitForLessThanEachSlotsNewestUnreadImage() {
        Random random = new Random(13);
        int slots = 300; // not a multiple of a block
        RingReadGuard g = new RingReadGuard(slots);
        long[] newest = new long[slots]; // per slot: the queue number after its newest image (the exact rule)
        long head = 0;
        long tail = 0;
        for (int step = 0; step < 200_000; step++) {
            int count = 1 + random.nextInt(random.nextBoolean() ? 8 : 100);
            int first = random.nextInt(slots - Math.min(count, slots) + 1);
            count = Math.min(count, slots - first);
            long exact = 0;
            for (int s = first; s < first + count; s++) {
                exact = Math.max(exact, newest[s]);
            }
            long required = g.required(first, count, tail);
            if (exact > tail) {
                assertTrue(required >= exact, "step " + step + ": slots " + first + "+" + count + " need " + exact
                        + ", the guard said " + required);
            }
            tail = Math.max(tail, required); // the publisher waits that long: the drainers got there
            head += count;
            g.queued(first, count, head);
            for (int s = first; s < first + count; s++) {
                newest[s] = head;
            }
            if (random.nextInt(4) == 0) { // the drainers read some more
                tail += random.nextInt((int) (head - tail) + 1);
            }
        }
    }
}
