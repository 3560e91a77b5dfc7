package dev.vyre.spi;

/**
 * An opened backend on one device. Thread-safe: sessions and dispatches may be used from
 * different threads. {@link #close()} closes every session it opened.
 */
public interface Backend extends AutoCloseable {

    /** @return the provider name */
    String name();

    /** @return the device it runs on */
    DeviceInfo device();

    /** @return what the device can do */
    Capabilities capabilities();

    /**
     * Starts a persistent interpreter: it runs until SHUTDOWN (opcode or control word 0) or
     * {@link PersistentSession#close()}, while the host publishes slots.
     *
     * @throws dev.vyre.protocol.PipelineException when the options do not fit the device
     */
    PersistentSession openSession(SessionOptions options);

    /**
     * One pass over a ring the host filled beforehand (vyre's {@code dispatch}): every
     * PUBLISHED, authorised slot runs once; the buffers come back.
     *
     * @throws dev.vyre.protocol.PipelineException when a buffer has the wrong shape
     */
    DispatchResult dispatch(DispatchRequest request);

    /** Releases every device resource; idempotent. */
    @Override
    void close();
}
