package dev.vyre.spi;

import org.apiguardian.api.API;

/**
 * A backend opened on one device. The runtime validates every request before it reaches these
 * methods, and closes every session it opened before it closes the backend. Sessions may be opened
 * and dispatches run from different threads.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2")
public interface Backend extends AutoCloseable {

    /** @return the device it runs on */
    DeviceInfo device();

    /** @return what the device can do; the same on every call */
    Capabilities capabilities();

    /**
     * Starts a persistent interpreter over new buffers. Called only when
     * {@link Capabilities#persistent()} is true.
     *
     * @throws dev.vyre.protocol.BackendException when the device cannot run it (out of memory, a body
     *         that does not compile, ...)
     */
    SessionDriver openSession(SessionSpec spec);

    /**
     * Runs one pass over a ring filled beforehand: every PUBLISHED, authorised slot runs once.
     *
     * @throws dev.vyre.protocol.BackendException when the device fails
     */
    PassResult dispatch(PassRequest request);

    /** Releases every device resource; idempotent. */
    @Override
    void close();
}
