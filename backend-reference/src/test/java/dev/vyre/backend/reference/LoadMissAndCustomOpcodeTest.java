package dev.vyre.backend.reference;

import static dev.vyre.backend.reference.Vir.published;
import static dev.vyre.backend.reference.Vir.setWord;
import static dev.vyre.backend.reference.Vir.word;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.api.DispatchRequest;
import dev.vyre.api.DispatchResult;
import dev.vyre.api.Session;
import dev.vyre.api.SessionOptions;
import dev.vyre.api.Vyre;
import dev.vyre.protocol.BackendException;
import dev.vyre.protocol.UnsupportedFeatureException;
import dev.vyre.protocol.CustomOpcode;
import dev.vyre.protocol.CustomOpcodes;
import dev.vyre.protocol.IoQueueLayout;
import dev.vyre.protocol.IoRequest;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.QueueFullException;
import dev.vyre.protocol.SlotStatus;
import dev.vyre.spi.PassRequest;
import dev.vyre.spi.SessionSpec;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** LOAD_MISS served (or not) by a host thread, and custom opcodes with Java bodies. */
class LoadMissAndCustomOpcodeTest {

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

    private static List<IoRequest> claimOne(Session s) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            List<IoRequest> claimed = s.claimIoRequests();
            if (!claimed.isEmpty()) {
                return claimed;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("no IO request appeared");
    }

    @Test
    void loadMissServedOkCompletesTheSlot() {
        SessionOptions options = SessionOptions.builder().slotCount(4).workers(1).ioWaitTimeout(WAIT).build();
        try (Session s = vyre.openSession(options)) {
            s.publish(2, 0, Opcodes.PRINTF, 1, 2, 3); // unrelated work still flows
            assertTrue(s.awaitSlotStatus(2, SlotStatus.DONE, WAIT));
            s.writeRawSlot(0, new int[] {SlotStatus.PUBLISHED, Opcodes.LOAD_MISS, 0, 2, 42, 1, 0, 0, 0, 0, 0, 0, 0, 0,
                    0, 0});
            List<IoRequest> claimed = claimOne(s);
            assertEquals(List.of(new IoRequest(0, IoQueueLayout.OP_READ, 42, 42, 0, 0, 42)), claimed);
            assertEquals(SlotStatus.CLAIMED, s.slotStatus(0));
            s.completeIoRequest(0, true);
            assertTrue(s.awaitSlotStatus(0, SlotStatus.DONE, WAIT));
            assertEquals(2, s.doneCount());
            byte[] io = new byte[2048];
            int[] request = {1, 42, 42, 0, 0, 0, SlotStatus.EMPTY, 42};
            for (int i = 0; i < 8; i++) {
                setWord(io, i, request[i]);
            }
            assertArrayEquals(io, s.ioQueueSnapshot(), "the interpreter returns the IO slot to EMPTY");
        }
    }

    @Test
    void loadMissServedErrorFaultsTheSlot() {
        SessionOptions options = SessionOptions.builder().slotCount(4).workers(2).ioWaitTimeout(WAIT).build();
        try (Session s = vyre.openSession(options)) {
            s.writeRawSlot(1, new int[] {SlotStatus.PUBLISHED, Opcodes.LOAD_MISS, 0, 2, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                    0, 0});
            List<IoRequest> claimed = claimOne(s);
            assertEquals(7, claimed.get(0).srcHandle());
            s.completeIoRequest(claimed.get(0).slotIdx(), false);
            assertTrue(s.awaitSlotStatus(1, SlotStatus.FAULT, WAIT));
            assertEquals(0, s.doneCount());
            assertEquals(SlotStatus.EMPTY, word(s.ioQueueSnapshot(), 6));
        }
    }

    @Test
    void loadMissNobodyServingFaultsAfterTheTimeout() {
        SessionOptions options = SessionOptions.builder().slotCount(4).workers(1)
                .ioWaitTimeout(Duration.ofMillis(30)).build();
        try (Session s = vyre.openSession(options)) {
            s.writeRawSlot(0, new int[] {SlotStatus.PUBLISHED, Opcodes.LOAD_MISS, 0, 2, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                    0, 0});
            assertTrue(s.awaitSlotStatus(0, SlotStatus.FAULT, WAIT));
            assertEquals(0, s.doneCount());
            assertEquals(SlotStatus.EMPTY, word(s.ioQueueSnapshot(), 6));
            QueueFullException late = assertThrows(QueueFullException.class, () -> s.completeIoRequest(0, true));
            assertTrue(late.fix().contains("CLAIMED"), late.fix());
            assertThrows(QueueFullException.class, () -> s.completeIoRequest(64, true));
        }
    }

    @Test
    void loadMissClaimedButNeverCompletedIsTakenBack() {
        // the wait must outlast the host's claim below even on a loaded machine, or nothing is there to claim
        SessionOptions options = SessionOptions.builder().slotCount(4).workers(1)
                .ioWaitTimeout(Duration.ofSeconds(1)).build();
        try (Session s = vyre.openSession(options)) {
            s.writeRawSlot(0, new int[] {SlotStatus.PUBLISHED, Opcodes.LOAD_MISS, 0, 2, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                    0, 0});
            IoRequest r = claimOne(s).get(0);
            assertTrue(s.awaitSlotStatus(0, SlotStatus.FAULT, WAIT));
            QueueFullException late = assertThrows(QueueFullException.class, () -> s.completeIoRequest(r.slotIdx(), true));
            assertTrue(late.getMessage().endsWith(late.fix()));
        }
    }

    private static final int ADD_OP = 0x100;
    private static final int SMALL_OP = 9;
    private static final int BIG_OP = 0x1234_5678;
    private static final int THROWING_OP = 0x200;

    private static CustomOpcodes opcodes() {
        return CustomOpcodes.of(
                // C[160 + arg0] += arg1 + data[arg2]; and echo context facts to the observable words
                CustomOpcode.java(ADD_OP, ctx -> {
                    ctx.atomicAddControl(160 + Integer.toUnsignedLong(ctx.arg(0)),
                            ctx.arg(1) + ctx.loadDataByte(Integer.toUnsignedLong(ctx.arg(2))));
                    ctx.storeControl(170, ctx.slot());
                    ctx.storeControl(171, ctx.tenant());
                    ctx.storeControl(172, ctx.arg(11));
                    ctx.storeControl(173, (int) ctx.dataBytes());
                    ctx.storeControl(174, (int) ctx.controlWords());
                    ctx.storeControl(1L << 40, 5);            // out of bounds: nothing
                    ctx.storeControl(-1, 5);                  // out of bounds: nothing
                    ctx.storeControl(175, ctx.loadControl(1L << 33) + ctx.loadDataByte(1L << 40));
                }),
                CustomOpcode.java(SMALL_OP, ctx -> ctx.compareAndSwapControl(180, 0, ctx.arg(0) + ctx.arg(3))),
                CustomOpcode.java(BIG_OP, ctx -> ctx.atomicAddControl(181, ctx.opcode() == BIG_OP ? 1 : 100)),
                CustomOpcode.java(THROWING_OP, ctx -> {
                    ctx.storeControl(182, 1);
                    throw new IllegalStateException("boom");
                }));
    }

    @Test
    void customOpcodesRunInOnePass() {
        byte[] control = Vir.control(false, 2, 160);
        byte[] ring = Vir.ring(5);
        Vir.slot(ring, 0, SlotStatus.PUBLISHED, ADD_OP, 1, 3, 10, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0xEE);
        published(ring, 1, Opcodes.PACKED_SLOT, 0x00090301 | 0, 4, 5, 6);  // one inner op 9, args [4,5,6]
        published(ring, 2, BIG_OP);
        published(ring, 3, THROWING_OP);
        published(ring, 4, 20);   // metric only, no handler
        byte[] data = {0, 0, 7};
        DispatchResult r = vyre.dispatch(DispatchRequest.of(control, ring, Vir.debugLog()).withData(data)
                .withOpcodes(opcodes()));
        byte[] expected = control.clone();
        int[] changes = {1, 4, 163, 17, 170, 0, 171, 1, 172, 0xEE, 173, 3, 174, 320, 175, 0,
                96 + SMALL_OP, 1, 180, 4, 181, 1, 182, 1, 116, 1};
        for (int i = 0; i < changes.length; i += 2) {
            setWord(expected, changes[i], changes[i + 1]);
        }
        assertArrayEquals(expected, r.control());
        assertEquals(SlotStatus.DONE, word(r.ring(), 0));
        assertEquals(SlotStatus.DONE, word(r.ring(), 16));
        assertEquals(SlotStatus.DONE, word(r.ring(), 32));
        assertEquals(SlotStatus.FAULT, word(r.ring(), 48), "a throwing handler faults its slot");
        assertEquals(SlotStatus.DONE, word(r.ring(), 64));
    }

    @Test
    void customOpcodesRunInPersistentSessions() {
        SessionOptions options = SessionOptions.builder().slotCount(8).workers(2).dataBufferBytes(4).opcodes(opcodes())
                .build();
        try (Session s = vyre.openSession(options)) {
            s.dataBuffer().set(ValueLayout.JAVA_BYTE, 1, (byte) 30);
            s.publish(3, 0, ADD_OP, 2, 5, 1);
            assertTrue(s.awaitSlotStatus(3, SlotStatus.DONE, WAIT));
            s.publish(4, 0, THROWING_OP, 0, 0, 0);
            assertTrue(s.awaitSlotStatus(4, SlotStatus.FAULT, WAIT));
            assertTrue(s.isAlive(), "a throwing handler does not kill its worker");
            s.publish(5, 0, BIG_OP, 0, 0, 0);
            assertTrue(s.awaitDoneCount(2, WAIT));
            byte[] c = s.controlSnapshot();
            assertEquals(35, word(c, 162));
            assertEquals(3, word(c, 170));
            assertEquals(4, word(c, 173));
        }
    }

    @Test
    void customOpcodeWithoutJavaBodyIsRefused() {
        CustomOpcodes cudaOnly = CustomOpcodes.of(CustomOpcode.of(0x300).text("cuda-c", "control[160] = 1;").build());
        UnsupportedFeatureException atOpen = assertThrows(UnsupportedFeatureException.class,
                () -> vyre.openSession(SessionOptions.builder().opcodes(cudaOnly).build()));
        assertTrue(atOpen.getMessage().contains("0x300"), atOpen.getMessage());
        assertTrue(atOpen.getMessage().contains("Fix: "));
        byte[] ring = Vir.ring(1);
        UnsupportedFeatureException atDispatch = assertThrows(UnsupportedFeatureException.class, () -> vyre.dispatch(
                DispatchRequest.of(Vir.control(false, 1, 0), ring, Vir.debugLog()).withOpcodes(cudaOnly)));
        assertTrue(atDispatch.getMessage().contains("0x300"));
        assertEquals(List.of(), PersistentSessionTest.liveWorkers());
    }

    /** The runtime refuses such an opcode first; the backend refuses it too when called through the SPI. */
    @Test
    void customOpcodeWithoutJavaBodyIsRefusedByTheBackendItself() {
        CustomOpcodes cudaOnly = CustomOpcodes.of(CustomOpcode.of(0x300).text("cuda-c", "control[160] = 1;").build());
        try (ReferenceBackend backend = (ReferenceBackend) new ReferenceBackendProvider().open()) {
            BackendException atOpen = assertThrows(BackendException.class, () -> backend.openSession(
                    new SessionSpec(1024, 1, 256, 0, 0, cudaOnly, Duration.ofSeconds(5))));
            assertTrue(atOpen.getMessage().contains("has no Java body"), atOpen.getMessage());
            assertTrue(atOpen.getMessage().contains("Fix: "));
            BackendException atDispatch = assertThrows(BackendException.class, () -> backend.dispatch(
                    new PassRequest(Vir.control(false, 1, 0), Vir.ring(1), Vir.debugLog(), new byte[2048], new byte[0],
                            cudaOnly, Duration.ofMillis(10))));
            assertTrue(atDispatch.getMessage().contains("0x300"));
        }
        assertEquals(List.of(), PersistentSessionTest.liveWorkers());
    }

    @Test
    void dispatchValidatesShapes() {
        assertThrows(BackendException.class,
                () -> vyre.dispatch(DispatchRequest.of(new byte[636], Vir.ring(1), Vir.debugLog())));
        assertThrows(BackendException.class,
                () -> vyre.dispatch(DispatchRequest.of(Vir.control(false, 1, 0), new byte[65], Vir.debugLog())));
        assertThrows(BackendException.class,
                () -> vyre.dispatch(DispatchRequest.of(Vir.control(false, 1, 0), Vir.ring(1), new byte[1024])));
    }
}
