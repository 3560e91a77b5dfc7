package dev.vyre.cli;

import dev.vyre.api.Slots;
import dev.vyre.conformance.Wire;
import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.RingPublisher;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotStatus;
import dev.vyre.protocol.Words;
import java.lang.foreign.MemorySegment;

/**
 * The demo's mixed workload and its host-side model. Slot {@code s} owns private observable
 * words, so every result is predictable whatever order the interpreter runs slots in, and a slot's
 * results can be checked as soon as that slot is DONE, while other slots still run:
 * <ul>
 *   <li>a COMPARE_SWAP target {@code T(s)} whose result word {@code 160 + T(s)} no other slot uses;</li>
 *   <li>four words: ADD accumulator, STORE value, LOAD result, packed STORE value.</li>
 * </ul>
 * PRINTF and BATCH_FENCE touch shared state only commutatively (the log cursor, the epoch, and
 * observable word 0 which every fence sets to the same tag); those shared words, DONE_COUNT and the
 * metrics are checked when every slot is DONE. Encoding allocates nothing.
 */
final class DemoWorkload {

    static final int KINDS = 7;
    static final int FENCE_TAG = 0xFE9CE;
    static final int PRINTF_FMT = 0x5EED;
    /** Argument words of the demo's PACKED_SLOT: 2 metadata words, then STORE_U32 (2) and ATOMIC_ADD (2). */
    static final int PACKED_ARGS = 6;
    /** The ATOMIC_ADD increment inside the packed slot. */
    static final int PACKED_ADD = 3;

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
    private final int[] packedArgs = new int[SlotLayout.ARGS_PER_SLOT];
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
     * Encodes the op of ring slot {@code s} in wave {@code w} as slot image {@code index} of
     * {@code images} (status PUBLISHED, ready for {@code Session.publishSlots}) and updates the model.
     *
     * @return the opcode
     */
    int encode(MemorySegment images, int index, int w, int s) {
        executed++;
        switch ((w + s) % KINDS) {
            case 0 -> {
                int k = (w * 31 + s) & 0xFF | 1;
                add[s] += k;
                metrics[Opcodes.ATOMIC_ADD]++;
                Slots.encode(images, index, 0, Opcodes.ATOMIC_ADD, k, privateWord(s, 0), 0);
                return Opcodes.ATOMIC_ADD;
            }
            case 1 -> {
                int v = w * 0x10001 ^ s;
                store[s] = v;
                metrics[Opcodes.STORE_U32]++;
                Slots.encode(images, index, 0, Opcodes.STORE_U32, v, privateWord(s, 1), 0);
                return Opcodes.STORE_U32;
            }
            case 2 -> {
                boolean hit = (w & 2) == 0;
                int expected = hit ? cas[s] : cas[s] + 1;
                int desired = w ^ (s << 8);
                casPrev[s] = cas[s];
                if (hit) {
                    cas[s] = desired;
                }
                metrics[Opcodes.COMPARE_SWAP]++;
                Slots.encode(images, index, 0, Opcodes.COMPARE_SWAP, casTarget(s), expected, desired);
                return Opcodes.COMPARE_SWAP;
            }
            case 3 -> {
                load[s] = store[s];
                metrics[Opcodes.LOAD_U32]++;
                Slots.encode(images, index, 0, Opcodes.LOAD_U32, privateWord(s, 1),
                        privateWord(s, 2) - ControlLayout.OBSERVABLE_BASE, 0);
                return Opcodes.LOAD_U32;
            }
            case 4 -> {
                int v = w + 7 * s;
                packedPayload(v, privateWord(s, 3), PACKED_ADD, privateWord(s, 0), packedArgs);
                packed[s] = v;
                add[s] += PACKED_ADD;
                metrics[Opcodes.STORE_U32]++;
                metrics[Opcodes.ATOMIC_ADD]++;
                RingPublisher.writePayload(images, index, 0, Opcodes.PACKED_SLOT, packedArgs, PACKED_ARGS);
                Words.set(images, (long) index * SlotLayout.SLOT_WORDS + SlotLayout.STATUS_WORD, SlotStatus.PUBLISHED);
                return Opcodes.PACKED_SLOT;
            }
            case 5 -> {
                printfs++;
                Slots.encode(images, index, 0, Opcodes.PRINTF, PRINTF_FMT, s, w);
                return Opcodes.PRINTF;
            }
            default -> {
                epoch++;
                metrics[Opcodes.BATCH_FENCE]++;
                Slots.encode(images, index, 0, Opcodes.BATCH_FENCE, 1, FENCE_TAG, 0);
                return Opcodes.BATCH_FENCE;
            }
        }
    }

    /**
     * Writes the argument words of a PACKED_SLOT of two ops, {@code STORE_U32(value, storeWord)} then
     * {@code ATOMIC_ADD(k, addWord)}, into {@code args[0..5]}: byte 0 = 2 ops, byte 1 = 4 argument words,
     * bytes 2..5 = (op, argument offset) pairs, then the arguments from word 2.
     */
    static void packedPayload(int value, int storeWord, int k, int addWord, int[] args) {
        args[0] = 2 | 4 << 8 | Opcodes.STORE_U32 << 16;
        args[1] = Opcodes.ATOMIC_ADD | 2 << 8;
        args[2] = value;
        args[3] = storeWord;
        args[4] = k;
        args[5] = addWord;
    }

    /**
     * Checks the private words of slots {@code from .. to - 1} in a control snapshot taken after each of
     * them was DONE.
     *
     * @return null when every word matches, else a description of the first difference
     */
    String verifySlots(byte[] control, int from, int to) {
        for (int s = from; s < to; s++) {
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
        return null;
    }

    /**
     * Checks the shared words in a control snapshot taken when every published slot was DONE:
     * DONE_COUNT, EPOCH, the fence tag and the metrics of opcodes 0..7.
     *
     * @return null when every word matches, else a description of the first difference
     */
    String verifyCounters(byte[] control) {
        String counters = check(control, ControlLayout.DONE_COUNT, (int) executed, "DONE_COUNT", -1)
                + check(control, ControlLayout.EPOCH, (int) epoch, "EPOCH", -1)
                + (epoch > 0 ? check(control, ControlLayout.OBSERVABLE_BASE, FENCE_TAG, "fence tag", -1) : "");
        for (int op = 0; op < 8 && counters.isEmpty(); op++) {
            counters = check(control, ControlLayout.METRICS_BASE + op, (int) metrics[op], "metric " + op, -1);
        }
        return counters.isEmpty() ? null : counters;
    }

    /** @return {@link #verifySlots} over every slot, then {@link #verifyCounters} */
    String verify(byte[] control) {
        String bad = verifySlots(control, 0, slots);
        return bad != null ? bad : verifyCounters(control);
    }

    private static String check(byte[] control, int word, int expected, String what, int slot) {
        int actual = Wire.word(control, word);
        if (actual == expected) {
            return "";
        }
        return what + (slot >= 0 ? " of slot " + slot : "") + " (control word " + word + "): expected "
                + Integer.toUnsignedString(expected) + ", got " + Integer.toUnsignedString(actual);
    }

    /** @return null when the debug log holds the right cursor and valid records */
    String verifyLog(byte[] log) {
        int cursor = Wire.word(log, 0);
        if (cursor != (int) (4 * printfs)) {
            return "debug-log cursor " + Integer.toUnsignedString(cursor) + ", expected 4 x " + printfs + " PRINTFs";
        }
        long records = Math.min(printfs, 64);
        for (int r = 0; r < records; r++) {
            int fmt = Wire.word(log, 1 + 4L * r);
            int slot = Wire.word(log, 2 + 4L * r);
            int base = Wire.word(log, 4 + 4L * r);
            if (fmt != PRINTF_FMT || slot < 0 || slot >= slots || base != slot * 16) {
                return "debug-log record " + r + " is not a demo PRINTF: fmt " + fmt + ", slot " + slot + ", base " + base;
            }
        }
        return null;
    }
}
