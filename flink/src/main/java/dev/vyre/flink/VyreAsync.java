package dev.vyre.flink;

import java.util.concurrent.TimeUnit;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * Adds a {@link VyreAsyncFunction} to a stream with the async capacity equal to its lanes, so that a full lane
 * pushes back on Flink instead of on the task thread.
 */
public final class VyreAsync {
    private VyreAsync() {
    }

    /** Results in input order. */
    public static <IN, OUT> SingleOutputStreamOperator<OUT> orderedWait(DataStream<IN> input,
            VyreAsyncFunction<IN, OUT> function, long timeout, TimeUnit unit) {
        return AsyncDataStream.orderedWait(input, function, timeout, unit, function.options().lanes());
    }

    /** Results as their slots finish. */
    public static <IN, OUT> SingleOutputStreamOperator<OUT> unorderedWait(DataStream<IN> input,
            VyreAsyncFunction<IN, OUT> function, long timeout, TimeUnit unit) {
        return AsyncDataStream.unorderedWait(input, function, timeout, unit, function.options().lanes());
    }
}
