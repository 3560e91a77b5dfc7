package dev.vyre.protocol;

import static dev.vyre.protocol.Bytes.assertError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Vectors §A (constants), §B (byte lengths) and the slot arithmetic of §E. */
class LayoutAndLengthVectorsTest {

    @Test
    void constantsMatchSectionA() {
        assertEquals(96, ControlLayout.METRICS_BASE);
        assertEquals(128, ControlLayout.EPOCH);
        assertEquals(129, ControlLayout.PRIORITY_OFFSETS_BASE);
        assertEquals(135, ControlLayout.PRIORITY_STARVATION_COUNTER);
        assertEquals(136, ControlLayout.PRIORITY_FAIRNESS_BASE);
        assertEquals(160, ControlLayout.OBSERVABLE_BASE);
        assertEquals(160, ControlLayout.CONTROL_MIN_WORDS);
        assertEquals(4294967135L, ProtocolLimits.MAX_OBSERVABLE_SLOTS);
        assertEquals(268435455L, ProtocolLimits.MAX_RING_SLOTS);
        assertEquals(1073741823L, ProtocolLimits.MAX_DEBUG_RECORDS);
        assertEquals(1048576L, ProtocolLimits.MAX_ENCODED_OBSERVABLE_SLOTS);
        assertEquals(1048576L, ProtocolLimits.MAX_ENCODED_RING_SLOTS);
        assertEquals(1048576L, ProtocolLimits.MAX_ENCODED_DEBUG_RECORDS);
        assertEquals(257, DebugLogLayout.BUFFER_WORDS);
        assertEquals(64, DebugLogLayout.RECORD_CAPACITY);
        assertEquals(OptionalLong.of(1028), ByteLengths.debugLogByteLen(64));
        assertEquals(0xfffd, Opcodes.LOAD_MISS);
        assertEquals(0x80000001, Opcodes.PACKED_SLOT);
        assertEquals(0xfffe, Opcodes.PRINTF);
        assertEquals(0xffffffff, Opcodes.SHUTDOWN);
    }

    @Test
    void controlRegionsAreOrderedAndDoNotAlias() {
        int[] order = {ControlLayout.SHUTDOWN, ControlLayout.DONE_COUNT, ControlLayout.TENANT_BASE,
            ControlLayout.TENANT_QUOTA_BASE, ControlLayout.TENANT_FAIRNESS_BASE, ControlLayout.METRICS_BASE,
            ControlLayout.EPOCH, ControlLayout.PRIORITY_OFFSETS_BASE, ControlLayout.PRIORITY_STARVATION_COUNTER,
            ControlLayout.PRIORITY_FAIRNESS_BASE, ControlLayout.OBSERVABLE_BASE};
        int[] expected = {0, 1, 2, 32, 64, 96, 128, 129, 135, 136, 160};
        assertArrayEquals(expected, order);
        assertEquals(ControlLayout.EPOCH, ControlLayout.METRICS_BASE + ControlLayout.METRICS_SLOTS);
        assertEquals(141, ControlLayout.PRIORITY_FAIRNESS_BASE + ControlLayout.PRIORITY_FAIRNESS_SLOTS);
    }

    @Test
    void controlByteLenVectors() {
        long[][] v = {{0, 640}, {1, 644}, {2, 648}, {3, 652}, {4, 656}, {8, 672}, {16, 704},
            {4294967135L, 17179869180L}};
        for (long[] c : v) {
            assertEquals(OptionalLong.of(c[1]), ByteLengths.controlByteLen((int) c[0]), "obs " + c[0]);
        }
        assertEquals(OptionalLong.empty(), ByteLengths.controlByteLen((int) 4294967136L));
        assertEquals(OptionalLong.empty(), ByteLengths.controlByteLen(-1));
    }

    @Test
    void ringByteLenVectors() {
        long[][] v = {{0, 0}, {1, 64}, {2, 128}, {4, 256}, {16, 1024}, {256, 16384}, {268435455, 17179869120L}};
        for (long[] c : v) {
            assertEquals(OptionalLong.of(c[1]), ByteLengths.ringByteLen((int) c[0]), "slots " + c[0]);
        }
        assertEquals(OptionalLong.empty(), ByteLengths.ringByteLen(268435456));
        assertEquals(OptionalLong.empty(), ByteLengths.ringByteLen(-1));
    }

    @Test
    void debugLogByteLenVectors() {
        long[][] v = {{0, 4}, {1, 20}, {2, 36}, {3, 52}, {4, 68}, {32, 516}, {64, 1028},
            {1073741823, 17179869172L}};
        for (long[] c : v) {
            assertEquals(OptionalLong.of(c[1]), ByteLengths.debugLogByteLen((int) c[0]), "records " + c[0]);
        }
        assertEquals(OptionalLong.empty(), ByteLengths.debugLogByteLen(1073741824));
        assertEquals(OptionalLong.empty(), ByteLengths.debugLogByteLen(-1));
    }

    @Test
    void slotArithmeticVectors() {
        assertEquals(64, ByteLengths.slotByteLen());
        assertEquals(4294967295L, ByteLengths.wordIndex(-1));
        assertEquals(4294967280L, ByteLengths.slotWordBase(0x0FFFFFFF));
        assertEquals(53, ByteLengths.slotWordIndex(3, 5));
        assertError(ByteLengthOverflowException.class,
                "ring byte length overflow. Fix: slot word base overflows the u32 protocol word ABI; "
                        + "shard the megakernel ring before host access",
                () -> ByteLengths.slotWordBase(-1));
        assertError(ByteLengthOverflowException.class,
                "slot byte length overflow. Fix: slot-local word is outside SLOT_WORDS; keep protocol "
                        + "constants within the slot layout",
                () -> ByteLengths.slotWordIndex(0, 16));
        assertError(ByteLengthOverflowException.class,
                "slot byte length overflow. Fix: slot-local word is outside SLOT_WORDS; keep protocol "
                        + "constants within the slot layout",
                () -> ByteLengths.slotWordIndex(0, -1));
    }
}
