package dev.vyre.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.protocol.BackendException;
import dev.vyre.protocol.ControlCodec;
import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.IoQueueLayout;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.SlotStatus;
import dev.vyre.protocol.Words;
import dev.vyre.spi.Backend;
import dev.vyre.spi.BackendProvider;
import dev.vyre.spi.Capabilities;
import dev.vyre.spi.DeviceInfo;
import dev.vyre.spi.Liveness;
import dev.vyre.spi.PassRequest;
import dev.vyre.spi.PassResult;
import dev.vyre.spi.Placement;
import dev.vyre.spi.Probe;
import dev.vyre.spi.SessionDriver;
import dev.vyre.spi.SessionMemory;
import dev.vyre.spi.SessionSpec;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime's JFR events, over a scripted driver: each event appears with its fields when a
 * recording enables it, the single-slot publish emits none, and a driver's failure becomes a
 * DeviceLoss event before it propagates.
 */
class SessionEventsTest {

    private static final List<String> NAMES = List.of("dev.vyre.SessionOpen", "dev.vyre.SessionClose",
            "dev.vyre.PublishBatch", "dev.vyre.WatchdogStall", "dev.vyre.IoRequestsClaimed",
            "dev.vyre.IoRequestCompleted", "dev.vyre.DeviceLoss");

    @TempDir
    Path dir;

    /** A driver that runs nothing; the test scripts its liveness and failures. */
    static final class ScriptedDriver implements SessionDriver {
        final Arena arena = Arena.ofShared();
        final SessionMemory memory;
        volatile Liveness liveness = Liveness.running();
        volatile RuntimeException livenessFailure;
        volatile RuntimeException closeFailure;

        ScriptedDriver(SessionSpec spec) {
            MemorySegment control = arena.allocate(spec.controlBytes(), 64);
            ControlCodec.encodeControlInto(false, spec.tenantCount(), spec.observableSlots(), control);
            memory = new SessionMemory(control, arena.allocate(spec.slotCount() * 64L, 64), arena.allocate(1028, 64),
                    arena.allocate(64 * 32, 64), MemorySegment.NULL, Placement.HOST, Placement.HOST, false);
        }

        @Override
        public SessionMemory memory() {
            return memory;
        }

        @Override
        public void announce(int firstSlot, int count, int status) {
        }

        @Override
        public void writeControl(int word, int value) {
            Words.setRelease(memory.control(), word, value);
        }

        @Override
        public Liveness liveness() {
            RuntimeException f = livenessFailure;
            if (f != null) {
                throw f;
            }
            return liveness;
        }

        @Override
        public boolean stop(Duration timeout) {
            return true;
        }

        @Override
        public void close() {
            RuntimeException f = closeFailure;
            arena.close();
            if (f != null) {
                throw f;
            }
        }
    }

    /** The drivers the scripted backend opened, newest last. */
    private final List<ScriptedDriver> drivers = new java.util.concurrent.CopyOnWriteArrayList<>();

    private BackendProvider provider() {
        return new BackendProvider() {
            @Override
            public String name() {
                return "scripted";
            }

            @Override
            public int priority() {
                return 0;
            }

            @Override
            public Probe probe() {
                return Probe.available("scripted device", "1.0");
            }

            @Override
            public Backend open() {
                return new Backend() {
                    @Override
                    public DeviceInfo device() {
                        return new DeviceInfo("scripted device", "1.0", Map.of());
                    }

                    @Override
                    public Capabilities capabilities() {
                        return new Capabilities(4096, 1, Set.of(Placement.HOST), true, 1 << 20, true, Set.of("java"));
                    }

                    @Override
                    public SessionDriver openSession(SessionSpec spec) {
                        ScriptedDriver d = new ScriptedDriver(spec);
                        drivers.add(d);
                        return d;
                    }

                    @Override
                    public PassResult dispatch(PassRequest request) {
                        throw new UnsupportedOperationException();
                    }

                    @Override
                    public void close() {
                    }
                };
            }
        };
    }

    private static Recording start() {
        Recording r = new Recording();
        for (String name : NAMES) {
            r.enable(name).with("throttle", "off");
        }
        r.start();
        return r;
    }

    private List<RecordedEvent> stop(Recording r) throws Exception {
        r.stop();
        Path file = dir.resolve("events.jfr");
        r.dump(file);
        r.close();
        assertTrue(Files.size(file) > 0);
        return RecordingFile.readAllEvents(file).stream().filter(e -> e.getEventType().getName().startsWith("dev.vyre."))
                .toList();
    }

    private static List<RecordedEvent> named(List<RecordedEvent> events, String name) {
        return events.stream().filter(e -> e.getEventType().getName().equals(name)).toList();
    }

    private static MemorySegment slotImages(int count) {
        MemorySegment images = Arena.ofAuto().allocate(count * 64L, 8);
        for (int i = 0; i < count; i++) {
            images.set(ValueLayout.JAVA_INT_UNALIGNED, i * 64L, SlotStatus.PUBLISHED);
            images.set(ValueLayout.JAVA_INT_UNALIGNED, i * 64L + 4, Opcodes.NOP);
        }
        return images;
    }

    @Test
    void aSessionsLifeAppearsAsEventsWithTheirFields() throws Exception {
        Recording recording = start();
        long id;
        try (Vyre vyre = Vyre.open(provider())) {
            Session s = vyre.openSession(SessionOptions.builder().slotCount(16).observableSlots(8).build());
            id = s.id();
            s.publish(0, 0, Opcodes.NOP, 0, 0, 0);                // no event: the single-slot hot path
            s.publish(1, 0, Opcodes.NOP, new int[] {1}, 1);        // none either
            s.publishDeferred(4, 0, Opcodes.NOP, 0, 0, 0);
            s.publishDeferred(5, 0, Opcodes.NOP, 0, 0, 0);
            s.publishDeferred(9, 0, Opcodes.NOP, 0, 0, 0);
            s.flush();                                             // one batch: 3 slots, 2 doorbells
            s.flush();                                             // nothing deferred: no event
            assertEquals(3, s.publishSlots(10, slotImages(3), 3));  // one batch: 3 of 3
            assertEquals(0, s.publishSlots(4, slotImages(2), 2));   // slot 4 busy: 0 of 2, no doorbell

            MemorySegment io = drivers.getLast().memory.ioQueue();
            for (int q : new int[] {2, 7}) {
                Words.set(io, q * 8L + IoQueueLayout.OP_TYPE_WORD, IoQueueLayout.OP_READ);
                Words.setRelease(io, q * 8L + IoQueueLayout.STATUS_WORD, SlotStatus.PUBLISHED);
            }
            assertEquals(2, s.claimIoRequests().size());
            assertEquals(0, s.claimIoRequests().size());           // nothing claimed: no event
            s.completeIoRequest(2, true);
            s.completeIoRequest(7, false);
            Words.setRelease(drivers.getLast().memory.control(), ControlLayout.DONE_COUNT, 42);
            s.close();
        }
        List<RecordedEvent> events = stop(recording);

        RecordedEvent open = named(events, "dev.vyre.SessionOpen").getFirst();
        assertEquals(id, open.getLong("session"));
        assertEquals("scripted", open.getString("backend"));
        assertEquals("scripted device", open.getString("device"));
        assertEquals(16, open.getInt("slots"));
        assertEquals(0, open.getInt("customOpcodes"));

        List<RecordedEvent> batches = named(events, "dev.vyre.PublishBatch");
        assertEquals(3, batches.size(), batches.toString());
        assertBatch(batches.get(0), id, "flush", 4, 3, 3, 2);
        assertBatch(batches.get(1), id, "publishSlots", 10, 3, 3, 1);
        assertBatch(batches.get(2), id, "publishSlots", 4, 2, 0, 0);

        RecordedEvent claimed = named(events, "dev.vyre.IoRequestsClaimed").getFirst();
        assertEquals(1, named(events, "dev.vyre.IoRequestsClaimed").size());
        assertEquals(id, claimed.getLong("session"));
        assertEquals(2, claimed.getInt("requests"));
        List<RecordedEvent> completed = named(events, "dev.vyre.IoRequestCompleted");
        assertEquals(2, completed.size());
        assertEquals(2, completed.get(0).getInt("ioSlot"));
        assertTrue(completed.get(0).getBoolean("ok"));
        assertEquals(7, completed.get(1).getInt("ioSlot"));
        assertFalse(completed.get(1).getBoolean("ok"));

        RecordedEvent close = named(events, "dev.vyre.SessionClose").getFirst();
        assertEquals(id, close.getLong("session"));
        assertEquals("scripted", close.getString("backend"));
        assertEquals(16, close.getInt("slots"));
        assertEquals(42, close.getLong("doneCount"));
        assertTrue(close.getBoolean("stopped"));
        assertTrue(close.getDuration("openDuration").toNanos() > 0);
        assertEquals(null, close.getString("failure"));
        assertTrue(named(events, "dev.vyre.WatchdogStall").isEmpty());
        assertTrue(named(events, "dev.vyre.DeviceLoss").isEmpty());
    }

    private static void assertBatch(RecordedEvent e, long session, String api, int first, int requested, int slots,
                                    int doorbells) {
        assertEquals(session, e.getLong("session"));
        assertEquals(api, e.getString("api"));
        assertEquals(first, e.getInt("firstSlot"));
        assertEquals(requested, e.getInt("requested"));
        assertEquals(slots, e.getInt("slots"));
        assertEquals(doorbells, e.getInt("doorbells"));
    }

    @Test
    void aStallAndALostDeviceAreRecordedBeforeTheyPropagate() throws Exception {
        Recording recording = start();
        long id;
        try (Vyre vyre = Vyre.open(provider())) {
            Session s = vyre.openSession(SessionOptions.builder().slotCount(8).build());
            id = s.id();
            ScriptedDriver driver = drivers.getLast();
            s.publish(0, 0, Opcodes.NOP, 0, 0, 0);
            driver.liveness = new Liveness(Liveness.State.STALLED, 77, 3_000_000_000L);
            assertThrows(BackendException.class, () -> s.awaitSlotStatus(0, SlotStatus.DONE, Duration.ofSeconds(5)));
            driver.livenessFailure = new BackendException("the device fell off the bus", "reboot");
            assertThrows(BackendException.class, () -> s.awaitSlotStatus(0, SlotStatus.DONE, Duration.ofSeconds(5)));
            assertThrows(BackendException.class, s::isAlive);
            driver.closeFailure = new BackendException("the context is gone", "restart");
            assertThrows(BackendException.class, s::close);
        }
        List<RecordedEvent> events = stop(recording);

        RecordedEvent stall = named(events, "dev.vyre.WatchdogStall").getFirst();
        assertEquals(id, stall.getLong("session"));
        assertEquals("scripted", stall.getString("backend"));
        assertEquals(77, stall.getLong("heartbeat"));
        assertEquals(Duration.ofSeconds(3), stall.getDuration("age"));

        List<RecordedEvent> losses = named(events, "dev.vyre.DeviceLoss");
        assertEquals(List.of("liveness", "liveness", "close"), losses.stream().map(e -> e.getString("operation"))
                .toList());
        assertTrue(losses.get(0).getString("message").contains("the device fell off the bus"));
        assertTrue(losses.get(2).getString("message").contains("the context is gone"));
        assertEquals(id, losses.get(2).getLong("session"));
        RecordedEvent close = named(events, "dev.vyre.SessionClose").getFirst();
        assertTrue(close.getString("failure").contains("the context is gone"));
    }

    @Test
    void withoutARecordingNoEventIsEnabled() {
        assertEquals(null, SessionEvents.beginOpen());
        assertEquals(null, SessionEvents.beginClose());
    }
}
