package dev.vyre.cli;

import java.util.Arrays;

/**
 * The Aho-Corasick automaton of a pattern set, completed to a DFA over byte classes: the table the scan
 * opcode and the CPU peer walk.
 *
 * <p><b>Byte classes.</b> Every byte that occurs in some pattern has a class of its own; all other bytes
 * share class 0 (when there are any). {@code classOf[b]} is the class of byte {@code b}, {@code classes}
 * their number (at most 256).
 *
 * <p><b>Rows.</b> State {@code s} is row {@code s} of {@link #rows}, {@link #stride} = classes + 1 words
 * from word {@code s * stride}: word {@code c < classes} is the transition on class {@code c}, encoded as
 * the target's row offset ({@code target * stride}) with bit 31 set when the target has output; word
 * {@code classes} is the state's output id, or -1 when it has none. State 0 (row offset 0) is the root.
 *
 * <p><b>Outputs.</b> The states whose string ends with some pattern ("output states") are numbered
 * 0 .. {@link #outputStates} - 1 in breadth-first order. Entering output state {@code o} at byte
 * position {@code e} means: every pattern in {@link #own}{@code [o]} ends at {@code e}, and so does
 * every pattern of {@link #dictLink}{@code [o]}, its dictionary link (the longest proper suffix that is
 * an output state, or -1), and so on along the links. So a walk need count only output states; per-pattern
 * counts follow on the host ({@link #patternCounts}).
 *
 * <p><b>Walk</b> (the contract the opcode, the CPU peer and the tests share): from the root, for each byte
 * {@code b} at position {@code pos}: {@code e = rows[st + classOf[b]]; st = e & 0x7FFFFFFF;} and if
 * {@code e < 0} the output state {@code rows[st + classes]} is entered at {@code pos}.
 */
final class ScanAutomaton {

    /** Largest table the scan builds, in words (256 MiB). */
    static final long MAX_TABLE_WORDS = 1L << 26;

    final int classes;
    final int stride;
    final int[] classOf;
    final int states;
    final int[] rows;
    final int outputStates;
    final int[] dictLink;
    final int[][] own;
    final int[] patternOutput;
    final int[] patternLength;
    final int longest;

    private ScanAutomaton(int classes, int[] classOf, int states, int[] rows, int outputStates, int[] dictLink,
                          int[][] own, int[] patternOutput, int[] patternLength) {
        this.classes = classes;
        this.stride = classes + 1;
        this.classOf = classOf;
        this.states = states;
        this.rows = rows;
        this.outputStates = outputStates;
        this.dictLink = dictLink;
        this.own = own;
        this.patternOutput = patternOutput;
        this.patternLength = patternLength;
        int n = 0;
        for (int len : patternLength) {
            n = Math.max(n, len);
        }
        this.longest = n;
    }

    /** A pattern set whose table would exceed {@link #MAX_TABLE_WORDS}. */
    static final class TooLarge extends Exception {
        private static final long serialVersionUID = 1L;

        TooLarge(String message) {
            super(message);
        }
    }

    /**
     * Builds the DFA.
     *
     * @throws TooLarge when states x (classes + 1) words exceed {@link #MAX_TABLE_WORDS}
     */
    static ScanAutomaton build(ScanPatterns patterns) throws TooLarge {
        int n = patterns.size();
        boolean[] used = new boolean[256];
        for (int i = 0; i < n; i++) {
            for (byte b : patterns.get(i)) {
                used[b & 0xFF] = true;
            }
        }
        int distinct = 0;
        for (boolean u : used) {
            distinct += u ? 1 : 0;
        }
        int[] classOf = new int[256];
        int other = distinct < 256 ? 1 : 0; // class 0 holds every byte no pattern uses
        int next = other;
        for (int b = 0; b < 256; b++) {
            classOf[b] = used[b] ? next++ : 0;
        }
        int classes = distinct + other;
        int stride = classes + 1;

        // the trie, built from the patterns in sorted order: a pattern shares its prefix with the one before
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Arrays.compareUnsigned(patterns.get(a), patterns.get(b)));
        long nodes = 1;
        for (int k = 0; k < n; k++) {
            byte[] p = patterns.get(order[k]);
            nodes += p.length - (k == 0 ? 0 : commonPrefix(patterns.get(order[k - 1]), p));
        }
        if (nodes * stride > MAX_TABLE_WORDS) {
            throw new TooLarge("the patterns make a table of " + Formats.count(nodes) + " states x " + stride
                    + " words = " + Formats.count(nodes * stride * 4) + " bytes, more than "
                    + Formats.count(MAX_TABLE_WORDS * 4));
        }
        int states = (int) nodes;
        int[] rows = new int[states * stride];
        Arrays.fill(rows, -1);
        int[] endState = new int[n];
        int[] path = new int[ScanPatterns.MAX_LENGTH + 1];
        int created = 1;
        for (int k = 0; k < n; k++) {
            byte[] p = patterns.get(order[k]);
            int shared = k == 0 ? 0 : commonPrefix(patterns.get(order[k - 1]), p);
            for (int d = shared; d < p.length; d++) {
                int child = created++;
                rows[path[d] * stride + classOf[p[d] & 0xFF]] = child;
                path[d + 1] = child;
            }
            endState[order[k]] = path[p.length];
        }
        int[] ownCount = new int[states];
        for (int i = 0; i < n; i++) {
            ownCount[endState[i]]++;
        }

        // breadth-first: failure links, completed transitions, output states
        int[] fail = new int[states];
        int[] queue = new int[states];
        int head = 0;
        int tail = 0;
        queue[tail++] = 0;
        boolean[] hasOutput = new boolean[states];
        while (head < tail) {
            int s = queue[head++];
            int base = s * stride;
            hasOutput[s] = ownCount[s] > 0 || (s != 0 && hasOutput[fail[s]]);
            for (int c = 0; c < classes; c++) {
                int t = rows[base + c];
                int viaFail = s == 0 ? 0 : rows[fail[s] * stride + c];
                if (t < 0) {
                    rows[base + c] = viaFail;
                } else {
                    fail[t] = viaFail;
                    queue[tail++] = t;
                }
            }
        }
        int[] outputOf = new int[states];
        int outputs = 0;
        for (int k = 0; k < states; k++) {
            int s = queue[k];
            outputOf[s] = hasOutput[s] ? outputs++ : -1;
        }
        int[] dictLink = new int[outputs];
        int[][] own = new int[outputs][];
        int[] fill = new int[outputs];
        for (int k = 0; k < states; k++) {
            int s = queue[k];
            int o = outputOf[s];
            if (o >= 0) {
                dictLink[o] = s == 0 ? -1 : outputOf[fail[s]];
                own[o] = new int[ownCount[s]];
            }
        }
        int[] patternOutput = new int[n];
        int[] patternLength = new int[n];
        for (int i = 0; i < n; i++) {
            int o = outputOf[endState[i]];
            patternOutput[i] = o;
            patternLength[i] = patterns.get(i).length;
            own[o][fill[o]++] = i; // ascending pattern order
        }
        // encode: row offsets with the output flag, and each row's output id
        for (int s = 0; s < states; s++) {
            int base = s * stride;
            for (int c = 0; c < classes; c++) {
                int t = rows[base + c];
                rows[base + c] = t * stride | (hasOutput[t] ? 0x8000_0000 : 0);
            }
            rows[base + classes] = outputOf[s];
        }
        return new ScanAutomaton(classes, classOf, states, rows, outputs, dictLink, own, patternOutput, patternLength);
    }

    private static int commonPrefix(byte[] a, byte[] b) {
        int m = Arrays.mismatch(a, b);
        return m < 0 ? a.length : m;
    }

    /** @return table words: {@code states * stride} */
    long tableWords() {
        return (long) states * stride;
    }

    /**
     * Walks {@code bytes[from, to)} from the root and adds 1 to {@code hits[o]} each time output state
     * {@code o} is entered at a position {@code >= from + owned}.
     */
    void walk(byte[] bytes, int from, int to, int owned, long[] hits) {
        walk(bytes, from, to, from + owned, 0, hits);
    }

    /**
     * The walk from state row {@code st}, counting entries at positions {@code >= countFrom}.
     *
     * @return the state row after byte {@code to - 1}
     */
    int walk(byte[] bytes, int from, int to, int countFrom, int st, long[] hits) {
        int[] r = rows;
        int[] cls = classOf;
        int c = classes;
        for (int i = from; i < to; i++) {
            int e = r[st + cls[bytes[i] & 0xFF]];
            st = e & 0x7FFF_FFFF;
            if (e < 0 && i >= countFrom) {
                hits[r[st + c]]++;
            }
        }
        return st;
    }

    /**
     * {@link #walk} of {@code bytes[from, to)} as four interleaved walks over its quarters, each started
     * {@code longest - 1} bytes early and owning the entries that end in its quarter (the same counts; four
     * independent chains of table loads keep a core's load pipeline busy). The entries before
     * {@code from + owned} are not counted.
     */
    void walk4(byte[] bytes, int from, int to, int owned, long[] hits) {
        int lead = Math.max(0, longest - 1);
        int countFrom = from + owned;
        int quarter = (to - countFrom) / 4;
        if (quarter <= lead) {
            walk(bytes, from, to, countFrom, 0, hits);
            return;
        }
        int[] r = rows;
        int[] cls = classOf;
        int c = classes;
        // lane k owns [countFrom + k * quarter, end_k); lanes 1..3 start lead bytes before their part
        int b0 = from;
        int b1 = countFrom + quarter - lead;
        int b2 = countFrom + 2 * quarter - lead;
        int b3 = countFrom + 3 * quarter - lead;
        int o0 = countFrom;
        int o1 = b1 + lead;
        int o2 = b2 + lead;
        int o3 = b3 + lead;
        int n = Math.min(o1 - b0, quarter + lead); // steps every lane takes together
        int s0 = 0;
        int s1 = 0;
        int s2 = 0;
        int s3 = 0;
        for (int i = 0; i < n; i++) {
            int e0 = r[s0 + cls[bytes[b0 + i] & 0xFF]];
            int e1 = r[s1 + cls[bytes[b1 + i] & 0xFF]];
            int e2 = r[s2 + cls[bytes[b2 + i] & 0xFF]];
            int e3 = r[s3 + cls[bytes[b3 + i] & 0xFF]];
            s0 = e0 & 0x7FFF_FFFF;
            s1 = e1 & 0x7FFF_FFFF;
            s2 = e2 & 0x7FFF_FFFF;
            s3 = e3 & 0x7FFF_FFFF;
            if ((e0 | e1 | e2 | e3) < 0) {
                if (e0 < 0 && b0 + i >= o0) {
                    hits[r[s0 + c]]++;
                }
                if (e1 < 0 && b1 + i >= o1) {
                    hits[r[s1 + c]]++;
                }
                if (e2 < 0 && b2 + i >= o2) {
                    hits[r[s2 + c]]++;
                }
                if (e3 < 0 && b3 + i >= o3) {
                    hits[r[s3 + c]]++;
                }
            }
        }
        // each lane finishes its own part: lanes 0..2 end where the next lane's owned part begins
        walk(bytes, b0 + n, o1, o0, s0, hits);
        walk(bytes, b1 + n, o2, o1, s1, hits);
        walk(bytes, b2 + n, o3, o2, s2, hits);
        walk(bytes, b3 + n, to, o3, s3, hits);
    }

    /**
     * @param hits entries of each output state, as the walk counts them
     * @return occurrences of each pattern: the entries of every output state whose dictionary chain holds it
     */
    long[] patternCounts(long[] hits) {
        long[] acc = Arrays.copyOf(hits, outputStates);
        for (int o = outputStates - 1; o >= 0; o--) { // a link points to a shallower state: a smaller id
            if (dictLink[o] >= 0) {
                acc[dictLink[o]] += acc[o];
            }
        }
        long[] counts = new long[patternOutput.length];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = acc[patternOutput[i]];
        }
        return counts;
    }

    /** Receives the patterns that end at one position. */
    @FunctionalInterface
    interface MatchSink {
        /** Pattern {@code pattern} occupies bytes {@code [start, start + length)}. */
        void match(long start, int pattern);
    }

    /** Reports every pattern output state {@code o} stands for, ending at byte {@code end}, ascending by pattern index per state. */
    void matchesAt(int o, long end, MatchSink sink) {
        for (int x = o; x >= 0; x = dictLink[x]) {
            for (int p : own[x]) {
                sink.match(end - patternLength[p] + 1, p);
            }
        }
    }
}
