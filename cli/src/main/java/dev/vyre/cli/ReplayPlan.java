package dev.vyre.cli;

import dev.vyre.protocol.replay.ReplayRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * How a log is cut into epochs for replay. A new epoch starts wherever the recorded epoch changes: the
 * recorder numbers a record by the BATCH_FENCE slots published before it, so each epoch ends with its
 * fence. A log without a fence (one epoch value throughout) is cut into fixed windows of {@code window}
 * records instead.
 *
 * @param starts   index of each epoch's first record, ascending, starting at 0; the last epoch ends at
 *                 {@code records}
 * @param records  records in the log
 * @param byFence  true when the epochs come from BATCH_FENCE, false for fixed windows
 * @param window   the window size used when {@code byFence} is false
 */
record ReplayPlan(int[] starts, int records, boolean byFence, int window) {

    /** @return the plan of {@code records} (oldest first) */
    static ReplayPlan of(List<ReplayRecord> records, int window) {
        int n = records.size();
        List<Integer> starts = new ArrayList<>();
        boolean byFence = false;
        for (int i = 0; i < n; i++) {
            if (i == 0 || records.get(i).epoch() != records.get(i - 1).epoch()) {
                starts.add(i);
                byFence |= i > 0;
            }
        }
        if (!byFence) {
            starts.clear();
            for (int i = 0; i < n; i += window) {
                starts.add(i);
            }
        }
        return new ReplayPlan(starts.stream().mapToInt(Integer::intValue).toArray(), n, byFence, window);
    }

    /** @return epochs in the plan */
    int epochs() {
        return starts.length;
    }

    /** @return the first record of epoch {@code e} */
    int from(int e) {
        return starts[e];
    }

    /** @return one past the last record of epoch {@code e} */
    int to(int e) {
        return e + 1 < starts.length ? starts[e + 1] : records;
    }

    /** @return the epoch holding record {@code index} */
    int epochOf(int index) {
        int e = java.util.Arrays.binarySearch(starts, index);
        return e >= 0 ? e : -e - 2;
    }

    /** @return how the epochs were cut, for the output */
    String describe() {
        return byFence ? "BATCH_FENCE epochs" : "windows of " + window + " records (the log has no BATCH_FENCE epoch)";
    }
}
