package dev.vyre.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Randomised IO-queue and telemetry decoding on random, truncated and misaligned inputs: only
 * the documented exceptions, exact invariants, and no mutation on a refused call. The seed is
 * printed in every failure message.
 */
class IoTelemetryFuzzTest {

    private static final int CASES = 100_000;
    private static final int[] STATUSES = {0, 1, 2, 3, 4, 5, 6, 7, 0x10, 0x11, 99, -1};

    private static byte[] randomQueue(SplittableRandom r) {
        int len = switch (r.nextInt(4)) {
            case 0 -> r.nextInt(70);
            case 1 -> r.nextInt(66) * 32;
            case 2 -> r.nextInt(66) * 32 + 1 + r.nextInt(31);
            default -> r.nextInt(2200);
        };
        byte[] b = new byte[len];
        for (int i = 0; i < len; i++) {
            b[i] = (byte) r.nextInt();
        }
        for (int w = 6; w * 4 + 4 <= len; w += 8) {
            if (r.nextInt(3) != 0) {
                Le.put(b, w, STATUSES[r.nextInt(STATUSES.length)]);
            }
        }
        return b;
    }

    /** A heap view, sometimes at an odd byte offset of a larger array (misaligned address). */
    private static MemorySegment view(SplittableRandom r, byte[] b, int[] shift) {
        shift[0] = r.nextInt(4) == 0 ? 1 + r.nextInt(3) : 0;
        if (shift[0] == 0) {
            return MemorySegment.ofArray(b);
        }
        byte[] big = new byte[b.length + shift[0]];
        System.arraycopy(b, 0, big, shift[0], b.length);
        return MemorySegment.ofArray(big).asSlice(shift[0], b.length);
    }

    private static boolean validQueue(int len) {
        return len % 32 == 0 && len / 32 <= 64;
    }

    @Test
    void ioQueueDecodersOnRandomInputs() {
        long seed = System.nanoTime();
        SplittableRandom r = new SplittableRandom(seed);
        List<IoRequest> out = new ArrayList<>();
        int[] shift = new int[1];
        for (int c = 0; c < CASES; c++) {
            byte[] b = randomQueue(r);
            MemorySegment q = view(r, b, shift);
            byte[] before = q.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            String ctx = "seed " + seed + " case " + c + " len " + b.length + " shift " + shift[0];
            try {
                int op = r.nextInt(4);
                if (op == 0) {
                    List<IoRequest> polled = IoQueue.pollIoRequests(q);
                    assertTrue(validQueue(b.length), ctx);
                    int published = 0;
                    for (int s = 0; s < b.length / 32; s++) {
                        if (Le.word(b, s * 8 + 6) == SlotStatus.PUBLISHED) {
                            IoRequest req = polled.get(published++);
                            assertEquals(s, req.slotIdx(), ctx);
                            assertEquals(Le.word(b, s * 8 + 7), req.tag(), ctx);
                        }
                    }
                    assertEquals(published, polled.size(), ctx);
                    assertArrayEquals(before, q.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), ctx);
                } else if (op == 1) {
                    int n = IoQueue.claimIoRequestsInto(q, out);
                    assertTrue(validQueue(b.length), ctx);
                    assertEquals(n, out.size(), ctx);
                    for (IoRequest req : out) {
                        assertEquals(SlotStatus.PUBLISHED, Le.word(before, req.slotIdx() * 8 + 6), ctx);
                        assertEquals(SlotStatus.CLAIMED, Words.get(q, req.slotIdx() * 8L + 6), ctx);
                    }
                    assertEquals(0, IoQueue.tryClaimIoRequestsInto(q, out), ctx);
                } else {
                    List<IoOutcome> batch = new ArrayList<>();
                    int entries = op == 2 ? 1 : 1 + r.nextInt(4);
                    for (int i = 0; i < entries; i++) {
                        int slot = r.nextInt(8) == 0 ? r.nextInt() : r.nextInt(70);
                        batch.add(new IoOutcome(slot, r.nextBoolean()));
                    }
                    IoQueue.completeIoRequestsBatch(q, batch);
                    for (IoOutcome o : batch) {
                        int st = Words.get(q, o.slot() * 8L + 6);
                        assertTrue(st == IoQueueLayout.STATUS_OK || st == IoQueueLayout.STATUS_ERROR, ctx);
                    }
                }
            } catch (BackendException | QueueFullException e) {
                assertTrue(e.getMessage().contains(". Fix: "), ctx + ": " + e.getMessage());
                assertArrayEquals(before, q.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE),
                        ctx + ": a refused call must not write: " + e.getMessage());
            } catch (RuntimeException e) {
                fail(ctx + ": undocumented exception " + e, e);
            }
        }
    }

    @Test
    void telemetryDecodeOnRandomInputs() {
        long seed = System.nanoTime();
        SplittableRandom r = new SplittableRandom(seed);
        int[] shift = new int[1];
        for (int c = 0; c < CASES; c++) {
            int controlLen = r.nextInt(3) == 0 ? r.nextInt(700) : 640 + 4 * r.nextInt(8);
            int ringLen = r.nextInt(3) == 0 ? r.nextInt(300) : 64 * r.nextInt(6);
            byte[] control = new byte[controlLen];
            byte[] ring = new byte[ringLen];
            for (int i = 0; i < controlLen; i++) {
                control[i] = r.nextInt(4) == 0 ? (byte) r.nextInt() : 0;
            }
            for (int i = 0; i < ringLen; i++) {
                ring[i] = r.nextInt(3) == 0 ? (byte) r.nextInt() : 0;
            }
            for (int w = 0; w * 4 + 4 <= ringLen; w += 16) {
                Le.put(ring, w, STATUSES[r.nextInt(STATUSES.length)]);
            }
            String ctx = "seed " + seed + " case " + c + " control " + controlLen + " ring " + ringLen;
            try {
                int[] ops = r.nextBoolean() ? new int[0] : new int[] {r.nextInt(4), r.nextInt()};
                RingTelemetry t = RingTelemetry.tryDecodeWithWindowOpcodes(view(r, control, shift),
                        view(r, ring, shift), ops);
                assertTrue(controlLen >= 640 && controlLen % 4 == 0 && ringLen % 64 == 0, ctx);
                assertEquals(ringLen / 64, t.occupancy().totalSlots(), ctx);
                assertEquals(ringLen / 64, t.slots().size(), ctx);
                RuntimeCounters counters = t.runtimeCounters();
                assertTrue(counters.gpuIdlePpm() <= 1_000_000 && counters.occupancyProxyBps() <= 10_000, ctx);
                long windowSlots = t.windows().stream().mapToLong(w -> w.published() + w.claimed() + w.done()
                        + w.waitIo() + w.yieldCount() + w.requeue() + w.fault()).sum();
                assertTrue(windowSlots <= t.slots().size(), ctx);
                t.healthSince(t);
                if (c % 64 == 0) {
                    assertEquals(t.slots().size(), t.sketch(2, 16).totalSlots(), ctx);
                }
            } catch (BackendException e) {
                assertTrue(controlLen < 640 || controlLen % 4 != 0 || ringLen % 64 != 0, ctx + ": " + e.getMessage());
                assertTrue(e.getMessage().contains(". Fix: "), ctx);
            } catch (RuntimeException e) {
                fail(ctx + ": undocumented exception " + e, e);
            }
        }
    }
}
