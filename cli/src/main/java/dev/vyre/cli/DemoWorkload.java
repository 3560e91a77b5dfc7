package dev.vyre.cli;

import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.Opcodes;

/**
 * The demo's mixed workload and its host-side model. Slot {@code s} owns private observable
 * words, so every result is predictable whatever order the interpreter runs slots in:
 * <ul>
 *   <li>a COMPARE_SWAP target {@code T(s)} whose result word {@code 160 + T(s)} no other slot uses;</li>
 *   <li>four words: ADD accumulator, STORE value, LOAD result, packed STORE value.</li>
 * </ul>
 * PRINTF and BATCH_FENCE touch shared state only commutatively (the log cursor, the epoch, and
 * observable word 0 which every fence sets to the same tag).
 */
final class DemoWorkload {

    static final int KINDS = 7;
    static final int FENCE_TAG = 0xFE9CE;
    static final int PRINTF_FMT = 0x5EED;

    final int slots;
    final int observable;
    private final int privateBase;
    final int[] add;
    final int[] store;
    final int[] load;
    final int[] packed;
    final int[] cas;
    final int[] casPrev;
    final long[] metrics = new long[32];
    long printfs;
    long epoch;
    long executed;

    DemoWorkload(int slots) {
        this.slots = slots;
        int casSpan = 1 + (slots + 159) / 160 * 320;
        this.privateBase = casSpan;
        this.observable = casSpan + 4 * slots;
        this.add = new int[slots];
        this.store = new int[slots];
        this.load = new int[slots];
        this.packed = new int[slots];
        this.cas = new int[slots];
        this.casPrev = new int[slots];
    }

    /** @return absolute control word of slot {@code s}'s COMPARE_SWAP target (its result is at 160 + it) */
    int casTarget(int s) {
        return ControlLayout.OBSERVABLE_BASE + 1 + (s / 160) * 320 + s % 160;
    }

    /** @return absolute control word {@code k} (0..3) of slot {@code s}'s private words */
    int privateWord(int s, int k) {
        return ControlLayout.OBSERVABLE_BASE + privateBase + 4 * s + k;
    }

    /**
     * Fills {@code args} with the op of slot {@code s} in wave {@code w}, updates the model, and
     * returns the opcode.
     */
    int next(int w, int s, int[] args) {
        java.util.Arrays.fill(args, 0);
        executed++;
        switch ((w + s) % KINDS) {
            case 0 -> {
                int k = (w * 31 + s) & 0xFF | 1;
                args[0] = k;
                args[1] = privateWord(s, 0);
                add[s] += k;
                metrics[Opcodes.ATOMIC_ADD]++;
                return Opcodes.ATOMIC_ADD;
            }
            case 1 -> {
                int v = w * 0x10001 ^ s;
                args[0] = v;
                args[1] = privateWord(s, 1);
                store[s] = v;
                metrics[Opcodes.STORE_U32]++;
                return Opcodes.STORE_U32;
            }
            case 2 -> {
                boolean hit = (w & 2) == 0;
                int expected = hit ? cas[s] : cas[s] + 1;
                int desired = w ^ (s << 8);
                args[0] = casTarget(s);
                args[1] = expected;
                args[2] = desired;
                casPrev[s] = cas[s];
                if (hit) {
                    cas[s] = desired;
                }
                metrics[Opcodes.COMPARE_SWAP]++;
                return Opcodes.COMPARE_SWAP;
            }
            case 3 -> {
                args[0] = privateWord(s, 1);
                args[1] = privateWord(s, 2) - ControlLayout.OBSERVABLE_BASE;
                load[s] = store[s];
                metrics[Opcodes.LOAD_U32]++;
                return Opcodes.LOAD_U32;
            }
            case 4 -> {
                int v = w + 7 * s;
                int k = 3;
                int[] payload = dev.vyre.conformance.Wire.packedPayload(
                        new int[] {Opcodes.STORE_U32, v, privateWord(s, 3)},
                        new int[] {Opcodes.ATOMIC_ADD, k, privateWord(s, 0)});
                System.arraycopy(payload, 0, args, 0, payload.length);
                packed[s] = v;
                add[s] += k;
                metrics[Opcodes.STORE_U32]++;
                metrics[Opcodes.ATOMIC_ADD]++;
                return Opcodes.PACKED_SLOT;
            }
            case 5 -> {
                args[0] = PRINTF_FMT;
                args[1] = s;
                args[2] = w;
                printfs++;
                return Opcodes.PRINTF;
            }
            default -> {
                args[0] = 1;
                args[1] = FENCE_TAG;
                epoch++;
                metrics[Opcodes.BATCH_FENCE]++;
                return Opcodes.BATCH_FENCE;
            }
        }
    }

    /**
     * Checks a control snapshot against the model.
     *
     * @return null when every word matches, else a description of the first difference
     */
    String verify(byte[] control, boolean everyWave) {
        for (int s = 0; s < slots; s++) {
            String bad = check(control, privateWord(s, 0), add[s], "ATOMIC_ADD total", s)
                    + check(control, privateWord(s, 1), store[s], "STORE_U32 value", s)
                    + check(control, privateWord(s, 2), load[s], "LOAD_U32 result", s)
                    + check(control, privateWord(s, 3), packed[s], "packed STORE_U32 value", s)
                    + check(control, casTarget(s), cas[s], "COMPARE_SWAP target", s)
                    + check(control, 160 + casTarget(s), casPrev[s], "COMPARE_SWAP previous value", s);
            if (!bad.isEmpty()) {
                return bad;
            }
        }
        String counters = check(control, ControlLayout.DONE_COUNT, (int) executed, "DONE_COUNT", -1)
                + check(control, ControlLayout.EPOCH, (int) epoch, "EPOCH", -1)
                + (epoch > 0 ? check(control, ControlLayout.OBSERVABLE_BASE, FENCE_TAG, "fence tag", -1) : "");
        for (int op = 0; op < 8 && counters.isEmpty(); op++) {
            counters = check(control, ControlLayout.METRICS_BASE + op, (int) metrics[op], "metric " + op, -1);
        }
        return counters.isEmpty() ? null : counters;
    }

    private static String check(byte[] control, int word, int expected, String what, int slot) {
        int actual = dev.vyre.conformance.Wire.word(control, word);
        if (actual == expected) {
            return "";
        }
        return what + (slot >= 0 ? " of slot " + slot : "") + " (control word " + word + "): expected "
                + Integer.toUnsignedString(expected) + ", got " + Integer.toUnsignedString(actual);
    }

    /** @return null when the debug log holds the right cursor and valid records */
    String verifyLog(byte[] log) {
        int cursor = dev.vyre.conformance.Wire.word(log, 0);
        if (cursor != (int) (4 * printfs)) {
            return "debug-log cursor " + Integer.toUnsignedString(cursor) + ", expected 4 x " + printfs + " PRINTFs";
        }
        long records = Math.min(printfs, 64);
        for (int r = 0; r < records; r++) {
            int fmt = dev.vyre.conformance.Wire.word(log, 1 + 4L * r);
            int slot = dev.vyre.conformance.Wire.word(log, 2 + 4L * r);
            int base = dev.vyre.conformance.Wire.word(log, 4 + 4L * r);
            if (fmt != PRINTF_FMT || slot < 0 || slot >= slots || base != slot * 16) {
                return "debug-log record " + r + " is not a demo PRINTF: fmt " + fmt + ", slot " + slot + ", base " + base;
            }
        }
        return null;
    }
}
