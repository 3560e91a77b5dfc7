package dev.vyre.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.protocol.BackendException;
import dev.vyre.protocol.ControlCodec;
import dev.vyre.protocol.CustomOpcode;
import dev.vyre.protocol.CustomOpcodes;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.SlotBusyException;
import dev.vyre.protocol.SlotStatus;
import dev.vyre.protocol.TenantIsolation;
import dev.vyre.protocol.UnsupportedFeatureException;
import dev.vyre.protocol.VyreArgumentException;
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
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The runtime's own rules, over a recording driver that runs nothing: every check happens before a
 * driver sees the request, refused calls write nothing, doorbells are rung once per run, and the
 * watchdog, stop and close ordering follow the SPI contract.
 */
class SessionRuntimeTest {

    /** What the recording driver saw, in order. */
    static final class Log {
        final List<String> calls = new ArrayList<>();
        volatile Liveness liveness = Liveness.running();
        boolean stops = true;
        boolean persistent = true;
        long ringBytesOverride = -1;
        boolean ringPolled;
        /** The cheap status is a mirror that learns of a slot only at its doorbell (as Vulkan's). */
        boolean mirrorAtDoorbell;
        /** The driver reports control and debug log in device memory without reading them itself. */
        boolean controlOnDevice;
        /** Where the driver says the ring, IO queue and data buffer live. */
        Placement ringPlacement = Placement.HOST;
        int sessionsOpened;
        int dispatches;
        /** The driver of the last session opened. */
        volatile RecordingDriver driver;
        /** What the last session was opened with. */
        volatile SessionSpec spec;
    }

    static final class RecordingDriver implements SessionDriver {
        private final Log log;
        private final Arena arena = Arena.ofShared();
        private final SessionMemory memory;

        RecordingDriver(Log log, SessionSpec spec) {
            this.log = log;
            log.driver = this;
            MemorySegment control = arena.allocate(spec.controlBytes(), 64);
            ControlCodec.encodeControlInto(false, spec.tenantCount(), spec.observableSlots(), control);
            long ringBytes = log.ringBytesOverride >= 0 ? log.ringBytesOverride : spec.slotCount() * 64L;
            memory = new SessionMemory(log.controlOnDevice ? MemorySegment.NULL : control, arena.allocate(ringBytes, 64),
                    log.controlOnDevice ? MemorySegment.NULL : arena.allocate(1028, 64),
                    arena.allocate(64 * 32, 64), spec.dataBufferBytes() == 0 ? MemorySegment.NULL
                            : arena.allocate(spec.dataBufferBytes(), 64), Placement.HOST, log.ringPlacement,
                    log.ringPolled);
        }

        @Override
        public SessionMemory memory() {
            return memory;
        }

        private final java.util.Map<Integer, Integer> mirror = new java.util.HashMap<>();

        @Override
        public void announce(int firstSlot, int count, int status) {
            for (int i = 0; i < count; i++) {
                mirror.put(firstSlot + i, status);
            }
            log.calls.add("announce " + firstSlot + "+" + count + " " + SlotStatus.name(status));
        }

        @Override
        public void announce(int slot, int tenant, int opcode, int arg0, int arg1, int arg2) {
            mirror.put(slot, SlotStatus.PUBLISHED);
            log.calls.add("announce " + slot + " inline " + tenant + "," + opcode + "," + arg0 + "," + arg1 + "," + arg2);
        }

        @Override
        public int status(int slot, boolean exact) {
            if (log.mirrorAtDoorbell && !exact) {
                return mirror.getOrDefault(slot, SlotStatus.EMPTY);
            }
            return Words.getAcquire(memory.ring(), slot * 16L);
        }

        @Override
        public void writeControl(int word, int value) {
            Words.setRelease(memory.control(), word, value);
            log.calls.add("control " + word + "=" + value);
        }

        @Override
        public Liveness liveness() {
            return log.liveness;
        }

        @Override
        public boolean stop(Duration timeout) {
            log.calls.add("stop");
            return log.stops;
        }

        @Override
        public void close() {
            log.calls.add("close");
            if (log.stops) {
                arena.close();
            }
        }
    }

    static BackendProvider provider(Log log) {
        return new BackendProvider() {
            @Override
            public String name() {
                return "recording";
            }

            @Override
            public int priority() {
                return 0;
            }

            @Override
            public Probe probe() {
                return Probe.available("recording device", "1.0");
            }

            @Override
            public Backend open() {
                return new Backend() {
                    @Override
                    public DeviceInfo device() {
                        return new DeviceInfo("recording device", "1.0", Map.of());
                    }

                    @Override
                    public Capabilities capabilities() {
                        return new Capabilities(4096, 1, Set.of(Placement.HOST), true, 1 << 20, log.persistent,
                                Set.of("java"));
                    }

                    @Override
                    public SessionDriver openSession(SessionSpec spec) {
                        log.sessionsOpened++;
                        log.spec = spec;
                        return new RecordingDriver(log, spec);
                    }

                    @Override
                    public PassResult dispatch(PassRequest request) {
                        log.dispatches++;
                        request.ring()[0] = 99; // a backend may use the runtime's copies as it likes
                        return new PassResult(request.control(), request.ring(), request.debugLog(), request.ioQueue(),
                                request.data());
                    }

                    @Override
                    public void close() {
                        log.calls.add("backend close");
                    }
                };
            }
        };
    }

    private static Session open(Vyre vyre, int slots) {
        return vyre.openSession(SessionOptions.builder().slotCount(slots).observableSlots(16).build());
    }

    private static int[] slotWords(Session s, int slot) {
        byte[] ring = s.ringSnapshot();
        int[] w = new int[16];
        for (int i = 0; i < 16; i++) {
            w[i] = Words.get(MemorySegment.ofArray(ring), slot * 16L + i);
        }
        return w;
    }

    @Test
    void publishWritesTheWholeSlotThenRingsOnce() {
        Log log = new Log();
        try (Vyre vyre = Vyre.open(provider(log)); Session s = open(vyre, 8)) {
            s.publish(3, 7, Opcodes.ATOMIC_ADD, 5, 167, -1);
            assertArrayEquals(new int[] {SlotStatus.PUBLISHED, Opcodes.ATOMIC_ADD, 7, 2, 5, 167, -1, 0, 0, 0, 0, 0, 0,
                    0, 0, 0}, slotWords(s, 3));
            s.publish(4, 1, Opcodes.STORE_U32, new int[] {1, 2, 3, 4, 5}, 5);
            assertArrayEquals(new int[] {SlotStatus.PUBLISHED, Opcodes.STORE_U32, 1, 2, 1, 2, 3, 4, 5, 0, 0, 0, 0, 0, 0,
                    0}, slotWords(s, 4));
            assertEquals(List.of("announce 3 inline 7,2,5,167,-1", "announce 4+1 PUBLISHED"), log.calls);
        }
    }

    @Test
    void badArgumentsNameTheParameterAndWriteNothing() {
        Log log = new Log();
        try (Vyre vyre = Vyre.open(provider(log)); Session s = open(vyre, 8)) {
            byte[] before = s.ringSnapshot();
            VyreArgumentException slot = assertThrows(VyreArgumentException.class,
                    () -> s.publish(8, 0, Opcodes.ATOMIC_ADD, 1, 160, 0));
            assertEquals("slot", slot.parameter());
            assertTrue(slot.getMessage().endsWith(slot.fix()) && slot.getMessage().contains("Fix: "), slot.getMessage());
            assertEquals("slot", assertThrows(VyreArgumentException.class,
                    () -> s.publish(-1, 0, Opcodes.ATOMIC_ADD, 1, 160, 0)).parameter());
            assertEquals("opcode", assertThrows(VyreArgumentException.class,
                    () -> s.publish(0, 0, 0xFFFF_FFF0, 1, 160, 0)).parameter());
            assertEquals("argCount", assertThrows(VyreArgumentException.class,
                    () -> s.publish(0, 0, Opcodes.ATOMIC_ADD, new int[13], 13)).parameter());
            assertEquals("argCount", assertThrows(VyreArgumentException.class,
                    () -> s.publish(0, 0, Opcodes.ATOMIC_ADD, new int[2], 3)).parameter());
            assertEquals("words", assertThrows(VyreArgumentException.class, () -> s.writeRawSlot(0, new int[15]))
                    .parameter());
            assertEquals("word", assertThrows(VyreArgumentException.class, () -> s.writeControlWord(176, 1))
                    .parameter());
            assertArrayEquals(before, s.ringSnapshot());
            assertEquals(List.of(), log.calls);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {SlotStatus.PUBLISHED, SlotStatus.CLAIMED})
    void aBusySlotIsRefusedWithItsStatus(int status) {
        Log log = new Log();
        try (Vyre vyre = Vyre.open(provider(log)); Session s = open(vyre, 8)) {
            int[] raw = new int[16];
            raw[0] = status;
            raw[1] = Opcodes.ATOMIC_ADD;
            s.writeRawSlot(2, raw);
            byte[] before = s.ringSnapshot();
            SlotBusyException e = assertThrows(SlotBusyException.class, () -> s.publish(2, 0, Opcodes.ATOMIC_ADD, 1, 160, 0));
            assertEquals(2, e.slot());
            assertEquals(status, e.status());
            assertTrue(e.getMessage().contains("Fix: "), e.getMessage());
            assertArrayEquals(before, s.ringSnapshot());
            assertEquals(List.of("announce 2+1 " + SlotStatus.name(status)), log.calls);
        }
    }

    @Test
    void deferredPublicationsRingOncePerRunOfConsecutiveSlots() {
        Log log = new Log();
        try (Vyre vyre = Vyre.open(provider(log)); Session s = open(vyre, 16)) {
            for (int slot : new int[] {3, 4, 5, 9, 10, 2}) {
                s.publishDeferred(slot, 0, Opcodes.ATOMIC_ADD, 1, 160, 0);
            }
            assertEquals(List.of(), log.calls);
            assertEquals(SlotStatus.PUBLISHED, s.slotStatus(9));
            s.flush();
            assertEquals(List.of("announce 3+3 PUBLISHED", "announce 9+2 PUBLISHED", "announce 2+1 PUBLISHED"), log.calls);
            s.flush();
            assertEquals(3, log.calls.size());
        }
    }

    @Test
    void aDeferredSlotIsBusyAndReadsPublishedBeforeItsDoorbellRings() {
        Log log = new Log();
        log.mirrorAtDoorbell = true;
        try (Vyre vyre = Vyre.open(provider(log)); Session s = open(vyre, 8)) {
            s.publishDeferred(1, 0, Opcodes.ATOMIC_ADD, 1, 160, 0);
            assertEquals(SlotStatus.PUBLISHED, s.slotStatus(1));
            byte[] before = s.ringSnapshot();
            assertThrows(SlotBusyException.class, () -> s.publish(1, 0, Opcodes.STORE_U32, 9, 161, 0));
            assertThrows(SlotBusyException.class, () -> s.publishDeferred(1, 0, Opcodes.STORE_U32, 9, 161, 0));
            assertArrayEquals(before, s.ringSnapshot());
            s.flush();
            assertEquals(SlotStatus.PUBLISHED, s.slotStatus(1));
            assertEquals(List.of("announce 1+1 PUBLISHED"), log.calls);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void publishSlotsCopiesTheRunUpToTheFirstBusySlotAndRingsOnce(boolean ringPolled) {
        Log log = new Log();
        log.ringPolled = ringPolled;
        try (Vyre vyre = Vyre.open(provider(log)); Session s = open(vyre, 8); Arena arena = Arena.ofConfined()) {
            int[] busy = new int[16];
            busy[0] = SlotStatus.CLAIMED;
            s.writeRawSlot(5, busy);
            MemorySegment images = arena.allocate(64 * 4, 64);
            for (int i = 0; i < 4; i++) {
                for (int w = 0; w < 16; w++) {
                    Words.set(images, i * 16L + w, w == 0 ? SlotStatus.PUBLISHED : w == 1 ? Opcodes.ATOMIC_ADD : 100 * i + w);
                }
            }
            assertEquals(2, s.publishSlots(3, images, 4));
            for (int i = 0; i < 2; i++) {
                int[] expected = images.asSlice(i * 64L, 64).toArray(ValueLayout.JAVA_INT);
                assertArrayEquals(expected, slotWords(s, 3 + i));
            }
            assertArrayEquals(busy, slotWords(s, 5));
            assertEquals(List.of("announce 5+1 CLAIMED", "announce 3+2 PUBLISHED"), log.calls);
            assertEquals(0, s.publishSlots(5, images, 1));
            assertEquals(2, log.calls.size());
        }
    }

    @Test
    void publishSlotsRefusesABadRunBeforeWritingAnything() {
        Log log = new Log();
        try (Vyre vyre = Vyre.open(provider(log)); Session s = open(vyre, 8); Arena arena = Arena.ofConfined()) {
            MemorySegment images = arena.allocate(64 * 2, 64);
            Words.set(images, 0, SlotStatus.PUBLISHED);
            Words.set(images, 1, Opcodes.ATOMIC_ADD);
            Words.set(images, 16, SlotStatus.DONE);
            Words.set(images, 17, Opcodes.ATOMIC_ADD);
            byte[] before = s.ringSnapshot();
            assertEquals("images", assertThrows(VyreArgumentException.class, () -> s.publishSlots(0, images, 2)).parameter());
            assertEquals("images", assertThrows(VyreArgumentException.class, () -> s.publishSlots(0, images, 3)).parameter());
            assertEquals("firstSlot", assertThrows(VyreArgumentException.class, () -> s.publishSlots(7, images, 2)).parameter());
            assertArrayEquals(before, s.ringSnapshot());
            assertEquals(List.of(), log.calls);
        }
    }

    @Test
    void theWatchdogTurnsAStalledInterpreterIntoAnErrorAndAStoppedOneEndsWaits() {
        Log log = new Log();
        try (Vyre vyre = Vyre.open(provider(log)); Session s = open(vyre, 8)) {
            s.publish(0, 0, Opcodes.ATOMIC_ADD, 1, 160, 0);
            log.liveness = new Liveness(Liveness.State.STALLED, 42, 3_000_000_000L);
            BackendException e = assertThrows(BackendException.class,
                    () -> s.awaitSlotStatus(0, SlotStatus.DONE, Duration.ofSeconds(30)));
            assertTrue(e.getMessage().contains("stopped making progress") && e.getMessage().contains("3000 ms")
                    && e.getMessage().contains("Fix: "), e.getMessage());
            assertTrue(e.getMessage().contains("Fix: no slot is CLAIMED, so no slot's work holds the interpreter"),
                    "slot 0 is PUBLISHED, never claimed: the fix must not blame a slot: " + e.getMessage());
            assertThrows(BackendException.class, () -> s.awaitDoneCount(1, Duration.ofSeconds(30)));
            assertFalse(s.isAlive());
            log.liveness = Liveness.stopped();
            long t0 = System.nanoTime();
            assertFalse(s.awaitSlotStatus(0, SlotStatus.DONE, Duration.ofSeconds(30)));
            assertFalse(s.awaitDoneCount(1, Duration.ofSeconds(30)));
            assertTrue(s.awaitTermination(Duration.ofSeconds(30)));
            assertTrue(System.nanoTime() - t0 < 10_000_000_000L, "a stopped interpreter ends waits at once");
        }
    }

    @Test
    void aStallWithAClaimedSlotNamesTheSlotsWorkAsTheCause() {
        Log log = new Log();
        try (Vyre vyre = Vyre.open(provider(log)); Session s = open(vyre, 8)) {
            s.publish(3, 0, Opcodes.ATOMIC_ADD, 1, 160, 0);
            Words.setRelease(log.driver.memory().ring(), 3 * 16L, SlotStatus.CLAIMED); // the interpreter took it
            log.liveness = new Liveness(Liveness.State.STALLED, 42, 3_000_000_000L);
            BackendException e = assertThrows(BackendException.class,
                    () -> s.awaitSlotStatus(3, SlotStatus.DONE, Duration.ofSeconds(30)));
            assertTrue(e.getMessage().contains("CLAIMED slots: 3 for >= ")
                    && e.getMessage().contains("Fix: a slot runs unbounded work"), e.getMessage());
        }
    }

    @Test
    void closeSetsShutdownThenStopsThenClosesOnceAndReportsAStuckInterpreter() {
        Log log = new Log();
        log.stops = false;
        Vyre vyre = Vyre.open(provider(log));
        Session s = open(vyre, 8);
        BackendException e = assertThrows(BackendException.class, s::close);
        assertTrue(e.getMessage().contains("did not stop") && e.getMessage().contains("Fix: "), e.getMessage());
        assertEquals(List.of("control 0=1", "stop", "close"), log.calls);
        s.close();
        assertEquals(3, log.calls.size());
        assertTrue(s.isClosed());
        BackendException closed = assertThrows(BackendException.class, () -> s.publish(0, 0, Opcodes.ATOMIC_ADD, 1, 160, 0));
        assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
        vyre.close();
        assertEquals("backend close", log.calls.getLast());
    }

    @Test
    void closingTheBackendClosesItsSessions() {
        Log log = new Log();
        Vyre vyre = Vyre.open(provider(log));
        Session s = open(vyre, 8);
        vyre.close();
        assertTrue(s.isClosed());
        assertEquals(List.of("control 0=1", "stop", "close", "backend close"), log.calls);
    }

    @Test
    void aDriverWhoseMemoryBreaksTheContractIsRefusedAndClosed() {
        Log log = new Log();
        log.ringBytesOverride = 64 * 7;
        try (Vyre vyre = Vyre.open(provider(log))) {
            BackendException e = assertThrows(BackendException.class, () -> open(vyre, 8));
            assertTrue(e.getMessage().contains("ring buffer of 448 bytes") && e.getMessage().contains("Fix: "),
                    e.getMessage());
            assertTrue(log.calls.contains("close"), log.calls.toString());
        }
    }

    @Test
    void aDriverWithDeviceControlThatCannotReadItIsRefusedAtOpen() {
        Log log = new Log();
        log.controlOnDevice = true;
        try (Vyre vyre = Vyre.open(provider(log))) {
            BackendException e = assertThrows(BackendException.class, () -> open(vyre, 8));
            assertTrue(e.getMessage().contains("SessionDriver.readControl") && e.getMessage().contains("Fix: "),
                    e.getMessage());
            assertTrue(log.calls.contains("close"), log.calls.toString());
        }
    }

    @Test
    void requestsABackendCannotServeAreRefusedBeforeItSeesThem() {
        Log log = new Log();
        try (Vyre vyre = Vyre.open(provider(log))) {
            CustomOpcodes cudaOnly = CustomOpcodes.of(CustomOpcode.of(0x100).text("cuda-c", "/* */").build());
            UnsupportedFeatureException dialect = assertThrows(UnsupportedFeatureException.class, () -> vyre.openSession(
                    SessionOptions.builder().opcodes(cudaOnly).build()));
            assertTrue(dialect.getMessage().contains("[cuda-c]") && dialect.getMessage().contains("[java]"),
                    dialect.getMessage());
            assertThrows(UnsupportedFeatureException.class, () -> open(vyre, 4097));
            assertThrows(UnsupportedFeatureException.class, () -> vyre.openSession(
                    SessionOptions.builder().dataBufferBytes((1 << 20) + 1).build()));
            assertFalse(vyre.features().isolation());
            UnsupportedFeatureException isolation = assertThrows(UnsupportedFeatureException.class,
                    () -> vyre.openSession(SessionOptions.builder().isolation(
                            dev.vyre.protocol.TenantIsolation.equalSplit(1)).build()));
            assertTrue(isolation.getMessage().contains("isolated mode") && isolation.getMessage().contains("Fix: "),
                    isolation.getMessage());
            assertThrows(UnsupportedFeatureException.class, () -> vyre.dispatch(DispatchRequest.of(
                    Megakernel.encodeControl(false, 1, 0), new byte[64], Megakernel.encodeEmptyDebugLog(64))
                    .withIsolation(dev.vyre.protocol.TenantIsolation.equalSplit(1))));
            assertEquals(0, log.sessionsOpened);
        }
        log.persistent = false;
        try (Vyre vyre = Vyre.open(provider(log))) {
            UnsupportedFeatureException onePass = assertThrows(UnsupportedFeatureException.class, () -> open(vyre, 8));
            assertTrue(onePass.getMessage().contains("one-pass"), onePass.getMessage());
            assertEquals(0, log.sessionsOpened);
        }
    }

    @Test
    void dispatchValidatesFirstAndNeverTouchesTheCallersArrays() {
        Log log = new Log();
        try (Vyre vyre = Vyre.open(provider(log))) {
            byte[] control = Megakernel.encodeControl(false, 1, 0);
            byte[] ring = new byte[64 * 4];
            byte[] debug = new byte[1028];
            assertThrows(BackendException.class, () -> vyre.dispatch(DispatchRequest.of(new byte[636], ring, debug)));
            assertThrows(BackendException.class, () -> vyre.dispatch(DispatchRequest.of(control, new byte[65], debug)));
            assertEquals(0, log.dispatches);
            DispatchResult r = vyre.dispatch(DispatchRequest.of(control, ring, debug));
            assertEquals(1, log.dispatches);
            assertEquals(99, r.ring()[0]);
            assertEquals(0, ring[0]);
        }
    }

    @Test
    void customOpcodeBodiesAreKeyedByDialect() {
        CustomOpcode op = CustomOpcode.of(0x100).java(ctx -> { }).text("glsl", "x;").build();
        assertEquals(Set.of("java", "glsl"), op.dialects());
        assertEquals("x;", op.text("glsl"));
        assertEquals("opcodes", assertThrows(VyreArgumentException.class, () -> CustomOpcodes.of(op, op)).parameter());
        assertEquals("opcode", assertThrows(VyreArgumentException.class, () -> CustomOpcode.java(1, ctx -> { }))
                .parameter());
        assertEquals("bodies", assertThrows(VyreArgumentException.class,
                () -> new CustomOpcode(0x100, Map.of("java", "not a handler"))).parameter());
        assertEquals("bodies", assertThrows(VyreArgumentException.class,
                () -> new CustomOpcode(0x100, Map.of("CUDA", "x"))).parameter());
        assertEquals("slotCount", assertThrows(VyreArgumentException.class,
                () -> SessionOptions.builder().slotCount(0).build()).parameter());
        assertEquals("workers", assertThrows(VyreArgumentException.class,
                () -> SessionOptions.builder().workers(-1).build()).parameter());
    }

    @Test
    void dataInDeviceMemoryIsTheDriversDeviceMappedPlacementOfADataBuffer() {
        Log log = new Log();
        try (Vyre vyre = Vyre.open(provider(log))) {
            try (Session s = vyre.openSession(SessionOptions.builder().dataBufferBytes(4096).build())) {
                assertFalse(s.dataInDeviceMemory(), "host memory");
            }
            log.ringPlacement = Placement.DEVICE_MAPPED;
            try (Session s = vyre.openSession(SessionOptions.builder().dataBufferBytes(4096).build())) {
                assertTrue(s.dataInDeviceMemory(), "BAR-mapped device memory");
            }
            try (Session s = vyre.openSession(SessionOptions.builder().build())) {
                assertFalse(s.dataInDeviceMemory(), "no data buffer");
            }
        }
    }

    @Test
    void residentDataReachesTheBackendAndDefaultsToStreamed() {
        Log log = new Log();
        try (Vyre vyre = Vyre.open(provider(log))) {
            try (Session s = vyre.openSession(SessionOptions.builder().dataBufferBytes(4096).build())) {
                assertFalse(log.spec.residentData(), "a data buffer is streamed unless marked resident");
            }
            try (Session s = vyre.openSession(SessionOptions.builder().dataBufferBytes(4096).residentData(true)
                    .build())) {
                assertTrue(s.options().residentData());
                assertTrue(log.spec.residentData());
            }
        }
    }

    @Test
    void aResidentRangeReachesTheDriverAndItsBytesAreInTheDataBufferAtOpen() {
        Log log = new Log();
        byte[] bytes = new byte[2048];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 7 + 1);
        }
        MemorySegment range = MemorySegment.ofArray(bytes);
        try (Vyre vyre = Vyre.open(provider(log))) {
            try (Session s = vyre.openSession(SessionOptions.builder().dataBufferBytes(4096).residentRange(1024, range)
                    .build())) {
                assertEquals(1024, log.spec.residentRangeAt());
                assertEquals(2048, log.spec.residentRangeBytes());
                assertEquals(-1, log.spec.residentRange().mismatch(range), "the driver sees the range's bytes");
                assertEquals(-1, s.dataBuffer().asSlice(1024, 2048).mismatch(range), "the data buffer holds them");
                assertEquals(0, s.dataBuffer().get(java.lang.foreign.ValueLayout.JAVA_BYTE, 1023));
                assertEquals(0, s.dataBuffer().get(java.lang.foreign.ValueLayout.JAVA_BYTE, 3072));
            }
            try (Session s = vyre.openSession(SessionOptions.builder().dataBufferBytes(4096).build())) {
                assertEquals(0, log.spec.residentRangeBytes(), "no range unless asked");
                assertEquals(null, log.spec.residentRange());
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"2, 4", "0, 6", "-4, 4", "4092, 8", "0, 4100", "9223372036854775804, 8"})
    void aResidentRangeOutsideTheDataBufferOrNotWordAlignedIsRefused(long at, int bytes) {
        MemorySegment range = MemorySegment.ofArray(new byte[bytes]);
        VyreArgumentException e = assertThrows(VyreArgumentException.class,
                () -> SessionOptions.builder().dataBufferBytes(4096).residentRange(at, range).build());
        assertEquals("residentRange", e.parameter());
        assertTrue(e.getMessage().contains("Fix: "), e.getMessage());
        assertEquals(4096, SessionOptions.builder().dataBufferBytes(4096)
                .residentRange(0, MemorySegment.ofArray(new byte[4096])).build().residentRangeBytes(),
                "the whole buffer is a range");
        MemorySegment closed;
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            closed = arena.allocate(8);
        }
        assertEquals("residentRange", assertThrows(VyreArgumentException.class,
                () -> SessionOptions.builder().dataBufferBytes(4096).residentRange(0, closed).build()).parameter());
    }

    @Test
    void toBuilderKeepsEveryComponent() {
        SessionOptions o = SessionOptions.builder().slotCount(64).tenantCount(2).observableSlots(32)
                .dataBufferBytes(4096).workers(3).ioWaitTimeout(Duration.ofMillis(700))
                .replayLog(ReplayLogOptions.of(Path.of("x.vrri"), 128)).isolation(TenantIsolation.equalSplit(2))
                .residentData(true).residentRange(8, MemorySegment.ofArray(new byte[64])).build();
        assertEquals(o, o.toBuilder().build());
        assertEquals(SessionOptions.builder().build(), SessionOptions.builder().build().toBuilder().build());
    }
}
