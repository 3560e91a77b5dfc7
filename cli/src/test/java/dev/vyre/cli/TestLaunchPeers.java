package dev.vyre.cli;

import dev.vyre.peer.LaunchPeers;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * A {@link LaunchPeers} plugin for the CLI tests (registered for them only): it stands beside the backend
 * named in {@link #backend} (none unless a test sets it) and behaves as {@link #mode} says, so that the
 * tests show how {@code vyre bench} measures, lists and fails peers. Its operation is an atomic increment
 * checked against a count kept on the side.
 */
public final class TestLaunchPeers implements LaunchPeers {

    /** How the next instance behaves. */
    enum Mode { MEASURED, UNAVAILABLE, WRONG }

    static final Peer PEER = new Peer("test launch+sync", "1 op per launch");
    static final String REASON = "the test device is never present";
    /** The backend the plugin stands beside; tests set it and put it back. */
    static volatile String backend = "no-backend";
    static volatile Mode mode = Mode.MEASURED;
    /** Instances closed since the last reset. */
    static final AtomicLong CLOSED = new AtomicLong();

    private final Mode behaviour = mode;
    private final AtomicLong counter = new AtomicLong();
    private boolean open;

    @Override
    public String backend() {
        return backend;
    }

    @Override
    public List<Peer> peers() {
        return List.of(PEER);
    }

    @Override
    public String open() {
        open = behaviour != Mode.UNAVAILABLE;
        return open ? null : REASON;
    }

    @Override
    public Measurement measure(Peer peer, Duration warmup, Duration duration, LongConsumer latencyNanos) {
        if (!open) {
            throw new IllegalStateException("not open. Fix: call open() first");
        }
        long n = 0;
        long total = 0;
        long end = System.nanoTime() + duration.toNanos();
        do {
            long t0 = System.nanoTime();
            counter.incrementAndGet();
            long t = System.nanoTime() - t0;
            latencyNanos.accept(t);
            total += t;
            n++;
        } while (System.nanoTime() - end < 0);
        long expected = behaviour == Mode.WRONG ? n + 1 : n;
        return new Measurement(n, total, counter.get() == expected ? null
                : "the counter is " + counter.get() + " after " + n + " operations");
    }

    @Override
    public void close() {
        CLOSED.incrementAndGet();
    }
}
