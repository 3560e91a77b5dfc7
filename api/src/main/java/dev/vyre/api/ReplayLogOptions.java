package dev.vyre.api;

import dev.vyre.protocol.VyreArgumentException;
import dev.vyre.protocol.replay.AsyncReplayRecorder;
import dev.vyre.protocol.replay.ReplayLog;
import dev.vyre.protocol.replay.ReplayLogFormat;
import dev.vyre.protocol.replay.SessionGeometry;
import dev.vyre.protocol.replay.SlotRecorder;
import java.nio.file.Path;
import org.apiguardian.api.API;

/**
 * Where and how a {@link Session} records every slot it publishes ({@link SessionOptions.Builder#replayLog}).
 * The session creates a fresh log at {@code path} when it opens (replacing any file there), records every
 * publish path into it ({@code publish}, {@code publishDeferred}, {@code publishSlots}, {@code writeRawSlot})
 * and closes it on {@link Session#close()}. {@code vyre replay} re-executes such a log on other backends.
 *
 * @param path     the log file
 * @param capacity records kept, 1 .. 1,048,576; the newest {@code capacity} slots survive rollover
 * @param format   {@link ReplayLogFormat#FULL_IMAGE} (whole slot images and the session's geometry: replays
 *                 exactly) or {@link ReplayLogFormat#VRRL0001} (the wire-compatible format: four argument words
 *                 per slot)
 * @param background false: each publish path writes its records into the log itself; true: it only queues
 *                   them for background threads ({@link AsyncReplayRecorder}), which costs the publisher less
 *                   and loses the slots still queued (at most 65,536) if the process dies
 * @param drainThreads with {@code background}: the threads that write the log in parallel, 1 .. 16
 *                   (default {@link AsyncReplayRecorder#defaultDrainThreads()}: a quarter of the
 *                   processors, 1 .. 4)
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.3")
public record ReplayLogOptions(Path path, long capacity, ReplayLogFormat format, boolean background,
                               int drainThreads) {

    public ReplayLogOptions {
        if (path == null) {
            throw new VyreArgumentException("path", "null", "pass the file to record into, e.g. Path.of(\"run.vrri\")");
        }
        if (capacity < 1 || capacity > ReplayLog.MAX_CAPACITY) {
            throw new VyreArgumentException("capacity", capacity + " is outside 1.." + ReplayLog.MAX_CAPACITY,
                    "keep 1.." + ReplayLog.MAX_CAPACITY + " records, e.g. 65536");
        }
        if (format == null) {
            throw new VyreArgumentException("format", "null", "pass ReplayLogFormat.FULL_IMAGE or VRRL0001");
        }
        AsyncReplayRecorder.checkDrainThreads(drainThreads);
    }

    /** A log written by the publish paths ({@code background} false) or by the default number of drain threads. */
    public ReplayLogOptions(Path path, long capacity, ReplayLogFormat format, boolean background) {
        this(path, capacity, format, background, AsyncReplayRecorder.defaultDrainThreads());
    }

    /** A log the publish paths write themselves. */
    public ReplayLogOptions(Path path, long capacity, ReplayLogFormat format) {
        this(path, capacity, format, false);
    }

    /** @return a full-image log of {@code capacity} records at {@code path}, written by the publish paths */
    public static ReplayLogOptions of(Path path, long capacity) {
        return new ReplayLogOptions(path, capacity, ReplayLogFormat.FULL_IMAGE, false);
    }

    /** @return these options with the recording done by a background thread or not */
    public ReplayLogOptions withBackground(boolean value) {
        return new ReplayLogOptions(path, capacity, format, value, drainThreads);
    }

    /** @return these options with {@code value} drain threads for background recording (1 .. 16) */
    public ReplayLogOptions withDrainThreads(int value) {
        return new ReplayLogOptions(path, capacity, format, background, value);
    }

    /**
     * @return the background recorder's queue length in slots: {@link AsyncReplayRecorder#DEFAULT_QUEUE_SLOTS}, or
     *         the experiment switch {@code -Dvyre.replay.queueSlots=N} (a power of two, 64 .. 2^24)
     */
    private static int queueSlots() {
        return Integer.getInteger("vyre.replay.queueSlots", AsyncReplayRecorder.DEFAULT_QUEUE_SLOTS);
    }

    /** Creates the log for a session of {@code geometry}, and its background recorder when asked for. */
    SlotRecorder create(SessionGeometry geometry) {
        ReplayLog log = ReplayLog.create(path, capacity, format, geometry);
        if (!background) {
            return log;
        }
        try {
            return new AsyncReplayRecorder(log, queueSlots(), drainThreads);
        } catch (RuntimeException e) {
            log.close();
            throw e;
        }
    }
}
