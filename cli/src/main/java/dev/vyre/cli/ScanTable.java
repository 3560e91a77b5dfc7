package dev.vyre.cli;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Places a {@link ScanAutomaton} in a data buffer in the layout {@link ScanProgram} reads, and says where
 * the scan's words live in the control buffer.
 *
 * <p>Observable words, from 0: {@code chunkWords} words, one per chunk in flight (each slot's result
 * word, {@code a2}); then the 64-bit counters, two words per output state; then, when logging, one log
 * of {@code logWords} words per chunk word.
 *
 * @param automaton  the DFA
 * @param chunkWords observable words {@code a2} may name (the staging regions, or the resident chunks)
 * @param logWords   words of one chunk's match log, 0 without logging
 * @param maxLength  longest chunk a slot is given, overlap included
 */
record ScanTable(ScanAutomaton automaton, int chunkWords, int logWords, int maxLength) {

    private static final ValueLayout.OfInt WORD = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** @return bytes the table takes in the data buffer (header, class map, rows), without the pointer word */
    long bytes() {
        return (ScanProgram.HEADER_WORDS + ScanProgram.CLASS_MAP_WORDS + automaton.tableWords()) * Integer.BYTES;
    }

    /** @return observable index of the first counter word */
    int counters() {
        return chunkWords;
    }

    /** @return observable index of chunk word 0's log */
    int logs() {
        return chunkWords + 2 * automaton.outputStates;
    }

    /** @return observable words the scan uses */
    long observableWords() {
        return logs() + (long) chunkWords * logWords;
    }

    /**
     * Writes the table at byte {@code at} (a multiple of 4) of {@code data} and points the data buffer's
     * last word at it. {@code data}'s size must be a multiple of 4 with room for the table before its last word.
     */
    void write(MemorySegment data, long at) {
        if ((at & 3) != 0 || (data.byteSize() & 3) != 0 || at + bytes() > data.byteSize() - 4) {
            throw new IllegalArgumentException("scan table at " + at + " (" + bytes() + " bytes) does not fit a "
                    + data.byteSize() + "-byte data buffer. Fix: size the data buffer for the table and its pointer word");
        }
        writeTable(data, at);
        data.set(WORD, data.byteSize() - 4, (int) (at / 4));
    }

    /**
     * @return what {@link #write} puts into a data buffer whose table starts at {@code at} and which ends right after
     *         it: the table, then the pointer word ({@link #bytes()} + 4 bytes, a multiple of 4)
     */
    MemorySegment image(long at) {
        MemorySegment image = MemorySegment.ofArray(new byte[Math.toIntExact(bytes() + 4)]);
        writeTable(image, 0);
        image.set(WORD, image.byteSize() - 4, (int) (at / 4));
        return image;
    }

    private void writeTable(MemorySegment data, long at) {
        int[] header = new int[ScanProgram.HEADER_WORDS];
        header[ScanProgram.H_MAGIC] = ScanProgram.MAGIC;
        header[ScanProgram.H_FLAGS] = logWords > 0 ? ScanProgram.FLAG_LOG : 0;
        header[ScanProgram.H_CLASSES] = automaton.classes;
        header[ScanProgram.H_STRIDE] = automaton.stride;
        header[ScanProgram.H_CLASS_MAP] = ScanProgram.HEADER_WORDS;
        header[ScanProgram.H_ROWS] = ScanProgram.HEADER_WORDS + ScanProgram.CLASS_MAP_WORDS;
        header[ScanProgram.H_COUNTERS] = counters();
        header[ScanProgram.H_LOGS] = logs();
        header[ScanProgram.H_LOG_WORDS] = logWords;
        header[ScanProgram.H_MAX_LENGTH] = maxLength;
        MemorySegment.copy(header, 0, data, WORD, at, header.length);
        long map = at + ScanProgram.HEADER_WORDS * 4L;
        for (int b = 0; b < 256; b++) {
            data.set(ValueLayout.JAVA_BYTE, map + b, (byte) automaton.classOf[b]);
        }
        long rows = map + ScanProgram.CLASS_MAP_WORDS * 4L;
        MemorySegment.copy(automaton.rows, 0, data, WORD, rows, automaton.rows.length);
    }

    /**
     * @param control a control-buffer snapshot (little-endian words)
     * @return the entries of each output state, from the 64-bit counters
     */
    long[] hits(byte[] control) {
        long[] hits = new long[automaton.outputStates];
        MemorySegment c = MemorySegment.ofArray(control);
        long base = (dev.vyre.protocol.ControlLayout.OBSERVABLE_BASE + (long) counters()) * 4;
        for (int o = 0; o < hits.length; o++) {
            long lo = c.get(WORD, base + 8L * o) & 0xFFFF_FFFFL;
            long hi = c.get(WORD, base + 8L * o + 4) & 0xFFFF_FFFFL;
            hits[o] = hi << 32 | lo;
        }
        return hits;
    }
}
