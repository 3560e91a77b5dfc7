package dev.vyre.protocol;

import java.util.Arrays;

/**
 * One PRINTF record of the debug log, as vyre 0.6.3 decodes it.
 *
 * @param fmtId the format id (the slot's argument word 0)
 * @param args  three words: the slot's argument words 1 and 2, then the <em>slot word base</em>
 *              (slot index x 16) of the PRINTF slot, not a user argument
 */
public record DebugRecord(int fmtId, int[] args) {

    /** Copies {@code args}, which must hold exactly 3 words. */
    public DebugRecord {
        if (args == null || args.length != 3) {
            throw new IllegalArgumentException("a debug record holds exactly 3 argument words. Fix: pass "
                    + "{arg1, arg2, slotWordBase}");
        }
        args = args.clone();
    }

    /** Builds a record from its four words. */
    public DebugRecord(int fmtId, int arg1, int arg2, int slotWordBase) {
        this(fmtId, new int[] {arg1, arg2, slotWordBase});
    }

    /** @return a copy of the three argument words */
    @Override
    public int[] args() {
        return args.clone();
    }

    /** @return argument word {@code i} (0..2; word 2 is the slot word base) */
    public int arg(int i) {
        return args[i];
    }

    /** @return the word index of the PRINTF slot's first word ({@code args[2]}) */
    public int slotWordBase() {
        return args[2];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DebugRecord r && r.fmtId == fmtId && Arrays.equals(r.args, args);
    }

    @Override
    public int hashCode() {
        return 31 * fmtId + Arrays.hashCode(args);
    }

    @Override
    public String toString() {
        return "DebugRecord[fmtId=" + Integer.toUnsignedString(fmtId) + ", args=["
                + Integer.toUnsignedString(args[0]) + ", " + Integer.toUnsignedString(args[1]) + ", "
                + Integer.toUnsignedString(args[2]) + "]]";
    }
}
