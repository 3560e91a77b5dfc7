package dev.vyre.api;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import dev.vyre.protocol.BackendException;
import dev.vyre.protocol.ByteLengths;
import dev.vyre.protocol.ControlCodec;
import dev.vyre.protocol.DebugLogCodec;
import dev.vyre.protocol.DebugLogLayout;
import dev.vyre.protocol.DebugLogReadout;
import dev.vyre.protocol.DebugRecord;
import dev.vyre.protocol.LoadMiss;
import dev.vyre.protocol.LoadMissCodec;
import dev.vyre.protocol.MetricCount;
import dev.vyre.protocol.MetricsCodec;
import dev.vyre.protocol.PackedOp;
import dev.vyre.protocol.ProtocolException;
import dev.vyre.protocol.ProtocolLimits;
import dev.vyre.protocol.QueueFullException;
import dev.vyre.protocol.RingCodec;
import dev.vyre.protocol.RingPublisher;
import dev.vyre.protocol.SlotOp;
import dev.vyre.protocol.SlotTransition;
import dev.vyre.protocol.WorkItem;
import org.apiguardian.api.API;
import dev.vyre.protocol.BufferValidation;
import dev.vyre.protocol.IoOutcome;
import dev.vyre.protocol.IoQueue;
import dev.vyre.protocol.IoRequest;
import dev.vyre.protocol.PriorityOffsets;
import dev.vyre.protocol.RingTelemetry;

/**
 * vyre 0.6.3's host protocol API ({@code protocol_api.rs}) under the same names in camelCase.
 * Plain forms are lenient (0 / empty on malformed input); {@code try...} forms are strict and
 * throw a {@link dev.vyre.protocol.PipelineException} whose message ends with {@code Fix: ...};
 * {@code ...Into} forms write into caller-owned storage and allocate nothing.
 */
@API(status = API.Status.STABLE, since = "0.1")
public final class Megakernel {

    private Megakernel() {
    }

    // == codecs (encoders, decoders, byte lengths) ==
    //
    // Strict methods map protocol errors as vyre does (ProtocolException#toPipelineException):
    // ByteLengthOverflow -> QueueFullException("submission", fix), the others ->
    // BackendException("backend error: <protocol message>"). u32 values are ints read as unsigned.

    /** @return {@code (160 + observableSlots) * 4}, or empty above {@link ProtocolLimits#MAX_OBSERVABLE_SLOTS} */
    public static OptionalLong controlByteLen(int observableSlots) {
        return ByteLengths.controlByteLen(observableSlots);
    }

    /** @return {@code slotCount * 64}, or empty above {@link ProtocolLimits#MAX_RING_SLOTS} */
    public static OptionalLong ringByteLen(int slotCount) {
        return ByteLengths.ringByteLen(slotCount);
    }

    /** @return {@code (1 + 4 * recordCapacity) * 4}, or empty above {@link ProtocolLimits#MAX_DEBUG_RECORDS} */
    public static OptionalLong debugLogByteLen(int recordCapacity) {
        return ByteLengths.debugLogByteLen(recordCapacity);
    }

    /** @return the PRINTF record capacity of the interpreter's debug log (64) */
    public static int debugRecordCapacity() {
        return DebugLogLayout.RECORD_CAPACITY;
    }

    /** @return the byte length of one ring slot (64) */
    public static long slotByteLen() {
        return ByteLengths.slotByteLen();
    }

    /** @return protocol word {@code word} (unsigned) as a host index */
    public static long wordIndex(int word) {
        return ByteLengths.wordIndex(word);
    }

    /**
     * @return {@code slot * 16}
     * @throws QueueFullException when it overflows the u32 word ABI
     */
    public static long slotWordBase(int slot) {
        try {
            return ByteLengths.slotWordBase(slot);
        } catch (ProtocolException e) {
            throw e.toPipelineException();
        }
    }

    /**
     * @return {@code slot * 16 + word}
     * @throws QueueFullException when {@code word >= 16} or the slot base overflows
     */
    public static long slotWordIndex(int slot, int word) {
        try {
            return ByteLengths.slotWordIndex(slot, word);
        } catch (ProtocolException e) {
            throw e.toPipelineException();
        }
    }

    /**
     * Encodes a control buffer (vyre's {@code encode_control} is already fallible; same as
     * {@link #tryEncodeControl}).
     *
     * @throws QueueFullException above the observable allocation cap
     */
    public static byte[] encodeControl(boolean shutdown, int tenantCount, int observableSlots) {
        return tryEncodeControl(shutdown, tenantCount, observableSlots);
    }

    /** @see ControlCodec#encodeControl */
    public static byte[] tryEncodeControl(boolean shutdown, int tenantCount, int observableSlots) {
        try {
            return ControlCodec.encodeControl(shutdown, tenantCount, observableSlots);
        } catch (ProtocolException e) {
            throw e.toPipelineException();
        }
    }

    /**
     * Encodes into bytes {@code [0, len)} of {@code dst}; {@code dst} is untouched on error.
     *
     * @return the number of bytes written
     * @throws QueueFullException       above the observable allocation cap
     * @throws IllegalArgumentException when {@code dst} is too small
     */
    public static long tryEncodeControlInto(boolean shutdown, int tenantCount, int observableSlots, MemorySegment dst) {
        try {
            return ControlCodec.encodeControlInto(shutdown, tenantCount, observableSlots, dst);
        } catch (ProtocolException e) {
            throw e.toPipelineException();
        }
    }

    /** {@link #tryEncodeControlInto(boolean, int, int, MemorySegment)} on a {@code byte[]}. */
    public static long tryEncodeControlInto(boolean shutdown, int tenantCount, int observableSlots, byte[] dst) {
        return tryEncodeControlInto(shutdown, tenantCount, observableSlots, MemorySegment.ofArray(dst));
    }

    /** Same as {@link #tryEncodeEmptyRing}. */
    public static byte[] encodeEmptyRing(int slotCount) {
        return tryEncodeEmptyRing(slotCount);
    }

    /**
     * @return {@code slotCount * 64} zero bytes
     * @throws QueueFullException above the ring allocation cap
     */
    public static byte[] tryEncodeEmptyRing(int slotCount) {
        try {
            return RingCodec.encodeEmptyRing(slotCount);
        } catch (ProtocolException e) {
            throw e.toPipelineException();
        }
    }

    /** Zeroes bytes {@code [0, slotCount * 64)} of {@code dst}; see {@link RingCodec#encodeEmptyRingInto}. */
    public static long tryEncodeEmptyRingInto(int slotCount, MemorySegment dst) {
        try {
            return RingCodec.encodeEmptyRingInto(slotCount, dst);
        } catch (ProtocolException e) {
            throw e.toPipelineException();
        }
    }

    /** {@link #tryEncodeEmptyRingInto(int, MemorySegment)} on a {@code byte[]}. */
    public static long tryEncodeEmptyRingInto(int slotCount, byte[] dst) {
        return tryEncodeEmptyRingInto(slotCount, MemorySegment.ofArray(dst));
    }

    /** Same as {@link #tryEncodeEmptyDebugLog}. */
    public static byte[] encodeEmptyDebugLog(int recordCapacity) {
        return tryEncodeEmptyDebugLog(recordCapacity);
    }

    /**
     * @return {@code (1 + 4 * recordCapacity) * 4} zero bytes
     * @throws QueueFullException above the debug-log allocation cap
     */
    public static byte[] tryEncodeEmptyDebugLog(int recordCapacity) {
        try {
            return DebugLogCodec.encodeEmptyDebugLog(recordCapacity);
        } catch (ProtocolException e) {
            throw e.toPipelineException();
        }
    }

    /** Zeroes the debug-log prefix of {@code dst}; see {@link DebugLogCodec#encodeEmptyDebugLogInto}. */
    public static long tryEncodeEmptyDebugLogInto(int recordCapacity, MemorySegment dst) {
        try {
            return DebugLogCodec.encodeEmptyDebugLogInto(recordCapacity, dst);
        } catch (ProtocolException e) {
            throw e.toPipelineException();
        }
    }

    /** {@link #tryEncodeEmptyDebugLogInto(int, MemorySegment)} on a {@code byte[]}. */
    public static long tryEncodeEmptyDebugLogInto(int recordCapacity, byte[] dst) {
        return tryEncodeEmptyDebugLogInto(recordCapacity, MemorySegment.ofArray(dst));
    }

    /** @return the 64-byte LOAD_MISS slot (never fails) */
    public static byte[] encodeLoadMiss(int resourceId, boolean prefetch) {
        return LoadMissCodec.encodeLoadMiss(resourceId, prefetch);
    }

    /** @return the 64-byte LOAD_MISS slot */
    public static byte[] tryEncodeLoadMiss(int resourceId, boolean prefetch) {
        return LoadMissCodec.tryEncodeLoadMiss(resourceId, prefetch);
    }

    /** Writes the LOAD_MISS slot into bytes {@code [0, 64)} of {@code dst}; @return 64 */
    public static long tryEncodeLoadMissInto(int resourceId, boolean prefetch, MemorySegment dst) {
        return LoadMissCodec.tryEncodeLoadMissInto(resourceId, prefetch, dst);
    }

    /** {@link #tryEncodeLoadMissInto(int, boolean, MemorySegment)} on a {@code byte[]}. */
    public static long tryEncodeLoadMissInto(int resourceId, boolean prefetch, byte[] dst) {
        return LoadMissCodec.tryEncodeLoadMissInto(resourceId, prefetch, dst);
    }

    /** @return slot {@code slot}'s LOAD_MISS request, or empty; see {@link LoadMissCodec#decodeLoadMiss} */
    public static Optional<LoadMiss> decodeLoadMiss(MemorySegment ring, int slot) {
        return LoadMissCodec.decodeLoadMiss(ring, slot);
    }

    /** {@link #decodeLoadMiss(MemorySegment, int)} on a {@code byte[]}. */
    public static Optional<LoadMiss> decodeLoadMiss(byte[] ring, int slot) {
        return LoadMissCodec.decodeLoadMiss(ring, slot);
    }

    /** Deprecated alias of {@link #encodeLoadMiss}. */
    @Deprecated(since = "0.5.0")
    public static byte[] encodeExpertMiss(int resourceId, boolean prefetch) {
        return encodeLoadMiss(resourceId, prefetch);
    }

    /** Deprecated alias of {@link #decodeLoadMiss(byte[], int)}. */
    @Deprecated(since = "0.5.0")
    public static Optional<LoadMiss> decodeExpertMiss(byte[] ring, int slot) {
        return decodeLoadMiss(ring, slot);
    }

    /** @return DONE_COUNT (unsigned), 0 on a malformed buffer */
    public static int readDoneCount(MemorySegment control) {
        return ControlCodec.readDoneCount(control);
    }

    /** {@link #readDoneCount(MemorySegment)} on a {@code byte[]}. */
    public static int readDoneCount(byte[] control) {
        return ControlCodec.readDoneCount(control);
    }

    /**
     * @return DONE_COUNT (unsigned)
     * @throws BackendException on a misaligned or short buffer
     */
    public static int tryReadDoneCount(MemorySegment control) {
        try {
            return ControlCodec.tryReadDoneCount(control);
        } catch (ProtocolException e) {
            throw e.toPipelineException();
        }
    }

    /** {@link #tryReadDoneCount(MemorySegment)} on a {@code byte[]}. */
    public static int tryReadDoneCount(byte[] control) {
        return tryReadDoneCount(MemorySegment.ofArray(control));
    }

    /** @return EPOCH (unsigned), 0 on a malformed buffer */
    public static int readEpoch(MemorySegment control) {
        return ControlCodec.readEpoch(control);
    }

    /** {@link #readEpoch(MemorySegment)} on a {@code byte[]}. */
    public static int readEpoch(byte[] control) {
        return ControlCodec.readEpoch(control);
    }

    /**
     * @return EPOCH (unsigned)
     * @throws BackendException on a misaligned or short buffer
     */
    public static int tryReadEpoch(MemorySegment control) {
        try {
            return ControlCodec.tryReadEpoch(control);
        } catch (ProtocolException e) {
            throw e.toPipelineException();
        }
    }

    /** {@link #tryReadEpoch(MemorySegment)} on a {@code byte[]}. */
    public static int tryReadEpoch(byte[] control) {
        return tryReadEpoch(MemorySegment.ofArray(control));
    }

    /** @return observable word {@code index} (unsigned), 0 on any error */
    public static int readObservable(MemorySegment control, int index) {
        return ControlCodec.readObservable(control, index);
    }

    /** {@link #readObservable(MemorySegment, int)} on a {@code byte[]}. */
    public static int readObservable(byte[] control, int index) {
        return ControlCodec.readObservable(control, index);
    }

    /**
     * @return observable word {@code index} (unsigned)
     * @throws QueueFullException when {@code 160 + index} overflows u32
     * @throws BackendException   on a misaligned buffer or a missing word
     */
    public static int tryReadObservable(MemorySegment control, int index) {
        try {
            return ControlCodec.tryReadObservable(control, index);
        } catch (ProtocolException e) {
            throw e.toPipelineException();
        }
    }

    /** {@link #tryReadObservable(MemorySegment, int)} on a {@code byte[]}. */
    public static int tryReadObservable(byte[] control, int index) {
        return tryReadObservable(MemorySegment.ofArray(control), index);
    }

    /** @return the non-zero per-opcode metrics (lenient); see {@link MetricsCodec#readMetrics} */
    public static List<MetricCount> readMetrics(MemorySegment control) {
        return MetricsCodec.readMetrics(control);
    }

    /** {@link #readMetrics(MemorySegment)} on a {@code byte[]}. */
    public static List<MetricCount> readMetrics(byte[] control) {
        return MetricsCodec.readMetrics(control);
    }

    /** Lenient metrics into {@code out} as packed {@code opcode << 32 | count}; @return entries written */
    public static int readMetricsInto(MemorySegment control, long[] out) {
        return MetricsCodec.readMetricsInto(control, out);
    }

    /** {@link #readMetricsInto(MemorySegment, long[])} on a {@code byte[]}. */
    public static int readMetricsInto(byte[] control, long[] out) {
        return MetricsCodec.readMetricsInto(control, out);
    }

    /**
     * @return the non-zero per-opcode metrics
     * @throws BackendException unless all 32 metric words are present in a word-aligned buffer
     */
    public static List<MetricCount> tryReadMetrics(MemorySegment control) {
        try {
            return MetricsCodec.tryReadMetrics(control);
        } catch (ProtocolException e) {
            throw e.toPipelineException();
        }
    }

    /** {@link #tryReadMetrics(MemorySegment)} on a {@code byte[]}. */
    public static List<MetricCount> tryReadMetrics(byte[] control) {
        return tryReadMetrics(MemorySegment.ofArray(control));
    }

    /** Strict metrics into caller storage; see {@link #tryReadMetrics} and {@link #readMetricsInto}. */
    public static int tryReadMetricsInto(MemorySegment control, long[] out) {
        try {
            return MetricsCodec.tryReadMetricsInto(control, out);
        } catch (ProtocolException e) {
            throw e.toPipelineException();
        }
    }

    /** {@link #tryReadMetricsInto(MemorySegment, long[])} on a {@code byte[]}. */
    public static int tryReadMetricsInto(byte[] control, long[] out) {
        return tryReadMetricsInto(MemorySegment.ofArray(control), out);
    }

    /**
     * Lenient debug-log decode (deliberate fix 8): the complete records that fit and the number
     * of PRINTFs dropped for lack of capacity; empty for an empty or misaligned log.
     */
    public static DebugLogReadout readDebugLog(MemorySegment log) {
        return DebugLogCodec.readDebugLog(log);
    }

    /** {@link #readDebugLog(MemorySegment)} on a {@code byte[]}. */
    public static DebugLogReadout readDebugLog(byte[] log) {
        return DebugLogCodec.readDebugLog(log);
    }

    /** Lenient decode into {@code out}, 4 words per record; @return records written */
    public static int readDebugLogInto(MemorySegment log, int[] out) {
        return DebugLogCodec.readDebugLogInto(log, out);
    }

    /** {@link #readDebugLogInto(MemorySegment, int[])} on a {@code byte[]}. */
    public static int readDebugLogInto(byte[] log, int[] out) {
        return DebugLogCodec.readDebugLogInto(log, out);
    }

    /**
     * @return every PRINTF record
     * @throws BackendException on a misaligned or empty log, or a cursor beyond the capacity or
     *                          not a multiple of 4
     */
    public static List<DebugRecord> tryReadDebugLog(MemorySegment log) {
        try {
            return DebugLogCodec.tryReadDebugLog(log);
        } catch (ProtocolException e) {
            throw e.toPipelineException();
        }
    }

    /** {@link #tryReadDebugLog(MemorySegment)} on a {@code byte[]}. */
    public static List<DebugRecord> tryReadDebugLog(byte[] log) {
        return tryReadDebugLog(MemorySegment.ofArray(log));
    }

    /** Strict decode into {@code out}, 4 words per record; @return records written */
    public static int tryReadDebugLogInto(MemorySegment log, int[] out) {
        try {
            return DebugLogCodec.tryReadDebugLogInto(log, out);
        } catch (ProtocolException e) {
            throw e.toPipelineException();
        }
    }

    /** {@link #tryReadDebugLogInto(MemorySegment, int[])} on a {@code byte[]}. */
    public static int tryReadDebugLogInto(byte[] log, int[] out) {
        return tryReadDebugLogInto(MemorySegment.ofArray(log), out);
    }

    /** @return DONE slots among the first {@code itemCount}, or empty (lenient, see {@link RingCodec#countDoneRingSlots}) */
    public static OptionalLong countDoneRingSlots(MemorySegment ring, int itemCount) {
        return RingCodec.countDoneRingSlots(ring, itemCount);
    }

    /** {@link #countDoneRingSlots(MemorySegment, int)} on a {@code byte[]}. */
    public static OptionalLong countDoneRingSlots(byte[] ring, int itemCount) {
        return RingCodec.countDoneRingSlots(ring, itemCount);
    }

    /**
     * @return DONE slots among the first {@code itemCount} (0 when {@code itemCount} is 0)
     * @throws BackendException on a misaligned ring or one shorter than {@code itemCount * 64}
     */
    public static long tryCountDoneRingSlots(MemorySegment ring, int itemCount) {
        try {
            return RingCodec.tryCountDoneRingSlots(ring, itemCount);
        } catch (ProtocolException e) {
            throw e.toPipelineException();
        }
    }

    /** {@link #tryCountDoneRingSlots(MemorySegment, int)} on a {@code byte[]}. */
    public static long tryCountDoneRingSlots(byte[] ring, int itemCount) {
        return tryCountDoneRingSlots(MemorySegment.ofArray(ring), itemCount);
    }


    // == publishing (slots, packed, batch, work items, transitions) ==
    //
    // All refusals are QueueFullException("submission", fix) with the protocol's fix texts and leave the
    // ring unchanged; see RingPublisher for validation order and memory ordering.

    /** Publishes one slot; see {@link RingPublisher#publishSlot(MemorySegment, int, int, int, int...)}. */
    public static void publishSlot(MemorySegment ring, int slotIdx, int tenantId, int opcode, int... args) {
        RingPublisher.publishSlot(ring, slotIdx, tenantId, opcode, args);
    }

    /** {@link #publishSlot(MemorySegment, int, int, int, int...)} on a {@code byte[]} ring. */
    public static void publishSlot(byte[] ring, int slotIdx, int tenantId, int opcode, int... args) {
        RingPublisher.publishSlot(ring, slotIdx, tenantId, opcode, args);
    }

    /** Publishes a PACKED_SLOT; see {@link RingPublisher#publishPackedSlot(MemorySegment, int, int, List)}. */
    public static void publishPackedSlot(MemorySegment ring, int slotIdx, int tenantId, List<PackedOp> ops) {
        RingPublisher.publishPackedSlot(ring, slotIdx, tenantId, ops);
    }

    /** {@link #publishPackedSlot(MemorySegment, int, int, List)} on a {@code byte[]} ring. */
    public static void publishPackedSlot(byte[] ring, int slotIdx, int tenantId, List<PackedOp> ops) {
        RingPublisher.publishPackedSlot(ring, slotIdx, tenantId, ops);
    }

    /**
     * Publishes items and a BATCH_FENCE; see {@link RingPublisher#batchPublish(MemorySegment, int, int, List, int)}.
     *
     * @return {@code items.size() + 1}
     */
    public static int batchPublish(MemorySegment ring, int startSlot, int tenantId, List<SlotOp> items, int batchTag) {
        return RingPublisher.batchPublish(ring, startSlot, tenantId, items, batchTag);
    }

    /** {@link #batchPublish(MemorySegment, int, int, List, int)} on a {@code byte[]} ring. */
    public static int batchPublish(byte[] ring, int startSlot, int tenantId, List<SlotOp> items, int batchTag) {
        return RingPublisher.batchPublish(ring, startSlot, tenantId, items, batchTag);
    }

    /**
     * Moves one slot's status by compare-and-set; see
     * {@link RingPublisher#transitionSlotStatus(MemorySegment, int, SlotTransition)}.
     *
     * @return the previous status
     */
    public static int transitionSlotStatus(MemorySegment ring, int slotIdx, SlotTransition transition) {
        return RingPublisher.transitionSlotStatus(ring, slotIdx, transition);
    }

    /** {@link #transitionSlotStatus(MemorySegment, int, SlotTransition)} on a {@code byte[]} ring. */
    public static int transitionSlotStatus(byte[] ring, int slotIdx, SlotTransition transition) {
        return RingPublisher.transitionSlotStatus(ring, slotIdx, transition);
    }

    /**
     * Encodes a whole work-item ring into {@code dst}; see
     * {@link RingPublisher#encodeWorkItemsRingInto(int, int, List, MemorySegment)}.
     *
     * @return the number of bytes written
     */
    public static long encodeWorkItemsRingInto(int slotCount, int tenantId, List<WorkItem> items, MemorySegment dst) {
        return RingPublisher.encodeWorkItemsRingInto(slotCount, tenantId, items, dst);
    }

    /** {@link #encodeWorkItemsRingInto(int, int, List, MemorySegment)} on a {@code byte[]}. */
    public static long encodeWorkItemsRingInto(int slotCount, int tenantId, List<WorkItem> items, byte[] dst) {
        return RingPublisher.encodeWorkItemsRingInto(slotCount, tenantId, items, dst);
    }

    /**
     * The word-array form; always clears the ring range first (deliberate difference from vyre
     * 0.6.3, whose same-length reuse kept stale words). See
     * {@link RingPublisher#encodeWorkItemsRingWordsInto}.
     *
     * @return the number of words written
     */
    public static int encodeWorkItemsRingWordsInto(int slotCount, int tenantId, List<WorkItem> items, int[] dst) {
        return RingPublisher.encodeWorkItemsRingWordsInto(slotCount, tenantId, items, dst);
    }

    /**
     * Publishes work items into a live ring; see
     * {@link RingPublisher#publishWorkItems(MemorySegment, int, int, List)}.
     *
     * @return {@code items.size()}
     */
    public static int publishWorkItems(MemorySegment ring, int startSlot, int tenantId, List<WorkItem> items) {
        return RingPublisher.publishWorkItems(ring, startSlot, tenantId, items);
    }

    /** {@link #publishWorkItems(MemorySegment, int, int, List)} on a {@code byte[]} ring. */
    public static int publishWorkItems(byte[] ring, int startSlot, int tenantId, List<WorkItem> items) {
        return RingPublisher.publishWorkItems(ring, startSlot, tenantId, items);
    }


    // == IO queue, priority offsets, telemetry ==
    //
    // vyre's IO helpers are strict in both forms (io/*.rs): the plain and try forms below behave
    // alike and throw PipelineExceptions directly (no protocol-error mapping is involved).

    /** @return {@code slotCount * 32} zero bytes; see {@link IoQueue#tryEncodeEmptyIoQueue(int)} */
    public static byte[] encodeEmptyIoQueue(int slotCount) {
        return IoQueue.encodeEmptyIoQueue(slotCount);
    }

    /**
     * @return {@code slotCount * 32} zero bytes
     * @throws QueueFullException for 0 or more than 64 slots
     */
    public static byte[] tryEncodeEmptyIoQueue(int slotCount) {
        return IoQueue.tryEncodeEmptyIoQueue(slotCount);
    }

    /** Zeroes bytes {@code [0, slotCount * 32)} of {@code dst}; see {@link IoQueue#tryEncodeEmptyIoQueueInto(int, MemorySegment)}. */
    public static long tryEncodeEmptyIoQueueInto(int slotCount, MemorySegment dst) {
        return IoQueue.tryEncodeEmptyIoQueueInto(slotCount, dst);
    }

    /** {@link #tryEncodeEmptyIoQueueInto(int, MemorySegment)} on a {@code byte[]}. */
    public static long tryEncodeEmptyIoQueueInto(int slotCount, byte[] dst) {
        return IoQueue.tryEncodeEmptyIoQueueInto(slotCount, dst);
    }

    /**
     * @return the IO slot count of a queue view (0..64)
     * @throws dev.vyre.protocol.PipelineException on a misaligned, partial-slot or oversized view
     */
    public static int validateIoQueueBytes(MemorySegment queue) {
        return IoQueue.validateIoQueueBytes(queue);
    }

    /** {@link #validateIoQueueBytes(MemorySegment)} on a {@code byte[]}. */
    public static int validateIoQueueBytes(byte[] queue) {
        return IoQueue.validateIoQueueBytes(queue);
    }

    /** The PUBLISHED IO requests, ascending; see {@link IoQueue#tryPollIoRequests(MemorySegment)}. */
    public static List<IoRequest> pollIoRequests(MemorySegment queue) {
        return IoQueue.pollIoRequests(queue);
    }

    /** {@link #pollIoRequests(MemorySegment)} on a {@code byte[]}. */
    public static List<IoRequest> pollIoRequests(byte[] queue) {
        return IoQueue.pollIoRequests(MemorySegment.ofArray(queue));
    }

    /** Strict poll (same as {@link #pollIoRequests(MemorySegment)}). */
    public static List<IoRequest> tryPollIoRequests(MemorySegment queue) {
        return IoQueue.tryPollIoRequests(queue);
    }

    /** {@link #tryPollIoRequests(MemorySegment)} on a {@code byte[]}. */
    public static List<IoRequest> tryPollIoRequests(byte[] queue) {
        return IoQueue.tryPollIoRequests(MemorySegment.ofArray(queue));
    }

    /** Poll into caller-owned storage; see {@link IoQueue#tryPollIoRequestsInto(MemorySegment, List)}. */
    public static int tryPollIoRequestsInto(MemorySegment queue, List<IoRequest> out) {
        return IoQueue.tryPollIoRequestsInto(queue, out);
    }

    /** {@link #tryPollIoRequestsInto(MemorySegment, List)} on a {@code byte[]}. */
    public static int tryPollIoRequestsInto(byte[] queue, List<IoRequest> out) {
        return IoQueue.tryPollIoRequestsInto(MemorySegment.ofArray(queue), out);
    }

    /** PUBLISHED → CLAIMED by CAS; see {@link IoQueue#tryClaimIoRequestsInto(MemorySegment, List)}. */
    public static int claimIoRequestsInto(MemorySegment queue, List<IoRequest> out) {
        return IoQueue.claimIoRequestsInto(queue, out);
    }

    /** {@link #claimIoRequestsInto(MemorySegment, List)} on a {@code byte[]}. */
    public static int claimIoRequestsInto(byte[] queue, List<IoRequest> out) {
        return IoQueue.claimIoRequestsInto(MemorySegment.ofArray(queue), out);
    }

    /** Strict claim (same as {@link #claimIoRequestsInto(MemorySegment, List)}). */
    public static int tryClaimIoRequestsInto(MemorySegment queue, List<IoRequest> out) {
        return IoQueue.tryClaimIoRequestsInto(queue, out);
    }

    /** {@link #tryClaimIoRequestsInto(MemorySegment, List)} on a {@code byte[]}. */
    public static int tryClaimIoRequestsInto(byte[] queue, List<IoRequest> out) {
        return IoQueue.tryClaimIoRequestsInto(MemorySegment.ofArray(queue), out);
    }

    /** CLAIMED → OK / ERROR; see {@link IoQueue#tryCompleteIoRequestsBatch(MemorySegment, List)}. */
    public static void completeIoRequest(MemorySegment queue, int slot, boolean ok) {
        IoQueue.completeIoRequest(queue, slot, ok);
    }

    /** {@link #completeIoRequest(MemorySegment, int, boolean)} on a {@code byte[]}. */
    public static void completeIoRequest(byte[] queue, int slot, boolean ok) {
        IoQueue.completeIoRequest(MemorySegment.ofArray(queue), slot, ok);
    }

    /** Strict completion (same as {@link #completeIoRequest(MemorySegment, int, boolean)}). */
    public static void tryCompleteIoRequest(MemorySegment queue, int slot, boolean ok) {
        IoQueue.tryCompleteIoRequest(queue, slot, ok);
    }

    /** {@link #tryCompleteIoRequest(MemorySegment, int, boolean)} on a {@code byte[]}. */
    public static void tryCompleteIoRequest(byte[] queue, int slot, boolean ok) {
        IoQueue.tryCompleteIoRequest(MemorySegment.ofArray(queue), slot, ok);
    }

    /** All-or-nothing completion batch; see {@link IoQueue#tryCompleteIoRequestsBatch(MemorySegment, List)}. */
    public static void completeIoRequestsBatch(MemorySegment queue, List<IoOutcome> outcomes) {
        IoQueue.completeIoRequestsBatch(queue, outcomes);
    }

    /** {@link #completeIoRequestsBatch(MemorySegment, List)} on a {@code byte[]}. */
    public static void completeIoRequestsBatch(byte[] queue, List<IoOutcome> outcomes) {
        IoQueue.completeIoRequestsBatch(MemorySegment.ofArray(queue), outcomes);
    }

    /** Strict batch (same as {@link #completeIoRequestsBatch(MemorySegment, List)}). */
    public static void tryCompleteIoRequestsBatch(MemorySegment queue, List<IoOutcome> outcomes) {
        IoQueue.tryCompleteIoRequestsBatch(queue, outcomes);
    }

    /** {@link #tryCompleteIoRequestsBatch(MemorySegment, List)} on a {@code byte[]}. */
    public static void tryCompleteIoRequestsBatch(byte[] queue, List<IoOutcome> outcomes) {
        IoQueue.tryCompleteIoRequestsBatch(MemorySegment.ofArray(queue), outcomes);
    }

    /** @return the six default priority partition offsets for {@code totalSlots} (u32) */
    public static int[] defaultPriorityOffsets(int totalSlots) {
        return PriorityOffsets.defaultPriorityOffsets(totalSlots);
    }

    /** Same as {@link #defaultPriorityOffsets(int)} (only allocation can fail). */
    public static int[] tryDefaultPriorityOffsets(int totalSlots) {
        return PriorityOffsets.tryDefaultPriorityOffsets(totalSlots);
    }

    /** Same as {@link #defaultPriorityOffsets(int)}. */
    public static int[] defaultPriorityOffsetsArray(int totalSlots) {
        return PriorityOffsets.defaultPriorityOffsetsArray(totalSlots);
    }

    /**
     * Writes control words 129..134; all or nothing (unlike vyre 0.6.3).
     *
     * @throws QueueFullException when the control buffer is misaligned or too short
     */
    public static void writeDefaultPriorityOffsets(MemorySegment control, int totalSlots) {
        PriorityOffsets.writeDefaultPriorityOffsets(control, totalSlots);
    }

    /** {@link #writeDefaultPriorityOffsets(MemorySegment, int)} on a {@code byte[]}. */
    public static void writeDefaultPriorityOffsets(byte[] control, int totalSlots) {
        PriorityOffsets.writeDefaultPriorityOffsets(control, totalSlots);
    }

    /** @throws BackendException unless the control buffer is at least 640 bytes and 4-byte aligned */
    public static void validateControlBytes(MemorySegment control) {
        BufferValidation.validateControlBytes(control);
    }

    /** {@link #validateControlBytes(MemorySegment)} on a {@code byte[]}. */
    public static void validateControlBytes(byte[] control) {
        BufferValidation.validateControlBytes(MemorySegment.ofArray(control));
    }

    /** @throws BackendException unless the debug log is exactly 1028 bytes */
    public static void validateDebugLogBytes(MemorySegment debugLog) {
        BufferValidation.validateDebugLogBytes(debugLog);
    }

    /** {@link #validateDebugLogBytes(MemorySegment)} on a {@code byte[]}. */
    public static void validateDebugLogBytes(byte[] debugLog) {
        BufferValidation.validateDebugLogBytes(MemorySegment.ofArray(debugLog));
    }

    /**
     * Structured telemetry of a control and ring snapshot, with windows for
     * {@code windowOpcodes}; see {@link RingTelemetry#tryDecodeWithWindowOpcodes}.
     *
     * @throws BackendException when a snapshot is truncated or misaligned
     */
    public static RingTelemetry tryRingTelemetry(MemorySegment control, MemorySegment ring, int... windowOpcodes) {
        return RingTelemetry.tryDecodeWithWindowOpcodes(control, ring, windowOpcodes);
    }

    /** {@link #tryRingTelemetry(MemorySegment, MemorySegment, int...)} on {@code byte[]}s. */
    public static RingTelemetry tryRingTelemetry(byte[] control, byte[] ring, int... windowOpcodes) {
        return RingTelemetry.tryDecodeWithWindowOpcodes(MemorySegment.ofArray(control), MemorySegment.ofArray(ring),
                windowOpcodes);
    }

    /** Lenient {@link #tryRingTelemetry(byte[], byte[], int...)}: empty on malformed snapshots. */
    public static Optional<RingTelemetry> ringTelemetry(byte[] control, byte[] ring, int... windowOpcodes) {
        try {
            return Optional.of(tryRingTelemetry(control, ring, windowOpcodes));
        } catch (BackendException e) {
            return Optional.empty();
        }
    }
}
