package dev.vyre.flink;

import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * The example job: {@code records} ids, each hashed (CRC32C of 32 bytes) by one vyre slot on the
 * TaskManager's GPU, every result checked against the host's CRC32C, checkpointed every 10 s.
 *
 * <pre>
 * flink run -c dev.vyre.flink.Crc32cJob vyre-flink-job.jar [records] [backend]
 * </pre>
 *
 * On a cluster, each TaskManager's GPU comes from {@code external-resources: gpu} (see README, "Apache
 * Flink"); {@code backend} (default: the best available, e.g. cuda) applies where none is configured.
 */
public final class Crc32cJob {
    private Crc32cJob() {
    }

    /** Fails the job on the first result that differs from the host's CRC32C. */
    static final class Verify extends RichMapFunction<Tuple2<Long, Integer>, Tuple2<Long, Integer>> {
        private static final long serialVersionUID = 1L;

        @Override
        public Tuple2<Long, Integer> map(Tuple2<Long, Integer> r) {
            int expected = Crc32cRecords.expected(r.f0);
            if (r.f1 != expected) {
                throw new IllegalStateException("record " + r.f0 + ": the device's CRC32C is 0x"
                        + Integer.toHexString(r.f1) + ", the host's 0x" + Integer.toHexString(expected)
                        + ". Fix: report this with the backend and device");
            }
            return r;
        }
    }

    public static void main(String[] args) throws Exception {
        long records = args.length > 0 ? parseRecords(args[0]) : 10_000_000L;
        String backend = args.length > 1 ? args[1] : null;
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.enableCheckpointing(10_000);
        DataStream<Long> ids = env.fromSequence(0, records - 1);
        VyreAsync.orderedWait(ids, Crc32cRecords.function(VyreFlinkOptions.defaults().withBackend(backend)
                        .withLanes(4096)), 60, TimeUnit.SECONDS)
                .map(new Verify())
                .sinkTo(new DiscardingSink<>());
        env.execute("vyre-crc32c");
    }

    static long parseRecords(String value) {
        try {
            long n = Long.parseLong(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        System.err.println("records '" + value + "' is not a positive count. Fix: pass e.g. 10000000");
        System.exit(2);
        return 0;
    }
}
