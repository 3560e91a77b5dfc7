package dev.vyre.backend.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vyre.api.DeviceLossException;
import dev.vyre.api.Recovery;
import dev.vyre.api.RecoveryResult;
import dev.vyre.api.ReplayLogOptions;
import dev.vyre.api.Session;
import dev.vyre.api.SessionOptions;
import dev.vyre.api.Slots;
import dev.vyre.api.Vyre;
import dev.vyre.protocol.BackendException;
import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotStatus;
import dev.vyre.protocol.TenantIsolation;
import dev.vyre.protocol.VyreArgumentException;
import dev.vyre.protocol.Words;
import dev.vyre.protocol.replay.FailureClass;
import dev.vyre.protocol.replay.FailureClassifier;
import dev.vyre.protocol.replay.ReplayFailureEvidence;
import dev.vyre.protocol.replay.ReplayLogFormat;
import dev.vyre.protocol.replay.ReplayRecord;
import dev.vyre.spi.BackendProvider;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Device-loss recovery on the reference interpreter behind a driver that loses its device mid-stream
 * ({@link LosingReferenceProvider}). Slot {@code i} ATOMIC_ADDs {@code 1 << (i % 32)} into observable word
 * {@code i / 32}, so each word's bits say exactly which slots ran, and a slot run twice carries into
 * another bit. The host model: every bit of every published slot set exactly once, over the lost session
 * (the slots it finished) and the recovery session (the slots it re-ran), never in both.
 */
class DeviceLossRecoveryTest {

    private static final int SLOTS = 256;
    private static final int PUBLISHED = 210;
    private static final int LOSE_AFTER = 150;
    private static final int WORDS = (PUBLISHED + 31) / 32;
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private SessionOptions options(Path log, ReplayLogFormat format, boolean background) {
        SessionOptions.Builder b = SessionOptions.builder().slotCount(SLOTS).tenantCount(1).observableSlots(16);
        if (log != null) {
            b.replayLog(new ReplayLogOptions(log, 4096, format, background));
        }
        return b.build();
    }

    private static void image(MemorySegment images, int index, int slot) {
        Slots.encode(images, index, 0, Opcodes.ATOMIC_ADD, 1 << (slot % 32), 160 + slot / 32, 0);
    }

    /**
     * Publishes slots 0..99 (publishSlots) and waits for them, then 100..119 (publish), 120..139
     * (publishDeferred + flush) and 140..199 (publishSlots: the device is lost at the 150th announced
     * slot), then 200..209 after the loss; waits for all: the loss must surface.
     */
    private static DeviceLossException publishUntilLost(Session s) {
        MemorySegment images = MemorySegment.ofArray(new int[SLOTS * SlotLayout.SLOT_WORDS]);
        for (int i = 0; i < 100; i++) {
            image(images, i, i);
        }
        assertEquals(100, s.publishSlots(0, images, 100));
        assertTrue(s.awaitDoneCount(100, WAIT), "the first 100 slots run before the loss");
        for (int i = 100; i < 120; i++) {
            s.publish(i, 0, Opcodes.ATOMIC_ADD, 1 << (i % 32), 160 + i / 32, 0);
        }
        for (int i = 120; i < 140; i++) {
            s.publishDeferred(i, 0, Opcodes.ATOMIC_ADD, 1 << (i % 32), 160 + i / 32, 0);
        }
        s.flush();
        MemorySegment run = MemorySegment.ofArray(new int[70 * SlotLayout.SLOT_WORDS]);
        for (int i = 0; i < 60; i++) {
            image(run, i, 140 + i);
        }
        assertEquals(60, s.publishSlots(140, run, 60), "a lost device still takes publications (no doorbell lands)");
        for (int i = 200; i < PUBLISHED; i++) {
            s.publish(i, 0, Opcodes.ATOMIC_ADD, 1 << (i % 32), 160 + i / 32, 0);
        }
        try {
            s.awaitDoneCount(PUBLISHED, WAIT);
        } catch (DeviceLossException lost) {
            return lost;
        }
        return fail("the wait did not report the lost device");
    }

    /** @return the bits of observable words 0..WORDS-1 of a control snapshot */
    private static BitSet ranSlots(byte[] control) {
        BitSet ran = new BitSet();
        MemorySegment c = MemorySegment.ofArray(control);
        for (int w = 0; w < WORDS; w++) {
            int bits = Words.get(c, 160 + w);
            for (int b = 0; b < 32; b++) {
                if ((bits >>> b & 1) != 0) {
                    ran.set(w * 32 + b);
                }
            }
        }
        return ran;
    }

    private static BitSet of(int[] slots) {
        BitSet b = new BitSet();
        for (int s : slots) {
            b.set(s);
        }
        return b;
    }

    @ParameterizedTest(name = "recover on {0}, background recorder {1}")
    @CsvSource({"reference,false", "reference,true", "same,false"})
    void everySlotRunsExactlyOnceAcrossTheLostAndTheRecoverySession(String recoverOn, boolean background) {
        LosingReferenceProvider losing = new LosingReferenceProvider(LOSE_AFTER);
        Path log = dir.resolve("lost.vrri");
        DeviceLossException lost;
        byte[] lostControl;
        byte[] lostRing;
        try (Vyre vyre = Vyre.open(losing)) {
            Session s = vyre.openSession(options(log, ReplayLogFormat.FULL_IMAGE, background));
            lost = publishUntilLost(s);
            assertEquals(1, losing.losses.get());
            assertEquals(lost, s.deviceLoss().orElseThrow());
            assertArrayEquals(lost.unfinishedSlots(), s.unfinishedSlots(), "the loss reports the ring's unfinished slots");
            lostControl = s.controlSnapshot(); // host memory on this backend: readable after the loss
            lostRing = s.ringSnapshot();
            s.close(); // the device's failures at close belong to the reported loss
            assertTrue(lost.getSuppressed().length > 0);
        }
        int[] unfinished = lost.unfinishedSlots();
        BitSet u = of(unfinished);
        BitSet finished = new BitSet();
        finished.set(0, PUBLISHED);
        finished.andNot(u);

        // what the loss reports
        assertEquals("test-losing", lost.backendName());
        assertTrue(lost.settled());
        assertEquals(FailureClass.DEVICE_LOSS, FailureClassifier.classify(lost.getCause()));
        assertEquals(FailureClassifier.DISPATCH_FAILED, lost.stableCode());
        assertEquals(log, lost.replayLog().orElseThrow());
        String message = lost.getMessage();
        assertEquals(message.indexOf("Fix: "), message.lastIndexOf("Fix: "), message);
        assertTrue(message.contains("Recovery.rerun"), message);
        // The reference interpreter polls the ring, so a slot written before the loss was injected may
        // already have been claimed and run: where the line falls among slots 100..199 depends on timing.
        // Slots published after the loss (200..) can never run, and slots awaited before it all ran.
        assertEquals(PUBLISHED - 200, u.get(200, PUBLISHED).cardinality(),
                "every slot published after the loss is unfinished: " + u);
        assertTrue(u.get(0, 100).isEmpty(), "slots awaited before the loss are finished: " + u);
        for (int slot = 0; slot < PUBLISHED; slot++) {
            int status = Words.get(MemorySegment.ofArray(lostRing), (long) slot * SlotLayout.SLOT_WORDS);
            assertEquals(u.get(slot), status == SlotStatus.PUBLISHED || status == SlotStatus.CLAIMED, "slot " + slot);
        }
        // the lost device ran exactly the finished slots, each once (DONE_COUNT and every bit)
        assertEquals(finished, ranSlots(lostControl));
        assertEquals(finished.cardinality(), Words.get(MemorySegment.ofArray(lostControl), 1));
        // the records: the newest of each unfinished slot, in publish order, exact images
        List<ReplayRecord> pending = lost.pendingRecords();
        assertArrayEquals(unfinished, pending.stream().mapToInt(ReplayRecord::slotIndex).sorted().toArray());
        for (int i = 1; i < pending.size(); i++) {
            assertTrue(pending.get(i).sequence() > pending.get(i - 1).sequence(), "publish order");
        }
        for (ReplayRecord r : pending) {
            assertTrue(r.exact());
            assertEquals(Opcodes.ATOMIC_ADD, r.opcode());
            assertEquals(1 << (r.slotIndex() % 32), r.word(SlotLayout.ARG0_WORD));
            assertEquals(160 + r.slotIndex() / 32, r.word(SlotLayout.ARG0_WORD + 1));
        }
        // the evidence: class, code and the BLAKE3 digest of each unfinished slot's ring image
        assertEquals(unfinished.length, lost.evidence().size());
        for (int i = 0; i < unfinished.length; i++) {
            ReplayFailureEvidence e = lost.evidence().get(i);
            byte[] slotImage = Arrays.copyOfRange(lostRing, unfinished[i] * SlotLayout.SLOT_BYTES,
                    (unfinished[i] + 1) * SlotLayout.SLOT_BYTES);
            assertEquals(FailureClass.DEVICE_LOSS, e.failureClass());
            assertEquals(FailureClassifier.DISPATCH_FAILED, e.backendErrorCode());
            assertEquals(ReplayFailureEvidence.digestOf(slotImage), e.outputDigest());
            assertEquals(Words.get(MemorySegment.ofArray(slotImage), 0), e.slotStatus());
        }

        // recovery: on the plain reference backend, or on the same (losing) backend, which holds out this time
        BackendProvider target = recoverOn.equals("same") ? losing : new ReferenceBackendProvider();
        try (Vyre again = Vyre.open(target);
             Session r = again.openSession(Recovery.optionsFor(lost, dir.resolve("recovery.vrri")))) {
            RecoveryResult result = Recovery.rerun(lost, r, WAIT);
            assertArrayEquals(pending.stream().mapToInt(ReplayRecord::slotIndex).toArray(), result.slots());
            assertEquals(unfinished.length, result.done());
            assertEquals(0, result.faulted());
            byte[] control = r.controlSnapshot();
            assertEquals(u, ranSlots(control), "the recovery ran exactly the unfinished slots");
            assertEquals(unfinished.length, Words.get(MemorySegment.ofArray(control), 1));
            assertEquals(0, r.unfinishedSlots().length);
        }
        assertEquals(1, losing.losses.get(), "the recovery session did not lose its device");
        BitSet union = ranSlots(lostControl);
        assertFalse(union.intersects(u), "no slot ran on both sides");
        union.or(u);
        BitSet all = new BitSet();
        all.set(0, PUBLISHED);
        assertEquals(all, union, "every slot ran");
    }

    @Test
    void aNewProcessRecoversFromTheLogFileAndTheSlotList() {
        Path log = dir.resolve("lost.vrri");
        DeviceLossException lost;
        try (Vyre vyre = Vyre.open(new LosingReferenceProvider(LOSE_AFTER));
             Session s = vyre.openSession(options(log, ReplayLogFormat.FULL_IMAGE, false))) {
            lost = publishUntilLost(s);
        }
        try (Vyre again = Vyre.open(new ReferenceBackendProvider());
             Session r = again.openSession(options(null, ReplayLogFormat.FULL_IMAGE, false))) {
            RecoveryResult result = Recovery.rerun(log, lost.unfinishedSlots(), r, WAIT);
            assertEquals(lost.unfinishedSlots().length, result.done());
            assertEquals(of(lost.unfinishedSlots()), ranSlots(r.controlSnapshot()));
            assertThrows(VyreArgumentException.class, () -> Recovery.rerun(log, new int[] {3, 3}, r, WAIT));
        }
    }

    @Test
    void withoutALogTheLossStillNamesTheSlotsButRecoveryRefuses() {
        DeviceLossException lost;
        try (Vyre vyre = Vyre.open(new LosingReferenceProvider(LOSE_AFTER));
             Session s = vyre.openSession(options(null, ReplayLogFormat.FULL_IMAGE, false))) {
            lost = publishUntilLost(s);
        }
        assertTrue(lost.unfinishedSlots().length >= PUBLISHED - 200);
        assertTrue(lost.pendingRecords().isEmpty());
        assertTrue(lost.getMessage().endsWith("SessionOptions.replayLog and recover with Recovery.rerun"),
                lost.getMessage());
        try (Vyre again = Vyre.open(new ReferenceBackendProvider());
             Session r = again.openSession(Recovery.optionsFor(lost, null))) {
            BackendException e = assertThrows(BackendException.class, () -> Recovery.rerun(lost, r, WAIT));
            assertTrue(e.getMessage().contains("no record") && e.getMessage().contains("Fix: "), e.getMessage());
            assertEquals(0, r.doneCount(), "nothing was published");
        }
    }

    @Test
    void theRecoverySessionKeepsTheLostSessionsIsolationAndDataPlacement() {
        TenantIsolation isolation = TenantIsolation.equalSplit(1);
        SessionOptions isolated = SessionOptions.builder().slotCount(SLOTS).tenantCount(1).observableSlots(16)
                .dataBufferBytes(64).isolation(isolation).residentData(true)
                .replayLog(new ReplayLogOptions(dir.resolve("isolated.vrri"), 4096, ReplayLogFormat.FULL_IMAGE, false))
                .build();
        DeviceLossException lost;
        try (Vyre vyre = Vyre.open(new LosingReferenceProvider(LOSE_AFTER));
             Session s = vyre.openSession(isolated)) {
            lost = publishUntilLost(s);
        }
        SessionOptions recovery = Recovery.optionsFor(lost, dir.resolve("isolated-recovery.vrri"));
        assertEquals(isolation, recovery.isolation(), "a re-run slot stays inside its tenant's windows");
        assertTrue(recovery.residentData());
        try (Vyre again = Vyre.open(new ReferenceBackendProvider());
             Session r = again.openSession(recovery)) {
            RecoveryResult result = Recovery.rerun(lost, r, WAIT);
            assertEquals(lost.unfinishedSlots().length, result.done());
            assertEquals(0, result.faulted(), "tenant 0's window holds every word the slots add into");
            assertEquals(of(lost.unfinishedSlots()), ranSlots(r.controlSnapshot()));
        }
    }

    @Test
    void aVrrl0001LogIsNotExactSoRecoveryRefusesIt() {
        DeviceLossException lost;
        try (Vyre vyre = Vyre.open(new LosingReferenceProvider(LOSE_AFTER));
             Session s = vyre.openSession(options(dir.resolve("lost.vrrl"), ReplayLogFormat.VRRL0001, false))) {
            lost = publishUntilLost(s);
        }
        assertEquals(lost.unfinishedSlots().length, lost.pendingRecords().size());
        try (Vyre again = Vyre.open(new ReferenceBackendProvider());
             Session r = again.openSession(Recovery.optionsFor(lost, null))) {
            VyreArgumentException e = assertThrows(VyreArgumentException.class, () -> Recovery.rerun(lost, r, WAIT));
            assertTrue(e.getMessage().contains("FULL_IMAGE"), e.getMessage());
            assertEquals(0, r.doneCount());
        }
        assertThrows(VyreArgumentException.class,
                () -> Recovery.optionsFor(lost, dir.resolve("lost.vrrl")), "the lost log must not be overwritten");
    }

    @Test
    void aRunningSessionReportsItsInFlightSlotsAndNoLoss() {
        try (Vyre vyre = Vyre.open(new LosingReferenceProvider(Integer.MAX_VALUE));
             Session s = vyre.openSession(options(null, ReplayLogFormat.FULL_IMAGE, false))) {
            // tenant 1 is not authorised yet, so the slot cannot run before it is looked at (the reference workers
            // poll the ring: a deferred slot of an authorised tenant may run before its flush)
            s.publishDeferred(7, 1, Opcodes.NOP, 0, 0, 0);
            assertArrayEquals(new int[] {7}, s.unfinishedSlots(), "a deferred slot is unfinished until it runs");
            s.writeControlWord(s.controlWord(ControlLayout.TENANT_BASE) + 1, -1);
            s.flush();
            assertTrue(s.awaitSlotStatus(7, SlotStatus.DONE, WAIT));
            assertEquals(0, s.unfinishedSlots().length);
            assertTrue(s.deviceLoss().isEmpty());
        }
    }
}
