package dev.vyre.protocol;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Little-endian u32 word access on {@link MemorySegment}s, the only way protocol code touches
 * buffer memory. Word {@code i} occupies bytes {@code 4i .. 4i+3}.
 *
 * <p>Off-heap (native) segments use aligned {@code VarHandle}s, so the ordered forms are real
 * acquire / release / volatile accesses and the atomics are lock-free. Heap segments backed by
 * {@code byte[]} have 1-byte alignment and cannot carry atomic access modes; for them the
 * ordered forms are a plain access with the matching fence, which is correct for memory only
 * the host touches. Index arguments are word indices; callers bounds-check them.
 */
public final class Words {

    /** Aligned little-endian u32. */
    public static final ValueLayout.OfInt WORD = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Unaligned little-endian u32 (heap {@code byte[]} segments). */
    public static final ValueLayout.OfInt WORD_UNALIGNED =
            ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private static final VarHandle ALIGNED = WORD.varHandle();
    private static final VarHandle UNALIGNED = WORD_UNALIGNED.varHandle();
    private static final VarHandle PAIR = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    private static final VarHandle PAIR_UNALIGNED =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();

    private Words() {
    }

    /** @return the byte offset of word {@code index} */
    public static long offset(long index) {
        return index << 2;
    }

    /** @return the number of whole words in {@code segment} */
    public static long count(MemorySegment segment) {
        return segment.byteSize() >>> 2;
    }

    /**
     * Copies the whole words of {@code from} into {@code to} (at least as long), each word read with acquire
     * semantics and atomically: a native {@code from} whose address is 8-byte aligned is read as aligned 8-byte
     * pairs of words (half the loads, which matters where each load crosses a bus: BAR-mapped device memory),
     * anything else word by word.
     */
    public static void copyAcquire(MemorySegment from, MemorySegment to) {
        long words = count(from);
        long i = 0;
        if (from.isNative() && (from.address() & 7) == 0) {
            for (; i + 1 < words; i += 2) {
                PAIR_UNALIGNED.set(to, offset(i), (long) PAIR.getAcquire(from, offset(i)));
            }
        }
        for (; i < words; i++) {
            set(to, i, getAcquire(from, i));
        }
    }

    /** Plain read. */
    public static int get(MemorySegment segment, long index) {
        return (int) UNALIGNED.get(segment, offset(index));
    }

    /** Plain write. */
    public static void set(MemorySegment segment, long index, int value) {
        UNALIGNED.set(segment, offset(index), value);
    }

    /** Acquire read: later accesses are not reordered before it. */
    public static int getAcquire(MemorySegment segment, long index) {
        if (segment.isNative()) {
            return (int) ALIGNED.getAcquire(segment, offset(index));
        }
        int value = (int) UNALIGNED.get(segment, offset(index));
        VarHandle.acquireFence();
        return value;
    }

    /** Release write: earlier accesses are visible before it. */
    public static void setRelease(MemorySegment segment, long index, int value) {
        if (segment.isNative()) {
            ALIGNED.setRelease(segment, offset(index), value);
            return;
        }
        VarHandle.releaseFence();
        UNALIGNED.set(segment, offset(index), value);
    }

    /**
     * Opaque write on a native segment: performed, in program order with the thread's other opaque and stronger
     * accesses to the word, never elided or merged into a later write (a plain write on heap segments).
     */
    public static void setOpaque(MemorySegment segment, long index, int value) {
        if (segment.isNative()) {
            ALIGNED.setOpaque(segment, offset(index), value);
            return;
        }
        UNALIGNED.set(segment, offset(index), value);
    }

    /** Volatile read. */
    public static int getVolatile(MemorySegment segment, long index) {
        if (segment.isNative()) {
            return (int) ALIGNED.getVolatile(segment, offset(index));
        }
        VarHandle.fullFence();
        return (int) UNALIGNED.get(segment, offset(index));
    }

    /** Volatile write. */
    public static void setVolatile(MemorySegment segment, long index, int value) {
        if (segment.isNative()) {
            ALIGNED.setVolatile(segment, offset(index), value);
            return;
        }
        UNALIGNED.set(segment, offset(index), value);
        VarHandle.fullFence();
    }

    /**
     * Atomic compare-and-set on a native segment (a synchronized emulation on heap segments).
     *
     * @return true when the word held {@code expected} and now holds {@code desired}
     */
    public static boolean compareAndSet(MemorySegment segment, long index, int expected, int desired) {
        if (segment.isNative()) {
            return ALIGNED.compareAndSet(segment, offset(index), expected, desired);
        }
        synchronized (Words.class) {
            if ((int) UNALIGNED.get(segment, offset(index)) != expected) {
                return false;
            }
            UNALIGNED.set(segment, offset(index), desired);
            return true;
        }
    }

    /** Atomic compare-and-exchange; @return the previous value. */
    public static int compareAndExchange(MemorySegment segment, long index, int expected, int desired) {
        if (segment.isNative()) {
            return (int) ALIGNED.compareAndExchange(segment, offset(index), expected, desired);
        }
        synchronized (Words.class) {
            int prev = (int) UNALIGNED.get(segment, offset(index));
            if (prev == expected) {
                UNALIGNED.set(segment, offset(index), desired);
            }
            return prev;
        }
    }

    /** Atomic add (wrapping u32); @return the previous value. */
    public static int getAndAdd(MemorySegment segment, long index, int delta) {
        if (segment.isNative()) {
            return (int) ALIGNED.getAndAdd(segment, offset(index), delta);
        }
        synchronized (Words.class) {
            int prev = (int) UNALIGNED.get(segment, offset(index));
            UNALIGNED.set(segment, offset(index), prev + delta);
            return prev;
        }
    }

    /** Atomic exchange; @return the previous value. */
    public static int getAndSet(MemorySegment segment, long index, int value) {
        if (segment.isNative()) {
            return (int) ALIGNED.getAndSet(segment, offset(index), value);
        }
        synchronized (Words.class) {
            int prev = (int) UNALIGNED.get(segment, offset(index));
            UNALIGNED.set(segment, offset(index), value);
            return prev;
        }
    }
}
