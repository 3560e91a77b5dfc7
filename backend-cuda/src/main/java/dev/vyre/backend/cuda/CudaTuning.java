package dev.vyre.backend.cuda;

/**
 * Launch-shape knobs of the persistent kernel, settable by system property for benchmarks:
 * {@code vyre.cuda.threads} (threads per block, default 128), {@code vyre.cuda.workerWarps}
 * (worker warps besides the leader, default 64: with claims of up to 64 entries, 4 publishers ran 217-237 M slots/s
 * on two H100 starts against 184-215 M with 32 warps, alternating in one call each, with one publisher and p50 unchanged
 * (140.7 against 141.1 M, 3.96 against 3.95 us); docs/PERFORMANCE.md, session 13) and {@code vyre.cuda.idleSleepNs} (longest
 * back-off of an idle worker warp, default 200 ns) and {@code vyre.cuda.submissionQueues} (submission queues of
 * a persistent session, one per publishing thread up to this count, 1..8, default 4).
 */
final class CudaTuning {

    private CudaTuning() {
    }

    static int threadsPerBlock() {
        int threads = Integer.getInteger("vyre.cuda.threads", 128);
        return Math.max(32, Math.min(1024, threads / 32 * 32));
    }

    static int workerWarps() {
        return Math.max(1, Math.min(1 << 16, Integer.getInteger("vyre.cuda.workerWarps", 64)));
    }

    /**
     * Kernel variant bits ({@code vyre.cuda.variant}, VYRE_VARIANT_* in the kernel: 1, 2, 4, 8, 16, 64, 128, 256, 512, 1024,
     * 4096 and 8192), 0 by default; bit 32 is the trace, set by {@code vyre.cuda.trace=true}. Each bit is an experiment
     * or restores an earlier design as a peer for benchmarks (512: fence.sc before DONE; 1024: the generation CAS after
     * the tenant check; 4096: the leader reads the mailbox every 1024 loops, so host control writes wait up to about a
     * millisecond; 8192: the leader unpacks every queue's tail line every loop, moved or not).
     */
    static long variant() {
        long bits = Long.getLong("vyre.cuda.variant", 0L) & 0x37DF;
        return Boolean.getBoolean("vyre.cuda.trace") ? bits | 32 : bits;
    }

    static int submissionQueues() {
        return Math.max(1, Math.min(SubmissionQueues.MAX_QUEUES, Integer.getInteger("vyre.cuda.submissionQueues", 4)));
    }

    static long workerIdleSleepNanos() {
        return Math.max(32, Math.min(1_000_000, Long.getLong("vyre.cuda.idleSleepNs", 200)));
    }
}
