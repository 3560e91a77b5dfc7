package dev.vyre.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.protocol.DebugLogLayout;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.replay.ReplayFailureEvidence;
import dev.vyre.protocol.replay.ReplayRecord;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Checkpoints of a ring above {@link Replayer#WHOLE_RING_BYTES}: between whole-state checkpoints only the ring slots
 * that ran are read, yet a side that writes a slot no record ran is still reported at exactly the record that did it.
 */
class ReplayerCheckpointTest {

    private static final int SLOTS = 32_768; // a 2 MiB ring
    private static final int RECORDS = 4_000; // one record per epoch, slots 0..99 only
    private static final int UNTOUCHED = 20_000; // no record runs this slot

    /** An in-memory side: running record i writes i into word 1 of its slot; reads count the ring bytes they take. */
    private static final class Side implements ReplayTarget {
        final byte[] ring = new byte[SLOTS * SlotLayout.SLOT_BYTES];
        final int strayAt;
        long ringBytesRead;
        int wholeReads;

        /** @param strayAt the record whose run also writes slot {@link #UNTOUCHED}, or -1 */
        Side(int strayAt) {
            this.strayAt = strayAt;
        }

        @Override
        public String backend() {
            return "test";
        }

        @Override
        public String device() {
            return "memory";
        }

        @Override
        public String mode() {
            return "persistent";
        }

        @Override
        public void run(List<ReplayRecord> records, int from, int to) {
            for (int i = from; i < to; i++) {
                put(records.get(i).slotIndex(), i);
                if (i == strayAt) {
                    put(UNTOUCHED, 0x5757);
                }
            }
        }

        private void put(int slot, int value) {
            int at = slot * SlotLayout.SLOT_BYTES + 4;
            ring[at] = (byte) value;
            ring[at + 1] = (byte) (value >>> 8);
        }

        @Override
        public ReplayState state() {
            ringBytesRead += ring.length;
            wholeReads++;
            return new ReplayState(new byte[64], ring.clone(), new byte[DebugLogLayout.BUFFER_BYTES], new byte[64],
                    new byte[16]);
        }

        @Override
        public ReplayState state(BitSet ringSlots) {
            ringBytesRead += (long) ringSlots.cardinality() * SlotLayout.SLOT_BYTES;
            return new ReplayState(new byte[64], ring.clone(), new byte[DebugLogLayout.BUFFER_BYTES], new byte[64],
                    new byte[16]).partial(ringSlots);
        }

        @Override
        public long stalls() {
            return 0;
        }

        @Override
        public void close() {
        }
    }

    private static List<ReplayRecord> records() {
        List<ReplayRecord> records = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            records.add(new ReplayRecord(i, 0, i % 100, i, new int[SlotLayout.SLOT_WORDS], true,
                    ReplayFailureEvidence.NONE));
        }
        return records;
    }

    private static Replayer replayer(List<ReplayRecord> records, List<Side> made, int strayAt) {
        return new Replayer(ReplayPlan.of(records, 1), records, records, () -> {
            Side s = new Side(made.size() % 2 == 0 ? strayAt : -1); // the first side of each pass strays
            made.add(s);
            return s;
        }, () -> {
            Side s = new Side(-1);
            made.add(s);
            return s;
        }, (long) SLOTS * SlotLayout.SLOT_BYTES, (long) SLOTS * SlotLayout.SLOT_BYTES);
    }

    @Test
    void identicalSidesReadTheWholeRingOnlyEverySixteenthCheckpointAndAtTheEnd() {
        List<ReplayRecord> records = records();
        List<Side> sides = new ArrayList<>();
        Replayer.Outcome o = replayer(records, sides, -1).run();
        assertNull(o.divergence());
        assertEquals(o.stride() * Replayer.FULL_EVERY, o.fullStride());
        int checkpoints = (RECORDS + o.stride() - 1) / o.stride();
        assertEquals(checkpoints / Replayer.FULL_EVERY + (checkpoints % Replayer.FULL_EVERY == 0 ? 0 : 1),
                sides.get(0).wholeReads, "whole reads: every 16th checkpoint and the last");
        long wholeBytes = (long) checkpoints * SLOTS * SlotLayout.SLOT_BYTES;
        assertTrue(sides.get(0).ringBytesRead * 10 < wholeBytes, sides.get(0).ringBytesRead + " of " + wholeBytes);
    }

    @Test
    void aWriteToASlotNoRecordRanIsReportedAtTheRecordThatMadeIt() {
        List<ReplayRecord> records = records();
        int stray = 1_234;
        Replayer.Outcome o = replayer(records, new ArrayList<>(), stray).run();
        Replayer.Divergence d = o.divergence();
        assertNotNull(d, "the whole-state checkpoint after the stray write sees it");
        assertEquals(stray, d.record(), "located record by record from the last whole checkpoint");
        assertEquals("ring", d.difference().buffer());
        assertEquals(UNTOUCHED * SlotLayout.SLOT_WORDS + 1, d.difference().word());
    }
}
