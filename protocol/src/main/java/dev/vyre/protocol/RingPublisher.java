package dev.vyre.protocol;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;

/**
 * Host-side ring publishing: single slots, packed
 * slots, fenced batches, work items, and status transitions.
 *
 * <p>Every method validates completely before it writes, so a refused call leaves the ring
 * byte-for-byte unchanged, and it never writes outside the slots it names. Errors are
 * {@link QueueFullException}s on the {@code "submission"} queue with the protocol's fix texts.
 *
 * <p>Memory ordering: a publisher reads the target status with acquire, writes the slot's
 * payload words (opcode, tenant, priority NORMAL, 12 argument words, unused ones zero) with
 * plain stores and release-stores PUBLISHED into the status word last, so an executor that
 * acquires PUBLISHED sees the whole payload. Only EMPTY and DONE slots are written, and
 * executors never touch those, so publishing is safe while an interpreter runs. Transitions
 * use compare-and-set on the status word. Native ring segments must be 4-byte aligned (arena
 * allocations are); heap {@code byte[]} rings are for host-only use.
 *
 * <p>Slot indices, tenants, opcodes and argument words are u32 values in {@code int}s, read as
 * unsigned.
 */
public final class RingPublisher {

    static final String RING_LENGTH = "ring buffer byte length is not an exact multiple of SLOT_WORDS * 4; "
            + "rebuild it with Megakernel.encodeEmptyRing";
    /** Fix text of a publish refused for a slot index beyond the ring. */
    public static final String SLOT_BOUNDS = "slot_idx exceeds ring slot count; enlarge the ring (Megakernel.encodeEmptyRing) or pass a slot below its slot count";
    /** Fix text of a publish refused for more than 12 argument words. */
    public static final String TOO_MANY_ARGS = "too many args for one slot; 12 u32 args max per slot";
    /** Fix text of a publish refused for a system opcode. */
    public static final String BAD_OPCODE = "User opcode overlaps with reserved system range or uses the high bit.";
    /** Fix text of a publish refused because the slot is neither EMPTY nor DONE. */
    public static final String NOT_PUBLISHABLE =
            "slot is not publishable; only EMPTY and DONE slots may be written by the host";
    static final String PACKED_COUNT = "packed slot supports at most 255 inner opcodes";
    static final String PACKED_METADATA = "packed slot metadata exceeds the 12-word slot argument budget";
    static final String PACKED_PAYLOAD = "packed slot payload exceeds the 12-word slot argument budget";
    static final String BATCH_INDEX = "batch publish slot index overflowed u32; split the publish batch";
    static final String BATCH_EXCEEDS = "batch publish exceeds ring slot count; enlarge the ring or split the batch";
    static final String WORK_COUNT =
            "work item count exceeds ring slot count; enlarge the launch geometry before publishing";
    static final String WORK_INDEX = "work item publish slot index overflowed u32; split the publish batch";
    static final String WORK_EXCEEDS = "work item publish exceeds ring slot count; enlarge the ring or split the batch";
    static final String STATUS_OUTSIDE =
            "slot status is outside the validated ring buffer; validate ring length before publishing";

    private static final long U32_MAX = 0xFFFF_FFFFL;
    private static final int[] NO_ARGS = new int[0];

    private RingPublisher() {
    }

    // ---------------------------------------------------------------- single slot

    /**
     * Publishes one slot. Checks, first failure wins: ring length a
     * multiple of 64; {@code slotIdx} below the slot count; at most 12 args; opcode publishable
     * ({@link Opcodes#isPublishable}); status EMPTY or DONE.
     *
     * @throws QueueFullException on any refusal; the ring is unchanged
     */
    public static void publishSlot(MemorySegment ring, int slotIdx, int tenantId, int opcode, int... args) {
        long slot = checkSlot(ring, slotIdx);
        if (args.length > SlotLayout.ARGS_PER_SLOT) {
            throw refuse(TOO_MANY_ARGS);
        }
        requireOpcode(opcode);
        requirePublishable(ring, slot);
        writeSlot(ring, slot, opcode, tenantId, args);
    }

    /** {@link #publishSlot(MemorySegment, int, int, int, int...)} on a {@code byte[]} ring. */
    public static void publishSlot(byte[] ring, int slotIdx, int tenantId, int opcode, int... args) {
        publishSlot(MemorySegment.ofArray(ring), slotIdx, tenantId, opcode, args);
    }

    // ---------------------------------------------------------------- packed slot

    /**
     * Publishes a PACKED_SLOT. Payload bytes (little-endian
     * within argument words): byte 0 = op count {@code n}, byte 1 = total packed argument
     * words, bytes {@code 2+2i} / {@code 3+2i} = op id / argument word offset of op {@code i};
     * the arguments follow, concatenated, from argument word {@code ceil((2+2n)/4)}. Packing is
     * checked first (count at most 255, metadata and then payload within 12 words), then the
     * {@link #publishSlot} checks.
     *
     * @throws QueueFullException on any refusal; the ring is unchanged
     */
    public static void publishPackedSlot(MemorySegment ring, int slotIdx, int tenantId, List<PackedOp> ops) {
        int n = ops.size();
        if (n > ProtocolLimits.MAX_PACKED_OPS) {
            throw refuse(PACKED_COUNT);
        }
        int metaWords = packedMetaWords(n);
        if (metaWords > SlotLayout.ARGS_PER_SLOT) {
            throw refuse(PACKED_METADATA);
        }
        long run = 0;
        for (int i = 0; i < n; i++) {
            long end = run + ops.get(i).args().length;
            if (metaWords + end > SlotLayout.ARGS_PER_SLOT) {
                throw refuse(PACKED_PAYLOAD);
            }
            run = end;
        }
        long slot = checkSlot(ring, slotIdx);
        requirePublishable(ring, slot);

        long base = slot * SlotLayout.SLOT_WORDS;
        writeHeader(ring, base, Opcodes.PACKED_SLOT, tenantId);
        for (int j = 0; j < SlotLayout.ARGS_PER_SLOT; j++) {
            Words.set(ring, base + SlotLayout.ARG0_WORD + j, 0);
        }
        orPayloadByte(ring, base, 0, n);
        orPayloadByte(ring, base, 1, (int) run);
        int offset = 0;
        for (int i = 0; i < n; i++) {
            PackedOp op = ops.get(i);
            orPayloadByte(ring, base, 2 + 2 * i, op.opcode());
            orPayloadByte(ring, base, 3 + 2 * i, offset);
            int[] args = op.args();
            for (int a = 0; a < args.length; a++) {
                Words.set(ring, base + SlotLayout.ARG0_WORD + metaWords + offset + a, args[a]);
            }
            offset += args.length;
        }
        Words.setRelease(ring, base + SlotLayout.STATUS_WORD, SlotStatus.PUBLISHED);
    }

    /** {@link #publishPackedSlot(MemorySegment, int, int, List)} on a {@code byte[]} ring. */
    public static void publishPackedSlot(byte[] ring, int slotIdx, int tenantId, List<PackedOp> ops) {
        publishPackedSlot(MemorySegment.ofArray(ring), slotIdx, tenantId, ops);
    }

    /** @return metadata words of a packed slot with {@code n} inner ops: {@code ceil((2 + 2n) / 4)} */
    public static int packedMetaWords(int n) {
        return (2 + 2 * n + 3) / 4;
    }

    private static void orPayloadByte(MemorySegment ring, long base, int byteIdx, int value) {
        long word = base + SlotLayout.ARG0_WORD + byteIdx / 4;
        Words.set(ring, word, Words.get(ring, word) | ((value & 0xFF) << (8 * (byteIdx % 4))));
    }

    // ---------------------------------------------------------------- batch

    /**
     * Publishes {@code items} at slots {@code startSlot ..} and a BATCH_FENCE with args
     * {@code [items.size(), batchTag]} right after them. All-or-
     * nothing: ring length, index overflow, ring bounds, every item's args and opcode, and every
     * target status are checked before anything is written.
     *
     * @return the number of slots written, {@code items.size() + 1}
     * @throws QueueFullException on any refusal; the ring is unchanged
     */
    public static int batchPublish(MemorySegment ring, int startSlot, int tenantId, List<SlotOp> items, int batchTag) {
        long slots = ringSlots(ring);
        int count = items.size();
        long total = (long) count + 1;
        long start = Integer.toUnsignedLong(startSlot);
        long end = start + total;
        if (end > U32_MAX) {
            throw refuse(BATCH_INDEX);
        }
        if (end > slots) {
            throw refuse(BATCH_EXCEEDS);
        }
        for (int i = 0; i < count; i++) {
            SlotOp item = items.get(i);
            if (item.args().length > SlotLayout.ARGS_PER_SLOT) {
                throw refuse(TOO_MANY_ARGS);
            }
            requireOpcode(item.opcode());
        }
        for (long s = start; s < end; s++) {
            requirePublishable(ring, s);
        }
        for (int i = 0; i < count; i++) {
            SlotOp item = items.get(i);
            writeSlot(ring, start + i, item.opcode(), tenantId, item.args());
        }
        long fence = start + count;
        writeHeader(ring, fence * SlotLayout.SLOT_WORDS, Opcodes.BATCH_FENCE, tenantId);
        writeArgs(ring, fence * SlotLayout.SLOT_WORDS, 2, count, batchTag, 0);
        Words.setRelease(ring, fence * SlotLayout.SLOT_WORDS, SlotStatus.PUBLISHED);
        return (int) total;
    }

    /** {@link #batchPublish(MemorySegment, int, int, List, int)} on a {@code byte[]} ring. */
    public static int batchPublish(byte[] ring, int startSlot, int tenantId, List<SlotOp> items, int batchTag) {
        return batchPublish(MemorySegment.ofArray(ring), startSlot, tenantId, items, batchTag);
    }

    // ---------------------------------------------------------------- work items

    /**
     * Encodes a whole ring of {@code slotCount} slots into bytes {@code [0, slotCount * 64)} of
     * {@code dst}: item {@code i} PUBLISHED at slot {@code i} (op handle, tenant, NORMAL,
     * input, output, param), every other byte zero.
     * Validates first (item count, opcodes, allocation cap, then {@code dst} capacity);
     * {@code dst} is untouched on error.
     *
     * @return the number of bytes written
     * @throws QueueFullException       on a refused request
     * @throws IllegalArgumentException when {@code dst} is shorter than the ring
     */
    public static long encodeWorkItemsRingInto(int slotCount, int tenantId, List<WorkItem> items, MemorySegment dst) {
        long slots = checkWorkItemRing(slotCount, items);
        long len = slots * SlotLayout.SLOT_BYTES;
        Texts.requireCapacity(dst, len, "ring");
        MemorySegment out = dst.asSlice(0, len);
        out.fill((byte) 0);
        for (int i = 0; i < items.size(); i++) {
            WorkItem item = items.get(i);
            long base = (long) i * SlotLayout.SLOT_WORDS;
            writeHeader(out, base, item.opHandle(), tenantId);
            writeArgs(out, base, 3, item.inputHandle(), item.outputHandle(), item.param());
            Words.set(out, base + SlotLayout.STATUS_WORD, SlotStatus.PUBLISHED);
        }
        return len;
    }

    /** {@link #encodeWorkItemsRingInto(int, int, List, MemorySegment)} on a {@code byte[]}. */
    public static long encodeWorkItemsRingInto(int slotCount, int tenantId, List<WorkItem> items, byte[] dst) {
        return encodeWorkItemsRingInto(slotCount, tenantId, items, MemorySegment.ofArray(dst));
    }

    /**
     * The word-array form of {@link #encodeWorkItemsRingInto}: writes words
     * {@code [0, slotCount * 16)} of {@code dst}, identical to the byte encoder. Deliberate
     * difference from vyre 0.6.3 (spec §9.10): the range is always cleared first, so stale words
     * of a reused array never survive.
     *
     * @return the number of words written
     * @throws QueueFullException       on a refused request
     * @throws IllegalArgumentException when {@code dst} is shorter than the ring
     */
    public static int encodeWorkItemsRingWordsInto(int slotCount, int tenantId, List<WorkItem> items, int[] dst) {
        long slots = checkWorkItemRing(slotCount, items);
        long words = slots * SlotLayout.SLOT_WORDS;
        if (dst.length < words) {
            throw new IllegalArgumentException("ring destination has " + dst.length + " words but the encoding needs "
                    + words + ". Fix: pass a word array of at least slotCount * 16 words");
        }
        Arrays.fill(dst, 0, (int) words, 0);
        for (int i = 0; i < items.size(); i++) {
            WorkItem item = items.get(i);
            int base = i * SlotLayout.SLOT_WORDS;
            dst[base + SlotLayout.OPCODE_WORD] = item.opHandle();
            dst[base + SlotLayout.TENANT_WORD] = tenantId;
            dst[base + SlotLayout.PRIORITY_WORD] = Priority.NORMAL;
            dst[base + SlotLayout.ARG0_WORD] = item.inputHandle();
            dst[base + SlotLayout.ARG0_WORD + 1] = item.outputHandle();
            dst[base + SlotLayout.ARG0_WORD + 2] = item.param();
            dst[base + SlotLayout.STATUS_WORD] = SlotStatus.PUBLISHED;
        }
        return (int) words;
    }

    private static long checkWorkItemRing(int slotCount, List<WorkItem> items) {
        long slots = Integer.toUnsignedLong(slotCount);
        if (items.size() > slots) {
            throw refuse(WORK_COUNT);
        }
        for (int i = 0; i < items.size(); i++) {
            requireOpcode(items.get(i).opHandle());
        }
        if (slots > ProtocolLimits.MAX_ENCODED_RING_SLOTS) {
            throw refuse(Texts.RING_CAP);
        }
        return slots;
    }

    /**
     * Publishes work items at slots {@code startSlot ..} of a live ring (vyre
     * {@code publish_work_items}); other slots keep their bytes. Checks, in order: opcodes, ring
     * length, index overflow, ring bounds (also for zero items), target statuses.
     *
     * @return {@code items.size()}
     * @throws QueueFullException on any refusal; the ring is unchanged
     */
    public static int publishWorkItems(MemorySegment ring, int startSlot, int tenantId, List<WorkItem> items) {
        int count = items.size();
        for (int i = 0; i < count; i++) {
            requireOpcode(items.get(i).opHandle());
        }
        long slots = ringSlots(ring);
        long start = Integer.toUnsignedLong(startSlot);
        long end = start + count;
        if (end > U32_MAX) {
            throw refuse(WORK_INDEX);
        }
        if (end > slots) {
            throw refuse(WORK_EXCEEDS);
        }
        for (long s = start; s < end; s++) {
            requirePublishable(ring, s);
        }
        for (int i = 0; i < count; i++) {
            WorkItem item = items.get(i);
            long base = (start + i) * SlotLayout.SLOT_WORDS;
            writeHeader(ring, base, item.opHandle(), tenantId);
            writeArgs(ring, base, 3, item.inputHandle(), item.outputHandle(), item.param());
            Words.setRelease(ring, base + SlotLayout.STATUS_WORD, SlotStatus.PUBLISHED);
        }
        return count;
    }

    /** {@link #publishWorkItems(MemorySegment, int, int, List)} on a {@code byte[]} ring. */
    public static int publishWorkItems(byte[] ring, int startSlot, int tenantId, List<WorkItem> items) {
        return publishWorkItems(MemorySegment.ofArray(ring), startSlot, tenantId, items);
    }

    // ---------------------------------------------------------------- payloads of a live ring

    private static final java.lang.invoke.VarHandle PAIR = java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED
            .withOrder(java.nio.ByteOrder.LITTLE_ENDIAN).varHandle();

    /**
     * Writes words 1..15 of a slot (opcode, tenant, priority NORMAL, arguments 0..2, nine zero words)
     * with plain stores, eight bytes at a time where it can; the status word is left to the caller, who
     * release-stores it afterwards. No checks: the caller validated the slot index.
     */
    public static void writePayload(MemorySegment ring, int slotIdx, int tenantId, int opcode, int a0, int a1,
                                    int a2) {
        long at = (long) slotIdx * SlotLayout.SLOT_BYTES;
        Words.set(ring, (at >>> 2) + SlotLayout.OPCODE_WORD, opcode);
        PAIR.set(ring, at + 8, Integer.toUnsignedLong(tenantId) | ((long) Priority.NORMAL << 32));
        PAIR.set(ring, at + 16, Integer.toUnsignedLong(a0) | ((long) a1 << 32));
        PAIR.set(ring, at + 24, Integer.toUnsignedLong(a2));
        PAIR.set(ring, at + 32, 0L);
        PAIR.set(ring, at + 40, 0L);
        PAIR.set(ring, at + 48, 0L);
        PAIR.set(ring, at + 56, 0L);
    }

    /**
     * Writes words 1..15 of a slot with {@code argCount} argument words from {@code args} and zeros
     * after them; the status word is left to the caller. No checks: the caller validated the slot index
     * and {@code argCount}.
     */
    public static void writePayload(MemorySegment ring, int slotIdx, int tenantId, int opcode, int[] args,
                                    int argCount) {
        long base = (long) slotIdx * SlotLayout.SLOT_WORDS;
        writeHeader(ring, base, opcode, tenantId);
        for (int j = 0; j < SlotLayout.ARGS_PER_SLOT; j++) {
            Words.set(ring, base + SlotLayout.ARG0_WORD + j, j < argCount ? args[j] : 0);
        }
    }

    // ---------------------------------------------------------------- transitions

    /**
     * Moves one slot's status; only the status word
     * changes, by compare-and-set, so it is safe against a concurrently running interpreter.
     * Checks, in order: {@link SlotTransition#PUBLISH} is always refused; ring length a multiple
     * of 64; the status word lies inside the ring; the transition is legal from the current
     * status ({@link SlotTransition#allowedFrom}).
     *
     * @return the previous status
     * @throws QueueFullException on any refusal; the ring is unchanged
     */
    public static int transitionSlotStatus(MemorySegment ring, int slotIdx, SlotTransition transition) {
        if (transition == SlotTransition.PUBLISH) {
            throw refuse(transition.rejection());
        }
        ringSlots(ring);
        long statusWord = Integer.toUnsignedLong(slotIdx) * SlotLayout.SLOT_WORDS + SlotLayout.STATUS_WORD;
        if (Words.offset(statusWord + 1) > ring.byteSize()) {
            throw refuse(STATUS_OUTSIDE);
        }
        while (true) {
            int current = Words.getAcquire(ring, statusWord);
            if (!transition.allowedFrom(current)) {
                throw refuse(transition.rejection());
            }
            if (Words.compareAndExchange(ring, statusWord, current, transition.target()) == current) {
                return current;
            }
        }
    }

    /** {@link #transitionSlotStatus(MemorySegment, int, SlotTransition)} on a {@code byte[]} ring. */
    public static int transitionSlotStatus(byte[] ring, int slotIdx, SlotTransition transition) {
        return transitionSlotStatus(MemorySegment.ofArray(ring), slotIdx, transition);
    }

    // ---------------------------------------------------------------- helpers

    private static QueueFullException refuse(String fix) {
        return QueueFullException.submission(fix);
    }

    private static long ringSlots(MemorySegment ring) {
        long len = ring.byteSize();
        if (len % SlotLayout.SLOT_BYTES != 0) {
            throw refuse(RING_LENGTH);
        }
        return len / SlotLayout.SLOT_BYTES;
    }

    private static long checkSlot(MemorySegment ring, int slotIdx) {
        long slots = ringSlots(ring);
        long slot = Integer.toUnsignedLong(slotIdx);
        if (slot >= slots) {
            throw refuse(SLOT_BOUNDS);
        }
        return slot;
    }

    private static void requireOpcode(int opcode) {
        if (!Opcodes.isPublishable(opcode)) {
            throw refuse(BAD_OPCODE);
        }
    }

    private static void requirePublishable(MemorySegment ring, long slot) {
        int status = Words.getAcquire(ring, slot * SlotLayout.SLOT_WORDS + SlotLayout.STATUS_WORD);
        if (!SlotStatus.isPublishable(status)) {
            throw refuse(NOT_PUBLISHABLE);
        }
    }

    private static void writeHeader(MemorySegment ring, long base, int opcode, int tenantId) {
        Words.set(ring, base + SlotLayout.OPCODE_WORD, opcode);
        Words.set(ring, base + SlotLayout.TENANT_WORD, tenantId);
        Words.set(ring, base + SlotLayout.PRIORITY_WORD, Priority.NORMAL);
    }

    /** Writes argument words 0..2 from the given values ({@code n} of them used) and zeroes the rest. */
    private static void writeArgs(MemorySegment ring, long base, int n, int a0, int a1, int a2) {
        for (int j = 0; j < SlotLayout.ARGS_PER_SLOT; j++) {
            int v = j >= n ? 0 : j == 0 ? a0 : j == 1 ? a1 : a2;
            Words.set(ring, base + SlotLayout.ARG0_WORD + j, v);
        }
    }

    private static void writeSlot(MemorySegment ring, long slot, int opcode, int tenantId, int[] args) {
        long base = slot * SlotLayout.SLOT_WORDS;
        writeHeader(ring, base, opcode, tenantId);
        int[] a = args == null ? NO_ARGS : args;
        for (int j = 0; j < SlotLayout.ARGS_PER_SLOT; j++) {
            Words.set(ring, base + SlotLayout.ARG0_WORD + j, j < a.length ? a[j] : 0);
        }
        Words.setRelease(ring, base + SlotLayout.STATUS_WORD, SlotStatus.PUBLISHED);
    }
}
