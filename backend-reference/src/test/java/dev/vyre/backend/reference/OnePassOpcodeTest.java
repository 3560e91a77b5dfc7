package dev.vyre.backend.reference;

import static dev.vyre.backend.reference.Vir.control;
import static dev.vyre.backend.reference.Vir.published;
import static dev.vyre.backend.reference.Vir.setWord;
import static dev.vyre.backend.reference.Vir.slot;
import static dev.vyre.backend.reference.Vir.word;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vyre.api.DispatchRequest;
import dev.vyre.api.DispatchResult;
import dev.vyre.api.Vyre;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.SlotStatus;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every built-in opcode in one-pass mode with byte-exact buffers, as {@code docs/PROTOCOL.md} specifies
 * them (DFA_STEP reads the data buffer, tenant 29 is unauthorised, LOAD_MISS reaches the IO queue and
 * FAULTs when nobody serves it).
 */
class OnePassOpcodeTest {

    private static Vyre vyre;

    @BeforeAll
    static void open() {
        vyre = Vyre.open(new ReferenceBackendProvider());
    }

    @AfterAll
    static void close() {
        vyre.close();
    }

    /** Fresh encode_control(false, 1, 160), one PUBLISHED slot, empty debug log. */
    private record Case(byte[] control, byte[] ring, byte[] debug) {
        static Case of(int slots) {
            return new Case(Vir.control(false, 1, 160), Vir.ring(slots), Vir.debugLog());
        }

        DispatchResult run() {
            return vyre.dispatch(DispatchRequest.of(control, ring, debug));
        }

        DispatchResult run(byte[] data) {
            return vyre.dispatch(DispatchRequest.of(control, ring, debug).withData(data));
        }

        byte[] expectedControl(int... wordValuePairs) {
            byte[] c = control.clone();
            for (int i = 0; i < wordValuePairs.length; i += 2) {
                setWord(c, wordValuePairs[i], wordValuePairs[i + 1]);
            }
            return c;
        }

        byte[] expectedRing(int slot, int status) {
            byte[] r = ring.clone();
            setWord(r, slot * 16, status);
            return r;
        }
    }

    private static void assertRun(Case c, DispatchResult r, int slot, int status, int... controlChanges) {
        assertArrayEquals(c.expectedControl(controlChanges), r.control(), "control");
        assertArrayEquals(c.expectedRing(slot, status), r.ring(), "ring");
        assertArrayEquals(c.debug(), r.debugLog(), "debug log");
        assertArrayEquals(new byte[2048], r.ioQueue(), "io queue");
    }

    @Test
    void storeU32() {
        Case c = Case.of(1);
        published(c.ring(), 0, Opcodes.STORE_U32, 0xABCD, 161);
        assertRun(c, c.run(), 0, SlotStatus.DONE, 1, 1, 97, 1, 161, 0xABCD);
    }

    @Test
    void atomicAddInSlotOne() {
        Case c = Case.of(2);
        published(c.ring(), 1, Opcodes.ATOMIC_ADD, 5, 162);
        assertRun(c, c.run(), 1, SlotStatus.DONE, 1, 1, 98, 1, 162, 5);
    }

    @Test
    void atomicAddWraps() {
        Case c = Case.of(1);
        setWord(c.control(), 170, 0xFFFFFFFE);
        published(c.ring(), 0, Opcodes.ATOMIC_ADD, 5, 170);
        assertRun(c, c.run(), 0, SlotStatus.DONE, 1, 1, 98, 1, 170, 3);
    }

    @Test
    void loadU32() {
        Case c = Case.of(1);
        published(c.ring(), 0, Opcodes.LOAD_U32, 2, 3);
        assertRun(c, c.run(), 0, SlotStatus.DONE, 1, 1, 99, 1, 163, 3);
    }

    @Test
    void compareSwapSwaps() {
        Case c = Case.of(1);
        published(c.ring(), 0, Opcodes.COMPARE_SWAP, 150, 0, 9);
        assertRun(c, c.run(), 0, SlotStatus.DONE, 1, 1, 100, 1, 150, 9, 310, 0);
    }

    @Test
    void compareSwapMissReportsPrevious() {
        Case c = Case.of(1);
        setWord(c.control(), 150, 4);
        published(c.ring(), 0, Opcodes.COMPARE_SWAP, 150, 1, 9);
        assertRun(c, c.run(), 0, SlotStatus.DONE, 1, 1, 100, 1, 310, 4);
    }

    @Test
    void memcpyOneWord() {
        Case c = Case.of(1);
        published(c.ring(), 0, Opcodes.MEMCPY, 3, 165, 1);
        assertRun(c, c.run(), 0, SlotStatus.DONE, 1, 1, 101, 1, 165, 0xFFFFFFFF);
    }

    @Test
    void memcpyZeroLength() {
        Case c = Case.of(1);
        published(c.ring(), 0, Opcodes.MEMCPY, 3, 165, 0);
        assertRun(c, c.run(), 0, SlotStatus.DONE, 1, 1, 101, 1);
    }

    @Test
    void memcpyOverlapSmearsForward() {
        Case c = Case.of(1);
        for (int i = 0; i < 4; i++) {
            setWord(c.control(), 200 + i, 10 + i);
        }
        published(c.ring(), 0, Opcodes.MEMCPY, 200, 201, 3);
        assertRun(c, c.run(), 0, SlotStatus.DONE, 1, 1, 101, 1, 201, 10, 202, 10, 203, 10);
    }

    @Test
    void dfaStepReadsDataBuffer() {
        Case c = Case.of(1);
        byte[] data = new byte[2 * 256 * 4];
        setWord(data, 256 + 0x02, 0xCAFE);
        published(c.ring(), 0, Opcodes.DFA_STEP, 1, 0x7702, 5);
        DispatchResult r = c.run(data);
        assertRun(c, r, 0, SlotStatus.DONE, 1, 1, 102, 1, 165, 0xCAFE);
        assertArrayEquals(data, r.data());
    }

    @Test
    void dfaStepOutsideTheTableReadsZero() {
        Case c = Case.of(1);
        setWord(c.control(), 165, 77);
        byte[] data = new byte[256 * 4 + 3]; // one whole table row, then a partial word
        java.util.Arrays.fill(data, (byte) 0x11);
        published(c.ring(), 0, Opcodes.DFA_STEP, 1, 0, 5);
        assertRun(c, c.run(data), 0, SlotStatus.DONE, 1, 1, 102, 1, 165, 0);
    }

    @Test
    void dfaStepWithoutDataBufferReadsZero() {
        Case c = Case.of(1);
        setWord(c.control(), 166, 77);
        published(c.ring(), 0, Opcodes.DFA_STEP, 0, 0, 6);
        assertRun(c, c.run(), 0, SlotStatus.DONE, 1, 1, 102, 1, 166, 0);
    }

    @Test
    void batchFence() {
        Case c = Case.of(1);
        published(c.ring(), 0, Opcodes.BATCH_FENCE, 2, 0x99);
        assertRun(c, c.run(), 0, SlotStatus.DONE, 1, 1, 103, 1, 128, 1, 160, 0x99);
    }

    @Test
    void nop() {
        Case c = Case.of(1);
        published(c.ring(), 0, Opcodes.NOP);
        assertRun(c, c.run(), 0, SlotStatus.DONE, 1, 1, 96, 1);
    }

    @Test
    void printfInSlotThree() {
        Case c = Case.of(4);
        published(c.ring(), 3, Opcodes.PRINTF, 7, 1, 2);
        DispatchResult r = c.run();
        assertArrayEquals(c.expectedControl(1, 1), r.control());
        assertArrayEquals(c.expectedRing(3, SlotStatus.DONE), r.ring());
        byte[] debug = Vir.debugLog();
        setWord(debug, 0, 4);
        setWord(debug, 1, 7);
        setWord(debug, 2, 1);
        setWord(debug, 3, 2);
        setWord(debug, 4, 48);
        assertArrayEquals(debug, r.debugLog());
    }

    @Test
    void shutdownSetsWordZero() {
        Case c = Case.of(1);
        published(c.ring(), 0, Opcodes.SHUTDOWN);
        assertRun(c, c.run(), 0, SlotStatus.DONE, 0, 1, 1, 1);
    }

    @Test
    void shutdownStopsLaterSlotsInCanonicalOrder() {
        Case c = Case.of(4);
        for (int s = 0; s < 4; s++) {
            published(c.ring(), s, s == 1 ? Opcodes.SHUTDOWN : Opcodes.NOP);
        }
        DispatchResult r = c.run();
        assertArrayEquals(c.expectedControl(0, 1, 1, 2, 96, 1), r.control());
        byte[] ring = c.ring().clone();
        setWord(ring, 0, SlotStatus.DONE);
        setWord(ring, 16, SlotStatus.DONE);
        assertArrayEquals(ring, r.ring());
    }

    @Test
    void shutdownFlagAtUploadRunsNothing() {
        Case c = new Case(control(true, 1, 160), Vir.ring(2), Vir.debugLog());
        published(c.ring(), 0, Opcodes.NOP);
        published(c.ring(), 1, Opcodes.NOP);
        DispatchResult r = c.run();
        assertArrayEquals(c.control(), r.control());
        assertArrayEquals(c.ring(), r.ring());
    }

    @Test
    void userOpcodeWithoutHandlerCompletes() {
        Case c = Case.of(1);
        published(c.ring(), 0, 0x4000_0000);
        assertRun(c, c.run(), 0, SlotStatus.DONE, 1, 1);
    }

    @Test
    void userOpcodeBelow32GetsMetric() {
        Case c = Case.of(1);
        published(c.ring(), 0, 20);
        assertRun(c, c.run(), 0, SlotStatus.DONE, 1, 1, 116, 1);
    }

    @Test
    void loadMissWithoutServiceFaultsAfterTheBound() {
        Case c = Case.of(1);
        published(c.ring(), 0, Opcodes.LOAD_MISS, 42, 1);
        DispatchRequest request = new DispatchRequest(c.control(), c.ring(), c.debug(), new byte[2048], new byte[0],
                dev.vyre.protocol.CustomOpcodes.none(), Duration.ofMillis(5));
        DispatchResult r = vyre.dispatch(request);
        assertArrayEquals(c.control(), r.control(), "no DONE_COUNT, no metric");
        assertArrayEquals(c.expectedRing(0, SlotStatus.FAULT), r.ring());
        byte[] io = new byte[2048];
        int[] request0 = {1, 42, 42, 0, 0, 0, SlotStatus.EMPTY, 42};
        for (int i = 0; i < 8; i++) {
            setWord(io, i, request0[i]);
        }
        assertArrayEquals(io, r.ioQueue(), "request written, then taken back to EMPTY");
    }

    @Test
    void loadMissWithEveryIoSlotBusyFaults() {
        Case c = Case.of(1);
        published(c.ring(), 0, Opcodes.LOAD_MISS, 42, 1);
        byte[] io = new byte[2048];
        for (int q = 0; q < 64; q++) {
            setWord(io, q * 8 + 6, SlotStatus.CLAIMED);
        }
        DispatchResult r = vyre.dispatch(DispatchRequest.of(c.control(), c.ring(), c.debug()).withIoQueue(io));
        assertArrayEquals(c.control(), r.control());
        assertArrayEquals(c.expectedRing(0, SlotStatus.FAULT), r.ring());
        assertArrayEquals(io, r.ioQueue());
    }

    @Test
    void unauthorisedTenantsStayPublished() {
        // tenant 1 has mask 0; with 32 tenants, tenant 28 (word 31) is the last mask word and
        // tenant 29 would read word 32 (a quota, non-zero): not authorised in vyre-java.
        byte[] control = control(false, 32, 160);
        Case c = new Case(control, Vir.ring(4), Vir.debugLog());
        slot(c.ring(), 0, SlotStatus.PUBLISHED, Opcodes.NOP, 29);
        slot(c.ring(), 1, SlotStatus.PUBLISHED, Opcodes.NOP, 0xFFFF_FFFD); // 3 + t wraps to 0 in u32
        slot(c.ring(), 2, SlotStatus.PUBLISHED, Opcodes.NOP, 28);
        Case one = Case.of(1);
        slot(one.ring(), 0, SlotStatus.PUBLISHED, Opcodes.NOP, 1);
        DispatchResult r1 = one.run();
        assertArrayEquals(one.control(), r1.control());
        assertArrayEquals(one.ring(), r1.ring());

        DispatchResult r = c.run();
        assertArrayEquals(c.expectedControl(1, 1, 96, 1), r.control());
        assertArrayEquals(c.expectedRing(2, SlotStatus.DONE), r.ring());
    }

    @Test
    void tenantBasePointerMovesTheTable() {
        Case c = Case.of(1);
        setWord(c.control(), 2, 10);       // table now starts at word 10
        setWord(c.control(), 12, 1);       // tenant 2 authorised there
        slot(c.ring(), 0, SlotStatus.PUBLISHED, Opcodes.NOP, 2);
        assertRun(c, c.run(), 0, SlotStatus.DONE, 1, 1, 96, 1);
    }

    @Test
    void nonPublishedStatusesAreNeverTouched() {
        Case c = Case.of(6);
        int[] statuses = {SlotStatus.EMPTY, SlotStatus.CLAIMED, SlotStatus.DONE, SlotStatus.WAIT_IO, SlotStatus.FAULT, 9};
        for (int s = 0; s < statuses.length; s++) {
            slot(c.ring(), s, statuses[s], Opcodes.STORE_U32, 0, 1, 170 + s);
        }
        DispatchResult r = c.run();
        assertArrayEquals(c.control(), r.control());
        assertArrayEquals(c.ring(), r.ring());
    }

    @Test
    void packedTwoOps() {
        Case c = Case.of(1);
        published(c.ring(), 0, Opcodes.PACKED_SLOT, 0x00010402, 0x00000202, 0xAB, 161, 5, 162);
        assertRun(c, c.run(), 0, SlotStatus.DONE, 1, 1, 97, 1, 98, 1, 161, 0xAB, 162, 5);
    }

    @Test
    void packedSevenOpsRunEveryOpWhoseArgumentsFit() {
        // vyre's publish_packed_slot encoding of ops 1..7 with one arg 0x10+i each: meta 4 words.
        Case c = Case.of(1);
        published(c.ring(), 0, Opcodes.PACKED_SLOT, 0x00010707, 0x02030102, 0x04050304, 0x06070506,
                0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0);
        byte[] data = new byte[(0x16 * 256 + 0x17 + 1) * 4];
        setWord(data, 0x16 * 256 + 0x17, 0xD00D);
        DispatchResult r = c.run(data);
        // op1 STORE C[0x12]=0x11; op2 ADD C[0x13]+=0x12; op3 LOAD C[180]=C[19]; op4 CAS C[0x14]
        // (no swap) then C[180]=prev 0; op5 MEMCPY C[21..43] -> C[22..44] (zeros, smearing over
        // the quota word 32); op6 DFA_STEP C[160]=table[0x16*256+0x17]; op7 needs words 10..12: skipped.
        assertRun(c, r, 0, SlotStatus.DONE, 1, 1, 97, 1, 98, 1, 99, 1, 100, 1, 101, 1, 102, 1,
                0x12, 0x11, 0x13, 0x12, 180, 0, 32, 0, 160, 0xD00D);
    }

    @Test
    void packedFiveOpsAllRun() {
        Case c = Case.of(1);
        published(c.ring(), 0, Opcodes.PACKED_SLOT, 0x00010505, 0x02030102, 0x04050304, 0x11, 0x12, 0x13, 0x14, 0x15);
        // meta 3: op1 STORE C[0x12]=0x11; op2 ADD C[0x13]+=0x12; op3 LOAD C[180]=C[0x13];
        // op4 CAS C[0x14] expected 0x15 (no swap) C[180]=0; op5 MEMCPY length 0.
        assertRun(c, c.run(), 0, SlotStatus.DONE, 1, 1, 97, 1, 98, 1, 99, 1, 100, 1, 101, 1,
                0x12, 0x11, 0x13, 0x12, 180, 0);
    }

    @Test
    void packedMalformedMetadataRunsNothing() {
        Case c = Case.of(1);
        published(c.ring(), 0, Opcodes.PACKED_SLOT, 24, 0x01010101, 0x01010101);
        assertRun(c, c.run(), 0, SlotStatus.DONE, 1, 1);
    }

    @Test
    void packedOpsWithoutRoomForArgumentsAreSkipped() {
        Case c = Case.of(1);
        published(c.ring(), 0, Opcodes.PACKED_SLOT, 23);   // 23 NOPs, meta 12 words: no op fits
        assertRun(c, c.run(), 0, SlotStatus.DONE, 1, 1);
    }

    @Test
    void buffersOfTheRequestAreNotModified() {
        Case c = Case.of(1);
        published(c.ring(), 0, Opcodes.STORE_U32, 1, 170);
        byte[] control = c.control().clone();
        byte[] ring = c.ring().clone();
        c.run();
        assertArrayEquals(control, c.control());
        assertArrayEquals(ring, c.ring());
        assertEquals(SlotStatus.PUBLISHED, word(c.ring(), 0));
    }
}
