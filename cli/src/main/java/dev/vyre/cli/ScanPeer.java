package dev.vyre.cli;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The CPU peer of {@code vyre scan}: the same DFA ({@link ScanAutomaton#walk}) over the same bytes on
 * every core, in plain Java. Each source is cut into {@value #BLOCK}-byte blocks; a block is walked from
 * {@code longest - 1} bytes before it and owns the entries that end inside it, the rule the scan opcode
 * follows, so its counts must equal the device's exactly. A block is walked as four interleaved quarters
 * ({@link ScanAutomaton#walk4}), the usual way to hide a DFA's load latency on a CPU core.
 */
final class ScanPeer {

    /** New bytes per task. */
    static final int BLOCK = 1 << 20;

    /**
     * @param hits    entries of each output state
     * @param bytes   bytes scanned (each once)
     * @param nanos   wall time of the timed scan, threads started to joined
     * @param threads threads that ran
     */
    record Result(long[] hits, long bytes, long nanos, int threads) {
        double seconds() {
            return nanos / 1e9;
        }
    }

    private ScanPeer() {
    }

    /**
     * Scans every source whole with {@code threads} threads, twice: the first run warms the JIT (and
     * faults in mapped files), the second is timed.
     */
    static Result scan(ScanAutomaton automaton, List<MemorySegment> sources, int threads) {
        once(automaton, sources, threads);
        return once(automaton, sources, threads);
    }

    private static Result once(ScanAutomaton automaton, List<MemorySegment> sources, int threads) {
        int lead = Math.max(0, automaton.longest - 1);
        long[] firstTask = new long[sources.size() + 1];
        long bytes = 0;
        for (int i = 0; i < sources.size(); i++) {
            long size = sources.get(i).byteSize();
            bytes += size;
            firstTask[i + 1] = firstTask[i] + (size + BLOCK - 1) / BLOCK;
        }
        long tasks = firstTask[sources.size()];
        AtomicInteger next = new AtomicInteger();
        long[] total = new long[automaton.outputStates];
        int n = (int) Math.max(1, Math.min(threads, tasks));
        Thread[] workers = new Thread[n];
        long start = System.nanoTime();
        for (int w = 0; w < n; w++) {
            workers[w] = Thread.ofPlatform().name("vyre-scan-peer-" + w).start(() -> {
                long[] hits = new long[automaton.outputStates];
                byte[] buffer = new byte[BLOCK + lead];
                for (long task = next.getAndIncrement(); task < tasks; task = next.getAndIncrement()) {
                    int source = 0;
                    while (firstTask[source + 1] <= task) {
                        source++;
                    }
                    MemorySegment s = sources.get(source);
                    long at = (task - firstTask[source]) * BLOCK;
                    long from = Math.max(0, at - lead);
                    int length = (int) (Math.min(s.byteSize(), at + BLOCK) - from);
                    MemorySegment.copy(s, ValueLayout.JAVA_BYTE, from, buffer, 0, length);
                    automaton.walk4(buffer, 0, length, (int) (at - from), hits);
                }
                synchronized (total) {
                    for (int o = 0; o < hits.length; o++) {
                        total[o] += hits[o];
                    }
                }
            });
        }
        for (Thread t : workers) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliFailure("interrupted while the CPU peer scanned", "run it again");
            }
        }
        long nanos = System.nanoTime() - start;
        synchronized (total) {
            return new Result(total, bytes, nanos, n);
        }
    }
}
