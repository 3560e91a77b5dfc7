package dev.vyre.conformance;

import dev.vyre.spi.Backend;
import dev.vyre.spi.Capabilities;
import dev.vyre.spi.DeviceInfo;
import dev.vyre.spi.DispatchRequest;
import dev.vyre.spi.DispatchResult;
import dev.vyre.spi.PersistentSession;
import dev.vyre.spi.SessionOptions;

/** A backend that forwards everything to another one; tests override what they break. */
class DelegatingBackend implements Backend {
    protected final Backend inner;
    private final String name;

    DelegatingBackend(Backend inner, String name) {
        this.inner = inner;
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public DeviceInfo device() {
        return inner.device();
    }

    @Override
    public Capabilities capabilities() {
        return inner.capabilities();
    }

    @Override
    public PersistentSession openSession(SessionOptions options) {
        return inner.openSession(options);
    }

    @Override
    public DispatchResult dispatch(DispatchRequest request) {
        return inner.dispatch(request);
    }

    /** Leaves the inner backend open: its owner closes it. */
    @Override
    public void close() {
    }
}
