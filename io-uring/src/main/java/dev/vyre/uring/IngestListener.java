package dev.vyre.uring;

/** Receives every chunk once its slot is DONE (on the pump's or the event loop's thread). */
@FunctionalInterface
public interface IngestListener {
    /** Called once per chunk, in DONE order. Must not block. */
    void onChunk(ChunkReport chunk);

    /** @return a listener that ignores chunks */
    static IngestListener none() {
        return chunk -> { };
    }
}
