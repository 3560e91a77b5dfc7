package dev.vyre.protocol;

import java.util.List;

/**
 * What the lenient debug-log decoder recovered (deliberate fix 8): the complete records that fit
 * the log, and how many PRINTF records the executors reserved beyond its capacity.
 *
 * @param records      the decoded records in log order (unmodifiable)
 * @param droppedCount PRINTFs that did not fit ({@code cursor / 4 - records.size()}), 0 normally
 */
public record DebugLogReadout(List<DebugRecord> records, long droppedCount) {

    /** The readout of an empty or malformed log. */
    public static final DebugLogReadout EMPTY = new DebugLogReadout(List.of(), 0);

    /** Copies {@code records}. */
    public DebugLogReadout {
        records = List.copyOf(records);
        if (droppedCount < 0) {
            throw new IllegalArgumentException("droppedCount is " + droppedCount
                    + ". Fix: pass a non-negative dropped-record count");
        }
    }

    /** @return true when records were lost to the capacity limit */
    public boolean overflowed() {
        return droppedCount != 0;
    }
}
