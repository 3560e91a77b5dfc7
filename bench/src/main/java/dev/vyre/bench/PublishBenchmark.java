package dev.vyre.bench;

import dev.vyre.api.Session;
import dev.vyre.api.SessionOptions;
import dev.vyre.api.Vyre;
import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotStatus;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
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
 * The host publish path of a {@link Session} on the reference backend, through the user API:
 * {@link Session#publish(int, int, int, int, int, int) publish} (argument checks, the payload stores,
 * the release store of the status word, one doorbell) and {@link Session#publishSlots publishSlots}
 * (image checks, one copy and one doorbell per run of {@value #RUN} slots), while the reference
 * interpreter drains the ring. Each benchmark cycles over the ring; a slot is reused once the
 * interpreter has marked it DONE, so a score includes waiting only when the interpreter falls a whole
 * ring behind. Scores are per slot. Run with {@code java -cp ... org.openjdk.jmh.Main PublishBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class PublishBenchmark {

    /** Slots per {@code publishSlots} call; {@link #slots} is a multiple of it. */
    static final int RUN = 64;
    private static final Duration STALL = Duration.ofSeconds(10);

    @Param({"1024"})
    int slots;

    private Vyre vyre;
    private Session session;
    private Arena arena;
    private MemorySegment images;
    private int slot;

    @Setup(Level.Trial)
    public void setUp() {
        if (slots < RUN || slots % RUN != 0) {
            throw new IllegalArgumentException("slots = " + slots + " is not a multiple of " + RUN
                    + ". Fix: pass -p slots=1024 (or another multiple of " + RUN + ")");
        }
        vyre = Vyre.open("reference");
        session = vyre.openSession(SessionOptions.builder().slotCount(slots).observableSlots(slots).build());
        arena = Arena.ofShared();
        images = arena.allocate((long) RUN * SlotLayout.SLOT_BYTES, 64);
        AtomicAddImages.encode(images, 0, RUN);
        slot = 0;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        try {
            session.close();
            vyre.close();
        } finally {
            arena.close();
        }
    }

    /** One checked publish of a 3-argument ATOMIC_ADD slot with its doorbell. */
    @Benchmark
    public void publishThreeArgs() {
        int s = slot;
        awaitPublishable(s);
        session.publish(s, 0, Opcodes.ATOMIC_ADD, 1, ControlLayout.OBSERVABLE_BASE + s, 0);
        slot = s + 1 == slots ? 0 : s + 1;
    }

    /** A run of {@value #RUN} ATOMIC_ADD slot images through one {@code publishSlots} call (per slot). */
    @Benchmark
    @OperationsPerInvocation(RUN)
    public void publishSlots() {
        int first = slot;
        int n = session.publishSlots(first, images, RUN);
        while (n < RUN) {
            awaitPublishable(first + n);
            n += session.publishSlots(first + n, images.asSlice((long) n * SlotLayout.SLOT_BYTES), RUN - n);
        }
        slot = first + RUN == slots ? 0 : first + RUN;
    }

    /** A status read (acquire), as a publisher polling for a free slot does. */
    @Benchmark
    public int slotStatus() {
        int s = slot;
        slot = s + 1 == slots ? 0 : s + 1;
        return session.slotStatus(s);
    }

    /** Waits until the interpreter has finished slot {@code s} (DONE), the back-pressure of a full ring. */
    private void awaitPublishable(int s) {
        if (!SlotStatus.isPublishable(session.slotStatus(s)) && !session.awaitSlotStatus(s, SlotStatus.DONE, STALL)) {
            throw new IllegalStateException("slot " + s + " did not reach DONE within " + STALL + " (status "
                    + SlotStatus.name(session.slotStatus(s)) + "). Fix: check that the reference interpreter runs"
                    + " (Session.isAlive)");
        }
    }
}
