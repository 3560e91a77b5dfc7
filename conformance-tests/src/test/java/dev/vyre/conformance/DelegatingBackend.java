package dev.vyre.conformance;

import dev.vyre.api.Vyre;
import dev.vyre.spi.Backend;
import dev.vyre.spi.BackendProvider;
import dev.vyre.spi.Capabilities;
import dev.vyre.spi.DeviceInfo;
import dev.vyre.spi.PassRequest;
import dev.vyre.spi.PassResult;
import dev.vyre.spi.Probe;
import dev.vyre.spi.SessionDriver;
import dev.vyre.spi.SessionSpec;
import java.util.function.UnaryOperator;

/**
 * A backend that forwards everything to another one, which it owns and closes; tests override what
 * they break and open it through the runtime with {@link #open}, as the suite opens any backend.
 */
class DelegatingBackend implements Backend {
    protected final Backend inner;

    DelegatingBackend(Backend inner) {
        this.inner = inner;
    }

    /** @return the reference backend's provider, found with {@link java.util.ServiceLoader} */
    static BackendProvider reference() {
        return Vyre.providers().stream().filter(p -> p.name().equals(ConformanceRunner.ORACLE_NAME)).findFirst()
                .orElseThrow(() -> new AssertionError("the reference backend is a test dependency of this module"));
    }

    /**
     * @return a provider called {@code name} whose {@code open()} wraps a freshly opened reference
     *         backend with {@code wrap}
     */
    static BackendProvider provider(String name, UnaryOperator<Backend> wrap) {
        BackendProvider reference = reference();
        return new BackendProvider() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public int priority() {
                return 0;
            }

            @Override
            public Probe probe() {
                return reference.probe();
            }

            @Override
            public Backend open() {
                Backend opened = reference.open();
                try {
                    return wrap.apply(opened);
                } catch (RuntimeException | Error e) {
                    opened.close();
                    throw e;
                }
            }
        };
    }

    /** @return the runtime opened on {@link #provider provider(name, wrap)} */
    static Vyre open(String name, UnaryOperator<Backend> wrap) {
        return Vyre.open(provider(name, wrap));
    }

    /** @return a backend over {@code inner} whose session drivers are wrapped with {@code wrap} */
    static Backend withDrivers(Backend inner, UnaryOperator<SessionDriver> wrap) {
        return new DelegatingBackend(inner) {
            @Override
            public SessionDriver openSession(SessionSpec spec) {
                return wrap.apply(inner.openSession(spec));
            }
        };
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
    public SessionDriver openSession(SessionSpec spec) {
        return inner.openSession(spec);
    }

    @Override
    public PassResult dispatch(PassRequest request) {
        return inner.dispatch(request);
    }

    @Override
    public void close() {
        inner.close();
    }
}
