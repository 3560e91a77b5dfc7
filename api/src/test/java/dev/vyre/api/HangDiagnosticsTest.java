package dev.vyre.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.api.SessionRuntimeTest.Log;
import dev.vyre.protocol.BackendException;
import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.IoQueueLayout;
import dev.vyre.protocol.SlotStatus;
import dev.vyre.protocol.Words;
import dev.vyre.spi.Liveness;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When the watchdog fires, or close finds the interpreter still running, the exception and the
 * {@code dev.vyre.WatchdogStall} JFR event carry the state that explains it: the slot-status histogram, the
 * CLAIMED slots and how long each has been CLAIMED, heartbeat and its age, EPOCH and DONE_COUNT, and the IO
 * queue. The ring, IO queue and control words are set by hand through a recording driver, so every figure is
 * known.
 */
class HangDiagnosticsTest {

    @TempDir
    Path dir;

    /** Slot statuses of the 10-slot ring: 3 EMPTY, 1 PUBLISHED, 2 CLAIMED, 2 DONE, 1 FAULT, 1 YIELD. */
    private static final int[] STATUSES = {SlotStatus.DONE, SlotStatus.CLAIMED, SlotStatus.EMPTY, SlotStatus.PUBLISHED,
        SlotStatus.EMPTY, SlotStatus.FAULT, SlotStatus.CLAIMED, SlotStatus.DONE, SlotStatus.YIELD, SlotStatus.EMPTY};

    private static Session stage(Vyre vyre, Log log) {
        Session s = vyre.openSession(SessionOptions.builder().slotCount(STATUSES.length).observableSlots(16).build());
        MemorySegment ring = log.driver.memory().ring();
        for (int slot = 0; slot < STATUSES.length; slot++) {
            Words.setRelease(ring, slot * 16L, STATUSES[slot]);
        }
        MemorySegment io = log.driver.memory().ioQueue();
        Words.setRelease(io, 3L * IoQueueLayout.IO_SLOT_WORDS + IoQueueLayout.STATUS_WORD, SlotStatus.PUBLISHED);
        Words.setRelease(io, 9L * IoQueueLayout.IO_SLOT_WORDS + IoQueueLayout.STATUS_WORD, SlotStatus.CLAIMED);
        Words.setRelease(io, 12L * IoQueueLayout.IO_SLOT_WORDS + IoQueueLayout.STATUS_WORD, IoQueueLayout.STATUS_OK);
        Words.setRelease(log.driver.memory().control(), ControlLayout.EPOCH, 4);
        Words.setRelease(log.driver.memory().control(), ControlLayout.DONE_COUNT, 9);
        return s;
    }

    private static final String STATE = "slots: EMPTY 3, PUBLISHED 1, CLAIMED 2, DONE 2, YIELD 1, FAULT 1";
    private static final String IO = "IO queue: 61 EMPTY; 3 PUBLISHED, 9 CLAIMED, 12 OK";

    @Test
    void theWatchdogErrorAndItsJfrEventCarryTheStateThatExplainsTheStall() throws Exception {
        Recording recording = new Recording();
        recording.enable("dev.vyre.WatchdogStall").with("throttle", "off");
        recording.start();
        Log log = new Log();
        BackendException e;
        long waitedMillis;
        try (Vyre vyre = Vyre.open(SessionRuntimeTest.provider(log)); Session s = stage(vyre, log)) {
            long t0 = System.nanoTime();
            // a wait that times out while the interpreter looks healthy: the watchdog's looks stamp slots 1 and 6
            assertFalse(s.awaitSlotStatus(3, SlotStatus.DONE, Duration.ofMillis(400)));
            Words.setRelease(log.driver.memory().ring(), 6 * 16L, SlotStatus.DONE); // slot 6 finished...
            Thread.sleep(150);
            assertFalse(s.awaitSlotStatus(3, SlotStatus.DONE, Duration.ofMillis(150)));
            Words.setRelease(log.driver.memory().ring(), 6 * 16L, SlotStatus.CLAIMED); // ...and was claimed again
            waitedMillis = (System.nanoTime() - t0) / 1_000_000;
            log.liveness = new Liveness(Liveness.State.STALLED, 77, 3_000_000_000L);
            e = assertThrows(BackendException.class,
                    () -> s.awaitSlotStatus(3, SlotStatus.DONE, Duration.ofSeconds(5)));
            log.liveness = Liveness.running();
        }
        String m = e.getMessage();
        assertTrue(m.contains("its heartbeat (77) has not moved for 3000 ms (" + STATE + "; CLAIMED slots: 1 for >= "),
                m);
        assertTrue(m.contains("; heartbeat 77, unchanged for 3000 ms; epoch 4, DONE_COUNT 9; " + IO + ")"), m);
        assertEquals(m.indexOf("Fix: "), m.lastIndexOf("Fix: "), m);
        long slot1 = claimedMillis(m, 1);
        long slot6 = claimedMillis(m, 6);
        assertTrue(slot1 >= 500 && slot1 <= waitedMillis + 1_000, m); // seen CLAIMED since the first look
        assertTrue(slot6 < slot1 && slot6 < 500, m);                 // its earlier claim was forgotten
        assertTrue(m.indexOf("CLAIMED slots: 1 for") < m.indexOf(", 6 for"), "the oldest first: " + m);

        recording.stop();
        Path file = dir.resolve("stall.jfr");
        recording.dump(file);
        recording.close();
        List<RecordedEvent> stalls = RecordingFile.readAllEvents(file).stream()
                .filter(ev -> ev.getEventType().getName().equals("dev.vyre.WatchdogStall")).toList();
        assertEquals(1, stalls.size());
        RecordedEvent ev = stalls.getFirst();
        assertEquals(77, ev.getLong("heartbeat"));
        assertEquals(Duration.ofSeconds(3), ev.getDuration("age"));
        assertEquals(STATE.substring("slots: ".length()), ev.getString("slotHistogram"));
        assertEquals(2, ev.getInt("claimedCount"));
        assertTrue(ev.getString("claimedSlots").matches("1 for >= \\d+ ms, 6 for >= \\d+ ms"),
                ev.getString("claimedSlots"));
        assertEquals(Duration.ofMillis(slot1), ev.getDuration("oldestClaimed").truncatedTo(ChronoUnit.MILLIS));
        assertEquals(4, ev.getLong("epoch"));
        assertEquals(9, ev.getLong("doneCount"));
        assertEquals(IO.substring("IO queue: ".length()), ev.getString("ioQueue"));
        assertTrue(Files.size(file) > 0);
    }

    @Test
    void aCloseWhoseInterpreterDoesNotStopNamesTheClaimedSlots() {
        Log log = new Log();
        log.stops = false;
        Vyre vyre = Vyre.open(SessionRuntimeTest.provider(log));
        Session s = stage(vyre, log);
        BackendException e = assertThrows(BackendException.class, s::close);
        String m = e.getMessage();
        assertTrue(m.contains("did not stop within 10000 ms of SHUTDOWN (" + STATE + "; CLAIMED slots: "), m);
        assertTrue(m.matches(".*CLAIMED slots: \\d for >= \\d+ ms, \\d for >= \\d+ ms; heartbeat none; epoch 4,"
                + " DONE_COUNT 9; " + IO + "\\).*"), m);
        assertTrue(m.contains("vyre_abort_requested") && m.contains("abortRequested()"), m);
        assertEquals(m.indexOf("Fix: "), m.lastIndexOf("Fix: "), m);
        vyre.close();
    }

    @Test
    void manyClaimedSlotsAreCountedAndTheOldestListed() {
        HangDiagnostics d = new HangDiagnostics(40);
        d.observe(slot -> slot < 20 ? SlotStatus.CLAIMED : SlotStatus.EMPTY, 1_000_000L);
        HangDiagnostics.Report r = d.report(slot -> slot < 30 ? SlotStatus.CLAIMED : 99, q -> SlotStatus.EMPTY, -1, 0,
                -1, -1, 501_000_000L);
        assertEquals("EMPTY 0, PUBLISHED 0, CLAIMED 30, DONE 0, FAULT 0, other 10", r.slotHistogram());
        assertEquals(30, r.claimedSlots().length);
        assertEquals(500_000_000L, r.oldestClaimedNanos());
        String listed = r.claimed();
        assertTrue(listed.startsWith("0 for >= 500 ms, 1 for >= 500 ms,") && listed.endsWith(", and 14 more"), listed);
        assertEquals(HangDiagnostics.LISTED, listed.split(" for >= ").length - 1, listed);
        assertTrue(r.describe().contains("heartbeat none; epoch unreadable, DONE_COUNT unreadable; IO queue: 64 EMPTY"),
                r.describe());
    }

    private static long claimedMillis(String message, int slot) {
        Matcher m = Pattern.compile("[ :]" + slot + " for >= (\\d+) ms").matcher(message);
        assertTrue(m.find(), message);
        return Long.parseLong(m.group(1));
    }
}
