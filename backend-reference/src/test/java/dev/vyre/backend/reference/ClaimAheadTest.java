package dev.vyre.backend.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.CustomOpcode;
import dev.vyre.protocol.CustomOpcodes;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotStatus;
import dev.vyre.protocol.Words;
import dev.vyre.spi.SessionSpec;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A persistent worker's pass claims a run of PUBLISHED slots ahead (by stores) and still keeps every claim rule per
 * slot: a slot whose tenant an earlier slot of the run revoked, or that comes after a SHUTDOWN, is given back
 * PUBLISHED and never left CLAIMED; claims ahead stop before a slot that runs alone. Driven by {@link
 * ReferenceDriver#runPass} on the test thread (the workers are not started), so every outcome is exact.
 */
class ClaimAheadTest {

    private static final int SLOTS = 64;
    private static final int OBSERVABLE = 64;
    private static final int PEEK = 0x300;
    /** The status of slot 5 that the PEEK handler saw while it ran. */
    private final AtomicInteger peeked = new AtomicInteger(-1);
    private final ReferenceDriver driver = ReferenceDriver.open(new SessionSpec(SLOTS, 2, OBSERVABLE, 0, 1,
            CustomOpcodes.of(CustomOpcode.java(PEEK, ctx -> peeked.set(status(5)))), Duration.ofSeconds(5)),
            d -> { }, false);
    private final MemorySegment ring = driver.memory().ring();
    private final MemorySegment control = driver.memory().control();

    @AfterEach
    void close() {
        Words.setRelease(control, ControlLayout.SHUTDOWN, 1);
        driver.close();
    }

    @Test
    void aRunOfSlotsRunsOnceEach() {
        for (int s = 0; s < 8; s++) {
            publish(s, 0, Opcodes.ATOMIC_ADD, s + 1, ControlLayout.OBSERVABLE_BASE + s);
        }
        assertTrue(driver.runPass(0));
        for (int s = 0; s < 8; s++) {
            assertEquals(SlotStatus.DONE, status(s), "slot " + s);
            assertEquals(s + 1, Words.get(control, ControlLayout.OBSERVABLE_BASE + s), "slot " + s + "'s add");
        }
        assertEquals(8, Words.get(control, ControlLayout.DONE_COUNT));
    }

    @Test
    void aTenantRevokedByAnEarlierSlotGivesItsClaimedSlotsBack() {
        int tenantOneMask = Words.get(control, ControlLayout.TENANT_BASE) + 1;
        publish(0, 0, Opcodes.STORE_U32, 0, tenantOneMask);
        for (int s = 1; s < 6; s++) {
            publish(s, 1, Opcodes.ATOMIC_ADD, 1, ControlLayout.OBSERVABLE_BASE + s);
        }
        driver.runPass(0);
        assertEquals(SlotStatus.DONE, status(0));
        assertNotRun(1, 6, "its tenant was revoked by slot 0");
        assertEquals(1, Words.get(control, ControlLayout.DONE_COUNT));
        Words.setRelease(control, tenantOneMask, 1);
        assertTrue(driver.runPass(0));
        for (int s = 1; s < 6; s++) {
            assertEquals(SlotStatus.DONE, status(s), "slot " + s + " runs once its tenant is authorised again");
            assertEquals(1, Words.get(control, ControlLayout.OBSERVABLE_BASE + s));
        }
        assertEquals(6, Words.get(control, ControlLayout.DONE_COUNT));
    }

    @Test
    void slotsAfterShutdownAreGivenBack() {
        publish(0, 0, Opcodes.ATOMIC_ADD, 1, ControlLayout.OBSERVABLE_BASE);
        publish(1, 0, Opcodes.SHUTDOWN, 0, 0);
        for (int s = 2; s < 7; s++) {
            publish(s, 0, Opcodes.ATOMIC_ADD, 1, ControlLayout.OBSERVABLE_BASE + s);
        }
        driver.runPass(0);
        assertEquals(SlotStatus.DONE, status(0));
        assertEquals(SlotStatus.DONE, status(1));
        assertEquals(1, Words.get(control, ControlLayout.SHUTDOWN));
        assertNotRun(2, 7, "it comes after SHUTDOWN");
        assertEquals(2, Words.get(control, ControlLayout.DONE_COUNT));
    }

    @Test
    void claimsAheadStopBeforeASlotThatRunsAlone() {
        for (int s = 0; s < 8; s++) {
            if (s == 3) {
                publish(s, 0, PEEK, 0, 0);
            } else {
                publish(s, 0, Opcodes.ATOMIC_ADD, 1, ControlLayout.OBSERVABLE_BASE + s);
            }
        }
        assertTrue(driver.runPass(0));
        assertEquals(SlotStatus.PUBLISHED, peeked.get(), "slot 5, after the handler's slot, was not claimed ahead");
        for (int s = 0; s < 8; s++) {
            assertEquals(SlotStatus.DONE, status(s), "slot " + s);
        }
        assertEquals(8, Words.get(control, ControlLayout.DONE_COUNT));
    }

    private void publish(int slot, int tenant, int opcode, int arg0, int arg1) {
        long base = (long) slot * SlotLayout.SLOT_WORDS;
        Words.set(ring, base + SlotLayout.OPCODE_WORD, opcode);
        Words.set(ring, base + SlotLayout.TENANT_WORD, tenant);
        Words.set(ring, base + SlotLayout.ARG0_WORD, arg0);
        Words.set(ring, base + SlotLayout.ARG0_WORD + 1, arg1);
        Words.setRelease(ring, base, SlotStatus.PUBLISHED);
    }

    /** Slots {@code from} (inclusive) to {@code to} (exclusive) read PUBLISHED, not CLAIMED, and did not add. */
    private void assertNotRun(int from, int to, String why) {
        for (int s = from; s < to; s++) {
            assertEquals(SlotStatus.PUBLISHED, status(s), "slot " + s + " stays PUBLISHED: " + why);
            assertEquals(0, Words.get(control, ControlLayout.OBSERVABLE_BASE + s), "slot " + s + " did not run: " + why);
        }
    }

    private int status(int slot) {
        return Words.getAcquire(ring, (long) slot * SlotLayout.SLOT_WORDS);
    }
}
