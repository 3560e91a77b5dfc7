package dev.vyre.cli;

import dev.vyre.api.Slots;
import dev.vyre.conformance.Wire;
import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.DebugLogLayout;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.Words;
import java.lang.foreign.MemorySegment;

/**
 * The demo's mixed workload and its host-side model. Ring slot {@code s} always runs kind
 * {@code s % 6}, so a run of slots mixes every kind, and every slot owns its observable words, so
 * every result is predictable whatever order the interpreter runs slots in:
 * <ol start="0">
 *   <li>{@code ATOMIC_ADD(k, acc(s))};</li>
 *   <li>PACKED_SLOT {@code [STORE_U32(v, aux(s)), ATOMIC_ADD(k, acc(s))]};</li>
 *   <li>PACKED_SLOT {@code [COMPARE_SWAP(T(s), expected, desired), ATOMIC_ADD(k, acc(s))]}: a hit every
 *       other two waves, a certain miss otherwise; the previous value lands in {@code 160 + T(s)};</li>
 *   <li>PACKED_SLOT {@code [LOAD_U32(acc(s) -> aux(s)), ATOMIC_ADD(k, acc(s))]}: the load sees the total
 *       before this wave's increment;</li>
 *   <li>{@code PRINTF(fmt, s, wave)} (PRINTF does not fit a packed slot's one-byte opcodes);</li>
 *   <li>PACKED_SLOT {@code [BATCH_FENCE(1, tag), ATOMIC_ADD(k, acc(s))]}.</li>
 * </ol>
 * The increment {@code k} differs from wave to wave, so {@code acc(s)} equals the sum of exactly the
 * increments published into slot {@code s}: a slot run twice or never leaves a wrong total (kind 4 is
 * counted by the debug log's cursor instead). The shared words (DONE_COUNT, the per-opcode metrics,
 * EPOCH, the fence tag, the debug log) are checked against the counts of the whole run.
 *
 * <p>The images of all ring slots live in one buffer that {@link #writeTemplates} fills once; each
 * wave {@link #encodeRun} rewrites only the words that change (the increment, the STORE value, the
 * CAS operands, the PRINTF wave) and updates the model. Allocates nothing after construction.
 */
final class DemoWorkload {

    static final int KINDS = 6;
    static final int ADD = 0;
    static final int STORE = 1;
    static final int CAS = 2;
    static final int LOAD = 3;
    static final int PRINTF = 4;
    static final int FENCE = 5;
    static final int FENCE_TAG = 0xFE9CE;
    static final int PRINTF_FMT = 0x5EED;
    /** Argument words of a packed slot: 2 metadata words, the op's 3 arguments, the ATOMIC_ADD's 3. */
    static final int PACKED_ARGS = 8;
    /** Observable words of one CAS chunk: 160 targets, then their 160 result words. */
    private static final int CAS_CHUNK = 2 * ControlLayout.OBSERVABLE_BASE;

    /** Image word of a packed slot's first inner argument, and of its ATOMIC_ADD increment. */
    private static final int INNER0 = SlotLayout.ARG0_WORD + 2;
    private static final int PACKED_K = INNER0 + 3;
    /** The slot's factor in {@link #increment}: {@code 2 D}, even, so the increment stays odd. */
    private static final int SLOT_FACTOR = (int) (2 * 0x85EBCA77L);

    final int slots;
    /** Observable words the session must have. */
    final int observable;
    private final int casSlots;
    private final int casSpan;
    /** Model: each slot's expected ATOMIC_ADD total, its aux word (STORE value, LOAD result, CAS target), CAS result. */
    private final int[] acc;
    private final int[] aux;
    private final int[] casPrevious;
    /** Slots executed so far, per kind. */
    private final long[] executed = new long[KINDS];

    DemoWorkload(int slots) {
        this.slots = slots;
        this.casSlots = (slots + KINDS - 1 - CAS) / KINDS;
        this.casSpan = 1 + (casSlots + ControlLayout.OBSERVABLE_BASE - 1) / ControlLayout.OBSERVABLE_BASE * CAS_CHUNK;
        this.observable = casSpan + 2 * slots;
        this.acc = new int[slots];
        this.aux = new int[slots];
        this.casPrevious = new int[slots];
    }

    /** @return the kind of ring slot {@code s} */
    static int kind(int s) {
        return s % KINDS;
    }

    /** @return observable index of slot {@code s}'s ATOMIC_ADD total */
    int accIndex(int s) {
        return casSpan + 2 * s;
    }

    /** @return observable index of slot {@code s}'s aux word (STORE target, LOAD destination) */
    int auxIndex(int s) {
        return casSpan + 2 * s + 1;
    }

    /** @return observable index of CAS slot {@code s}'s target; its result word is 160 above it */
    int casIndex(int s) {
        int c = s / KINDS;
        return 1 + c / ControlLayout.OBSERVABLE_BASE * CAS_CHUNK + c % ControlLayout.OBSERVABLE_BASE;
    }

    /** @return slots executed so far */
    long executed() {
        long n = 0;
        for (long e : executed) {
            n += e;
        }
        return n;
    }

    /** @return slots of kind {@code kind} executed so far */
    long executed(int kind) {
        return executed[kind];
    }

    /**
     * The increment of slot {@code s} in wave {@code w}: {@code (2w + 1) C + 2 s D} modulo 2^32 with odd
     * {@code C}, so it is odd (never 0) and, for one slot, different in each of the first 2^31 waves.
     */
    static int increment(long w, int s) {
        return waveTerm(w) + s * SLOT_FACTOR;
    }

    /** @return the wave's part of {@link #increment}: {@code (2w + 1) C} modulo 2^32 */
    private static int waveTerm(long w) {
        return (int) ((2 * w + 1) * 0x9E3779B1L);
    }

    /**
     * Writes every ring slot's image template into {@code images} (at least {@code slots * 64} bytes) with
     * {@link Slots#encode}: status PUBLISHED, the kind's opcode, packed metadata and constant arguments.
     */
    void writeTemplates(MemorySegment images) {
        int[] args = new int[PACKED_ARGS];
        for (int s = 0; s < slots; s++) {
            int acc0 = Slots.observable(accIndex(s));
            switch (kind(s)) {
                case ADD -> Slots.encode(images, s, 0, Opcodes.ATOMIC_ADD, 0, acc0, 0);
                case PRINTF -> Slots.encode(images, s, 0, Opcodes.PRINTF, PRINTF_FMT, s, 0);
                case STORE -> packedTemplate(images, s, args, Opcodes.STORE_U32, 0, Slots.observable(auxIndex(s)));
                case CAS -> packedTemplate(images, s, args, Opcodes.COMPARE_SWAP, Slots.observable(casIndex(s)), 0);
                case LOAD -> packedTemplate(images, s, args, Opcodes.LOAD_U32, acc0, auxIndex(s));
                default -> packedTemplate(images, s, args, Opcodes.BATCH_FENCE, 1, FENCE_TAG);
            }
        }
    }

    /** Encodes slot {@code s} as PACKED_SLOT {@code [op(a0, a1, 0), ATOMIC_ADD(0, acc(s), 0)]}. */
    private void packedTemplate(MemorySegment images, int s, int[] args, int op, int a0, int a1) {
        packed(op, args);
        args[2] = a0;
        args[3] = a1;
        args[4] = 0;
        args[5] = 0;
        args[6] = Slots.observable(accIndex(s));
        args[7] = 0;
        Slots.encode(images, s, 0, Opcodes.PACKED_SLOT, args, PACKED_ARGS);
    }

    /**
     * Writes the metadata of a packed slot of two ops, {@code op} (3 argument words at offset 0) then
     * ATOMIC_ADD (3 at offset 3), into {@code args[0..1]}, as {@code RingPublisher.publishPackedSlot}
     * encodes it: byte 0 = 2 ops, byte 1 = 6 argument words, then (op, offset) pairs.
     */
    static void packed(int op, int[] args) {
        args[0] = 2 | 6 << 8 | op << 16;
        args[1] = Opcodes.ATOMIC_ADD | 3 << 8;
    }

    /**
     * Rewrites the changing words of ring slots {@code first .. first + count - 1} for wave {@code w} in
     * {@code images} (filled by {@link #writeTemplates}) and updates the model as if they ran. One pass per
     * kind over the run (stride 6), so the loop bodies carry no branch on the kind.
     */
    void encodeRun(MemorySegment images, int first, int count, long w) {
        int end = first + count;
        int w32 = (int) w;
        int kw = waveTerm(w);
        int[] total = acc;
        int[] second = aux;
        for (int kind = 0; kind < KINDS; kind++) {
            int s0 = first + Math.floorMod(kind - first, KINDS);
            if (s0 >= end) {
                continue;
            }
            executed[kind] += (end - s0 + KINDS - 1) / KINDS;
            switch (kind) {
                case ADD -> {
                    for (int s = s0; s < end; s += KINDS) {
                        int k = kw + s * SLOT_FACTOR;
                        Words.set(images, (long) s * SlotLayout.SLOT_WORDS + SlotLayout.ARG0_WORD, k);
                        total[s] += k;
                    }
                }
                case STORE -> {
                    for (int s = s0; s < end; s += KINDS) {
                        long base = (long) s * SlotLayout.SLOT_WORDS;
                        int k = kw + s * SLOT_FACTOR;
                        int v = (w32 + 1) * 0x01000193 ^ s;
                        Words.set(images, base + INNER0, v);
                        Words.set(images, base + PACKED_K, k);
                        second[s] = v;
                        total[s] += k;
                    }
                }
                case CAS -> {
                    boolean hit = (w & 2) == 0;
                    for (int s = s0; s < end; s += KINDS) {
                        long base = (long) s * SlotLayout.SLOT_WORDS;
                        int k = kw + s * SLOT_FACTOR;
                        int current = second[s];
                        int desired = (w32 + 1) ^ (s << 8);
                        Words.set(images, base + INNER0 + 1, hit ? current : current + 1);
                        Words.set(images, base + INNER0 + 2, desired);
                        Words.set(images, base + PACKED_K, k);
                        casPrevious[s] = current;
                        if (hit) {
                            second[s] = desired;
                        }
                        total[s] += k;
                    }
                }
                case LOAD -> {
                    for (int s = s0; s < end; s += KINDS) {
                        int k = kw + s * SLOT_FACTOR;
                        Words.set(images, (long) s * SlotLayout.SLOT_WORDS + PACKED_K, k);
                        second[s] = total[s];
                        total[s] += k;
                    }
                }
                case PRINTF -> {
                    for (int s = s0; s < end; s += KINDS) {
                        Words.set(images, (long) s * SlotLayout.SLOT_WORDS + SlotLayout.ARG0_WORD + 2, w32);
                    }
                }
                default -> {
                    for (int s = s0; s < end; s += KINDS) {
                        int k = kw + s * SLOT_FACTOR;
                        Words.set(images, (long) s * SlotLayout.SLOT_WORDS + PACKED_K, k);
                        total[s] += k;
                    }
                }
            }
        }
    }

    /**
     * Checks the observable words of ring slots {@code from .. to - 1}, each DONE after its last
     * publication, in a control snapshot.
     *
     * @return null when every word matches the model, else the first difference
     */
    String verifySlots(byte[] control, int from, int to) {
        for (int s = from; s < to; s++) {
            String bad = check(control, accIndex(s), acc[s], "ATOMIC_ADD total (the sum of every increment"
                    + " published into the slot)", s);
            if (bad == null) {
                bad = switch (kind(s)) {
                    case STORE -> check(control, auxIndex(s), aux[s], "STORE_U32 value", s);
                    case LOAD -> check(control, auxIndex(s), aux[s], "LOAD_U32 result", s);
                    case CAS -> firstOf(check(control, casIndex(s), aux[s], "COMPARE_SWAP target", s),
                            check(control, casIndex(s) + ControlLayout.OBSERVABLE_BASE, casPrevious[s],
                                    "COMPARE_SWAP previous value", s));
                    default -> check(control, auxIndex(s), 0, "unused word", s);
                };
            }
            if (bad != null) {
                return bad;
            }
        }
        return null;
    }

    /**
     * Checks that every observable word no published slot owns is still 0 (the fence tag's word excepted):
     * the words of slots {@code published .. slots - 1} and the CAS words of slots that are not CAS slots
     * or were never published.
     */
    String verifyUnowned(byte[] control, int published) {
        for (int s = published; s < slots; s++) {
            String bad = firstOf(check(control, accIndex(s), 0, "word of an unpublished slot", s),
                    check(control, auxIndex(s), 0, "word of an unpublished slot", s));
            if (bad != null) {
                return bad;
            }
        }
        for (int k = 1; k < casSpan; k++) {
            int lane = (k - 1) % CAS_CHUNK;
            int c = (k - 1) / CAS_CHUNK * ControlLayout.OBSERVABLE_BASE + lane % ControlLayout.OBSERVABLE_BASE;
            int s = c * KINDS + CAS;
            if (s >= published || c >= casSlots) {
                String bad = check(control, k, 0, "CAS word no published slot owns", -1);
                if (bad != null) {
                    return bad;
                }
            }
        }
        return null;
    }

    /**
     * Checks the shared words against the counts of the whole run, as deltas from {@code before} (a control
     * snapshot taken before the first publication): DONE_COUNT, every metric (0..31), EPOCH and the fence tag.
     *
     * @return null when every word matches, else the first difference
     */
    String verifyCounters(byte[] control, byte[] before) {
        long all = executed();
        String bad = delta(control, before, ControlLayout.DONE_COUNT, all, "DONE_COUNT");
        for (int op = 0; op < Opcodes.METRIC_OPCODES && bad == null; op++) {
            bad = delta(control, before, ControlLayout.METRICS_BASE + op, metric(op), "metric of opcode " + op);
        }
        if (bad == null) {
            bad = delta(control, before, ControlLayout.EPOCH, executed[FENCE], "EPOCH (one per BATCH_FENCE)");
        }
        if (bad == null) {
            bad = check(control, 0, executed[FENCE] > 0 ? FENCE_TAG : 0, "fence tag", -1);
        }
        return bad;
    }

    /** @return executions of built-in opcode {@code op} so far: every kind but PRINTF carries an ATOMIC_ADD */
    long metric(int op) {
        return switch (op) {
            case Opcodes.ATOMIC_ADD -> executed() - executed[PRINTF];
            case Opcodes.STORE_U32 -> executed[STORE];
            case Opcodes.COMPARE_SWAP -> executed[CAS];
            case Opcodes.LOAD_U32 -> executed[LOAD];
            case Opcodes.BATCH_FENCE -> executed[FENCE];
            default -> 0;
        };
    }

    /**
     * Checks the debug log: its cursor counts every PRINTF (4 words each, modulo 2^32), and every record
     * written is one of the demo's: its format, a PRINTF slot, a wave already published and that slot's
     * first ring word.
     *
     * @param waves waves published so far
     * @return null when the log is right, else what is wrong
     */
    String verifyLog(byte[] log, long waves) {
        int cursor = Wire.word(log, DebugLogLayout.CURSOR_WORD);
        int expected = (int) (DebugLogLayout.RECORD_WORDS * executed[PRINTF]);
        if (cursor != expected) {
            return "debug-log cursor " + Integer.toUnsignedString(cursor) + ", expected "
                    + Integer.toUnsignedString(expected) + " (4 words for each of " + executed[PRINTF] + " PRINTFs)";
        }
        long records = Math.min(executed[PRINTF], DebugLogLayout.RECORD_CAPACITY);
        for (int r = 0; r < records; r++) {
            long at = DebugLogLayout.RECORDS_BASE + (long) DebugLogLayout.RECORD_WORDS * r;
            int fmt = Wire.word(log, at);
            int slot = Wire.word(log, at + 1);
            long wave = Integer.toUnsignedLong(Wire.word(log, at + 2));
            int base = Wire.word(log, at + 3);
            boolean waveSeen = wave < waves || waves > 0xFFFF_FFFFL; // the argument is the wave modulo 2^32
            if (fmt != PRINTF_FMT || slot < 0 || slot >= slots || kind(slot) != PRINTF || !waveSeen
                    || base != slot * SlotLayout.SLOT_WORDS) {
                return "debug-log record " + r + " is not one of the demo's PRINTFs: format 0x"
                        + Integer.toHexString(fmt) + ", slot " + slot + ", wave " + wave + ", slot word " + base;
            }
        }
        return null;
    }

    private static String delta(byte[] control, byte[] before, int word, long count, String what) {
        return checkWord(control, word, (int) (Wire.word(before, word) + count), what);
    }

    private static String firstOf(String a, String b) {
        return a != null ? a : b;
    }

    /** @return null when observable word {@code k} holds {@code expected}; {@code slot} is its owner, or -1 */
    private static String check(byte[] control, int k, int expected, String what, int slot) {
        String bad = checkWord(control, Slots.observable(k), expected, what);
        return bad == null || slot < 0 ? bad : "ring slot " + slot + " (" + kindName(kind(slot)) + "): " + bad;
    }

    /** @return null when control word {@code word} holds {@code expected} */
    private static String checkWord(byte[] control, int word, int expected, String what) {
        int actual = Wire.word(control, word);
        return actual == expected ? null : what + " in control word " + word + " is "
                + Integer.toUnsignedString(actual) + ", expected " + Integer.toUnsignedString(expected);
    }

    /** @return the kind's name, e.g. {@code STORE_U32+ATOMIC_ADD} */
    static String kindName(int kind) {
        return switch (kind) {
            case ADD -> "ATOMIC_ADD";
            case STORE -> "STORE_U32+ATOMIC_ADD";
            case CAS -> "COMPARE_SWAP+ATOMIC_ADD";
            case LOAD -> "LOAD_U32+ATOMIC_ADD";
            case PRINTF -> "PRINTF";
            default -> "BATCH_FENCE+ATOMIC_ADD";
        };
    }
}
