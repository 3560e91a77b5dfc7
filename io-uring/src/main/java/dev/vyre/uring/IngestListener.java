package dev.vyre.uring;

/** Receives every chunk once its slot is DONE (on the pump's or the event loop's thread). */
@FunctionalInterface
public interface IngestListener {
    /** Called once per chunk, in DONE order. Must not block. */
    void onChunk(ChunkReport chunk);

    /**
     * Called on the pump's thread when a streamed source (FIFO, pipe, standard input, device) has
     * delivered nothing for a second; called again only after data arrived in between. Must not block.
     *
     * @param source the source's name, as in {@link ChunkReport#source()}
     * @param what   {@code "a writer"} for a FIFO that has delivered nothing yet, else {@code "data"}
     */
    default void onWaiting(String source, String what) {
    }

    /**
     * Called on the pump's thread for every byte range of a file or block device whose read failed
     * (one call per failed chunk), as soon as the failure is known; the pump then goes on with the
     * next chunks. Must not block.
     */
    default void onFailure(ChunkFailure failure) {
    }

    /** @return a listener that ignores chunks */
    static IngestListener none() {
        return chunk -> { };
    }
}
