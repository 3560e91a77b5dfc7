package dev.vyre.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.ReplayLogException;
import dev.vyre.protocol.SlotBusyException;
import dev.vyre.protocol.SlotStatus;
import dev.vyre.protocol.VyreArgumentException;
import dev.vyre.protocol.Words;
import dev.vyre.protocol.replay.AsyncReplayRecorder;
import dev.vyre.protocol.replay.ReplayLog;
import dev.vyre.protocol.replay.ReplayLogFormat;
import dev.vyre.protocol.replay.ReplayRecord;
import dev.vyre.protocol.replay.SessionGeometry;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Recording from the runtime: every publish path writes exactly the slots it put on the ring, in order,
 * with BATCH_FENCE epochs; refused calls record nothing; a log that cannot be created refuses the session.
 * Runs over {@link SessionRuntimeTest}'s recording driver, which executes nothing, so the ring still holds
 * every published image when the test compares it with the log.
 */
class SessionRecordingTest {

    @TempDir
    Path dir;

    private static int[] slotWords(byte[] ring, int slot) {
        int[] w = new int[16];
        for (int i = 0; i < 16; i++) {
            w[i] = Words.get(MemorySegment.ofArray(ring), slot * 16L + i);
        }
        return w;
    }

    /** Publishes through every path; returns the ring at the end. */
    private static byte[] publishEverything(Session s) {
        s.publish(0, 1, Opcodes.ATOMIC_ADD, 5, 165, 0);
        s.publish(1, 1, Opcodes.STORE_U32, new int[] {1, 2, 3, 4, 5, 6}, 6);
        s.publishDeferred(2, 1, Opcodes.BATCH_FENCE, 1, 7, 0);
        s.flush();
        s.writeRawSlot(6, new int[] {SlotStatus.CLAIMED, Opcodes.NOP, 0, 0, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9});
        MemorySegment images = MemorySegment.ofArray(new int[16 * 3]);
        for (int i = 0; i < 3; i++) {
            Slots.encode(images, i, 1, Opcodes.PACKED_SLOT, 2 | 4 << 8 | 1 << 16, 2 | 2 << 8, 40 + i);
            Words.set(images, 16L * i + 15, 0x7700 + i); // argument word 11: only a full image keeps it
        }
        assertEquals(2, s.publishSlots(4, images, 3), "slot 6 is CLAIMED: the run stops there");
        assertThrows(SlotBusyException.class, () -> s.publish(6, 0, Opcodes.NOP, 0, 0, 0));
        assertThrows(VyreArgumentException.class, () -> s.publish(99, 0, Opcodes.NOP, 0, 0, 0));
        assertThrows(VyreArgumentException.class, () -> s.publish(3, 0, 0xFFFF_FFF0, 0, 0, 0));
        return s.ringSnapshot();
    }

    /** @param drainThreads 0: recorded by the publish paths; else by a background recorder with that many drainers */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3})
    void everyPublishPathRecordsTheSlotsItWroteWholeAndInOrder(int drainThreads) {
        boolean background = drainThreads > 0;
        Path file = dir.resolve("session.vrri");
        SessionRuntimeTest.Log calls = new SessionRuntimeTest.Log();
        byte[] ring;
        SessionOptions options = SessionOptions.builder().slotCount(8).tenantCount(2).observableSlots(16)
                .replayLog(ReplayLogOptions.of(file, 64).withBackground(background)
                        .withDrainThreads(Math.max(1, drainThreads))).build();
        try (Vyre vyre = Vyre.open(SessionRuntimeTest.provider(calls)); Session s = vyre.openSession(options)) {
            assertEquals(file, s.replayLog().orElseThrow().path());
            assertEquals(background, s.replayRecorder().orElseThrow() instanceof AsyncReplayRecorder);
            if (s.replayRecorder().orElseThrow() instanceof AsyncReplayRecorder a) {
                assertEquals(drainThreads, a.drainThreads());
            }
            ring = publishEverything(s);
        }
        try (ReplayLog log = ReplayLog.read(file)) {
            assertEquals(ReplayLogFormat.FULL_IMAGE, log.format());
            assertEquals(new SessionGeometry(8, 2, 16, 0), log.geometry().orElseThrow());
            List<ReplayRecord> records = log.records();
            assertEquals(List.of(0, 1, 2, 6, 4, 5), records.stream().map(ReplayRecord::slotIndex).toList());
            assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L), records.stream().map(ReplayRecord::sequence).toList());
            assertEquals(List.of(0, 0, 0, 1, 1, 1), records.stream().map(ReplayRecord::epoch).toList(),
                    "the fence closes epoch 0");
            for (ReplayRecord r : records) {
                assertTrue(r.exact());
                assertArrayEquals(slotWords(ring, r.slotIndex()), r.image(), "record of slot " + r.slotIndex());
            }
            assertEquals(0x7701, records.get(5).word(15));
        }
    }

    /** @param drainThreads 0: recorded by the publish paths; else by a background recorder reading the ring */
    @ParameterizedTest
    @ValueSource(ints = {0, 2})
    void aFenceInsideAPublishedRunClosesItsEpochInTheLog(int drainThreads) {
        Path file = dir.resolve("fence.vrri");
        SessionOptions options = SessionOptions.builder().slotCount(8).tenantCount(2).observableSlots(16)
                .replayLog(ReplayLogOptions.of(file, 64).withBackground(drainThreads > 0)
                        .withDrainThreads(Math.max(1, drainThreads))).build();
        try (Vyre vyre = Vyre.open(SessionRuntimeTest.provider(new SessionRuntimeTest.Log()));
             Session s = vyre.openSession(options)) {
            MemorySegment images = MemorySegment.ofArray(new int[16 * 3]);
            Slots.encode(images, 0, 1, Opcodes.ATOMIC_ADD, 5, 1, 0);
            Slots.encode(images, 1, 1, Opcodes.BATCH_FENCE, 1, 7, 0);
            Slots.encode(images, 2, 1, Opcodes.ATOMIC_ADD, 5, 1, 0);
            assertEquals(3, s.publishSlots(0, images, 3));
            s.publish(3, 1, Opcodes.ATOMIC_ADD, 5, 1, 0);
        }
        try (ReplayLog log = ReplayLog.read(file)) {
            assertEquals(List.of(0, 0, 1, 1), log.records().stream().map(ReplayRecord::epoch).toList(),
                    "the run's fence closes epoch 0 for the slots after it");
        }
    }

    @Test
    void drainThreadsDefaultToAQuarterOfTheProcessorsAndAreChecked() {
        Path file = dir.resolve("x.vrri");
        assertEquals(AsyncReplayRecorder.defaultDrainThreads(), ReplayLogOptions.of(file, 8).drainThreads());
        assertEquals(Math.clamp(Runtime.getRuntime().availableProcessors() / 4, 1, 4),
                ReplayLogOptions.of(file, 8).withBackground(true).drainThreads());
        assertEquals(5, ReplayLogOptions.of(file, 8).withDrainThreads(5).withBackground(true).drainThreads());
        for (int bad : new int[] {0, 17}) {
            VyreArgumentException e = assertThrows(VyreArgumentException.class,
                    () -> ReplayLogOptions.of(file, 8).withDrainThreads(bad));
            assertTrue(e.getMessage().contains("drainThreads: " + bad + " is outside 1..16")
                    && e.getMessage().contains("Fix: "), e.getMessage());
        }
    }

    @Test
    void aVrrl0001LogKeepsOpcodeTenantAndFourArguments() {
        Path file = dir.resolve("session.vrrl");
        byte[] ring;
        SessionOptions options = SessionOptions.builder().slotCount(8).observableSlots(16)
                .replayLog(new ReplayLogOptions(file, 4, ReplayLogFormat.VRRL0001)).build();
        try (Vyre vyre = Vyre.open(SessionRuntimeTest.provider(new SessionRuntimeTest.Log()));
             Session s = vyre.openSession(options)) {
            ring = publishEverything(s);
        }
        try (ReplayLog log = ReplayLog.read(file)) {
            assertEquals(ReplayLogFormat.VRRL0001, log.format());
            List<ReplayRecord> records = log.records();
            assertEquals(List.of(2, 6, 4, 5), records.stream().map(ReplayRecord::slotIndex).toList(),
                    "capacity 4 keeps the newest four");
            for (ReplayRecord r : records) {
                assertFalse(r.exact());
                int[] ringWords = slotWords(ring, r.slotIndex());
                assertEquals(ringWords[1], r.opcode());
                assertEquals(ringWords[2], r.tenantId());
                assertArrayEquals(java.util.Arrays.copyOfRange(ringWords, 4, 8), r.slot().args());
            }
        }
    }

    @Test
    void aLogThatCannotBeCreatedRefusesTheSessionAndReleasesTheDriver() throws Exception {
        Path directory = Files.createDirectory(dir.resolve("a-directory"));
        SessionRuntimeTest.Log calls = new SessionRuntimeTest.Log();
        try (Vyre vyre = Vyre.open(SessionRuntimeTest.provider(calls))) {
            ReplayLogException e = assertThrows(ReplayLogException.class, () -> vyre.openSession(
                    SessionOptions.builder().slotCount(8).replayLog(directory, 16).build()));
            assertEquals(ReplayLogException.Kind.IO, e.kind());
            assertTrue(e.getMessage().contains(directory.toString()) && e.getMessage().contains("Fix: "),
                    e.getMessage());
            assertTrue(calls.calls.contains("stop") && calls.calls.contains("close"), calls.calls.toString());
        }
    }

    @Test
    void optionsRefuseAnImpossibleLog() {
        assertEquals("capacity", assertThrows(VyreArgumentException.class,
                () -> ReplayLogOptions.of(dir.resolve("x"), 0)).parameter());
        assertEquals("capacity", assertThrows(VyreArgumentException.class,
                () -> ReplayLogOptions.of(dir.resolve("x"), (1 << 20) + 1)).parameter());
        assertEquals("path", assertThrows(VyreArgumentException.class, () -> ReplayLogOptions.of(null, 4))
                .parameter());
        assertEquals(null, SessionOptions.builder().build().replayLog());
    }
}
