package dev.vyre.protocol;

/** Class of a window item, written as the second argument word. */
public enum WindowClass {
    /** Work the window needs; wire 0. */
    REQUIRED(0),
    /** Speculative work; wire 1. */
    LOOKAHEAD(1);

    private final int wire;

    WindowClass(int wire) {
        this.wire = wire;
    }

    /** @return the wire value */
    public int wire() {
        return wire;
    }
}
