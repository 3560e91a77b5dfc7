package dev.vyre.backend.cuda;

import dev.vyre.protocol.BackendException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The host side of the megakernel's submission queues (see "Submissions" in {@code vyre_megakernel.cu}): 1 to
 * {@value #MAX_QUEUES} queues, each an array of {@code capacity} u64 entries in pinned memory, a tail line (in the
 * link block or in device memory written through BAR1, {@link TailLines}) and a consumed word in the link block. A
 * thread publishes on the queue it was given at its first publication (round robin), so up to {@code count} threads
 * never write a shared line; more threads share queues, which stays correct because each queue orders its own
 * producers.
 *
 * <p>An entry names a run of up to {@value #MAX_RUN} consecutive slots with one generation, so a
 * {@code publishSlots} run of 64 slots costs the kernel's leader one 8-byte read across PCIe, not 64.
 *
 * <p>Per queue, publication {@code n} is: reserve {@code n} (an atomic add), wait until the leader has taken
 * {@code n - capacity}, write array entry {@code n}, wait until every earlier publication of the queue has its
 * tail line (so a queue's tail only moves forward), then write the tail line, word 0 last (release). A
 * write-combined tail line is written between two full fences: the first puts every earlier store (slot, array
 * entry) before it, the second sends it on at once instead of when the write-combining buffer is next evicted.
 *
 * <p>Memory: each queue's two host counters (reserved, tail) sit on their own 128-byte lines of one array, so
 * publishers on different queues share no cache line. Allocates nothing after construction, except one
 * thread-local entry per publishing thread.
 */
final class SubmissionQueues {

    /** Most slots one array entry names (must match VYRE_RUN_SHIFT: 32 - 20 bits of run length). */
    static final int MAX_RUN = 4096;
    /** Bits of the first slot in a run field; the run's length minus 1 sits above them (VYRE_RUN_SHIFT). */
    static final int RUN_SHIFT = 20;
    /** Most queues the kernel polls (must match VYRE_MAX_QUEUES). */
    static final int MAX_QUEUES = 8;
    /** Word offset of queue 1's tail line in the link block; queue q's is {@code QUEUE_BASE_WORD + 32 q}. */
    static final int QUEUE_BASE_WORD = 96;
    /** Bytes of link block the queues need, from word 0 (must cover {@code L_QUEUE_BASE + 32 * 8} words). */
    static final long LINK_BYTES_NEEDED = 4L * (QUEUE_BASE_WORD + 32L * MAX_QUEUES);

    private static final VarHandle U64 = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    private static final VarHandle COUNTER = MethodHandles.arrayElementVarHandle(long[].class);
    /** longs between two queues' counters (256 bytes) and between a queue's reserved and tail counters. */
    private static final int STRIDE = 32;
    private static final int RESERVED = 0;
    private static final int CONSUMED_SEEN = 1;
    private static final int TAIL = 16;

    private final int count;
    private final long capacity;
    private final long mask;
    private final MemorySegment entries;
    private final MemorySegment link;
    private final MemorySegment tails;
    private final boolean writeCombined;
    private final long[] counters;
    private final Runnable checkKernel;
    private final long stuckNanos;
    private final ThreadLocal<Integer> queueOfThread;

    /**
     * @param count       queues, 1..{@value #MAX_QUEUES}
     * @param capacity    entries per queue, a power of two
     * @param entries     {@code count * capacity} u64 entries (queue q's from entry {@code q * capacity})
     * @param link        the link block ({@link #LINK_BYTES_NEEDED} bytes at least): the consumed words
     * @param tails       where the tail lines are, at the link block's offsets: the link block or a device block
     * @param writeCombined whether stores to {@code tails} are write-combined (fenced before and after each line)
     * @param checkKernel throws when the kernel is dead or stalled (called while a queue stays full)
     * @param stuckNanos  how long a full queue is waited for before it is reported
     */
    SubmissionQueues(int count, long capacity, MemorySegment entries, MemorySegment link, MemorySegment tails,
                     boolean writeCombined, Runnable checkKernel, long stuckNanos) {
        if (count < 1 || count > MAX_QUEUES || Long.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("queues " + count + ", capacity " + capacity);
        }
        this.count = count;
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.entries = entries;
        this.link = link;
        this.tails = tails;
        this.writeCombined = writeCombined;
        this.counters = new long[count * STRIDE + TAIL + 1];
        this.checkKernel = checkKernel;
        this.stuckNanos = stuckNanos;
        AtomicInteger next = new AtomicInteger();
        this.queueOfThread = ThreadLocal.withInitial(() -> Math.floorMod(next.getAndIncrement(), count));
    }

    /** @return the queues */
    int count() {
        return count;
    }

    /** @return the byte offset of queue {@code q}'s tail line in the link block (or in the device block, the same offset) */
    static long tailLineByte(int q) {
        return 4L * (q == 0 ? 0 : QUEUE_BASE_WORD + 32L * q);
    }

    /** @return the byte offset of queue {@code q}'s consumed word (u64) in the link block */
    static long consumedByte(int q) {
        return tailLineByte(q) + 64L;
    }

    /** @return the calling thread's queue (0 when there is one) */
    int ofCurrentThread() {
        return count == 1 ? 0 : queueOfThread.get();
    }

    /**
     * Reserves publications {@code first .. first + n - 1} on queue {@code q} and waits until the last of them
     * has room in the array.
     *
     * @return {@code first}
     * @throws BackendException when the leader takes nothing for the stuck time, or the kernel died
     */
    long reserve(int q, int n) {
        int base = q * STRIDE;
        long first = (long) COUNTER.getAndAdd(counters, base + RESERVED, (long) n);
        long last = first + n - 1;
        if (last - (long) COUNTER.getOpaque(counters, base + CONSUMED_SEEN) >= capacity) {
            awaitRoom(q, last);
        }
        return first;
    }

    /**
     * @return the run field of slots {@code firstSlot .. firstSlot + count - 1}: the first slot in bits 0..19, the
     *         count minus 1 above (a single slot's field is its index)
     */
    static int run(int firstSlot, int count) {
        return ((count - 1) << RUN_SHIFT) | firstSlot;
    }

    /**
     * @return one generation for slots {@code from .. to - 1}, newer than each one's last (compared as the
     *         kernel does, by signed difference), now stored as theirs
     */
    static int runGeneration(int[] gens, int from, int to) {
        int newest = gens[from];
        for (int s = from + 1; s < to; s++) {
            if (gens[s] - newest > 0) {
                newest = gens[s];
            }
        }
        int gen = newest + 1;
        for (int s = from; s < to; s++) {
            gens[s] = gen;
        }
        return gen;
    }

    /**
     * Writes array entry {@code n} of queue {@code q}: {@code (generation << 32) | run}, every slot of the
     * {@link #run run} carrying {@code generation}.
     */
    void entry(int q, long n, int generation, int run) {
        U64.set(entries, (q * capacity + (n & mask)) * Long.BYTES,
                ((long) generation << 32) | Integer.toUnsignedLong(run));
    }

    /**
     * After publications below {@code first} of queue {@code q} have theirs, writes the queue's tail line for
     * {@code first .. first + n - 1}: tag {@code first + n}, the fields of the last one, word 0 last (release).
     */
    void publishTail(int q, long first, int n, int slot, int generation, int flags, int opcode, int tenant, int a0,
                     int a1, int a2) {
        int tailIndex = q * STRIDE + TAIL;
        while ((long) COUNTER.getAcquire(counters, tailIndex) != first) {
            Thread.onSpinWait();
        }
        long end = first + n;
        long line = tailLineByte(q);
        long tag = end << 32;
        MemorySegment l = tails;
        if (writeCombined) {
            VarHandle.fullFence();
        }
        U64.set(l, line + 8L, tag | Integer.toUnsignedLong(generation));
        U64.set(l, line + 16L, tag | Integer.toUnsignedLong(flags));
        U64.set(l, line + 24L, tag | Integer.toUnsignedLong(opcode));
        U64.set(l, line + 32L, tag | Integer.toUnsignedLong(tenant));
        U64.set(l, line + 40L, tag | Integer.toUnsignedLong(a0));
        U64.set(l, line + 48L, tag | Integer.toUnsignedLong(a1));
        U64.set(l, line + 56L, tag | Integer.toUnsignedLong(a2));
        U64.setRelease(l, line, tag | Integer.toUnsignedLong(slot));
        if (writeCombined) {
            VarHandle.fullFence();
        }
        COUNTER.setRelease(counters, tailIndex, end);
    }

    private void awaitRoom(int q, long n) {
        long deadline = System.nanoTime() + stuckNanos;
        long at = consumedByte(q);
        long consumed;
        while (n - (consumed = (long) U64.getAcquire(link, at)) >= capacity) {
            if (System.nanoTime() > deadline) {
                checkKernel.run();
                throw new BackendException("the CUDA megakernel stopped taking submissions (queue " + q + " of "
                        + capacity + " entries full for " + stuckNanos / 1_000_000L + " ms)",
                        "check isAlive(); restart the session");
            }
            Thread.onSpinWait();
        }
        int seen = q * STRIDE + CONSUMED_SEEN;
        long previous;
        while (consumed > (previous = (long) COUNTER.getOpaque(counters, seen))) {
            if (COUNTER.compareAndSet(counters, seen, previous, consumed)) {
                break;
            }
        }
    }
}
