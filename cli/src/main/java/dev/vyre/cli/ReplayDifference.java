package dev.vyre.cli;

import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.DebugLogLayout;
import dev.vyre.protocol.IoQueueLayout;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotStatus;
import java.util.Arrays;

/**
 * The first word where two replay sides differ, searched in the order: ring slot statuses (a slot's status
 * tells most), control, debug log, IO queue, data, then the ring's other words (what was published there,
 * which the interpreter never writes). Every word is compared exactly except
 * the debug log's records written since the last agreed state: PRINTF records of one epoch may land in
 * any order, so those are compared as a set, and not at all when the epoch overflowed the 64-record log
 * (which records were kept then depends on the order too). The cursor is always exact.
 *
 * @param buffer        {@code ring}, {@code control}, {@code debug log}, {@code IO queue} or {@code data}
 * @param word          the u32 word index in that buffer
 * @param backendValue  the word on the backend under test
 * @param againstValue  the word on the side it is compared against
 * @param where         what the word is, e.g. {@code slot 17 status}, {@code observable 1074}
 */
record ReplayDifference(String buffer, long word, long backendValue, long againstValue, String where) {

    /**
     * @param printfsBefore PRINTFs (debug-log cursor / 4) of the last state both sides agreed on
     * @return the first difference, or null when the states agree
     */
    static ReplayDifference first(ReplayState backend, ReplayState against, long printfsBefore) {
        ReplayDifference d = statuses(backend.ring(), against.ring());
        if (d == null) {
            d = exact("control", backend.control(), against.control(), 0);
        }
        if (d == null) {
            d = debugLog(backend.debugLog(), against.debugLog(), printfsBefore);
        }
        if (d == null) {
            d = exact("IO queue", backend.ioQueue(), against.ioQueue(), 0);
        }
        if (d == null) {
            d = exact("data", backend.data(), against.data(), 0);
        }
        if (d == null) { // words 1..15 of a slot are what was published: the interpreter never writes them
            d = exact("ring", backend.ring(), against.ring(), 0);
        }
        return d;
    }

    /** @return the first ring slot whose status word differs, or null */
    private static ReplayDifference statuses(byte[] b, byte[] a) {
        if (b.length != a.length) {
            return new ReplayDifference("ring", -1, b.length, a.length, "buffer length in bytes");
        }
        for (int w = 0; w + SlotLayout.SLOT_WORDS <= b.length / 4; w += SlotLayout.SLOT_WORDS) {
            if (word(b, w) != word(a, w)) {
                return new ReplayDifference("ring", w, Integer.toUnsignedLong(word(b, w)),
                        Integer.toUnsignedLong(word(a, w)), describe("ring", w));
            }
        }
        return null;
    }

    private static ReplayDifference exact(String buffer, byte[] b, byte[] a, int fromWord) {
        if (b.length != a.length) {
            return new ReplayDifference(buffer, -1, b.length, a.length, "buffer length in bytes");
        }
        int words = b.length / 4;
        for (int w = fromWord; w < words; w++) {
            int x = word(b, w);
            int y = word(a, w);
            if (x != y) {
                return new ReplayDifference(buffer, w, Integer.toUnsignedLong(x), Integer.toUnsignedLong(y),
                        describe(buffer, w));
            }
        }
        for (int i = words * 4; i < b.length; i++) {
            if (b[i] != a[i]) {
                return new ReplayDifference(buffer, words, b[i] & 0xFF, a[i] & 0xFF, "trailing byte " + i);
            }
        }
        return null;
    }

    private static ReplayDifference debugLog(byte[] b, byte[] a, long printfsBefore) {
        if (b.length != a.length || b.length < 4) {
            return exact("debug log", b, a, 0);
        }
        int cursorB = word(b, DebugLogLayout.CURSOR_WORD);
        int cursorA = word(a, DebugLogLayout.CURSOR_WORD);
        if (cursorB != cursorA) {
            return new ReplayDifference("debug log", 0, Integer.toUnsignedLong(cursorB), Integer.toUnsignedLong(cursorA),
                    "cursor (words reserved: 4 per PRINTF)");
        }
        int capacity = (b.length / 4 - DebugLogLayout.RECORDS_BASE) / DebugLogLayout.RECORD_WORDS;
        long printfs = Integer.toUnsignedLong(cursorB) / DebugLogLayout.RECORD_WORDS;
        int kept = (int) Math.min(capacity, printfs);
        int agreed = (int) Math.min(kept, Math.max(0, printfsBefore));
        int base = DebugLogLayout.RECORDS_BASE;
        for (int w = base; w < base + agreed * DebugLogLayout.RECORD_WORDS; w++) {
            if (word(b, w) != word(a, w)) {
                return new ReplayDifference("debug log", w, Integer.toUnsignedLong(word(b, w)),
                        Integer.toUnsignedLong(word(a, w)), describe("debug log", w));
            }
        }
        boolean overflowed = printfs - Math.max(0, printfsBefore) > kept - agreed;
        if (!overflowed && kept > agreed) {
            long[][] recB = records(b, agreed, kept);
            long[][] recA = records(a, agreed, kept);
            long[][] sortedA = sorted(recA);
            if (!Arrays.deepEquals(sorted(recB), sortedA)) {
                for (int r = 0; r < recB.length; r++) {
                    if (Arrays.binarySearch(sortedA, recB[r], ReplayDifference::compare) < 0) {
                        int w = base + (agreed + r) * DebugLogLayout.RECORD_WORDS;
                        return new ReplayDifference("debug log", w, Integer.toUnsignedLong(word(b, w)),
                                Integer.toUnsignedLong(word(a, w)), "record " + (agreed + r) + " (fmt, arg1, arg2,"
                                + " slot word base " + Arrays.toString(recB[r]) + " is not among the other side's"
                                + " records of this epoch, compared as a set)");
                    }
                }
            }
        }
        return exact("debug log", b, a, base + kept * DebugLogLayout.RECORD_WORDS);
    }

    private static long[][] records(byte[] log, int from, int to) {
        long[][] out = new long[to - from][];
        for (int r = from; r < to; r++) {
            long[] rec = new long[DebugLogLayout.RECORD_WORDS];
            for (int k = 0; k < rec.length; k++) {
                rec[k] = Integer.toUnsignedLong(word(log, DebugLogLayout.RECORDS_BASE + r * DebugLogLayout.RECORD_WORDS + k));
            }
            out[r - from] = rec;
        }
        return out;
    }

    private static long[][] sorted(long[][] records) {
        long[][] copy = records.clone();
        Arrays.sort(copy, ReplayDifference::compare);
        return copy;
    }

    private static int compare(long[] x, long[] y) {
        return Arrays.compare(x, y);
    }

    private static final java.lang.invoke.VarHandle LE =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(int[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    /** @return little-endian word {@code index} of {@code b} */
    static int word(byte[] b, int index) {
        return (int) LE.get(b, 4 * index);
    }

    /** @return what word {@code w} of {@code buffer} holds, in words */
    static String describe(String buffer, long w) {
        return switch (buffer) {
            case "ring" -> "slot " + w / SlotLayout.SLOT_WORDS + " " + slotField((int) (w % SlotLayout.SLOT_WORDS));
            case "control" -> controlWord(w);
            case "debug log" -> w == 0 ? "cursor" : "record " + (w - 1) / DebugLogLayout.RECORD_WORDS + " word "
                    + (w - 1) % DebugLogLayout.RECORD_WORDS;
            case "IO queue" -> "IO slot " + w / IoQueueLayout.IO_SLOT_WORDS + " word " + w % IoQueueLayout.IO_SLOT_WORDS;
            default -> "bytes " + 4 * w + ".." + (4 * w + 3);
        };
    }

    private static String slotField(int k) {
        return switch (k) {
            case SlotLayout.STATUS_WORD -> "status";
            case SlotLayout.OPCODE_WORD -> "opcode";
            case SlotLayout.TENANT_WORD -> "tenant";
            case SlotLayout.PRIORITY_WORD -> "priority";
            default -> "argument " + (k - SlotLayout.ARG0_WORD);
        };
    }

    private static String controlWord(long w) {
        if (w >= ControlLayout.OBSERVABLE_BASE) {
            return "observable " + (w - ControlLayout.OBSERVABLE_BASE);
        }
        int i = (int) w;
        if (i == ControlLayout.SHUTDOWN) {
            return "SHUTDOWN";
        } else if (i == ControlLayout.DONE_COUNT) {
            return "DONE_COUNT";
        } else if (i == ControlLayout.TENANT_BASE) {
            return "tenant-table pointer";
        } else if (i < ControlLayout.TENANT_QUOTA_BASE) {
            return "tenant mask " + (i - ControlLayout.TENANT_MASK_BASE);
        } else if (i < ControlLayout.TENANT_FAIRNESS_BASE) {
            return "tenant quota " + (i - ControlLayout.TENANT_QUOTA_BASE);
        } else if (i < ControlLayout.METRICS_BASE) {
            return "tenant fairness counter " + (i - ControlLayout.TENANT_FAIRNESS_BASE);
        } else if (i < ControlLayout.EPOCH) {
            return "metric of opcode " + (i - ControlLayout.METRICS_BASE);
        } else if (i == ControlLayout.EPOCH) {
            return "EPOCH";
        } else if (i < ControlLayout.PRIORITY_STARVATION_COUNTER) {
            return "priority offset " + (i - ControlLayout.PRIORITY_OFFSETS_BASE);
        } else if (i == ControlLayout.PRIORITY_STARVATION_COUNTER) {
            return "starvation counter";
        } else if (i < ControlLayout.RESERVED_BASE) {
            return "priority fairness counter " + (i - ControlLayout.PRIORITY_FAIRNESS_BASE);
        }
        return "reserved word " + i;
    }

    /** @return e.g. {@code 0x00000005 (5)}, or the status name for a ring status word */
    String value(long v) {
        String hex = String.format(java.util.Locale.ROOT, "0x%08x (%d)", v, v);
        return buffer.equals("ring") && word % SlotLayout.SLOT_WORDS == 0 ? SlotStatus.name((int) v) + " " + hex : hex;
    }
}
