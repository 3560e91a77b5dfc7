package dev.vyre.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.protocol.BackendException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The host side of the submission queues against a Java model of the kernel's leader (the rules of "Submissions"
 * in {@code vyre_megakernel.cu}): it polls each queue's tail line, takes the array entries below the line's tag,
 * checks a whole line against the entry it names, and stores the queue's consumed count.
 */
class SubmissionQueuesTest {

    /** Slots each producer of the concurrent case cycles through. */
    private static final int SLOTS_PER_PRODUCER = 100;
    /** Entries per queue in the concurrent case: small, so producers also wait for room. */
    private static final long CAPACITY = 32;
    private static final VarHandle U64 = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();

    @Test
    void eachOfTheFirstCountThreadsGetsItsOwnQueueAndFurtherThreadsShare() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            SubmissionQueues queues = queues(arena, 4, 16, () -> { });
            Set<Integer> first = ConcurrentHashMap.newKeySet();
            List<Integer> all = new CopyOnWriteArrayList<>();
            for (int t = 0; t < 6; t++) {
                Thread thread = Thread.ofPlatform().start(() -> {
                    int q = queues.ofCurrentThread();
                    assertEquals(q, queues.ofCurrentThread(), "a thread keeps its queue");
                    all.add(q);
                });
                thread.join();
                if (t < 4) {
                    first.add(all.get(t));
                }
            }
            assertEquals(Set.of(0, 1, 2, 3), first);
            assertEquals(List.of(0, 1, 2, 3, 0, 1), all);
            SubmissionQueues single = queues(arena, 1, 16, () -> { });
            assertEquals(0, single.ofCurrentThread());
        }
    }

    /**
     * @param deviceTails the tail lines in a block of their own, written with the fences of write-combined memory
     *                    (as for device memory written through BAR1), the consumed words still in the link block
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void concurrentPublishersDeliverEveryPublicationOnceAndInOrderPerQueue(boolean deviceTails) throws Exception {
        int queueCount = 2;
        int producers = 4; // two threads share each queue
        int perProducer = 3_000;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment link = arena.allocate(SubmissionQueues.LINK_BYTES_NEEDED, 64);
            MemorySegment entries = arena.allocate(queueCount * CAPACITY * Long.BYTES, 64);
            MemorySegment tails = deviceTails ? arena.allocate(SubmissionQueues.LINK_BYTES_NEEDED, 64) : link;
            SubmissionQueues queues = new SubmissionQueues(queueCount, CAPACITY, entries, link, tails, deviceTails,
                    () -> { }, 10_000_000_000L);
            AtomicBoolean done = new AtomicBoolean();
            long[][] taken = new long[producers][];
            int[] counts = new int[producers];
            for (int p = 0; p < producers; p++) {
                taken[p] = new long[perProducer];
            }
            AtomicInteger wholeLinesChecked = new AtomicInteger();
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            Thread leader = Thread.ofPlatform().start(() -> {
                long[] seen = new long[queueCount];
                try {
                    while (!done.get() || anyAhead(tails, seen)) {
                        for (int q = 0; q < queueCount; q++) {
                            long line = SubmissionQueues.tailLineByte(q);
                            long w0 = (long) U64.getAcquire(tails, line);
                            long tag = w0 >>> 32;
                            if (tag == seen[q]) {
                                continue;
                            }
                            assertTrue(tag > seen[q] && tag - seen[q] <= CAPACITY, "tag " + tag + " after " + seen[q]);
                            for (long n = seen[q]; n < tag; n++) {
                                long e = (long) U64.getAcquire(entries, (q * CAPACITY + (n & (CAPACITY - 1))) * Long.BYTES);
                                int run = (int) e;
                                int first = run & ((1 << SubmissionQueues.RUN_SHIFT) - 1);
                                int length = (run >>> SubmissionQueues.RUN_SHIFT) + 1;
                                int producer = first / SLOTS_PER_PRODUCER;
                                int gen = (int) (e >>> 32);
                                for (int i = 0; i < length; i++) {
                                    int expected = counts[producer];
                                    assertEquals(producer * SLOTS_PER_PRODUCER + expected % SLOTS_PER_PRODUCER, first + i,
                                            "producer " + producer + ": slots in publication order");
                                    taken[producer][counts[producer]++] = gen;
                                }
                                if (n == tag - 1) {
                                    long w1 = (long) U64.getAcquire(tails, line + 8);
                                    if (w1 >>> 32 == tag && (int) w0 == run) {
                                        assertEquals(gen, (int) w1, "a whole line names the last entry's generation");
                                        wholeLinesChecked.incrementAndGet();
                                    }
                                }
                            }
                            seen[q] = tag;
                            U64.setRelease(link, SubmissionQueues.consumedByte(q), tag);
                        }
                    }
                } catch (Throwable t) {
                    failures.add(t);
                    done.set(true);
                }
            });
            List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                int producer = p;
                threads.add(Thread.ofPlatform().start(() -> {
                    int q = queues.ofCurrentThread();
                    int[] gens = new int[SLOTS_PER_PRODUCER * producers];
                    int seq = 0; // slots published so far
                    int entriesPerAnnounce = 1;
                    while (seq < perProducer && failures.isEmpty()) {
                        // 1..3 entries per announce, each a run of 1..7 slots that does not wrap the producer's range
                        int[] runs = new int[entriesPerAnnounce];
                        int[] gensOf = new int[entriesPerAnnounce];
                        int n = 0;
                        for (; n < entriesPerAnnounce && seq < perProducer; n++) {
                            int at = seq % SLOTS_PER_PRODUCER;
                            int length = Math.min(Math.min(1 + (seq * 31 + n) % 7, SLOTS_PER_PRODUCER - at),
                                    perProducer - seq);
                            int slot = producer * SLOTS_PER_PRODUCER + at;
                            runs[n] = SubmissionQueues.run(slot, length);
                            gensOf[n] = SubmissionQueues.runGeneration(gens, slot, slot + length);
                            seq += length;
                        }
                        long first = queues.reserve(q, n);
                        for (int i = 0; i < n; i++) {
                            queues.entry(q, first + i, gensOf[i], runs[i]);
                        }
                        queues.publishTail(q, first, n, runs[n - 1], gensOf[n - 1], 0, 0, 0, 0, 0, 0);
                        entriesPerAnnounce = entriesPerAnnounce % 3 + 1;
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            done.set(true);
            leader.join();
            assertTrue(failures.isEmpty(), () -> "leader model failed: " + failures);
            for (int p = 0; p < producers; p++) {
                assertEquals(perProducer, counts[p], "slots published by producer " + p);
                for (int i = SLOTS_PER_PRODUCER; i < perProducer; i++) {
                    assertTrue(taken[p][i] - taken[p][i - SLOTS_PER_PRODUCER] > 0,
                            "a slot's next publication carries a newer generation (producer " + p + ", slot " + i + ")");
                }
            }
            for (int q = 0; q < queueCount; q++) { // quiescent now: each line is whole and names its queue's last entry
                long line = SubmissionQueues.tailLineByte(q);
                long w0 = (long) U64.getAcquire(tails, line);
                long w1 = (long) U64.getAcquire(tails, line + 8);
                long tag = w0 >>> 32;
                long last = (long) U64.getAcquire(entries, (q * CAPACITY + ((tag - 1) & (CAPACITY - 1))) * Long.BYTES);
                assertEquals(tag, w1 >>> 32, "queue " + q + "'s last line is whole");
                assertEquals((int) last, (int) w0, "queue " + q + "'s last line names its last entry's run");
                assertEquals((int) (last >>> 32), (int) w1, "and its generation");
                wholeLinesChecked.incrementAndGet();
            }
            assertTrue(wholeLinesChecked.get() >= queueCount, "tail lines were read whole");
        }
    }

    @Test
    void aRunFieldPacksTheFirstSlotAndTheLengthAndARunTakesANewerGenerationThanEachOfItsSlots() {
        assertEquals(7, SubmissionQueues.run(7, 1), "a single slot's field is its index");
        int field = SubmissionQueues.run((1 << 20) - 1, SubmissionQueues.MAX_RUN);
        assertEquals((1 << 20) - 1, field & 0xFFFFF);
        assertEquals(SubmissionQueues.MAX_RUN, (field >>> 20) + 1);
        int[] gens = {5, 9, 2, 0, Integer.MAX_VALUE, Integer.MIN_VALUE + 3};
        assertEquals(10, SubmissionQueues.runGeneration(gens, 0, 3));
        assertArrayEquals(new int[] {10, 10, 10, 0, Integer.MAX_VALUE, Integer.MIN_VALUE + 3}, gens);
        // across the 32-bit wrap, newer is the signed difference, as on the device
        assertEquals(Integer.MIN_VALUE + 4, SubmissionQueues.runGeneration(gens, 4, 6));
        assertEquals(Integer.MIN_VALUE + 4, gens[4]);
    }

    @Test
    void aQueueTheLeaderNeverDrainsIsReportedAfterTheStuckTimeWithAFix() {
        try (Arena arena = Arena.ofConfined()) {
            AtomicInteger kernelChecks = new AtomicInteger();
            SubmissionQueues queues = queues(arena, 2, 16, kernelChecks::incrementAndGet);
            int q = queues.ofCurrentThread();
            long first = queues.reserve(q, 16);
            assertEquals(0, first);
            BackendException e = assertThrows(BackendException.class, () -> queues.reserve(q, 1));
            assertTrue(e.getMessage().contains("queue " + q + " of 16 entries full"), e.getMessage());
            assertTrue(e.getMessage().contains("Fix:"), e.getMessage());
            assertEquals(1, kernelChecks.get(), "the kernel is checked before the queue is blamed");
        }
    }

    @Test
    void tailLinesAndConsumedWordsOfAllQueuesAreDisjointLinesInsideTheLinkBlock() {
        Set<Long> lines = new HashSet<>();
        for (int q = 0; q < SubmissionQueues.MAX_QUEUES; q++) {
            long tail = SubmissionQueues.tailLineByte(q);
            long consumed = SubmissionQueues.consumedByte(q);
            assertEquals(0, tail % 64, "tail line of queue " + q + " is line-aligned");
            assertEquals(0, consumed % 64, "consumed word of queue " + q + " starts a line");
            assertTrue(lines.add(tail) && lines.add(consumed), "queue " + q + " shares a line");
            assertTrue(consumed + 8 <= SubmissionQueues.LINK_BYTES_NEEDED);
        }
        // the link block's other words (heartbeat 32, DONE mirror 33, stopped 34, trace 40..47, mailbox 48..52)
        for (long word : new long[] {32, 33, 34, 40, 47, 48, 52}) {
            assertTrue(!lines.contains(word * 4 / 64 * 64), "word " + word + " collides with a queue line");
        }
    }

    private static boolean anyAhead(MemorySegment link, long[] seen) {
        for (int q = 0; q < seen.length; q++) {
            if (((long) U64.getAcquire(link, SubmissionQueues.tailLineByte(q)) >>> 32) != seen[q]) {
                return true;
            }
        }
        return false;
    }

    private static SubmissionQueues queues(Arena arena, int count, long capacity, Runnable checkKernel) {
        MemorySegment link = arena.allocate(SubmissionQueues.LINK_BYTES_NEEDED, 64);
        MemorySegment entries = arena.allocate(count * capacity * Long.BYTES, 64);
        return new SubmissionQueues(count, capacity, entries, link, link, false, checkKernel, 50_000_000L);
    }
}
