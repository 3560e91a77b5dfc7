package dev.vyre.cli;

import dev.vyre.api.Session;
import dev.vyre.protocol.ControlLayout;
import dev.vyre.uring.ChunkReport;
import dev.vyre.uring.IngestListener;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Receives every settled scan chunk from the io_uring pump or the socket server (on their one thread):
 * counts bytes, chunks and refused chunks, and with {@code --matches} reads the chunk's match log from
 * the control buffer and prints its matches, per source in chunk order.
 *
 * <p>A match line is {@code SOURCE:OFFSET: #INDEX LITERAL}: the byte offset of the match's first byte in
 * its source, the pattern's 1-based line in the patterns file and its literal. Lines come in order of
 * the offset of the match's last byte, and for one last byte from the longest pattern to the shortest
 * (equal literals: by line).
 */
final class ScanChunks implements IngestListener {

    /** Log words read one by one at most; a longer log is read with one control snapshot. */
    private static final int WORDS_ONE_BY_ONE = 64;

    private final Session session;
    private final ScanTable table;
    private final ScanPatterns patterns;
    private final PrintWriter out;
    private final boolean matches;
    private final Progress progress;
    private final Map<String, Ordered> sources = new HashMap<>();
    private long bytes;
    private long chunks;
    private long refused;
    private long entries;
    private long printed;
    private String firstRefusal;

    ScanChunks(Session session, ScanTable table, ScanPatterns patterns, PrintWriter out, boolean matches,
               Progress progress) {
        this.session = session;
        this.table = table;
        this.patterns = patterns;
        this.out = out;
        this.matches = matches;
        this.progress = progress;
    }

    @Override
    public synchronized void onChunk(ChunkReport chunk) {
        bytes += chunk.length();
        chunks++;
        int result = chunk.deviceCrc();
        if (result == ScanProgram.REFUSED) {
            refused++;
            if (firstRefusal == null) {
                firstRefusal = chunk.source() + " chunk " + chunk.sequence() + " at byte " + chunk.sourceOffset();
            }
        } else {
            entries += Integer.toUnsignedLong(result);
            if (matches) {
                print(chunk, result);
            }
        }
        progress.update(bytes);
    }

    @Override
    public void onWaiting(String source, String what) {
        progress.close();
        out.println("  waiting for " + what + " on " + source + " (Ctrl-C stops)");
        out.flush();
    }

    private void print(ChunkReport chunk, int count) {
        int k = chunk.slot(); // the pump's region: its slot, its observable word, its log
        long base = ControlLayout.OBSERVABLE_BASE + table.logs() + (long) k * table.logWords();
        int words = 2 * count;
        ByteBuffer log = ByteBuffer.allocate(4 * words).order(ByteOrder.LITTLE_ENDIAN);
        if (words <= WORDS_ONE_BY_ONE) {
            for (int w = 0; w < words; w++) {
                log.putInt(4 * w, session.controlWord(base + w));
            }
        } else {
            byte[] control = session.controlSnapshot();
            log.put(0, control, (int) (4 * base), 4 * words);
        }
        long origin = chunk.sourceOffset() - chunk.overlap(); // source offset of the slot's byte 0
        List<long[]> found = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            long end = origin + Integer.toUnsignedLong(log.getInt(8 * n));
            int state = log.getInt(8 * n + 4);
            if (state < 0 || state >= table.automaton().outputStates) {
                throw new CliFailure("the scan opcode logged output state " + state + " for " + chunk.source()
                        + ", which the table does not have", "report this: the scan opcode's log is corrupt");
            }
            table.automaton().matchesAt(state, end, (start, pattern) -> found.add(new long[] {start, pattern}));
        }
        sources.computeIfAbsent(chunk.source(), s -> new Ordered()).arrive(chunk.source(), chunk.sequence(), found);
    }

    /** Chunks of one source, printed in sequence order as they become contiguous. */
    private final class Ordered {
        private long next;
        private final TreeMap<Long, List<long[]>> waiting = new TreeMap<>();

        void arrive(String source, long sequence, List<long[]> found) {
            waiting.put(sequence, found);
            while (!waiting.isEmpty() && waiting.firstKey() == next) {
                for (long[] m : waiting.pollFirstEntry().getValue()) {
                    progress.close();
                    out.println(source + ":" + m[0] + ": #" + (m[1] + 1) + " " + patterns.shown((int) m[1]));
                    printed++;
                }
                next++;
            }
        }
    }

    /**
     * A source ended: prints what still waits behind a chunk that never arrived (one the opcode refused or
     * whose slot failed), so no match read from the device is dropped.
     */
    synchronized void sourceEnded(String source) {
        Ordered o = sources.remove(source);
        if (o != null && !o.waiting.isEmpty()) {
            for (List<long[]> found : o.waiting.values()) {
                for (long[] m : found) {
                    out.println(source + ":" + m[0] + ": #" + (m[1] + 1) + " " + patterns.shown((int) m[1]));
                    printed++;
                }
            }
        }
        out.flush();
    }

    synchronized long bytes() {
        return bytes;
    }

    synchronized long chunks() {
        return chunks;
    }

    synchronized long refused() {
        return refused;
    }

    synchronized String firstRefusal() {
        return firstRefusal;
    }

    /** @return owned output-state entries the slots reported (positions where some pattern ends) */
    synchronized long entries() {
        return entries;
    }

    /** @return match lines printed */
    synchronized long printed() {
        return printed;
    }
}
