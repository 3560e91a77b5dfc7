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
     * 4096, 8192, 16384 and 32768), 0 by default; bit 32 is the trace, set by {@code vyre.cuda.trace=true}. Each bit is an experiment
     * or restores an earlier design as a peer for benchmarks (512: fence.sc before DONE; 1024: the generation CAS after
     * the tenant check; 4096: the leader reads the mailbox every 1024 loops, so host control writes wait up to about a
     * millisecond; 8192: the leader unpacks every queue's tail line every loop, moved or not;
     * 16384: the leader loads SHUTDOWN every 8 loops instead of every loop; 32768: the leader keeps two reads of the
     * tail lines in flight, and the mailbox's sequence rides with them: a shorter idle loop, a slower round trip,
     * docs/PERFORMANCE.md, session 19).
     */
    static long variant() {
        long bits = Long.getLong("vyre.cuda.variant", 0L) & 0xF7DF;
        return Boolean.getBoolean("vyre.cuda.trace") ? bits | 32 : bits;
    }

    /** Property of the staggered poll: {@code off}, or {@code delayNs,spacingNs,reads}. */
    static final String REARM = "vyre.cuda.rearm";

    /**
     * The staggered poll after the leader ran a slot itself ({@value #REARM}, the kernel's {@code VyreArgs.rearm}):
     * {@code off} (the default) reads the tail lines again at once; {@code delayNs,spacingNs,reads} issues
     * {@code reads} reads (1..8) after the run's DONE store, the first {@code delayNs} later and the next
     * {@code spacingNs} apart (each 0..65535), and the leader works on the first that shows a new publication.
     * An experiment: on the H100 it helped one submission queue and slowed four (docs/PERFORMANCE.md, session 20).
     *
     * @return the packed field: bits 0..15 the delay, 16..31 the spacing, 32..35 the reads; 0 when off
     * @throws IllegalArgumentException when the property is neither {@code off} nor three numbers in range
     */
    static long rearm() {
        String value = System.getProperty(REARM, "off").trim();
        if (value.equals("off")) {
            return 0L;
        }
        String[] parts = value.split(",", -1);
        if (parts.length == 3) {
            try {
                long delay = Long.parseLong(parts[0].trim());
                long spacing = Long.parseLong(parts[1].trim());
                long reads = Long.parseLong(parts[2].trim());
                if (delay >= 0 && delay <= 0xFFFF && spacing >= 0 && spacing <= 0xFFFF && reads >= 1 && reads <= 8) {
                    return delay | spacing << 16 | reads << 32;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new IllegalArgumentException("-D" + REARM + "=" + value + " is not off or delayNs,spacingNs,reads."
                + " Fix: pass off, or three numbers such as 300,150,4 (ns 0..65535, reads 1..8)");
    }

    /** @return {@code off} for 0, else the packed {@link #rearm()} setting as {@code delayNs,spacingNs,reads} */
    static String rearmText(long packed) {
        return packed == 0 ? "off"
                : (packed & 0xFFFF) + "," + (packed >>> 16 & 0xFFFF) + "," + (packed >>> 32 & 0xF);
    }

    static int submissionQueues() {
        return Math.max(1, Math.min(SubmissionQueues.MAX_QUEUES, Integer.getInteger("vyre.cuda.submissionQueues", 4)));
    }

    static long workerIdleSleepNanos() {
        return Math.max(32, Math.min(1_000_000, Long.getLong("vyre.cuda.idleSleepNs", 200)));
    }
}
