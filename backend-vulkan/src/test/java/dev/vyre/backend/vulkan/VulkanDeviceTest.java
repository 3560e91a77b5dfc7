package dev.vyre.backend.vulkan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.api.DispatchRequest;
import dev.vyre.api.DispatchResult;
import dev.vyre.api.Megakernel;
import dev.vyre.api.Session;
import dev.vyre.api.SessionOptions;
import dev.vyre.api.Vyre;
import dev.vyre.protocol.UnsupportedFeatureException;
import dev.vyre.protocol.CustomOpcode;
import dev.vyre.protocol.CustomOpcodes;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.SlotBusyException;
import dev.vyre.protocol.SlotStatus;
import dev.vyre.protocol.VyreArgumentException;
import dev.vyre.spi.Backend;
import dev.vyre.spi.BackendProvider;
import dev.vyre.spi.Probe;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs on the Vulkan device the probe finds (lavapipe in CI) through the user API; skipped with the
 * probe's reason otherwise. The backend behind {@link Vyre} is kept for its allocation count.
 */
class VulkanDeviceTest {

    private static Vyre vyre;
    private static VulkanBackend backend;

    /** The Vulkan provider, keeping the backend it opens. */
    private static final class Capturing implements BackendProvider {
        private final VulkanBackendProvider delegate = new VulkanBackendProvider();

        @Override
        public String name() {
            return delegate.name();
        }

        @Override
        public int priority() {
            return delegate.priority();
        }

        @Override
        public Probe probe() {
            return delegate.probe();
        }

        @Override
        public Backend open() {
            backend = (VulkanBackend) delegate.open();
            return backend;
        }
    }

    @BeforeAll
    static void open() {
        VulkanBackendProvider provider = new VulkanBackendProvider();
        Assumptions.assumeTrue(provider.probe().available(), () -> provider.probe().reason());
        // persistent sessions are off on lavapipe by default; the lifecycle test below needs them
        vyre = PersistentOnCpu.open(() -> Vyre.open(new Capturing()));
    }

    @AfterAll
    static void close() {
        if (vyre != null) {
            vyre.close();
        }
    }

    private static int word(byte[] b, int index) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt(index * 4);
    }

    @Test
    void aGlslCustomOpcodeRunsAtTopLevelAndPacked() {
        int op = 0x21;
        CustomOpcodes ops = CustomOpcodes.of(CustomOpcode.of(op).text("glsl",
                "vyre_atomic_add_control(vyre_index_add(160u, vyre_arg(1u)), vyre_arg(0u) * 3u + vyre_arg(11u));")
                .build());
        byte[] control = Megakernel.encodeControl(false, 1, 8);
        byte[] ring = Megakernel.encodeEmptyRing(4);
        Megakernel.publishSlot(ring, 0, 0, op, 5, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 100);
        Megakernel.publishPackedSlot(ring, 1, 0, java.util.List.of(
                new dev.vyre.protocol.PackedOp(op, new int[] {7, 3, 0})));
        Megakernel.publishSlot(ring, 2, 0, op, 1, 0xFFFFFFF0);             // out of range: nothing
        DispatchRequest req = DispatchRequest.of(control, ring, Megakernel.encodeEmptyDebugLog(64)).withOpcodes(ops);
        DispatchResult r = vyre.dispatch(req);
        byte[] expected = control.clone();
        ByteBuffer e = ByteBuffer.wrap(expected).order(ByteOrder.LITTLE_ENDIAN);
        e.putInt(4, 3);                        // DONE_COUNT
        e.putInt(162 * 4, 5 * 3 + 100);        // top level, arg 11 = 100
        e.putInt(163 * 4, 7 * 3);              // packed: the slot's arg 11 is the packed payload word 11 = 0
        assertArrayEquals(expected, r.control());
        for (int s = 0; s < 3; s++) {
            assertEquals(SlotStatus.DONE, word(r.ring(), s * 16));
        }
        assertEquals(0, word(r.ring(), 3 * 16));
    }

    @Test
    void aCustomOpcodeWithoutGlslIsRefused() {
        CustomOpcodes ops = CustomOpcodes.of(CustomOpcode.java(0x40, c -> { }));
        DispatchRequest req = DispatchRequest.of(Megakernel.encodeControl(false, 1, 0), Megakernel.encodeEmptyRing(1),
                Megakernel.encodeEmptyDebugLog(64)).withOpcodes(ops);
        UnsupportedFeatureException e = assertThrows(UnsupportedFeatureException.class, () -> vyre.dispatch(req));
        assertTrue(e.getMessage().contains("custom opcode 0x40") && e.getMessage().contains("glsl")
                && e.getMessage().contains("Fix: "), e.getMessage());
    }

    /** An opcode with an IR body only (this backend does not lower the IR itself) or a CUDA body only. */
    @Test
    void anOpcodeWithNoGlslBodyIsRefusedAtRegistrationInASessionAndADispatch() {
        assertFalse(backend.capabilities().lowersIr());
        int kernels = backend.customKernels();
        for (CustomOpcode op : new CustomOpcode[] {
                CustomOpcode.of(0x41).text(dev.vyre.spi.Capabilities.IR_DIALECT, "VllJUgEAAAAA").build(),
                CustomOpcode.of(0x41).text("cuda-c", "vyre_store_control(ctx, 160, 1u);").build()}) {
            CustomOpcodes ops = CustomOpcodes.of(op);
            UnsupportedFeatureException atOpen = assertThrows(UnsupportedFeatureException.class,
                    () -> vyre.openSession(SessionOptions.builder().slotCount(16).opcodes(ops).build()));
            UnsupportedFeatureException atDispatch = assertThrows(UnsupportedFeatureException.class,
                    () -> vyre.dispatch(DispatchRequest.of(Megakernel.encodeControl(false, 1, 0),
                            Megakernel.encodeEmptyRing(1), Megakernel.encodeEmptyDebugLog(64)).withOpcodes(ops)));
            for (UnsupportedFeatureException e : List.of(atOpen, atDispatch)) {
                String m = e.getMessage();
                assertEquals("vulkan", e.backend());
                assertTrue(m.contains("custom opcode 0x41") && m.contains("[glsl]"), m);
                assertTrue(m.matches("(?s).*\\. Fix: [^\\n]+") && m.indexOf("Fix:") == m.lastIndexOf("Fix:"), m);
            }
        }
        assertEquals(kernels, backend.customKernels(), "nothing reached the backend");
    }

    private static int[] slot(int status, int opcode, int tenant, int arg0, int arg1, int arg2) {
        int[] w = new int[16];
        w[0] = status;
        w[1] = opcode;
        w[2] = tenant;
        w[3] = dev.vyre.protocol.Priority.NORMAL;
        w[4] = arg0;
        w[5] = arg1;
        w[6] = arg2;
        return w;
    }

    @Test
    void persistentSlotsFinishThroughTheStatusMirrorWithImmediateAndDeferredPublishing() {
        SessionOptions options = SessionOptions.builder().slotCount(16).observableSlots(8).build();
        try (Session s = vyre.openSession(options)) {
            assertEquals(SlotStatus.EMPTY, s.slotStatus(3));
            s.publish(0, 0, Opcodes.ATOMIC_ADD, 5, 160, 0);
            assertTrue(s.awaitSlotStatus(0, SlotStatus.DONE, Duration.ofSeconds(20)));
            assertEquals(SlotStatus.DONE, s.slotStatus(0));

            s.publishDeferred(1, 0, Opcodes.ATOMIC_ADD, 7, 161, 0);
            s.publishDeferred(2, 0, Opcodes.STORE_U32, 9, 162, 0);
            assertEquals(SlotStatus.PUBLISHED, s.slotStatus(1));
            // a deferred slot is not publishable again before it ran
            assertThrows(SlotBusyException.class, () -> s.publish(1, 0, Opcodes.ATOMIC_ADD, 1, 161, 0));
            s.flush();
            assertTrue(s.awaitSlotStatus(1, SlotStatus.DONE, Duration.ofSeconds(20)));
            assertTrue(s.awaitSlotStatus(2, SlotStatus.DONE, Duration.ofSeconds(20)));
            assertTrue(s.awaitDoneCount(3, Duration.ofSeconds(20)));
            assertEquals(3, s.doneCount());

            // the same slot again: the mirror's DONE of the first round must not count for the second
            s.publish(0, 0, Opcodes.ATOMIC_ADD, 5, 160, 0);
            assertTrue(s.awaitSlotStatus(0, SlotStatus.DONE, Duration.ofSeconds(20)));
            assertTrue(s.awaitDoneCount(4, Duration.ofSeconds(20)));
            assertEquals(10, word(s.controlSnapshot(), 160));
            assertEquals(7, word(s.controlSnapshot(), 161));
            assertEquals(9, word(s.controlSnapshot(), 162));

            // a raw write is what slotStatus reports until the shader moves the slot
            int[] raw = slot(SlotStatus.FAULT, Opcodes.ATOMIC_ADD, 0, 1, 163, 0);
            s.writeRawSlot(5, raw);
            assertEquals(SlotStatus.FAULT, s.slotStatus(5));

            ByteBuffer expected = ByteBuffer.allocate(16 * 64).order(ByteOrder.LITTLE_ENDIAN);
            int[][] slots = {slot(SlotStatus.DONE, Opcodes.ATOMIC_ADD, 0, 5, 160, 0),
                    slot(SlotStatus.DONE, Opcodes.ATOMIC_ADD, 0, 7, 161, 0),
                    slot(SlotStatus.DONE, Opcodes.STORE_U32, 0, 9, 162, 0)};
            for (int i = 0; i < slots.length; i++) {
                for (int w = 0; w < 16; w++) {
                    expected.putInt((i * 16 + w) * 4, slots[i][w]);
                }
            }
            for (int w = 0; w < 16; w++) {
                expected.putInt((5 * 16 + w) * 4, raw[w]);
            }
            assertArrayEquals(expected.array(), s.ringSnapshot());
        }
    }

    /** Writes {@code words} as slot image {@code index} of {@code images}. */
    private static void putImage(MemorySegment images, int index, int[] words) {
        for (int w = 0; w < 16; w++) {
            dev.vyre.protocol.Words.set(images, index * 16L + w, words[w]);
        }
    }

    /** An ATOMIC_ADD image adding {@code i + 1} to control word {@code 160 + i}, with marker words in the tail. */
    private static int[] addImage(int i) {
        int[] w = slot(SlotStatus.PUBLISHED, Opcodes.ATOMIC_ADD, 0, i + 1, 160 + i, 0);
        w[14] = 0x5EED_0000 + i;
        w[15] = 0xC0DE_0000 + i; // arguments the opcode ignores: the ring must still hold them byte-exactly
        return w;
    }

    @Test
    void publishSlotsPublishesARunByteExactlyStopsAtABusySlotAndRefusesMalformedImages() {
        SessionOptions options = SessionOptions.builder().slotCount(16).tenantCount(1).observableSlots(16).build();
        try (Session s = vyre.openSession(options); Arena arena = Arena.ofConfined()) {
            MemorySegment images = arena.allocate(16 * 64L, 64);
            for (int i = 0; i < 6; i++) {
                putImage(images, i, addImage(i));
            }
            // a deferred publication before the run is flushed by it
            s.publishDeferred(0, 0, Opcodes.STORE_U32, 0x77, 175, 0);
            assertEquals(6, s.publishSlots(2, images, 6));
            for (int i = 0; i < 6; i++) {
                assertTrue(s.awaitSlotStatus(2 + i, SlotStatus.DONE, Duration.ofSeconds(20)), "slot " + (2 + i));
            }
            assertTrue(s.awaitSlotStatus(0, SlotStatus.DONE, Duration.ofSeconds(20)));
            assertTrue(s.awaitDoneCount(7, Duration.ofSeconds(20)));

            // slot 10 busy: PUBLISHED for tenant 5, whose mask word (C[3 + 5]) is 0
            s.publish(10, 5, Opcodes.ATOMIC_ADD, 1, 174, 0);
            MemorySegment run = arena.allocate(4 * 64L, 64);
            for (int i = 0; i < 4; i++) {
                putImage(run, i, addImage(6 + i));
            }
            assertEquals(2, s.publishSlots(8, run, 4)); // slots 8 and 9; stops at 10; 11 untouched
            assertEquals(0, s.publishSlots(10, run.asSlice(2 * 64L), 2));
            assertTrue(s.awaitSlotStatus(8, SlotStatus.DONE, Duration.ofSeconds(20)));
            assertTrue(s.awaitSlotStatus(9, SlotStatus.DONE, Duration.ofSeconds(20)));
            assertTrue(s.awaitDoneCount(9, Duration.ofSeconds(20)));
            assertEquals(SlotStatus.PUBLISHED, s.slotStatus(10));

            // malformed runs: nothing is written
            byte[] ringBefore = s.ringSnapshot();
            MemorySegment bad = arena.allocate(3 * 64L, 64);
            putImage(bad, 0, addImage(12));
            putImage(bad, 1, addImage(13));
            int[] wrongStatus = addImage(14);
            wrongStatus[0] = SlotStatus.DONE;
            putImage(bad, 2, wrongStatus);
            assertThrows(VyreArgumentException.class, () -> s.publishSlots(12, bad, 3));
            int reserved = 0xFFF5;
            assertFalse(Opcodes.isPublishable(reserved));
            int[] wrongOpcode = addImage(14);
            wrongOpcode[1] = reserved;
            putImage(bad, 2, wrongOpcode);
            assertThrows(VyreArgumentException.class, () -> s.publishSlots(12, bad, 3));
            assertThrows(VyreArgumentException.class, () -> s.publishSlots(14, bad, 3)); // leaves the ring
            assertArrayEquals(ringBefore, s.ringSnapshot());
            assertEquals(SlotStatus.EMPTY, s.slotStatus(12));

            // a later slot: every earlier slot had its chance to run twice
            s.publish(15, 0, Opcodes.NOP, 0, 0, 0);
            assertTrue(s.awaitSlotStatus(15, SlotStatus.DONE, Duration.ofSeconds(20)));
            assertTrue(s.awaitDoneCount(10, Duration.ofSeconds(20)));
            assertEquals(10, s.doneCount());

            ByteBuffer expected = ByteBuffer.allocate(16 * 64).order(ByteOrder.LITTLE_ENDIAN);
            int[][] slots = new int[16][];
            slots[0] = slot(SlotStatus.DONE, Opcodes.STORE_U32, 0, 0x77, 175, 0);
            for (int i = 0; i < 8; i++) {
                slots[2 + i] = addImage(i);
                slots[2 + i][0] = SlotStatus.DONE;
            }
            slots[10] = slot(SlotStatus.PUBLISHED, Opcodes.ATOMIC_ADD, 5, 1, 174, 0);
            slots[15] = slot(SlotStatus.DONE, Opcodes.NOP, 0, 0, 0, 0);
            for (int i = 0; i < 16; i++) {
                for (int w = 0; slots[i] != null && w < 16; w++) {
                    expected.putInt((i * 16 + w) * 4, slots[i][w]);
                }
            }
            assertArrayEquals(expected.array(), s.ringSnapshot());
            byte[] control = s.controlSnapshot();
            for (int i = 0; i < 8; i++) {
                assertEquals(i + 1, word(control, 160 + i), "control word " + (160 + i) + ": each ATOMIC_ADD once");
            }
            assertEquals(0, word(control, 174));
            assertEquals(0x77, word(control, 175));
            assertEquals(8, word(control, 96 + Opcodes.ATOMIC_ADD)); // the ATOMIC_ADD metric: 8 runs
        }
    }

    @Test
    void aSlotRefusedForItsTenantRunsOnceAControlWriteAuthorisesIt() {
        SessionOptions options = SessionOptions.builder().slotCount(16).tenantCount(1).observableSlots(4).build();
        try (Session s = vyre.openSession(options)) {
            s.publish(0, 5, Opcodes.ATOMIC_ADD, 3, 160, 0);      // tenant 5: mask word C[3 + 5] is 0
            s.publishDeferred(1, 5, Opcodes.ATOMIC_ADD, 4, 161, 0);
            s.flush();
            s.publish(2, 0, Opcodes.ATOMIC_ADD, 1, 162, 0);      // published after them, runs
            assertTrue(s.awaitSlotStatus(2, SlotStatus.DONE, Duration.ofSeconds(20)));
            assertEquals(SlotStatus.PUBLISHED, s.slotStatus(0));
            assertEquals(SlotStatus.PUBLISHED, s.slotStatus(1));
            s.writeControlWord(3 + 5, 0xFFFFFFFF);                 // authorise tenant 5
            assertTrue(s.awaitSlotStatus(0, SlotStatus.DONE, Duration.ofSeconds(20)));
            assertTrue(s.awaitSlotStatus(1, SlotStatus.DONE, Duration.ofSeconds(20)));
            assertTrue(s.awaitDoneCount(3, Duration.ofSeconds(20)));
            byte[] control = s.controlSnapshot();
            assertEquals(3, word(control, 160));
            assertEquals(4, word(control, 161));
            assertEquals(1, word(control, 162));
        }
    }

    @Test
    void hundredSessionsOpenAndCloseWithoutLeakingDeviceMemory() {
        vyre.dispatch(DispatchRequest.of(Megakernel.encodeControl(false, 1, 0), Megakernel.encodeEmptyRing(1),
                Megakernel.encodeEmptyDebugLog(64)));                   // one-pass buffers exist from here on
        int before = backend.liveAllocations();
        SessionOptions options = SessionOptions.builder().slotCount(16).observableSlots(4).dataBufferBytes(64).build();
        for (int i = 0; i < 100; i++) {
            Session s = vyre.openSession(options);
            assertEquals(before + 2, backend.liveAllocations()); // BAR buffers + host-cached status mirror
            if (i % 25 == 0) {
                s.publish(0, 0, Opcodes.ATOMIC_ADD, i, 160, 0);
                assertTrue(s.awaitSlotStatus(0, SlotStatus.DONE, Duration.ofSeconds(20)), "slot 0 of session " + i);
                assertEquals(i, word(s.controlSnapshot(), 160));
            }
            s.close();
            assertTrue(s.awaitTermination(Duration.ZERO));
            assertEquals(before, backend.liveAllocations(), "after session " + i);
        }
    }
}
