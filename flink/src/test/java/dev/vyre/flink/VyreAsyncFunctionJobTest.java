package dev.vyre.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Whole jobs on a MiniCluster with the reference backend: every record's CRC32C computed by a slot equals
 * the plain Java one, exactly once per record, across a failure and restore from a checkpoint.
 */
class VyreAsyncFunctionJobTest {

    private static final int PARALLELISM = 2;

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(PARALLELISM)
                    .build());

    /** Fails its subtask once, after the first completed checkpoint and {@code after} records of its own. */
    static final class FailOnce extends RichMapFunction<Tuple2<Long, Integer>, Tuple2<Long, Integer>>
            implements CheckpointListener {
        static final AtomicBoolean FAILED = new AtomicBoolean();
        static final AtomicLong COMPLETED_CHECKPOINTS = new AtomicLong();
        static final AtomicLong SEEN_BEFORE_FAILURE = new AtomicLong();
        private final long after;
        private long seen;

        FailOnce(long after) {
            this.after = after;
        }

        @Override
        public Tuple2<Long, Integer> map(Tuple2<Long, Integer> value) {
            seen++;
            if (seen > after && COMPLETED_CHECKPOINTS.get() > 0 && FAILED.compareAndSet(false, true)) {
                SEEN_BEFORE_FAILURE.set(seen);
                throw new IllegalStateException("injected failure after " + seen + " records");
            }
            return value;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            COMPLETED_CHECKPOINTS.incrementAndGet();
        }
    }

    private static StreamExecutionEnvironment environment() {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ZERO);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(PARALLELISM);
        return env;
    }

    private static VyreFlinkOptions reference() {
        return VyreFlinkOptions.defaults().withBackend("reference").withLanes(512).withMaxOperators(4);
    }

    /**
     * Runs the job into a {@link CommittingCheckSink} and checks that every id was committed exactly once with
     * the host's CRC32C. @return seconds the job ran
     */
    private static double runExactlyOnce(StreamExecutionEnvironment env, DataStream<Tuple2<Long, Integer>> results,
                                         int records) throws Exception {
        CommittingCheckSink.reset(records);
        results.sinkTo(new CommittingCheckSink());
        long start = System.nanoTime();
        env.execute("vyre-crc32c");
        double seconds = (System.nanoTime() - start) / 1e9;
        for (int id = 0; id < records; id++) {
            int count = CommittingCheckSink.counts.get(id);
            assertEquals(1, count, "id " + id + (count == 0 ? " was lost" : " was committed " + count + " times"));
            assertEquals(Crc32cRecords.expected(id), CommittingCheckSink.values.get(id), "crc of record " + id);
        }
        return seconds;
    }

    @Test
    void millionRecordsOrderedSurviveAFailureExactlyOnce() throws Exception {
        int records = Integer.getInteger("vyre.flink.records", 1_000_000);
        FailOnce.FAILED.set(false);
        FailOnce.COMPLETED_CHECKPOINTS.set(0);
        StreamExecutionEnvironment env = environment();
        env.enableCheckpointing(200);
        DataStream<Long> ids = env.fromSequence(0, records - 1);
        DataStream<Tuple2<Long, Integer>> results = VyreAsync.orderedWait(ids,
                Crc32cRecords.function(reference()), 60, TimeUnit.SECONDS)
                .map(new FailOnce(records / PARALLELISM / 4));
        double seconds = runExactlyOnce(env, results, records);
        assertTrue(FailOnce.FAILED.get(), "the injected failure never fired: no checkpoint completed mid-run");
        System.out.printf("vyre-flink: %d records, one failure after %d records of a subtask and %d checkpoints,"
                + " %.1f s (%.0f records/s)%n", records, FailOnce.SEEN_BEFORE_FAILURE.get(),
                FailOnce.COMPLETED_CHECKPOINTS.get(), seconds, records / seconds);
        assertEquals(0, SharedSession.openCount(), "the shared session outlived its last operator");
    }

    @Test
    void unorderedRecordsArriveExactlyOnce() throws Exception {
        int records = 100_000;
        StreamExecutionEnvironment env = environment();
        DataStream<Long> ids = env.fromSequence(0, records - 1);
        DataStream<Tuple2<Long, Integer>> results = VyreAsync.unorderedWait(ids,
                Crc32cRecords.function(reference()), 60, TimeUnit.SECONDS);
        env.enableCheckpointing(200);
        runExactlyOnce(env, results, records);
    }

    /**
     * Flink's capacity (256) above the lane (4 slots): asyncInvoke waits on the task thread for a slot the
     * completion thread frees, bounded by slotWaitMillis, and every record still arrives once.
     */
    @Test
    void capacityAboveTheLaneWaitsForSlotsAndLosesNothing() throws Exception {
        int records = 20_000;
        StreamExecutionEnvironment env = environment();
        env.enableCheckpointing(200);
        DataStream<Long> ids = env.fromSequence(0, records - 1);
        VyreAsyncFunction<Long, Tuple2<Long, Integer>> f = Crc32cRecords.function(
                reference().withLanes(4).withSlotWaitMillis(30_000));
        DataStream<Tuple2<Long, Integer>> results = org.apache.flink.streaming.api.datastream.AsyncDataStream
                .unorderedWait(ids, f, 60, TimeUnit.SECONDS, 256);
        runExactlyOnce(env, results, records);
    }
}
