package dev.vyre.uring;

import java.util.concurrent.locks.LockSupport;

/** Idle strategy for bounded waits: 64 spins, then parks from 1 µs doubling to 200 µs. */
final class Backoff {
    private static final int SPINS = 64;
    private static final long MAX_PARK = 200_000L;
    private int spins;
    private long park = 1_000L;

    void reset() {
        spins = 0;
        park = 1_000L;
    }

    void idle() {
        if (spins < SPINS) {
            spins++;
            Thread.onSpinWait();
        } else {
            LockSupport.parkNanos(park);
            park = Math.min(park << 1, MAX_PARK);
        }
    }
}
