package dev.vyre.uring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.api.Session;
import dev.vyre.api.SessionOptions;
import dev.vyre.api.Vyre;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.SlotStatus;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Conformance-style LOAD_MISS cases against the reference interpreter: the GPU side (the
 * interpreter) reserves an IO slot and waits, the service serves it with io_uring, the slot ends
 * DONE (OK) or FAULT (ERROR); a CRC32C slot then proves the bytes landed.
 */
class IoQueueServiceTest {

    @TempDir
    Path dir;

    @BeforeAll
    static void ioUringAvailable() {
        UringSupport.assumeAvailable();
    }

    private static int[] loadMiss(int resource) {
        int[] words = new int[16];
        words[0] = SlotStatus.PUBLISHED;
        words[1] = Opcodes.LOAD_MISS;
        words[4] = resource;
        words[5] = 1;
        return words;
    }

    private static int crc(byte[] b, int from, int len) {
        CRC32C c = new CRC32C();
        c.update(b, from, len);
        return (int) c.getValue();
    }

    @Test
    void loadMissServedIntoTheRegisteredRegionThenChecksummed() throws Exception {
        byte[] file = new byte[10_000];
        new Random(21).nextBytes(file);
        Path path = Files.write(dir.resolve("resource"), file);
        Path shortFile = Files.write(dir.resolve("short"), Arrays.copyOf(file, 1000));
        Leaks leaks = Leaks.snapshot();
        try (Vyre b = Sessions.reference(); Session s = Sessions.open(b, 8, 64 * 1024, 1);
             IoResourceRegistry registry = new IoResourceRegistry()
                     .register(7, path, 100, 4096, 8192)
                     .register(8, shortFile, 500, 4096, 16384)) {
            s.dataBuffer().asSlice(16384, 4096).fill((byte) 0x5A); // stale bytes the short read must clear
            try (IoQueueService service = IoQueueService.start(s, registry)) {
                s.writeRawSlot(0, loadMiss(7));
                s.writeRawSlot(1, loadMiss(8));
                assertTrue(s.awaitSlotStatus(0, SlotStatus.DONE, Duration.ofSeconds(10)));
                assertTrue(s.awaitSlotStatus(1, SlotStatus.DONE, Duration.ofSeconds(10)));
                s.publish(2, 0, Opcodes.CRC32C, 8192, 4096, 0);
                s.publish(3, 0, Opcodes.CRC32C, 16384, 4096, 1);
                assertTrue(s.awaitSlotStatus(2, SlotStatus.DONE, Duration.ofSeconds(10)));
                assertTrue(s.awaitSlotStatus(3, SlotStatus.DONE, Duration.ofSeconds(10)));
                assertEquals(crc(file, 100, 4096), s.controlWord(160));
                byte[] tail = Arrays.copyOfRange(file, 500, 500 + 4096); // 500 real bytes, then zeros
                Arrays.fill(tail, 500, 4096, (byte) 0);
                assertEquals(crc(tail, 0, 4096), s.controlWord(161));
                assertArrayEquals(Arrays.copyOfRange(file, 100, 4196),
                        s.dataBuffer().asSlice(8192, 4096).toArray(ValueLayout.JAVA_BYTE));
                assertEquals(2, service.served());
                assertEquals(0, service.errors());
                assertTrue(service.fixedBuffers());
                byte[] io = s.ioQueueSnapshot();
                for (int q = 0; q < io.length / 32; q++) {
                    assertEquals(SlotStatus.EMPTY, io[q * 32 + 24] | io[q * 32 + 25] | io[q * 32 + 26] | io[q * 32 + 27],
                            "IO slot " + q + " status went back to EMPTY");
                }
            }
        }
        leaks.assertNoLeaks();
    }

    @Test
    void unknownResourceAndFailedReadFaultTheSlot() throws Exception {
        Path directory = Files.createDirectory(dir.resolve("dir"));
        Leaks leaks = Leaks.snapshot();
        try (Vyre b = Sessions.reference(); Session s = Sessions.open(b, 4, 16 * 1024, 1);
             IoResourceRegistry registry = new IoResourceRegistry().register(5, directory, 0, 4096, 0);
             IoQueueService service = IoQueueService.start(s, registry)) {
            s.writeRawSlot(0, loadMiss(99));
            s.writeRawSlot(1, loadMiss(5));
            assertTrue(s.awaitSlotStatus(0, SlotStatus.FAULT, Duration.ofSeconds(10)));
            assertTrue(s.awaitSlotStatus(1, SlotStatus.FAULT, Duration.ofSeconds(10)));
            assertEquals(1, service.unknownResources());
            assertEquals(2, service.errors());
            assertEquals(0, service.served());
            assertEquals(0, s.doneCount(), "faulted slots do not count as done");
            assertNull(service.failure());
        }
        leaks.assertNoLeaks();
    }

    @Test
    void closeWithNothingPendingStopsTheThreadAndTheSessionStillTimesOutCleanly() throws Exception {
        Leaks leaks = Leaks.snapshot();
        try (Vyre b = Sessions.reference(); Session s = b.openSession(SessionOptions.builder()
                .slotCount(2).dataBufferBytes(4096).ioWaitTimeout(Duration.ofMillis(100)).build());
             IoResourceRegistry registry = new IoResourceRegistry()) {
            IoQueueService.start(s, registry).close();
            s.writeRawSlot(0, loadMiss(1)); // nobody serves it now: bounded wait, then FAULT
            assertTrue(s.awaitSlotStatus(0, SlotStatus.FAULT, Duration.ofSeconds(10)));
        }
        leaks.assertNoLeaks();
    }
}
