package dev.vyre.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vyre.api.Features;
import dev.vyre.api.Session;
import dev.vyre.api.SessionOptions;
import dev.vyre.api.Vyre;
import dev.vyre.protocol.BackendException;
import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.CustomOpcode;
import dev.vyre.protocol.CustomOpcodes;
import dev.vyre.protocol.DebugLogLayout;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.Priority;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotStatus;
import dev.vyre.protocol.UnsupportedFeatureException;
import dev.vyre.protocol.Words;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The CUDA driver through the user API: every way a slot reaches the kernel (inline tail line, slot
 * read from the ring, runs of slots), control reads and writes in device memory, snapshots and
 * shutdown. Skipped where no CUDA device is available.
 */
class CudaSessionTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int OBS = ControlLayout.OBSERVABLE_BASE;

    @BeforeEach
    void cudaPresent() {
        assumeTrue(Vyre.describe(new CudaBackendProvider()).available(), "no CUDA device here");
    }

    private static SessionOptions options() {
        return SessionOptions.builder().slotCount(64).tenantCount(1).observableSlots(64).build();
    }

    @Test
    void featuresNameTheCudaDialectAndPlacements() {
        try (Vyre vyre = Vyre.open("cuda")) {
            assertEquals("cuda", vyre.name());
            Features f = vyre.features();
            assertTrue(f.persistent());
            assertTrue(f.dialects().contains("cuda-c"), f.dialects().toString());
            assertTrue(f.placements().contains("HOST_MAPPED") && f.placements().contains("DEVICE"),
                    f.placements().toString());
        }
    }

    @Test
    void inlineAndRingReadPublicationsRunOnce() {
        try (Vyre vyre = Vyre.open("cuda"); Session s = vyre.openSession(options())) {
            s.publish(0, 0, Opcodes.ATOMIC_ADD, 5, OBS, 0); // inline: priority NORMAL, args 3..11 zero
            assertTrue(s.awaitSlotStatus(0, SlotStatus.DONE, WAIT));
            s.publish(1, 0, Opcodes.ATOMIC_ADD, new int[] {7, OBS, 0, 9}, 4); // arg 3 set: read from the ring
            assertTrue(s.awaitSlotStatus(1, SlotStatus.DONE, WAIT));
            assertTrue(s.awaitDoneCount(2, WAIT));
            assertEquals(12, s.controlWord(OBS));
            assertEquals(2, s.doneCount());

            byte[] control = s.controlSnapshot();
            assertEquals(s.options().controlBytes(), control.length);
            assertEquals(12, Words.get(MemorySegment.ofArray(control), OBS));
            assertEquals(DebugLogLayout.BUFFER_BYTES, s.debugLogSnapshot().length);
            MemorySegment ring = MemorySegment.ofArray(s.ringSnapshot());
            assertEquals(SlotStatus.DONE, Words.get(ring, 0));
            assertEquals(SlotStatus.DONE, Words.get(ring, SlotLayout.SLOT_WORDS));
            assertEquals(9, Words.get(ring, SlotLayout.SLOT_WORDS + SlotLayout.ARG0_WORD + 3));
        }
    }

    @Test
    void runsOfSlotsAndDeferredPublicationsRunOnce() {
        try (Vyre vyre = Vyre.open("cuda"); Session s = vyre.openSession(options()); Arena arena = Arena.ofConfined()) {
            int count = 8;
            MemorySegment images = arena.allocate((long) count * SlotLayout.SLOT_BYTES, 8);
            for (int i = 0; i < count; i++) {
                long base = (long) i * SlotLayout.SLOT_WORDS;
                Words.set(images, base + SlotLayout.STATUS_WORD, SlotStatus.PUBLISHED);
                Words.set(images, base + SlotLayout.OPCODE_WORD, Opcodes.ATOMIC_ADD);
                Words.set(images, base + SlotLayout.PRIORITY_WORD, Priority.NORMAL);
                Words.set(images, base + SlotLayout.ARG0_WORD, 1);
                Words.set(images, base + SlotLayout.ARG0_WORD + 1, OBS + 1 + i);
            }
            assertEquals(count, s.publishSlots(8, images, count));
            s.publishDeferred(20, 0, Opcodes.ATOMIC_ADD, 3, OBS + 20, 0);
            s.publishDeferred(22, 0, Opcodes.ATOMIC_ADD, 4, OBS + 22, 0);
            s.publishDeferred(23, 0, Opcodes.ATOMIC_ADD, 5, OBS + 23, 0);
            s.flush();
            assertTrue(s.awaitDoneCount(count + 3, WAIT));
            for (int i = 0; i < count; i++) { // DONE_COUNT is added before each status is stored: wait for each
                assertTrue(s.awaitSlotStatus(8 + i, SlotStatus.DONE, WAIT), "slot " + (8 + i));
                assertEquals(1, s.controlWord(OBS + 1 + i));
            }
            assertEquals(3, s.controlWord(OBS + 20));
            assertEquals(4, s.controlWord(OBS + 22));
            assertEquals(5, s.controlWord(OBS + 23));
            // published again: each publication runs once more
            assertEquals(count, s.publishSlots(8, images, count));
            assertTrue(s.awaitDoneCount(2L * count + 3, WAIT));
            assertEquals(2, s.controlWord(OBS + 1));
        }
    }

    @Test
    void rawSlotsAndTenantMasksReachTheKernel() throws InterruptedException {
        try (Vyre vyre = Vyre.open("cuda"); Session s = vyre.openSession(options())) {
            int[] raw = new int[SlotLayout.SLOT_WORDS];
            raw[SlotLayout.OPCODE_WORD] = Opcodes.ATOMIC_ADD;
            raw[SlotLayout.PRIORITY_WORD] = Priority.HIGH;
            raw[SlotLayout.ARG0_WORD] = 6;
            raw[SlotLayout.ARG0_WORD + 1] = OBS + 3;
            s.writeRawSlot(3, raw); // status EMPTY: announced, but nothing runs
            Thread.sleep(100);
            assertEquals(SlotStatus.EMPTY, s.slotStatus(3));
            assertEquals(0, s.doneCount());
            raw[SlotLayout.STATUS_WORD] = SlotStatus.PUBLISHED;
            s.writeRawSlot(3, raw); // priority HIGH: read from the ring
            assertTrue(s.awaitSlotStatus(3, SlotStatus.DONE, WAIT));
            assertEquals(6, s.controlWord(OBS + 3));

            s.writeControlWord(ControlLayout.TENANT_MASK_BASE, 0);
            assertEquals(0, s.controlWord(ControlLayout.TENANT_MASK_BASE));
            s.publish(4, 0, Opcodes.ATOMIC_ADD, 2, OBS + 4, 0);
            Thread.sleep(100);
            assertEquals(SlotStatus.PUBLISHED, s.slotStatus(4), "an unauthorised tenant's slot waits");
            s.writeControlWord(ControlLayout.TENANT_MASK_BASE, -1);
            assertTrue(s.awaitSlotStatus(4, SlotStatus.DONE, WAIT), "a new mask lets the waiting slot run");
            assertEquals(2, s.controlWord(OBS + 4));
            assertTrue(s.awaitDoneCount(2, WAIT));
        }
    }

    @Test
    void shutdownStopsTheKernelAndCloseReleasesIt() {
        try (Vyre vyre = Vyre.open("cuda")) {
            Session s = vyre.openSession(options());
            assertTrue(s.isAlive());
            s.requestShutdown();
            assertTrue(s.awaitTermination(WAIT));
            assertFalse(s.isAlive());
            assertEquals(0, s.doneCount(), "DONE_COUNT is read from device memory after the kernel ended");
            s.close();
            assertTrue(s.isClosed());
            s.close();
        }
    }

    @Test
    void customCudaOpcodeRuns() {
        try {
            Nvrtc.shared();
        } catch (BackendException e) {
            assumeTrue(false, "NVRTC is not installed: " + e.getMessage());
        }
        CustomOpcodes ops = CustomOpcodes.of(CustomOpcode.of(0x1234)
                .text("cuda-c", "vyre_store_control(ctx, 170, ctx.a0);").build());
        SessionOptions opts = SessionOptions.builder().slotCount(16).tenantCount(1).observableSlots(64).opcodes(ops)
                .build();
        long before = Nvrtc.compilations();
        try (Vyre vyre = Vyre.open("cuda"); Session s = vyre.openSession(opts)) {
            s.publish(0, 0, 0x1234, 42, 0, 0);
            assertTrue(s.awaitSlotStatus(0, SlotStatus.DONE, WAIT));
            assertEquals(42, s.controlWord(170));
        }
        long afterFirst = Nvrtc.compilations();
        assertTrue(afterFirst - before <= 1, "at most one compile (none when the build's cache is warm)");
        // the same opcode again, in a new backend: the compile cache serves the CUBIN, NVRTC runs not
        try (Vyre vyre = Vyre.open("cuda"); Session s = vyre.openSession(opts)) {
            s.publish(0, 0, 0x1234, 43, 0, 0);
            assertTrue(s.awaitSlotStatus(0, SlotStatus.DONE, WAIT));
            assertEquals(43, s.controlWord(170));
        }
        assertEquals(afterFirst, Nvrtc.compilations(), "a second registration compiles nothing");
    }

    @Test
    void anOpcodeWithNoCudaBodyIsRefusedAtRegistration() {
        CustomOpcodes elsewhere = CustomOpcodes.of(CustomOpcode.of(0x1234).text("glsl", "/* */")
                .text("vyre-ir", "VllJUgE=").build());
        try (Vyre vyre = Vyre.open("cuda")) {
            UnsupportedFeatureException atOpen = assertThrows(UnsupportedFeatureException.class,
                    () -> vyre.openSession(SessionOptions.builder().slotCount(16).opcodes(elsewhere).build()));
            assertRefusal(atOpen);
            byte[] control = dev.vyre.api.Megakernel.encodeControl(false, 1, 0);
            UnsupportedFeatureException atDispatch = assertThrows(UnsupportedFeatureException.class,
                    () -> vyre.dispatch(dev.vyre.api.DispatchRequest.of(control, dev.vyre.api.Megakernel.encodeEmptyRing(1),
                            dev.vyre.api.Megakernel.encodeEmptyDebugLog(64)).withOpcodes(elsewhere)));
            assertRefusal(atDispatch);
        }
    }

    private static void assertRefusal(UnsupportedFeatureException e) {
        String m = e.getMessage();
        assertTrue(m.contains("custom opcode 0x1234") && m.contains("cuda-c"), m);
        assertTrue(m.matches("(?s).*\\. Fix: [^\\n]+") && m.indexOf("Fix:") == m.lastIndexOf("Fix:"), m);
        assertEquals("cuda", e.backend());
    }
}
