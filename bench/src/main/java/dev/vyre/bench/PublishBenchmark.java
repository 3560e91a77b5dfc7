package dev.vyre.bench;

import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotStatus;
import dev.vyre.protocol.Words;
import dev.vyre.spi.HostMappedSession;
import dev.vyre.spi.SessionOptions;
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
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The host publish path of {@link HostMappedSession} alone: validation, 15 plain stores and the
 * release store of the status word, with no interpreter running. A stand-in "interpreter" marks
 * each slot DONE again so the next publish is accepted. Run with
 * {@code java -cp ... org.openjdk.jmh.Main PublishBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class PublishBenchmark {

    @Param({"1024"})
    int slots;

    private Arena arena;
    private BenchSession session;
    private MemorySegment ring;
    private int slot;

    /** A session with no interpreter: the publish path only. */
    static final class BenchSession extends HostMappedSession {
        BenchSession(SessionOptions o, Arena a) {
            super(o, a.allocate(o.controlBytes(), 64), a.allocate((long) o.slotCount() * SlotLayout.SLOT_BYTES, 64),
                    a.allocate(1028, 64), a.allocate(2048, 64), MemorySegment.NULL);
        }

        MemorySegment ringSegment() {
            return ring;
        }

        @Override
        protected void stopInterpreter() {
        }

        @Override
        protected void release() {
        }

        @Override
        public boolean awaitTermination(Duration timeout) {
            return true;
        }

        @Override
        public boolean isAlive() {
            return false;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        session = new BenchSession(SessionOptions.builder().slotCount(slots).observableSlots(slots).build(), arena);
        ring = session.ringSegment();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        session.close();
        arena.close();
    }

    /** One validated publish of a 3-argument slot, then the slot is recycled (DONE, release). */
    @Benchmark
    public void publishThreeArgs() {
        int s = slot;
        session.publish(s, 0, Opcodes.ATOMIC_ADD, 1, 160 + s, 0);
        Words.setRelease(ring, (long) s * SlotLayout.SLOT_WORDS, SlotStatus.DONE);
        slot = s + 1 == slots ? 0 : s + 1;
    }

    /** A status read (acquire), as a publisher polling for a free slot does. */
    @Benchmark
    public int slotStatus() {
        int s = slot;
        slot = s + 1 == slots ? 0 : s + 1;
        return session.slotStatus(s);
    }
}
