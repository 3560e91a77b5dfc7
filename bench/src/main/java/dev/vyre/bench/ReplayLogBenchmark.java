package dev.vyre.bench;

import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.Priority;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotStatus;
import dev.vyre.protocol.Words;
import dev.vyre.protocol.replay.AsyncReplayRecorder;
import dev.vyre.protocol.replay.ReplayLog;
import dev.vyre.protocol.replay.ReplayLogFormat;
import dev.vyre.protocol.replay.SessionGeometry;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What recording costs the host per slot, without a backend: {@link ReplayLog#recordImages} of a run of
 * {@value #RUN} slot images (what {@code Session.publishSlots} adds when the session records), and
 * {@link ReplayLog#recordPublish} of one slot (what {@code publish}/{@code publishDeferred} add),
 * {@code recordRunQueued} the same run through an {@link AsyncReplayRecorder}, for both
 * formats and a log that fits the caches ({@code 8192} records) or not ({@code 1048576}). {@code copyRun} is the
 * copy of the same run into a ring-sized host segment, the floor of {@code publishSlots} itself. The log lives
 * in {@code /dev/shm} when it exists (no writeback faults), else in the temporary directory. Scores are per
 * slot. Run with {@code java -cp ... org.openjdk.jmh.Main ReplayLogBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class ReplayLogBenchmark {

    /** Slot images per recorded run. */
    static final int RUN = 64;
    /** Ring slots the recorded runs cycle over. */
    static final int SLOTS = 1024;

    @Param({"FULL_IMAGE", "VRRL0001"})
    ReplayLogFormat format;

    @Param({"8192", "1048576"})
    long capacity;

    private Path file;
    private Path queuedFile;
    private ReplayLog log;
    private AsyncReplayRecorder queued;
    private Arena arena;
    private MemorySegment images;
    private MemorySegment ring;
    private int slot;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Path shm = Path.of("/dev/shm");
        file = Files.createTempFile(Files.isDirectory(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir")),
                "vyre-replay-bench", ".log");
        log = ReplayLog.create(file, capacity, format, new SessionGeometry(SLOTS, 1, SLOTS, 0));
        queuedFile = Path.of(file + ".queued");
        queued = new AsyncReplayRecorder(ReplayLog.create(queuedFile, capacity, format,
                new SessionGeometry(SLOTS, 1, SLOTS, 0)), AsyncReplayRecorder.DEFAULT_QUEUE_SLOTS);
        arena = Arena.ofShared();
        images = arena.allocate((long) RUN * SlotLayout.SLOT_BYTES, 64);
        ring = arena.allocate((long) SLOTS * SlotLayout.SLOT_BYTES, 64);
        for (int i = 0; i < RUN; i++) {
            long base = (long) i * SlotLayout.SLOT_WORDS;
            Words.set(images, base + SlotLayout.STATUS_WORD, SlotStatus.PUBLISHED);
            Words.set(images, base + SlotLayout.OPCODE_WORD, Opcodes.ATOMIC_ADD);
            Words.set(images, base + SlotLayout.PRIORITY_WORD, Priority.NORMAL);
            Words.set(images, base + SlotLayout.ARG0_WORD, 1);
            Words.set(images, base + SlotLayout.ARG0_WORD + 1, ControlLayout.OBSERVABLE_BASE + i);
        }
        slot = 0;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        try {
            log.close();
            queued.close();
            arena.close();
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(queuedFile);
        }
    }

    /** {@code recordImages} of one run of {@value #RUN} images (per slot). */
    @Benchmark
    @OperationsPerInvocation(RUN)
    public void recordRun() {
        int first = slot;
        log.recordImages(first, images, RUN);
        slot = first + RUN == SLOTS ? 0 : first + RUN;
    }

    /**
     * {@code recordImages} of one run through the background recorder (per slot): the publisher's copy into the
     * queue, or, when the drainer falls behind, the drainer's rate.
     */
    @Benchmark
    @OperationsPerInvocation(RUN)
    public void recordRunQueued() {
        int first = slot;
        queued.recordImages(first, images, RUN);
        slot = first + RUN == SLOTS ? 0 : first + RUN;
    }

    /** {@code recordPublish} of one 3-argument slot. */
    @Benchmark
    public void recordOne() {
        int s = slot;
        log.recordPublish(s, 0, Opcodes.ATOMIC_ADD, 1, ControlLayout.OBSERVABLE_BASE + s, 0);
        slot = s + 1 == SLOTS ? 0 : s + 1;
    }

    /** The copy of one run into the ring (per slot): what {@code publishSlots} does with the images anyway. */
    @Benchmark
    @OperationsPerInvocation(RUN)
    public void copyRun() {
        int first = slot;
        MemorySegment.copy(images, 0, ring, (long) first * SlotLayout.SLOT_BYTES, (long) RUN * SlotLayout.SLOT_BYTES);
        slot = first + RUN == SLOTS ? 0 : first + RUN;
    }
}
