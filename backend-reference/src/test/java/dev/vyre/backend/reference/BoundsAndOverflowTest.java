package dev.vyre.backend.reference;

import static dev.vyre.backend.reference.Vir.control;
import static dev.vyre.backend.reference.Vir.published;
import static dev.vyre.backend.reference.Vir.setWord;
import static dev.vyre.backend.reference.Vir.word;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.vyre.api.DispatchRequest;
import dev.vyre.api.DispatchResult;
import dev.vyre.api.Vyre;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.SlotStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Out-of-bounds indices (64-bit unsigned arithmetic, never wrapping) and PRINTF overflow. */
class BoundsAndOverflowTest {

    private static final int WORDS = 320; // encode_control(false, 1, 160)

    private static Vyre vyre;

    @BeforeAll
    static void open() {
        vyre = Vyre.open(new ReferenceBackendProvider());
    }

    @AfterAll
    static void close() {
        vyre.close();
    }

    private static DispatchResult runOne(byte[] control, int opcode, int... args) {
        byte[] ring = Vir.ring(1);
        published(ring, 0, opcode, args);
        DispatchResult r = vyre.dispatch(DispatchRequest.of(control, ring, Vir.debugLog()));
        byte[] doneRing = ring.clone();
        setWord(doneRing, 0, SlotStatus.DONE);
        assertArrayEquals(doneRing, r.ring(), "the slot completes normally");
        assertArrayEquals(Vir.debugLog(), r.debugLog());
        assertArrayEquals(new byte[2048], r.ioQueue());
        return r;
    }

    private static byte[] with(byte[] control, int... wordValuePairs) {
        byte[] c = control.clone();
        for (int i = 0; i < wordValuePairs.length; i += 2) {
            setWord(c, wordValuePairs[i], wordValuePairs[i + 1]);
        }
        return c;
    }

    @Test
    void storeOutOfBoundsIsANoOp() {
        byte[] c = control(false, 1, 160);
        assertArrayEquals(with(c, 1, 1, 97, 1), runOne(c, Opcodes.STORE_U32, 1, 0xFFFF_FFF0).control());
        assertArrayEquals(with(c, 1, 1, 97, 1), runOne(c, Opcodes.STORE_U32, 1, WORDS).control());
    }

    @Test
    void storeToTheLastWordWorks() {
        byte[] c = control(false, 1, 160);
        assertArrayEquals(with(c, 1, 1, 97, 1, WORDS - 1, 5), runOne(c, Opcodes.STORE_U32, 5, WORDS - 1).control());
    }

    @Test
    void atomicAddOutOfBoundsIsANoOp() {
        byte[] c = control(false, 1, 160);
        assertArrayEquals(with(c, 1, 1, 98, 1), runOne(c, Opcodes.ATOMIC_ADD, 1, 0xFFFF_FFFF).control());
    }

    @Test
    void loadOutOfBoundsReadsZero() {
        byte[] c = with(control(false, 1, 160), 165, 7);
        assertArrayEquals(with(c, 1, 1, 99, 1, 165, 0), runOne(c, Opcodes.LOAD_U32, 0xFFFF_FFFF, 5).control());
    }

    @Test
    void loadResultOutOfBoundsIsDropped() {
        // 160 + 0xFFFFFFFF does not wrap to 159 in 64-bit arithmetic.
        byte[] c = control(false, 1, 160);
        assertArrayEquals(with(c, 1, 1, 99, 1), runOne(c, Opcodes.LOAD_U32, 2, 0xFFFF_FFFF).control());
        assertArrayEquals(with(c, 1, 1, 99, 1), runOne(c, Opcodes.LOAD_U32, 2, 0xFFFF_FF60).control());
    }

    @Test
    void compareSwapOutOfBounds() {
        byte[] c = control(false, 1, 160);
        assertArrayEquals(with(c, 1, 1, 100, 1), runOne(c, Opcodes.COMPARE_SWAP, 0xFFFF_FFFF, 0, 9).control());
        // word in range but its observable result word is not: the swap happens, the report is dropped
        assertArrayEquals(with(c, 1, 1, 100, 1, 200, 9), runOne(c, Opcodes.COMPARE_SWAP, 200, 0, 9).control());
    }

    @Test
    @Timeout(10)
    void hugeMemcpyStopsAtTheEndOfTheBuffer() {
        byte[] c = control(false, 1, 160);
        for (int i = 160; i < WORDS; i++) {
            setWord(c, i, 0x1000 + i);
        }
        byte[] r = runOne(c, Opcodes.MEMCPY, 0, 200, 0xFFFF_FFFF).control();
        // metric, then the ascending copy of C[i] to C[200 + i] (no overlap for i < 120), then DONE_COUNT
        byte[] expected = with(c, 101, 1);
        for (int i = 0; i < WORDS - 200; i++) {
            setWord(expected, 200 + i, word(expected, i));
        }
        setWord(expected, 1, 1);
        assertArrayEquals(expected, r);
    }

    @Test
    @Timeout(10)
    void memcpyFromOutOfBoundsCopiesZeros() {
        byte[] c = control(false, 1, 160);
        for (int i = 160; i < WORDS; i++) {
            setWord(c, i, 0x1000 + i);
        }
        // metric first, then every word is overwritten with 0, then DONE_COUNT += 1
        byte[] expected = new byte[WORDS * 4];
        setWord(expected, 1, 1);
        assertArrayEquals(expected, runOne(c, Opcodes.MEMCPY, 0xFFFF_FFF0, 0, 0xFFFF_FFFF).control());
    }

    @Test
    @Timeout(10)
    void memcpyToOutOfBoundsDoesNothing() {
        byte[] c = control(false, 1, 160);
        assertArrayEquals(with(c, 1, 1, 101, 1), runOne(c, Opcodes.MEMCPY, 5, 0xFFFF_FFFF, 0xFFFF_FFFF).control());
        assertArrayEquals(with(c, 1, 1, 101, 1), runOne(c, Opcodes.MEMCPY, 5, WORDS, 0xFFFF_FFFF).control());
    }

    @Test
    void dfaStepWithHugeStateReadsZero() {
        byte[] c = with(control(false, 1, 160), 161, 3);
        byte[] ring = Vir.ring(1);
        published(ring, 0, Opcodes.DFA_STEP, 0xFFFF_FFFF, 0xFF, 1);
        byte[] data = new byte[4096];
        java.util.Arrays.fill(data, (byte) 0x5A);
        DispatchResult r = vyre.dispatch(DispatchRequest.of(c, ring, Vir.debugLog()).withData(data));
        assertArrayEquals(with(c, 1, 1, 102, 1, 161, 0), r.control());
        assertArrayEquals(data, r.data());
    }

    @Test
    void printfOverflowKeepsTheFirst64Records() {
        int slots = 70;
        byte[] c = control(false, 1, 160);
        byte[] ring = Vir.ring(slots);
        for (int s = 0; s < slots; s++) {
            published(ring, s, Opcodes.PRINTF, s, s + 1, s + 2);
        }
        DispatchResult r = vyre.dispatch(DispatchRequest.of(c, ring, Vir.debugLog()));
        byte[] debug = Vir.debugLog();
        setWord(debug, 0, 4 * slots);
        for (int k = 0; k < 64; k++) {
            setWord(debug, 1 + 4 * k, k);
            setWord(debug, 2 + 4 * k, k + 1);
            setWord(debug, 3 + 4 * k, k + 2);
            setWord(debug, 4 + 4 * k, k * 16);
        }
        assertArrayEquals(debug, r.debugLog());
        assertArrayEquals(with(c, 1, slots), r.control());
    }

    @Test
    void printfWithAHugeCursorWritesNothing() {
        byte[] c = control(false, 1, 160);
        byte[] ring = Vir.ring(1);
        published(ring, 0, Opcodes.PRINTF, 1, 2, 3);
        byte[] debug = Vir.debugLog();
        setWord(debug, 0, 0xFFFF_FFFE); // r = 0xFFFFFFFF, far past the log (no u32 wrap to 3)
        DispatchResult r = vyre.dispatch(DispatchRequest.of(c, ring, debug));
        byte[] expected = debug.clone();
        setWord(expected, 0, 2);
        assertArrayEquals(expected, r.debugLog());
    }

    @Test
    void hostileRawWordsStayInsideTheBuffers() {
        byte[] c = control(false, 1, 0); // the smallest control buffer: no observable words
        byte[] ring = Vir.ring(8);
        int[] ops = {Opcodes.LOAD_U32, Opcodes.COMPARE_SWAP, Opcodes.DFA_STEP, Opcodes.BATCH_FENCE,
                Opcodes.MEMCPY, Opcodes.STORE_U32, Opcodes.ATOMIC_ADD, Opcodes.PRINTF};
        for (int s = 0; s < ops.length; s++) {
            published(ring, s, ops[s], 0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF);
        }
        DispatchResult r = vyre.dispatch(DispatchRequest.of(c, ring, Vir.debugLog()));
        byte[] expected = with(c, 1, 8, 99, 1, 100, 1, 101, 1, 102, 1, 103, 1, 128, 1, 97, 1, 98, 1);
        assertArrayEquals(expected, r.control());
        byte[] debug = Vir.debugLog();
        setWord(debug, 0, 4);
        setWord(debug, 1, -1);
        setWord(debug, 2, -1);
        setWord(debug, 3, -1);
        setWord(debug, 4, 7 * 16);
        assertArrayEquals(debug, r.debugLog());
    }
}
