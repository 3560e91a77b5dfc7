package dev.vyre.uring;

import java.util.concurrent.locks.LockSupport;

/**
 * Idle strategy for bounded waits: 64 spins, then parks from 1 µs doubling to 200 µs; once a wait has
 * lasted {@value #LONG_WAIT_NANOS} ns (the device is stalled or the ring is held, not merely busy), parks
 * grow on to {@value #MAX_LONG_PARK} ns, so that a ring held full for seconds costs well under 1% of a
 * core instead of thousands of wake-ups a second. {@link #reset()} starts a new wait.
 */
final class Backoff {
    private static final int SPINS = 64;
    private static final long MAX_PARK = 200_000L;
    private static final long LONG_WAIT_NANOS = 50_000_000L;
    private static final long MAX_LONG_PARK = 5_000_000L;
    private int spins;
    private long park = 1_000L;
    private long since = System.nanoTime();

    void reset() {
        spins = 0;
        park = 1_000L;
        since = System.nanoTime();
    }

    void idle() {
        if (spins < SPINS) {
            spins++;
            Thread.onSpinWait();
        } else {
            LockSupport.parkNanos(park);
            long cap = park < MAX_PARK || System.nanoTime() - since < LONG_WAIT_NANOS ? MAX_PARK : MAX_LONG_PARK;
            park = Math.min(park << 1, cap);
        }
    }
}
