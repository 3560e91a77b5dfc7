package dev.vyre.backend.reference;

import dev.vyre.api.Session;
import dev.vyre.api.SessionOptions;
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
import java.util.Map;

/**
 * A real {@link Session} on the reference backend whose interpreter loop is stepped by the caller: the driver is
 * the reference {@code ReferenceDriver} with its worker threads created but not started, and
 * {@link #interpreterPass()} runs worker 0's real pass (its scan, claim CAS, execution and run completion) on
 * the calling thread. A jcstress actor calling it is the interpreter, exactly as the worker thread would be;
 * the host actors call the Session as users do. Lives in the reference backend's package (on the class path)
 * because the driver is package-private.
 */
public final class SteppedSession implements AutoCloseable {

    private static final Vyre VYRE = Vyre.open(new Provider());
    private static final ThreadLocal<ReferenceDriver> OPENED = new ThreadLocal<>();

    private final Session session;
    private final ReferenceDriver driver;

    private SteppedSession(Session session, ReferenceDriver driver) {
        this.session = session;
        this.driver = driver;
    }

    /** Opens a session with {@code options} (use one worker: {@link #interpreterPass()} steps worker 0). */
    public static SteppedSession open(SessionOptions options) {
        Session session = VYRE.openSession(options);
        ReferenceDriver driver = OPENED.get();
        OPENED.remove();
        return new SteppedSession(session, driver);
    }

    /** @return the runtime session: the host side, as users call it */
    public Session session() {
        return session;
    }

    /**
     * One pass of the interpreter's worker 0 over its slots, on the calling thread.
     *
     * @return true when it executed a slot
     */
    public boolean interpreterPass() {
        return driver.runPass(0);
    }

    /** Closes the session (SHUTDOWN, stop, free). */
    @Override
    public void close() {
        session.close();
    }

    /** The reference backend, opening stepped drivers. */
    private static final class Provider implements BackendProvider {
        @Override
        public String name() {
            return "reference-stepped";
        }

        @Override
        public int priority() {
            return -1;
        }

        @Override
        public Probe probe() {
            return Probe.available("stepped reference interpreter", "vyre-stress");
        }

        @Override
        public Backend open() {
            ReferenceBackend reference = new ReferenceBackend(new DeviceInfo("stepped reference interpreter",
                    "vyre-stress", Map.of()));
            return new Backend() {
                @Override
                public DeviceInfo device() {
                    return reference.device();
                }

                @Override
                public Capabilities capabilities() {
                    return reference.capabilities();
                }

                @Override
                public SessionDriver openSession(SessionSpec spec) {
                    ReferenceDriver driver = ReferenceDriver.open(spec, d -> { }, false);
                    OPENED.set(driver);
                    return driver;
                }

                @Override
                public PassResult dispatch(PassRequest request) {
                    return reference.dispatch(request);
                }

                @Override
                public void close() {
                    reference.close();
                }
            };
        }
    }
}
