package dev.vyre.protocol;

/** Layout of the PRINTF debug log: a cursor word then 4-word records. */
public final class DebugLogLayout {
    /** Cursor: number of words reserved so far (+4 per PRINTF, keeps growing past capacity). */
    public static final int CURSOR_WORD = 0;
    /** First record word. */
    public static final int RECORDS_BASE = 1;
    /** Words per record: fmt id, arg1, arg2, slot word base. */
    public static final int RECORD_WORDS = 4;
    /** Records the interpreter's debug log holds. */
    public static final int RECORD_CAPACITY = 64;
    /** Words of the interpreter's debug log (257). */
    public static final int BUFFER_WORDS = RECORDS_BASE + RECORD_WORDS * RECORD_CAPACITY;
    /** Bytes of the interpreter's debug log (1028). */
    public static final int BUFFER_BYTES = BUFFER_WORDS * Integer.BYTES;

    private DebugLogLayout() {
    }
}
