package dev.vyre.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** How often a replay compares the two sides' buffers. */
class ReplayerStrideTest {

    @Test
    void smallStateIsComparedAfterEveryEpoch() {
        assertEquals(1, Replayer.stride(200, 64 * 1024));
        assertEquals(1, Replayer.stride(Replayer.MAX_CHECKPOINTS, 64 * 1024));
    }

    @Test
    void largeStateThinsCheckpointsByBytes() {
        assertEquals(5, Replayer.stride(100, 5L << 20));
        assertEquals(3, Replayer.stride(3, 64L << 20), "never more than the epochs");
    }

    @Test
    void manyEpochsGetAtMostMaxCheckpoints() {
        // the H100 case: 10,923 epochs of a 65,536-slot ring (4 MiB plus control, debug log and IO queue)
        int stride = Replayer.stride(10_923, 5L << 20);
        assertEquals(43, stride);
        assertTrue((10_923 + stride - 1) / stride <= Replayer.MAX_CHECKPOINTS);
        assertEquals(40, Replayer.stride(10_000, 1024));
    }
}
