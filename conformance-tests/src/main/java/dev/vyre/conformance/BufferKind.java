package dev.vyre.conformance;

/** The protocol buffers a conformance case compares. */
public enum BufferKind {
    /** Control buffer (binding 0). */
    CONTROL,
    /** Ring of 64-byte slots. */
    RING,
    /** PRINTF debug log. */
    DEBUG_LOG,
    /** IO queue of 32-byte slots. */
    IO_QUEUE,
    /** Data buffer (binding 4). */
    DATA
}
