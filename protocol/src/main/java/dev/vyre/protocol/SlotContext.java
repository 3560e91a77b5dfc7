package dev.vyre.protocol;

/**
 * What a custom opcode's Java body can see and touch. Every access is bounds-checked with the
 * protocol's rule: an out-of-range load returns 0, an out-of-range store or atomic does
 * nothing and returns 0. Indices are unsigned u32 word / byte indices passed as {@code long}.
 */
public interface SlotContext {

    /** @return the opcode being executed (for packed slots: the inner opcode) */
    int opcode();

    /** @return the ring slot index */
    int slot();

    /** @return the slot's tenant word */
    int tenant();

    /** @return argument word {@code i} (0..11) of the slot; for a packed inner op, its arguments for 0..2 and 0 for 3..11 */
    int arg(int i);

    /** @return control buffer length in words */
    long controlWords();

    int loadControl(long word);

    void storeControl(long word, int value);

    /** @return the previous value (0 when out of range) */
    int atomicAddControl(long word, int delta);

    /** @return the previous value (0 when out of range) */
    int compareAndSwapControl(long word, int expected, int desired);

    /** @return data buffer length in bytes (0 when the session has none) */
    long dataBytes();

    /** @return the unsigned byte at {@code offset}, 0 when out of range */
    int loadDataByte(long offset);

    /**
     * The abort flag: true once the host asked the interpreter to stop (control word 0, SHUTDOWN, is non-zero;
     * {@code Session.close()} sets it). A body that may run unbounded work (a loop waiting for a condition) must
     * poll it and return when it is set; the slot then completes as usual. A backend's context may also report
     * its own stop (the reference backend: its worker was told to stop or interrupted). Reading it is an acquire
     * load, so a loop that polls it is never hoisted.
     */
    default boolean abortRequested() {
        return loadControl(ControlLayout.SHUTDOWN) != 0;
    }
}
