package dev.vyre.backend.cuda;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The {@code VyreArgs} block of {@code vyre_megakernel.cu}: 27 little-endian u64 fields, in the
 * order of the struct. Filled in pinned memory, then copied to the device once per launch.
 */
final class KernelArgs {

    static final int CONTROL = 0;
    static final int CONTROL_WORDS = 1;
    static final int RING = 2;
    static final int SLOT_COUNT = 3;
    static final int DEBUG_LOG = 4;
    static final int DEBUG_WORDS = 5;
    static final int IO_QUEUE = 6;
    static final int IO_SLOTS = 7;
    static final int DATA = 8;
    static final int DATA_BYTES = 9;
    static final int LINK = 10;
    static final int SQ = 11;
    static final int SQ_MASK = 12;
    static final int DEV_SQ = 13;
    static final int DEV_CURSOR = 14;
    static final int EXECUTED = 15;
    static final int IO_TIMEOUT_NS = 16;
    static final int IDLE_SLEEP_NS = 17;
    static final int VARIANT = 18;
    static final int IO_LINK = 19;
    static final int IO_DEV = 20;
    /** Isolated mode: device address of the isolation block ({@code TenantIsolation}); 0 otherwise. */
    static final int ISOLATION = 21;
    /** Persistent: submission queues the leader polls, 1..{@link SubmissionQueues#MAX_QUEUES}. */
    static final int QUEUES = 22;
    /** Persistent: device address of the resident range's copy (0: none), its data offset and its length. */
    static final int RESIDENT = 23;
    static final int RESIDENT_AT = 24;
    static final int RESIDENT_BYTES = 25;
    /** Persistent: device address of the tail lines in BAR-mapped device memory ({@link TailLines}); 0: in the link block. */
    static final int TAIL = 26;
    static final int FIELDS = 27;
    static final long BYTES = FIELDS * 8L;

    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private KernelArgs() {
    }

    static void put(MemorySegment block, int field, long value) {
        block.set(U64, field * 8L, value);
    }
}
