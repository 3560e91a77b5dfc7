package dev.vyre.backend.reference;

import static dev.vyre.backend.reference.Vir.setWord;
import static dev.vyre.backend.reference.Vir.word;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.api.Session;
import dev.vyre.api.Slots;
import dev.vyre.api.Op;
import dev.vyre.api.SessionOptions;
import dev.vyre.api.Vyre;
import dev.vyre.protocol.BackendException;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.Priority;
import dev.vyre.protocol.SlotBusyException;
import dev.vyre.protocol.SlotStatus;
import dev.vyre.protocol.VyreArgumentException;
import dev.vyre.protocol.Words;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Persistent mode: exactly-once execution under concurrent publishing, shutdown, close. */
class PersistentSessionTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private static Vyre vyre;

    @BeforeAll
    static void open() {
        vyre = Vyre.open(new ReferenceBackendProvider());
    }

    @AfterAll
    static void close() {
        vyre.close();
    }

    @AfterEach
    void noWorkerOutlivesItsSession() {
        assertEquals(List.of(), liveWorkers());
    }

    static List<String> liveWorkers() {
        List<String> names = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().startsWith("vyre-ref-worker-")) {
                names.add(t.getName());
            }
        }
        return names;
    }

    private static void publishWhenFree(Session s, int slot, int opcode, int a0, int a1) {
        while (true) {
            int status = s.slotStatus(slot);
            if (status == SlotStatus.DONE || status == SlotStatus.EMPTY) {
                s.publish(slot, 0, opcode, a0, a1, 0);
                return;
            }
            Thread.onSpinWait();
        }
    }

    @Test
    void freshSessionBuffersAreEncoded() {
        SessionOptions options = SessionOptions.builder().slotCount(8).tenantCount(2).observableSlots(4).workers(1)
                .dataBufferBytes(100).build();
        try (Session s = vyre.openSession(options)) {
            assertArrayEquals(Vir.control(false, 2, 4), s.controlSnapshot());
            assertArrayEquals(new byte[8 * 64], s.ringSnapshot());
            assertArrayEquals(new byte[1028], s.debugLogSnapshot());
            assertArrayEquals(new byte[2048], s.ioQueueSnapshot());
            assertEquals(100, s.dataBuffer().byteSize());
            assertTrue(s.isAlive());
        }
    }

    @Test
    @Timeout(120)
    void millionSlotsInWavesRunExactlyOnce() {
        int slots = 4096;
        int total = 1_000_000;
        SessionOptions options = SessionOptions.builder().slotCount(slots).observableSlots(slots).workers(2).build();
        try (Session s = vyre.openSession(options)) {
            for (int i = 0; i < total; i++) {
                int slot = i % slots;
                publishWhenFree(s, slot, Opcodes.ATOMIC_ADD, 1 + (slot & 7), 160 + slot);
            }
            assertTrue(s.awaitDoneCount(total, WAIT));
            for (int slot = 0; slot < slots; slot++) {
                assertTrue(s.awaitSlotStatus(slot, SlotStatus.DONE, WAIT));
            }
            byte[] c = s.controlSnapshot();
            assertEquals(total, word(c, 1));
            assertEquals(total, word(c, 98));
            for (int slot = 0; slot < slots; slot++) {
                int runs = total / slots + (slot < total % slots ? 1 : 0);
                assertEquals(runs * (1 + (slot & 7)), word(c, 160 + slot), "slot " + slot);
            }
        }
    }

    @Test
    @Timeout(120)
    void concurrentPublishersOnDisjointRanges() throws Exception {
        int publishers = 4;
        int perPublisher = 1024;
        int rounds = 50;
        int slots = publishers * perPublisher;
        SessionOptions options = SessionOptions.builder().slotCount(slots).observableSlots(slots).workers(2).build();
        try (Session s = vyre.openSession(options)) {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < publishers; p++) {
                int first = p * perPublisher;
                Thread t = Thread.ofPlatform().name("publisher-" + p).start(() -> {
                    try {
                        for (int r = 0; r < rounds; r++) {
                            for (int k = 0; k < perPublisher; k++) {
                                publishWhenFree(s, first + k, Opcodes.ATOMIC_ADD, 1, 160 + first + k);
                            }
                        }
                    } catch (Throwable e) {
                        failure.set(e);
                    }
                });
                threads.add(t);
            }
            for (Thread t : threads) {
                t.join();
            }
            assertEquals(null, failure.get());
            assertTrue(s.awaitDoneCount((long) slots * rounds, WAIT));
            byte[] c = s.controlSnapshot();
            for (int slot = 0; slot < slots; slot++) {
                assertEquals(rounds, word(c, 160 + slot), "slot " + slot);
            }
            assertEquals(slots * rounds, word(c, 98));
        }
    }

    @Test
    void shutdownOpcodeStopsEveryWorker() {
        SessionOptions options = SessionOptions.builder().slotCount(16).workers(3).build();
        try (Session s = vyre.openSession(options)) {
            s.publish(0, 0, Opcodes.ATOMIC_ADD, 1, 170, 0);
            assertTrue(s.awaitSlotStatus(0, SlotStatus.DONE, WAIT));
            s.publish(5, 0, Opcodes.SHUTDOWN, 0, 0, 0);
            assertTrue(s.awaitTermination(WAIT));
            assertFalse(s.isAlive());
            assertEquals(SlotStatus.DONE, s.slotStatus(5));
            s.publish(1, 0, Opcodes.ATOMIC_ADD, 1, 171, 0);
            assertEquals(SlotStatus.PUBLISHED, s.slotStatus(1), "nobody runs after SHUTDOWN");
            byte[] c = s.controlSnapshot();
            assertEquals(1, word(c, 0));
            assertEquals(2, word(c, 1));
            assertEquals(0, word(c, 171));
        }
        assertEquals(List.of(), liveWorkers());
    }

    @Test
    void controlWordShutdownStopsIdleWorkers() throws Exception {
        SessionOptions options = SessionOptions.builder().slotCount(64).workers(2).build();
        try (Session s = vyre.openSession(options)) {
            Thread.sleep(50); // let them go idle and park
            s.writeControlWord(0, 1);
            assertTrue(s.awaitTermination(WAIT));
            assertFalse(s.isAlive());
        }
    }

    @Test
    void requestShutdownStopsWorkers() {
        try (Session s = vyre.openSession(SessionOptions.builder().workers(2).build())) {
            s.requestShutdown();
            assertTrue(s.awaitTermination(WAIT));
            assertEquals(1, word(s.controlSnapshot(), 0));
        }
    }

    @Test
    void storeToWordZeroIsAShutdown() {
        try (Session s = vyre.openSession(SessionOptions.builder().workers(2).build())) {
            s.publish(3, 0, Opcodes.STORE_U32, 7, 0, 0);
            assertTrue(s.awaitTermination(WAIT));
            assertEquals(SlotStatus.DONE, s.slotStatus(3));
        }
    }

    @Test
    void closeWhileBusyJoinsEveryWorker() {
        SessionOptions options = SessionOptions.builder().slotCount(256).observableSlots(256).workers(4).build();
        Session s = vyre.openSession(options);
        for (int i = 0; i < 10_000; i++) {
            int slot = i % 256;
            if (SlotStatus.isPublishable(s.slotStatus(slot))) {
                s.publish(slot, 0, Opcodes.ATOMIC_ADD, 1, 160 + slot, 0);
            }
        }
        s.close();
        s.close(); // idempotent
        assertEquals(List.of(), liveWorkers());
        assertFalse(s.isAlive());
        BackendException e = assertThrows(BackendException.class, () -> s.publish(0, 0, Opcodes.NOP, 0, 0, 0));
        assertTrue(e.getMessage().contains("Fix: "));
        assertThrows(BackendException.class, s::controlSnapshot);
    }

    @Test
    void backendCloseClosesItsSessions() {
        Vyre b = Vyre.open(new ReferenceBackendProvider());
        Session s = b.openSession(SessionOptions.builder().workers(2).build());
        assertTrue(s.isAlive());
        b.close();
        assertFalse(s.isAlive());
        assertEquals(List.of(), liveWorkers());
        assertThrows(BackendException.class, () -> b.openSession(SessionOptions.builder().build()));
    }

    @Test
    void workerThreadsAreNamedDaemons() {
        try (Session s = vyre.openSession(SessionOptions.builder().workers(3).build())) {
            List<String> names = liveWorkers();
            names.sort(null);
            assertEquals(List.of("vyre-ref-worker-0", "vyre-ref-worker-1", "vyre-ref-worker-2"), names);
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getName().startsWith("vyre-ref-worker-")) {
                    assertTrue(t.isDaemon());
                }
            }
        }
    }

    @Test
    void publishValidatesLikePublishSlotAndWritesNothingOnRefusal() {
        SessionOptions options = SessionOptions.builder().slotCount(4).workers(1).build();
        try (Session s = vyre.openSession(options)) {
            s.publish(1, 42, Opcodes.STORE_U32, 100, 200, 0); // tenant 42 unauthorised: stays PUBLISHED
            byte[] ring = s.ringSnapshot();
            byte[] expected = new byte[4 * 64];
            int[] slot1 = {1, 1, 42, 2, 100, 200};
            for (int i = 0; i < slot1.length; i++) {
                setWord(expected, 16 + i, slot1[i]);
            }
            assertArrayEquals(expected, ring);

            VyreArgumentException range = assertThrows(VyreArgumentException.class,
                    () -> s.publish(4, 0, Opcodes.NOP, 0, 0, 0));
            assertEquals("slot", range.parameter());
            assertTrue(range.getMessage().endsWith("Fix: " + range.fix()), range.getMessage());
            VyreArgumentException opcode = assertThrows(VyreArgumentException.class,
                    () -> s.publish(0, 0, 0xFFF0, 0, 0, 0));
            assertEquals("opcode", opcode.parameter());
            assertTrue(opcode.getMessage().contains("User opcode overlaps with reserved system range or uses the high bit."),
                    opcode.getMessage());
            VyreArgumentException loadMiss = assertThrows(VyreArgumentException.class,
                    () -> s.publish(0, 0, Opcodes.LOAD_MISS, 0, 0, 0));
            assertEquals("opcode", loadMiss.parameter());
            SlotBusyException status = assertThrows(SlotBusyException.class,
                    () -> s.publish(1, 0, Opcodes.NOP, 0, 0, 0));
            assertEquals(1, status.slot());
            assertEquals(SlotStatus.PUBLISHED, status.status());
            assertTrue(status.getMessage().contains("not EMPTY or DONE"), status.getMessage());
            VyreArgumentException args = assertThrows(VyreArgumentException.class,
                    () -> s.publish(0, 0, Opcodes.NOP, new int[13], 13));
            assertEquals("argCount", args.parameter());
            assertArrayEquals(expected, s.ringSnapshot(), "refusals write nothing");
        }
    }

    @Test
    void publishOverDoneClearsStaleArguments() {
        SessionOptions options = SessionOptions.builder().slotCount(1).workers(1).build();
        try (Session s = vyre.openSession(options)) {
            int[] raw = {SlotStatus.DONE, 0x4000_0000, 0xFFFF_FFFF, 2, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
            s.writeRawSlot(0, raw);
            s.publish(0, 5, Opcodes.NOP, new int[] {9, 99}, 1); // tenant 5: not authorised, stays PUBLISHED
            byte[] expected = new byte[64];
            int[] words = {1, 0, 5, 2, 9};
            for (int i = 0; i < words.length; i++) {
                setWord(expected, i, words[i]);
            }
            assertArrayEquals(expected, s.ringSnapshot());
            s.writeControlWord(3 + 5, 1); // authorise tenant 5: the slot now runs
            assertTrue(s.awaitSlotStatus(0, SlotStatus.DONE, WAIT));
            assertEquals(1, s.doneCount());
        }
    }

    @Test
    void rawHostileSlotsNeverEscapeTheBuffers() {
        SessionOptions options = SessionOptions.builder().slotCount(8).observableSlots(0).workers(2).build();
        try (Session s = vyre.openSession(options)) {
            int[] ops = {Opcodes.LOAD_U32, Opcodes.COMPARE_SWAP, Opcodes.DFA_STEP, Opcodes.MEMCPY,
                    Opcodes.STORE_U32, Opcodes.ATOMIC_ADD, Opcodes.BATCH_FENCE, Opcodes.PACKED_SLOT};
            for (int i = 0; i < ops.length; i++) {
                int[] raw = new int[16];
                java.util.Arrays.fill(raw, 0xFFFF_FFFF);
                raw[0] = SlotStatus.PUBLISHED;
                raw[1] = ops[i];
                raw[2] = 0;
                s.writeRawSlot(i, raw);
            }
            assertTrue(s.awaitDoneCount(8, WAIT));
            for (int i = 0; i < ops.length; i++) {
                assertTrue(s.awaitSlotStatus(i, SlotStatus.DONE, WAIT));
            }
            assertTrue(s.isAlive());
        }
    }

    @Test
    void doneCountWaitWrapsModulo32Bits() {
        SessionOptions options = SessionOptions.builder().slotCount(4).workers(1).build();
        try (Session s = vyre.openSession(options)) {
            s.writeControlWord(1, 0xFFFF_FFFF);
            s.publish(0, 0, Opcodes.NOP, 0, 0, 0);
            s.publish(1, 0, Opcodes.NOP, 0, 0, 0);
            assertTrue(s.awaitDoneCount(0x1_0000_0001L, WAIT));
            assertEquals(1, s.doneCount());
            assertFalse(s.awaitDoneCount(2, Duration.ofMillis(20)));
        }
    }

    /** The README's two Java examples, as written there (only the reference backend is on this class path). */
    @Test
    void theReadmeExamplesRunAsWritten() {
        try (Vyre vyre = Vyre.open();   // best available backend; -Dvyre.backend=NAME or VYRE_BACKEND=NAME forces one
             Session session = vyre.openSession(SessionOptions.builder()
                     .slotCount(1024).observableSlots(256).build())) {
            session.publish(0, 0, Op.ATOMIC_ADD, 5, Slots.observable(7), 0);  // observable 7 += 5
            session.publish(1, 0, Op.STORE_U32, 42, Slots.observable(8), 0);  // observable 8 = 42
            for (int slot = 0; slot < 2; slot++) {
                if (!session.awaitSlotStatus(slot, Slots.DONE, Duration.ofSeconds(10))) {
                    throw new IllegalStateException("slot " + slot + " did not complete");
                }
            }
            int sum = session.controlWord(Slots.observable(7));     // 5
            int stored = session.controlWord(Slots.observable(8));  // 42
            assertEquals(5, sum);
            assertEquals(42, stored);
            assertEquals("reference", vyre.name());

            for (int slot = 0; slot < 2; slot++) {
                assertTrue(session.awaitSlotStatus(slot, Slots.DONE, WAIT));
            }
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment images = arena.allocate(64L * Slots.BYTES, 64);   // 64 slot images, reused run after run
                for (int i = 0; i < 64; i++) {
                    Slots.encode(images, i, 0, Op.ATOMIC_ADD, 1, Slots.observable(i), 0);  // observable i += 1
                }
                int published = session.publishSlots(0, images, 64);             // 64, or fewer if a slot was still busy
                assertEquals(64, published);
            }
            assertTrue(session.awaitDoneCount(66, WAIT));
            byte[] control = session.controlSnapshot();
            for (int i = 0; i < 64; i++) {
                assertEquals(i == 7 ? 6 : i == 8 ? 43 : 1, word(control, 160 + i), "observable word " + i);
            }
            byte[] ring = session.ringSnapshot();
            for (int i = 0; i < 64; i++) {
                assertTrue(session.awaitSlotStatus(i, SlotStatus.DONE, WAIT));
                assertEquals(Opcodes.ATOMIC_ADD, word(ring, i * 16 + 1));
                assertEquals(Priority.NORMAL, word(ring, i * 16 + 3));
                assertEquals(160 + i, word(ring, i * 16 + 5));
            }
            assertEquals(0, word(ring, 64 * 16 + 1), "slot 64 untouched");
        }
    }
}
