package dev.vyre.flink;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * Records/s of the CRC32C job in a local MiniCluster: the records through {@link VyreAsyncFunction} on a
 * backend (cuda by default), beside the same records through a plain CPU map function, in one run. Both
 * pipelines end in the same checker (every 4096th result against the host's CRC32C, a count of all) and a
 * discarding sink; the time is the job's net runtime.
 *
 * <pre>
 * java [opens] -cp ... dev.vyre.flink.FlinkBench [--backend cuda] [--device 0] [--records 10000000]
 *      [--parallelism 1] [--lanes 4096] [--workers 0] [--ordered]
 * </pre>
 */
public final class FlinkBench {
    private static final String COUNT = "records";

    private FlinkBench() {
    }

    /** Checks every 4096th result and counts all. */
    static final class Check extends RichMapFunction<Tuple2<Long, Integer>, Tuple2<Long, Integer>> {
        private static final long serialVersionUID = 1L;
        private transient LongCounter count;

        @Override
        public void open(OpenContext context) {
            count = new LongCounter();
            getRuntimeContext().addAccumulator(COUNT, count);
        }

        @Override
        public Tuple2<Long, Integer> map(Tuple2<Long, Integer> r) {
            count.add(1);
            if ((r.f0 & 4095) == 0 && r.f1 != Crc32cRecords.expected(r.f0)) {
                throw new IllegalStateException("record " + r.f0 + " has CRC32C 0x" + Integer.toHexString(r.f1)
                        + ", the host computes 0x" + Integer.toHexString(Crc32cRecords.expected(r.f0))
                        + ". Fix: report this with the backend and device");
            }
            return r;
        }
    }

    /** The CPU peer: the same bytes, CRC32C on the task thread. */
    static final class CpuCrc32c extends RichMapFunction<Long, Tuple2<Long, Integer>> {
        private static final long serialVersionUID = 1L;
        private transient byte[] buffer;
        private transient MemorySegment segment;
        private transient CRC32C crc;

        @Override
        public void open(OpenContext context) {
            buffer = new byte[Crc32cRecords.RECORD_BYTES];
            segment = MemorySegment.ofArray(buffer);
            crc = new CRC32C();
        }

        @Override
        public Tuple2<Long, Integer> map(Long id) {
            Crc32cRecords.bytes(id, segment, 0);
            crc.reset();
            crc.update(buffer, 0, buffer.length);
            return Tuple2.of(id, (int) crc.getValue());
        }
    }

    public static void main(String[] args) throws Exception {
        String backend = "cuda";
        int device = 0;
        long records = 10_000_000L;
        int parallelism = 1;
        int lanes = 4096;
        int workers = 0;
        boolean ordered = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--ordered")) {
                ordered = true;
                continue;
            }
            if (i + 1 >= args.length) {
                usage("option " + a + " needs a value", "pass e.g. " + a + " 1");
            }
            String v = args[++i];
            switch (a) {
                case "--backend" -> backend = v;
                case "--device" -> device = (int) positive(a, v, 0, Integer.MAX_VALUE);
                case "--records" -> records = positive(a, v, 1, Long.MAX_VALUE);
                case "--parallelism" -> parallelism = (int) positive(a, v, 1, 1024);
                case "--lanes" -> lanes = (int) positive(a, v, 1, VyreFlinkOptions.MAX_LANES);
                case "--workers" -> workers = (int) positive(a, v, 0, 1 << 20);
                default -> usage("unknown option " + a, "use --backend, --device, --records, --parallelism,"
                        + " --lanes, --workers, --ordered");
            }
        }
        if (parallelism > 28) {
            usage("--parallelism " + parallelism + " exceeds the 28 tenants of one session", "pass 1..28");
        }
        VyreFlinkOptions options = VyreFlinkOptions.defaults().withBackend(backend).withDevice(device)
                .withLanes(lanes).withMaxOperators(parallelism).withWorkers(workers)
                .withDataBytesPerSlot(Crc32cRecords.RECORD_BYTES);

        final long n = records;
        final boolean inOrder = ordered;
        double vyre;
        double cpu;
        try {
            vyre = run(n, parallelism, env -> {
                DataStream<Long> ids = env.fromSequence(0, n - 1);
                VyreAsyncFunction<Long, Tuple2<Long, Integer>> f = Crc32cRecords.function(options);
                return inOrder ? VyreAsync.orderedWait(ids, f, 120, TimeUnit.SECONDS)
                        : VyreAsync.unorderedWait(ids, f, 120, TimeUnit.SECONDS);
            });
            cpu = run(n, parallelism, env -> env.fromSequence(0, n - 1).map(new CpuCrc32c()));
        } catch (Exception e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            System.err.println("flink bench failed: " + root.getMessage()
                    + (root.getMessage() != null && root.getMessage().contains("Fix:") ? "" : " Fix: rerun with"
                    + " VYRE_DEBUG=1 for the stack trace; check that the backend runs here (vyre backends)"));
            if (System.getenv("VYRE_DEBUG") != null) {
                e.printStackTrace();
            }
            System.exit(1);
            return;
        }
        System.out.printf("%-44s %12s %10s %14s%n", "job (local MiniCluster, parallelism " + parallelism + ")",
                "records", "seconds", "records/s");
        System.out.printf("%-44s %12d %10.3f %14.0f%n", "vyre " + backend + ":" + device + " async "
                + (ordered ? "ordered" : "unordered") + ", lanes " + lanes, records, vyre, records / vyre);
        System.out.printf("%-44s %12d %10.3f %14.0f%n", "plain CPU map (java.util.zip.CRC32C)", records, cpu,
                records / cpu);
    }

    interface Pipeline {
        DataStream<Tuple2<Long, Integer>> build(StreamExecutionEnvironment env);
    }

    /** @return the job's net runtime in seconds, after checking that every record arrived */
    private static double run(long records, int parallelism, Pipeline pipeline) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism);
        pipeline.build(env).map(new Check()).sinkTo(new DiscardingSink<>());
        JobExecutionResult result = env.execute("vyre-flink-bench");
        long counted = result.<Long>getAccumulatorResult(COUNT);
        if (counted != records) {
            throw new IllegalStateException(counted + " of " + records + " records arrived. Fix: report this");
        }
        return result.getNetRuntime(TimeUnit.NANOSECONDS) / 1e9;
    }

    private static long positive(String option, String value, long min, long max) {
        try {
            long n = Long.parseLong(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        usage(option + " '" + value + "' is not an integer in " + min + ".." + max, "pass one in that range");
        return 0;
    }

    private static void usage(String problem, String fix) {
        System.err.println("flink bench: " + problem + ". Fix: " + fix);
        System.exit(2);
    }
}
