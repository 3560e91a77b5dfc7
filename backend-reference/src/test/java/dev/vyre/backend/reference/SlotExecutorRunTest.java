package dev.vyre.backend.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.protocol.ControlCodec;
import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.CustomOpcode;
import dev.vyre.protocol.CustomOpcodes;
import dev.vyre.protocol.DebugLogLayout;
import dev.vyre.protocol.IoQueueLayout;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotStatus;
import dev.vyre.protocol.Words;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Runs of one {@link SlotExecutor}, driven slot by slot on the test thread: a run's completions
 * (metrics, DONE_COUNT, DONE) are held until {@link SlotExecutor#completeRun}, a slot that reads or
 * overwrites control words still sees every earlier slot counted, and a slot that may take long or
 * fail completes the run before it and is completed alone.
 */
class SlotExecutorRunTest {

    private static final int SLOTS = 128;
    private static final int OBSERVABLE = 128;
    private static final int CUSTOM = 0x100;

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment control = arena.allocate(ControlCodec.encodeControl(false, 1, OBSERVABLE).length, 64);
    private final MemorySegment ring = arena.allocate((long) SLOTS * SlotLayout.SLOT_BYTES, 64);
    private final MemorySegment data = arena.allocate(4096, 4096);

    @AfterEach
    void close() {
        arena.close();
    }

    private SlotExecutor executor(CustomOpcodes custom) {
        ControlCodec.encodeControlInto(false, 1, OBSERVABLE, control);
        MemorySegment debug = arena.allocate(DebugLogLayout.BUFFER_BYTES, 64);
        MemorySegment io = arena.allocate((long) IoQueueLayout.IO_SLOT_COUNT * IoQueueLayout.IO_SLOT_BYTES, 64);
        return new SlotExecutor(control, ring, debug, io, data, OpcodeTable.of(custom), 1_000_000L);
    }

    private void publish(int slot, int opcode, int a0, int a1, int a2) {
        long base = (long) slot * SlotLayout.SLOT_WORDS;
        Words.set(ring, base + SlotLayout.OPCODE_WORD, opcode);
        Words.set(ring, base + SlotLayout.TENANT_WORD, 0);
        Words.set(ring, base + SlotLayout.ARG0_WORD, a0);
        Words.set(ring, base + SlotLayout.ARG0_WORD + 1, a1);
        Words.set(ring, base + SlotLayout.ARG0_WORD + 2, a2);
        Words.setRelease(ring, base, SlotStatus.PUBLISHED);
    }

    private int status(int slot) {
        return Words.getAcquire(ring, (long) slot * SlotLayout.SLOT_WORDS);
    }

    private int word(int w) {
        return Words.getAcquire(control, w);
    }

    private static int metric(int opcode) {
        return ControlLayout.METRICS_BASE + opcode;
    }

    @Test
    void aRunHoldsItsCompletionsUntilItCompletes() {
        SlotExecutor ex = executor(CustomOpcodes.none());
        for (int s = 0; s < 3; s++) {
            publish(s, Opcodes.ATOMIC_ADD, 5 + s, 160 + s, 0);
        }
        for (int s = 0; s < 3; s++) {
            assertTrue(ex.tryExecute(s));
        }
        assertEquals(3, ex.heldSlots());
        for (int s = 0; s < 3; s++) {
            assertEquals(SlotStatus.CLAIMED, status(s), "slot " + s + " is claimed, its DONE held");
            assertEquals(5 + s, word(160 + s), "the effect is applied at once");
        }
        assertEquals(0, word(ControlLayout.DONE_COUNT));
        assertEquals(0, word(metric(Opcodes.ATOMIC_ADD)));

        ex.completeRun();
        assertEquals(0, ex.heldSlots());
        for (int s = 0; s < 3; s++) {
            assertEquals(SlotStatus.DONE, status(s));
        }
        assertEquals(3, word(ControlLayout.DONE_COUNT));
        assertEquals(3, word(metric(Opcodes.ATOMIC_ADD)));
        ex.completeRun(); // nothing held: no effect
        assertEquals(3, word(ControlLayout.DONE_COUNT));
    }

    @Test
    void slotsThatReadControlSeeEveryEarlierSlotCounted() {
        SlotExecutor ex = executor(CustomOpcodes.none());
        publish(0, Opcodes.ATOMIC_ADD, 1, 170, 0);
        publish(1, Opcodes.ATOMIC_ADD, 1, 170, 0);
        publish(2, Opcodes.LOAD_U32, metric(Opcodes.ATOMIC_ADD), 0, 0); // C[160] = metric of ATOMIC_ADD
        publish(3, Opcodes.LOAD_U32, ControlLayout.DONE_COUNT, 1, 0); // C[161] = DONE_COUNT
        publish(4, Opcodes.LOAD_U32, metric(Opcodes.LOAD_U32), 2, 0); // C[162] = metric of LOAD_U32, its own included
        publish(5, Opcodes.MEMCPY, ControlLayout.DONE_COUNT, 163, 1); // C[163] = DONE_COUNT
        publish(6, Opcodes.COMPARE_SWAP, metric(Opcodes.MEMCPY), 1, 1); // C[160 + 101] = metric of MEMCPY (1)
        for (int s = 0; s < 7; s++) {
            assertTrue(ex.tryExecute(s));
        }
        ex.completeRun();
        assertEquals(2, word(160));
        assertEquals(3, word(161));
        assertEquals(3, word(162));
        assertEquals(5, word(163));
        assertEquals(1, word(160 + metric(Opcodes.MEMCPY)), "COMPARE_SWAP saw MEMCPY's metric");
        assertEquals(7, word(ControlLayout.DONE_COUNT));
        assertEquals(2, word(metric(Opcodes.ATOMIC_ADD)));
        assertEquals(3, word(metric(Opcodes.LOAD_U32)));
        assertEquals(1, word(metric(Opcodes.MEMCPY)));
        assertEquals(1, word(metric(Opcodes.COMPARE_SWAP)));
    }

    @Test
    void aStoreOverACounterComesAfterTheHeldCounts() {
        SlotExecutor ex = executor(CustomOpcodes.none());
        publish(0, Opcodes.NOP, 0, 0, 0);
        publish(1, Opcodes.STORE_U32, 100, ControlLayout.DONE_COUNT, 0); // C[1] = 100 after slot 0 counted
        publish(2, Opcodes.NOP, 0, 0, 0);
        publish(3, Opcodes.STORE_U32, 7, metric(Opcodes.NOP), 0); // C[96] = 7 after two NOP metrics
        publish(4, Opcodes.NOP, 0, 0, 0);
        for (int s = 0; s < 5; s++) {
            assertTrue(ex.tryExecute(s));
        }
        ex.completeRun();
        assertEquals(100 + 4, word(ControlLayout.DONE_COUNT), "slots 1..4 counted after the store");
        assertEquals(7 + 1, word(metric(Opcodes.NOP)), "slot 4's NOP counted after the store");
        assertEquals(2, word(metric(Opcodes.STORE_U32)));
    }

    @Test
    void aSlowSlotCompletesTheRunBeforeItAndRunsAlone() {
        SlotExecutor ex = executor(CustomOpcodes.none());
        data.fill((byte) 0x5A);
        publish(0, Opcodes.ATOMIC_ADD, 1, 170, 0);
        publish(1, Opcodes.CRC32C, 0, 4096, 1);
        publish(2, Opcodes.ATOMIC_ADD, 1, 170, 0);
        assertTrue(ex.tryExecute(0));
        assertEquals(SlotStatus.CLAIMED, status(0));
        assertTrue(ex.tryExecute(1));
        assertEquals(SlotStatus.DONE, status(0));
        assertEquals(SlotStatus.DONE, status(1));
        assertEquals(0, ex.heldSlots());
        assertEquals(2, word(ControlLayout.DONE_COUNT));
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(data.asByteBuffer());
        assertEquals((int) crc.getValue(), word(161));
        assertTrue(ex.tryExecute(2));
        assertEquals(SlotStatus.CLAIMED, status(2));
        ex.completeRun();
        assertEquals(SlotStatus.DONE, status(2));
        assertEquals(3, word(ControlLayout.DONE_COUNT));
    }

    @Test
    void aThrowingHandlerFaultsAloneAndIsNotCounted() {
        SlotExecutor ex = executor(CustomOpcodes.of(CustomOpcode.java(CUSTOM, ctx -> {
            throw new IllegalStateException("handler fails");
        })));
        publish(0, Opcodes.NOP, 0, 0, 0);
        publish(1, CUSTOM, 0, 0, 0);
        publish(2, Opcodes.NOP, 0, 0, 0);
        assertTrue(ex.tryExecute(0));
        assertTrue(ex.tryExecute(1));
        assertEquals(SlotStatus.DONE, status(0));
        assertEquals(SlotStatus.FAULT, status(1));
        assertTrue(ex.tryExecute(2));
        ex.completeRun();
        assertEquals(SlotStatus.DONE, status(2));
        assertEquals(2, word(ControlLayout.DONE_COUNT));
        assertEquals(2, word(metric(Opcodes.NOP)));
    }

    @Test
    void aFullRunCompletesOnItsOwn() {
        SlotExecutor ex = executor(CustomOpcodes.none());
        for (int s = 0; s <= SlotExecutor.MAX_RUN; s++) {
            publish(s, Opcodes.NOP, 0, 0, 0);
        }
        for (int s = 0; s < SlotExecutor.MAX_RUN; s++) {
            assertTrue(ex.tryExecute(s));
        }
        assertEquals(0, ex.heldSlots());
        assertEquals(SlotExecutor.MAX_RUN, word(ControlLayout.DONE_COUNT));
        for (int s = 0; s < SlotExecutor.MAX_RUN; s++) {
            assertEquals(SlotStatus.DONE, status(s));
        }
        assertTrue(ex.tryExecute(SlotExecutor.MAX_RUN));
        assertEquals(1, ex.heldSlots());
        ex.completeRun();
        assertEquals(SlotExecutor.MAX_RUN + 1, word(ControlLayout.DONE_COUNT));
    }

    @Test
    void unclaimableSlotsAreLeftAsTheyAre() {
        SlotExecutor ex = executor(CustomOpcodes.none());
        publish(0, Opcodes.NOP, 0, 0, 0);
        long base = 1L * SlotLayout.SLOT_WORDS;
        publish(1, Opcodes.NOP, 0, 0, 0);
        Words.set(ring, base + SlotLayout.TENANT_WORD, 20); // tenant 20 has no mask: unauthorised
        assertFalse(ex.claimable(1));
        assertFalse(ex.tryExecute(1));
        assertEquals(SlotStatus.PUBLISHED, status(1));
        assertFalse(ex.tryExecute(2)); // EMPTY
        assertEquals(SlotStatus.EMPTY, status(2));
        assertTrue(ex.claimable(0));
        Words.setRelease(control, ControlLayout.SHUTDOWN, 1);
        assertFalse(ex.tryExecute(0), "no claim once SHUTDOWN is set");
        assertEquals(SlotStatus.PUBLISHED, status(0));
        assertEquals(0, ex.heldSlots());
    }
}
