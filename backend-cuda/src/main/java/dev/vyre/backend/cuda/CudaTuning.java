package dev.vyre.backend.cuda;

/**
 * Launch-shape knobs of the persistent kernel, settable by system property for benchmarks:
 * {@code vyre.cuda.threads} (threads per block, default 128) and {@code vyre.cuda.idleSleepNs}
 * (longest back-off of an idle worker warp, default 1000 ns).
 */
final class CudaTuning {

    private CudaTuning() {
    }

    static int threadsPerBlock() {
        int threads = Integer.getInteger("vyre.cuda.threads", 128);
        return Math.max(32, Math.min(1024, threads / 32 * 32));
    }

    static long workerIdleSleepNanos() {
        return Math.max(32, Math.min(1_000_000, Long.getLong("vyre.cuda.idleSleepNs", 1000)));
    }
}
