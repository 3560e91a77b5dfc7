package dev.vyre.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A whole TaskManager killed mid-run, not one failed task: a MiniCluster of two TaskManagers of one slot
 * each runs the CRC32C job (parallelism 2, one subtask chain per TaskManager) on the reference backend with
 * checkpoints; once a checkpoint has completed and a quarter of the records have passed, the test terminates
 * TaskManager 0 ({@link MiniCluster#terminateTaskManager}) and starts a replacement, as a cluster's resource
 * manager would. Flink restores the lost subtasks from the last checkpoint; every record's CRC32C is then
 * committed exactly once and equals the plain Java one.
 */
class TaskManagerLossJobTest {

    private static final int PARALLELISM = 2;

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(2)
                    .setNumberSlotsPerTaskManager(1)
                    .build());

    /** Passes records on; counts them, its instances and the completed checkpoints. */
    static final class Watch extends RichMapFunction<Tuple2<Long, Integer>, Tuple2<Long, Integer>>
            implements CheckpointListener {
        static final AtomicLong SEEN = new AtomicLong();
        static final AtomicLong COMPLETED_CHECKPOINTS = new AtomicLong();
        static final AtomicInteger OPENED = new AtomicInteger();

        @Override
        public void open(OpenContext context) {
            OPENED.incrementAndGet();
        }

        @Override
        public Tuple2<Long, Integer> map(Tuple2<Long, Integer> value) {
            SEEN.incrementAndGet();
            return value;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            COMPLETED_CHECKPOINTS.incrementAndGet();
        }
    }

    @Test
    void millionRecordsSurviveAKilledTaskManagerExactlyOnce(@InjectMiniCluster MiniCluster cluster) throws Exception {
        int records = Integer.getInteger("vyre.flink.records", 1_000_000);
        Watch.SEEN.set(0);
        Watch.COMPLETED_CHECKPOINTS.set(0);
        Watch.OPENED.set(0);
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(100));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(PARALLELISM);
        env.enableCheckpointing(200);
        // lanes of the lost TaskManager's operator may not drain: room for every instance of both attempts
        VyreFlinkOptions options = VyreFlinkOptions.defaults().withBackend("reference").withLanes(512)
                .withMaxOperators(8);
        DataStream<Long> ids = env.fromSequence(0, records - 1);
        DataStream<Tuple2<Long, Integer>> results = VyreAsync.orderedWait(ids, Crc32cRecords.function(options), 60,
                TimeUnit.SECONDS).map(new Watch());
        CommittingCheckSink.reset(records);
        results.sinkTo(new CommittingCheckSink());

        long start = System.nanoTime();
        JobClient job = env.executeAsync("vyre-crc32c-taskmanager-loss");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (Watch.COMPLETED_CHECKPOINTS.get() == 0 || Watch.SEEN.get() < records / 4) {
            assertTrue(System.nanoTime() < deadline, "no checkpoint and quarter of the records within 120 s: "
                    + Watch.COMPLETED_CHECKPOINTS.get() + " checkpoints, " + Watch.SEEN.get() + " records");
            Thread.sleep(5);
        }
        JobStatus before = job.getJobStatus().get();
        long seenAtKill = Watch.SEEN.get();
        long checkpointsAtKill = Watch.COMPLETED_CHECKPOINTS.get();
        cluster.terminateTaskManager(0).get(60, TimeUnit.SECONDS);
        cluster.startTaskManager();
        job.getJobExecutionResult().get(300, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - start) / 1e9;

        assertEquals(JobStatus.RUNNING, before, "the job was not running when its TaskManager was killed");
        assertTrue(seenAtKill < records, "the job had already passed every record when the TaskManager was killed");
        assertTrue(Watch.OPENED.get() > PARALLELISM, "no subtask was restored after the TaskManager was killed ("
                + Watch.OPENED.get() + " instances opened)");
        for (int id = 0; id < records; id++) {
            int count = CommittingCheckSink.counts.get(id);
            assertEquals(1, count, "id " + id + (count == 0 ? " was lost" : " was committed " + count + " times"));
            assertEquals(Crc32cRecords.expected(id), CommittingCheckSink.values.get(id), "crc of record " + id);
        }
        System.out.printf("vyre-flink: %d records, TaskManager 0 of 2 killed after %d records and %d checkpoint"
                + " notifications, %d operator instances opened, %.1f s (%.0f records/s)%n", records, seenAtKill,
                checkpointsAtKill, Watch.OPENED.get(), seconds, records / seconds);
        assertEquals(0, SharedSession.openCount(), "the shared session outlived its last operator");
    }
}
