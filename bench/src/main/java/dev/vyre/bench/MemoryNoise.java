package dev.vyre.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * A background thread that loads the machine the way a recorder's drain thread does, without recording anything,
 * so that a benchmark can tell the cost of sharing the machine's memory system from the cost of a recorder's own
 * work. Kinds ({@link #parse}):
 * <ul>
 *   <li>{@code none}: no thread;</li>
 *   <li>{@code spin}: one busy core, no memory traffic ({@code Thread.onSpinWait} in a loop);</li>
 *   <li>{@code cache:SIZE}: copies 64 KiB at a time around a buffer of SIZE bytes (e.g. {@code 256K}, inside the
 *       core's own caches);</li>
 *   <li>{@code write:SIZE}: the same around SIZE bytes larger than the caches (e.g. {@code 128M}): a stream of
 *       stores to memory at one core's full rate, as a drainer writes a log;</li>
 *   <li>{@code write:SIZE@GBPS}: the same, paced to about GBPS GB/s.</li>
 * </ul>
 * {@link #close()} stops the thread and reports the bytes it copied per second.
 */
final class MemoryNoise implements AutoCloseable {

    private static final long PIECE = 64 * 1024;

    private final String kind;
    private final long size;
    private final double gbps;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long copied;
    private final long startNanos = System.nanoTime();
    private long stopNanos;

    private MemoryNoise(String kind, long size, double gbps) {
        this.kind = kind;
        this.size = size;
        this.gbps = gbps;
        this.thread = kind.equals("none") ? null
                : Thread.ofPlatform().daemon().name("memory-noise " + kind).start(this::run);
    }

    /**
     * @param spec {@code none}, {@code spin}, {@code cache:SIZE}, {@code write:SIZE} or {@code write:SIZE@GBPS}
     * @return the running noise
     * @throws IllegalArgumentException for any other spec
     */
    static MemoryNoise start(String spec) {
        String[] parts = spec.split(":", 2);
        String kind = parts[0];
        return switch (kind) {
            case "none", "spin" -> {
                if (parts.length != 1) {
                    throw new IllegalArgumentException("--noise " + spec + ": " + kind + " takes no size");
                }
                yield new MemoryNoise(kind, 0, 0);
            }
            case "cache", "write" -> {
                if (parts.length != 2) {
                    throw new IllegalArgumentException("--noise " + spec + ": give a size, e.g. " + kind + ":128M");
                }
                String[] rate = parts[1].split("@", 2);
                long size = BenchArgs.size("--noise", rate[0]);
                if (size < 2 * PIECE) {
                    throw new IllegalArgumentException("--noise " + spec + ": the size must be at least 128K");
                }
                double gbps = rate.length == 2 ? BenchArgs.decimal("--noise", rate[1], 0.01, 1000) : 0;
                yield new MemoryNoise(kind, size, gbps);
            }
            default -> throw new IllegalArgumentException("--noise takes none, spin, cache:SIZE or write:SIZE[@GBPS],"
                    + " not " + spec);
        };
    }

    private void run() {
        if (kind.equals("spin")) {
            while (running) {
                Thread.onSpinWait();
            }
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment target = arena.allocate(size, 4096);
            MemorySegment source = arena.allocate(PIECE, 4096);
            source.fill((byte) 0x5A);
            long at = 0;
            long bytes = 0;
            long begin = System.nanoTime();
            while (running) {
                MemorySegment.copy(source, 0, target, at, PIECE);
                at = at + 2 * PIECE > size ? 0 : at + PIECE;
                bytes += PIECE;
                if ((bytes & ((1 << 24) - 1)) == 0) {
                    copied = bytes;
                    if (gbps > 0) {
                        long due = begin + (long) (bytes / gbps);
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            LockSupport.parkNanos(wait);
                        }
                    }
                }
            }
            copied = bytes;
        }
    }

    /** @return e.g. {@code write:128M at 11.2 GB/s}, once closed */
    String describe() {
        if (thread == null || kind.equals("spin")) {
            return kind;
        }
        double seconds = (stopNanos - startNanos) / 1e9;
        return String.format(Locale.ROOT, "%s:%d bytes at %.1f GB/s", kind, size, copied / seconds / 1e9);
    }

    @Override
    public void close() {
        if (thread == null || !running) {
            return;
        }
        running = false;
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stopNanos = System.nanoTime();
    }
}
