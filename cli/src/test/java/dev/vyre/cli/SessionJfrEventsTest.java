package dev.vyre.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.api.Session;
import dev.vyre.api.SessionOptions;
import dev.vyre.api.Slots;
import dev.vyre.api.Vyre;
import dev.vyre.protocol.IoRequest;
import dev.vyre.protocol.LoadMissCodec;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.SlotStatus;
import dev.vyre.protocol.Words;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runtime's JFR events over a real (reference-backend) session, read back from a dumped recording. */
class SessionJfrEventsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static List<RecordedEvent> named(List<RecordedEvent> events, String name) {
        return events.stream().filter(e -> e.getEventType().getName().equals(name)).toList();
    }

    @Test
    void aReferenceSessionRecordsOpenBatchesIoAndClose(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("session.jfr");
        try (Recording recording = new Recording()) {
            for (String name : List.of("SessionOpen", "SessionClose", "PublishBatch", "IoRequestsClaimed",
                    "IoRequestCompleted", "WatchdogStall", "DeviceLoss")) {
                recording.enable("dev.vyre." + name).with("throttle", "off");
            }
            recording.start();
            try (Vyre vyre = Vyre.open("reference");
                 Session s = vyre.openSession(SessionOptions.builder().slotCount(32).observableSlots(8)
                         .ioWaitTimeout(Duration.ofMinutes(1)).build())) {
                MemorySegment images = Arena.ofAuto().allocate(4L * Slots.BYTES, 8);
                for (int i = 0; i < 4; i++) {
                    Slots.encode(images, i, 0, Opcodes.ATOMIC_ADD, 1, Slots.observable(0), 0);
                }
                assertEquals(4, s.publishSlots(0, images, 4));
                s.publishDeferred(8, 0, Opcodes.NOP, 0, 0, 0);
                s.publishDeferred(9, 0, Opcodes.NOP, 0, 0, 0);
                s.flush();
                s.publish(10, 0, Opcodes.NOP, 0, 0, 0);
                int[] loadMiss = new int[16];
                MemorySegment slot = MemorySegment.ofArray(LoadMissCodec.encodeLoadMiss(3, false));
                for (int i = 0; i < 16; i++) {
                    loadMiss[i] = Words.get(slot, i);
                }
                s.writeRawSlot(11, loadMiss);
                List<IoRequest> claimed = List.of();
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (claimed.isEmpty() && System.nanoTime() < deadline) {
                    claimed = s.claimIoRequests();
                    Thread.onSpinWait();
                }
                assertEquals(1, claimed.size());
                s.completeIoRequest(claimed.getFirst().slotIdx(), true);
                assertTrue(s.awaitDoneCount(8, WAIT));
                assertTrue(s.awaitSlotStatus(11, SlotStatus.DONE, WAIT));
            }
            recording.stop();
            recording.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);

        RecordedEvent open = named(events, "dev.vyre.SessionOpen").getFirst();
        long session = open.getLong("session");
        assertEquals("reference", open.getString("backend"));
        assertEquals(32, open.getInt("slots"));
        assertTrue(!open.getString("device").isEmpty());

        List<RecordedEvent> batches = named(events, "dev.vyre.PublishBatch");
        assertEquals(2, batches.size(), batches.toString());
        assertEquals("publishSlots", batches.get(0).getString("api"));
        assertEquals(4, batches.get(0).getInt("slots"));
        assertEquals("flush", batches.get(1).getString("api"));
        assertEquals(8, batches.get(1).getInt("firstSlot"));
        assertEquals(2, batches.get(1).getInt("slots"));
        assertEquals(1, batches.get(1).getInt("doorbells"));

        assertEquals(1, named(events, "dev.vyre.IoRequestsClaimed").getFirst().getInt("requests"));
        assertTrue(named(events, "dev.vyre.IoRequestCompleted").getFirst().getBoolean("ok"));

        RecordedEvent close = named(events, "dev.vyre.SessionClose").getFirst();
        assertEquals(session, close.getLong("session"));
        assertEquals(8, close.getLong("doneCount"));
        assertTrue(close.getBoolean("stopped"));
        assertTrue(close.getDuration("openDuration").toNanos() > 0);
        assertTrue(named(events, "dev.vyre.WatchdogStall").isEmpty());
        assertTrue(named(events, "dev.vyre.DeviceLoss").isEmpty());
    }
}
